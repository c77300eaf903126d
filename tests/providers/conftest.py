"""Interviews with a language model: the app is configured for the OpenAI provider and
pointed at a scripted OpenAI-compatible server on 127.0.0.1 (tests/providers/fake_openai.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from hireloop.config import Settings
from tests.providers.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI().running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake_openai: FakeOpenAI) -> Settings:
    # A short backoff keeps failure scenarios quick; tests that need other values (a
    # short timeout, another model) change them before their first request.
    return settings.model_copy(
        update={
            "ai_provider": "openai",
            "ai_base_url": fake_openai.base_url,
            "ai_api_key": SecretStr("sk-test-key"),
            "ai_model": "gpt-4o-mini",
            "ai_timeout_seconds": 10.0,  # generous: a loaded CI box must not time out
            "ai_max_retries": 2,
            "ai_backoff_seconds": 0.01,
            "ai_backoff_max_seconds": 0.05,
            "ai_retry_budget_seconds": 60.0,
            "ai_turn_budget_seconds": 60.0,
            # Scenario tests count every failure; the breaker has tests of its own.
            "ai_breaker_failures": 100,
        }
    )
