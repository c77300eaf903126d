"""Property-based fuzzing of every API operation against the app's own OpenAPI schema.

Schemathesis generates valid and invalid requests for each operation (a bounded,
derandomized number per operation, so runs are repeatable) and sends them in-process,
signed in as a candidate. Path ids are drawn partly from real rows (the caller's own and
other users' jobs, applications, interviews, resumes, users) so that the code behind the
404/403 checks runs too. Every response must: not be a 5xx, use a status code the
operation documents, match the documented schema and content type.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hireloop.config import Settings
from hireloop.db import create_engine
from hireloop.main import create_app
from tests.conftest import _empty_tables
from tests.factories import auth
from tests.security.world import World, build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
SESSION_ENDING = ("/auth/logout", "/auth/logout-everywhere", "/auth/password")
EXAMPLES_PER_OPERATION = 15  # x2 modes x each operation: well under a minute


async def _seed(app_settings: Settings) -> World:
    seeder = create_app(app_settings)
    async with seeder.router.lifespan_context(seeder):
        transport = ASGITransport(app=seeder)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            return await build_world(client, seeder)


async def _empty(app_settings: Settings) -> None:
    engine = create_engine(app_settings)
    try:
        await _empty_tables(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def fuzz_target(settings: Settings) -> Iterator[tuple[FastAPI, World]]:
    # Limits high enough that the fuzzer reaches the code behind them (they have own tests).
    fuzz_settings = settings.model_copy(
        update={"interview_start_limit": 100_000, "answer_limit": 100_000}
    )
    world = asyncio.run(_seed(fuzz_settings))
    app = create_app(fuzz_settings)
    try:
        yield app, world
    finally:
        asgi.shutdown_lifespans()  # the lifespan schemathesis started for this app
        asyncio.run(_empty(fuzz_settings))


@pytest.fixture
def api_schema(fuzz_target: tuple[FastAPI, World]) -> Any:
    app, world = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    pools: dict[str, list[str]] = {}
    for group in (world.jobs, world.applications, world.interviews, world.resumes, world.users):
        for target in group:
            for name, value in target.params.items():
                pools.setdefault(name, []).append(value)

    @schema.hook
    def flatmap_path_parameters(_context: Any, path_parameters: dict[str, Any] | None) -> Any:
        if not path_parameters:
            return st.just(path_parameters)
        # Keep the generated value as one choice, add the real ids as the others.
        return st.fixed_dictionaries(
            {
                name: st.sampled_from([value, *pools.get(name, [])])
                for name, value in path_parameters.items()
            }
        )

    return schema


def test_every_operation_conforms_to_its_schema(
    fuzz_target: tuple[FastAPI, World], api_schema: Any
) -> None:
    """One test over all operations (they share the seeded world); every failure is
    collected and reported together, labelled with its operation and generation mode."""
    _, world = fuzz_target
    headers = auth(world.tokens["cand_a"])
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # Operations that end an object's life (withdraw, abandon, close, ...) go last, so the
    # others still meet the world's in-progress interview and open applications; those
    # that end the caller's session (logout, a new password) after everything else.
    operations.sort(
        key=lambda op: (
            op.path.endswith(SESSION_ENDING),
            op.method.upper() != "GET" and "}/" in op.path,
        )
    )
    assert len(operations) > 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            seen = statuses.setdefault(operation.label, set())
            try:
                _fuzz(operation, mode, headers, seen)
            except Unsatisfiable:
                continue  # nothing to make invalid (an operation without parameters)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
    # The real ids reached the code behind the checks: owners' reads succeeded.
    for label in (
        "GET /api/v1/interviews/{interview_id}",
        "GET /api/v1/applications/{application_id}",
        "GET /api/v1/job-postings/{job_id}",
    ):
        assert 200 in statuses.get(label, set()), (label, statuses.get(label))


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], seen: set[int]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report, don't minimise
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.add(response.status_code)

    check()
