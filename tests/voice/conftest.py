"""Voice interviews: the app is pointed at a fake OpenAI-compatible speech server on
127.0.0.1 (tests/voice/fake_speech.py) and recordings are made with espeak-ng and ffmpeg."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from hireloop.config import Settings
from tests.voice.fake_speech import FakeSpeech
from tests.voice.recordings import (
    Recordings,
    make_format,
    make_recordings,
    speak,
    tools_missing,
    wav_seconds,
)


@pytest.fixture(scope="session")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Recordings:
    missing = tools_missing()
    # CI installs them (.ci/run); a machine without them cannot make the recordings.
    assert not missing, f"install {', '.join(missing)} (apt-get install espeak-ng sox ffmpeg)"
    return make_recordings(tmp_path_factory.mktemp("recordings"))


class Formats:
    """The spoken sentence in each of recordings.FORMATS, made when first asked for: once
    (``short``, about 3 s) and said three times (``long``, about 9.5 s)."""

    def __init__(self, directory: Path) -> None:
        self.short_wav = speak(directory)
        self.long_wav = speak(directory, repeat=2)
        self.short_seconds = wav_seconds(self.short_wav)
        self.long_seconds = wav_seconds(self.long_wav)

    @functools.cache  # noqa: B019 - one instance per test session
    def short(self, name: str) -> bytes:
        return make_format(self.short_wav, name)

    @functools.cache  # noqa: B019 - one instance per test session
    def long(self, name: str) -> bytes:
        return make_format(self.long_wav, name)


@pytest.fixture(scope="session")
def formats(recordings: Recordings, tmp_path_factory: pytest.TempPathFactory) -> Formats:
    return Formats(tmp_path_factory.mktemp("formats"))


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
