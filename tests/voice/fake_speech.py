"""A small OpenAI-compatible speech server for tests, on 127.0.0.1.

``/v1/audio/transcriptions`` answers with ``transcript`` (or what ``script`` says for a
call), ``/v1/audio/speech`` streams a valid silent MP3 in chunks. It runs in its own
thread (uvicorn + Starlette), records every call, and can misbehave on demand: an error
status, a reply slower than the client's timeout, an unusable body.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.loopback_server import serving

# One MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz) of silence: 417 bytes, 26 ms.
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)


@dataclass
class SpeechCall:
    path: str
    form: dict[str, str] = field(default_factory=dict)
    audio: bytes = b""
    audio_type: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0  # when the reply (or, streamed, its last byte) left


@dataclass
class SpeechReply:
    status: int = 200
    text: str | None = None  # a transcription's text (None: the server's transcript)
    delay: float = 0.0
    raw_body: str | None = None  # misbehaviour: this body instead of the API's JSON
    frames: int = 40  # a spoken reply's length, in MP3 frames
    chunk_frames: int = 8
    chunk_delay: float = 0.0


SpeechScript = Callable[[SpeechCall], SpeechReply]


class FakeSpeech:
    def __init__(self, transcript: str = "I would use a queue and retry failed jobs.") -> None:
        self.transcript = transcript
        self.script: SpeechScript = lambda _call: SpeechReply()
        self.calls: list[SpeechCall] = []
        self._lock = threading.Lock()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def calls_to(self, path: str) -> list[SpeechCall]:
        return [c for c in self.calls if c.path.endswith(path)]

    def fail_next(self, count: int, reply: SpeechReply) -> None:
        """The next ``count`` transcriptions get ``reply``; the rest the usual answer."""
        remaining = [count]
        previous = self.script

        def script(call: SpeechCall) -> SpeechReply:
            if call.path.endswith("transcriptions") and remaining[0] > 0:
                remaining[0] -= 1
                return reply
            return previous(call)

        self.script = script

    def _record(self, call: SpeechCall) -> SpeechReply:
        with self._lock:
            self.calls.append(call)
        return self.script(call)

    async def _transcribe(self, request: Request) -> Response:
        call = SpeechCall(path=request.url.path, headers=dict(request.headers))
        call.started = time.monotonic()
        form = await request.form()
        for key, value in form.items():
            if isinstance(value, str):
                call.form[key] = value
            else:
                call.audio = await value.read()
                call.audio_type = value.content_type or ""
        reply = self._record(call)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        call.finished = time.monotonic()
        if reply.raw_body is not None:
            return Response(reply.raw_body, status_code=reply.status, media_type="text/html")
        if reply.status != 200:
            error = {"error": {"message": "speech server error", "type": "server_error"}}
            return JSONResponse(error, status_code=reply.status)
        text = self.transcript if reply.text is None else reply.text
        return JSONResponse({"text": text})

    async def _speak(self, request: Request) -> Response:
        call = SpeechCall(path=request.url.path, headers=dict(request.headers))
        call.started = time.monotonic()
        call.body = await request.json()
        reply = self._record(call)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            call.finished = time.monotonic()
            error = {"error": {"message": "speech server error", "type": "server_error"}}
            return JSONResponse(error, status_code=reply.status)
        return StreamingResponse(self._frames(call, reply), media_type="audio/mpeg")

    async def _frames(self, call: SpeechCall, reply: SpeechReply) -> AsyncIterator[bytes]:
        for start in range(0, reply.frames, reply.chunk_frames):
            if start and reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
            yield MP3_FRAME * min(reply.chunk_frames, reply.frames - start)
        call.finished = time.monotonic()

    @contextmanager
    def running(self) -> Iterator[FakeSpeech]:
        app = Starlette(
            routes=[
                Route("/v1/audio/transcriptions", self._transcribe, methods=["POST"]),
                Route("/v1/audio/speech", self._speak, methods=["POST"]),
            ]
        )
        with serving(app, "fake speech server") as port:
            self.port = port
            yield self
