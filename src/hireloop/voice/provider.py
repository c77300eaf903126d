"""The speech server: any server speaking the OpenAI audio API (OpenAI, Speaches /
faster-whisper, Kokoro-FastAPI, LocalAI, vLLM), through the official ``openai`` client.

``transcribe`` sends a recording to ``/v1/audio/transcriptions``; ``speak`` streams a
question's audio from ``/v1/audio/speech`` as it arrives. Every failure of the server
(refused, timed out, an error status, an unusable reply) becomes ``SpeechUnavailable``,
a 503 whose message lets the candidate retry or type.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, Protocol

import httpx
import openai
import structlog

from hireloop.config import Settings
from hireloop.errors import Conflict, ServiceUnavailable

log = structlog.get_logger(__name__)

SPEECH_FORMAT: Final = "mp3"
SPEECH_CONTENT_TYPE = "audio/mpeg"
_CHUNK = 4096


class SpeechUnavailable(ServiceUnavailable):
    code = "speech_unavailable"


class VoiceNotOffered(Conflict):
    """Voice is not offered here (no speech server, or a text-only job): not an outage to
    retry, so a 409, where a speech server that fails is a 503."""

    code = "voice_not_offered"


@dataclass(frozen=True)
class Transcript:
    text: str
    seconds: float  # how long the server took


class SpeechProvider(Protocol):
    async def transcribe(self, data: bytes, file_name: str, content_type: str) -> Transcript: ...

    def speak(self, text: str) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class OpenAISpeech:
    """``SpeechProvider`` on the ``openai`` client's audio APIs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        key = settings.speech_api_key.get_secret_value() if settings.speech_api_key else None
        self.client = self._client(key, settings.speech_base_url)
        # Transcription may live on a server of its own (speech-only servers such as
        # Kokoro-FastAPI; transcription-only ones such as vLLM).
        other = settings.speech_transcription_base_url
        self.transcriber = self._client(key, other) if other else self.client

    def _client(self, key: str | None, base_url: str | None) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=key or "not-needed",
            base_url=base_url,
            timeout=self.settings.speech_timeout_seconds,
            max_retries=1,
        )

    async def transcribe(self, data: bytes, file_name: str, content_type: str) -> Transcript:
        started = time.monotonic()
        language = self.settings.speech_language
        try:
            reply = await self.transcriber.audio.transcriptions.create(
                file=(file_name, data, content_type),
                model=self.settings.speech_transcription_model,
                response_format="json",
                language=language if language else openai.omit,
            )
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise _unavailable("transcribe", exc) from None
        # JSON was asked for: a bare string is a server that ignored it (an HTML error
        # page, a proxy's text), never taken for the candidate's words.
        text = None if isinstance(reply, str) else getattr(reply, "text", None)
        if not isinstance(text, str):
            log.warning("speech_server_unusable_reply", action="transcribe")
            raise SpeechUnavailable(_SORRY, headers={"Retry-After": "2"})
        return Transcript(text=text.strip(), seconds=time.monotonic() - started)

    async def speak(self, text: str) -> AsyncIterator[bytes]:
        try:
            async with self.client.audio.speech.with_streaming_response.create(
                model=self.settings.speech_model,
                voice=self.settings.speech_voice,
                input=text,
                response_format=SPEECH_FORMAT,
            ) as response:
                async for chunk in response.iter_bytes(_CHUNK):
                    yield chunk
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise _unavailable("speak", exc) from None

    async def aclose(self) -> None:
        await self.client.close()
        if self.transcriber is not self.client:
            await self.transcriber.close()


_SORRY = (
    "The speech service is not answering right now. Nothing was lost: try again in a "
    "moment, or type your answer instead."
)


def _unavailable(action: str, exc: Exception) -> SpeechUnavailable:
    status = getattr(exc, "status_code", None)
    log.warning("speech_server_failed", action=action, error=type(exc).__name__, status=status)
    return SpeechUnavailable(_SORRY, headers={"Retry-After": "2"})


_providers: dict[str, SpeechProvider] = {}


def _key(settings: Settings) -> str:
    names = {name for name in type(settings).model_fields if name.startswith("speech_")}
    secret = settings.speech_api_key.get_secret_value() if settings.speech_api_key else ""
    return f"{settings.model_dump_json(include=names)}|{secret}"


def speech_provider(settings: Settings) -> SpeechProvider:
    """The configured speech server's client, shared per configuration; 409 when none."""
    if not settings.speech_enabled:
        raise VoiceNotOffered(
            "Voice answers are not available on this server. Type your answer instead."
        )
    key = _key(settings)
    provider = _providers.get(key)
    if provider is None:
        provider = _providers[key] = OpenAISpeech(settings)
    return provider


async def close_speech_providers() -> None:
    providers = list(_providers.values())
    _providers.clear()
    for provider in providers:
        await provider.aclose()
