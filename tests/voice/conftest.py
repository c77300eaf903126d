"""Voice interviews: the app is pointed at a fake OpenAI-compatible speech server on
127.0.0.1 (tests/voice/fake_speech.py) and recordings are made with espeak-ng and ffmpeg."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from hireloop.config import Settings
from tests.voice.fake_speech import FakeSpeech
from tests.voice.recordings import Recordings, make_recordings, tools_missing


@pytest.fixture(scope="session")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Recordings:
    missing = tools_missing()
    # CI installs them (.ci/run); a machine without them cannot make the recordings.
    assert not missing, f"install {', '.join(missing)} (apt-get install espeak-ng sox ffmpeg)"
    return make_recordings(tmp_path_factory.mktemp("recordings"))


@pytest.fixture
def fake_speech() -> Iterator[FakeSpeech]:
    with FakeSpeech().running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake_speech: FakeSpeech) -> Settings:
    return settings.model_copy(
        update={
            "speech_provider": "openai",
            "speech_base_url": fake_speech.base_url,
            "speech_api_key": SecretStr("sk-speech-test"),
            "speech_timeout_seconds": 5.0,
        }
    )


def audio_files(settings: Settings) -> list[Path]:
    directory = settings.audio_directory
    return sorted(p for p in directory.iterdir()) if directory.exists() else []
