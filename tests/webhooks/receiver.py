"""A real webhook receiver on 127.0.0.1 (an HTTP server in a thread), scripted per test:
answer with a status, redirect, hang, or stream an endless body. It records every
request it gets (headers and body)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Step:
    """One scripted answer: ``status``; ``location`` (a redirect); ``hang`` seconds
    before answering; ``stream_bytes`` of body, streamed in chunks."""

    status: int = 200
    location: str | None = None
    hang: float = 0.0
    stream_bytes: int = 0


@dataclass
class Receiver:
    host: str = "127.0.0.1"
    script: list[Step] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    streamed: int = 0  # body bytes actually written by the last streaming answer
    delay: float = 0.0  # every answer waits this long (a slow receiver)
    # Every answer waits until this many requests are in at once (a receiver that only
    # answers when a whole batch arrived together); 503 if they never do.
    together: threading.Barrier | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}/hooks"

    def ids(self) -> list[str]:
        with self._lock:
            return [request.webhook_id for request in self.received]

    def next_step(self, request: Received) -> Step:
        with self._lock:
            self.received.append(request)
            return self.script.pop(0) if self.script else Step()

    @contextlib.contextmanager
    def running(self) -> Iterator[Receiver]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                step = receiver.next_step(Received(self.path, headers, body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.together is not None:
                    try:
                        receiver.together.wait()
                    except threading.BrokenBarrierError:
                        step = Step(503)
                if step.hang:
                    time.sleep(step.hang)
                self.send_response(step.status)
                if step.location:
                    self.send_header("Location", step.location)
                if step.stream_bytes:
                    self.send_header("Content-Length", str(step.stream_bytes))
                    self.end_headers()
                    self._stream(step.stream_bytes)
                    return
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def _stream(self, total: int) -> None:
                chunk = b"x" * 65536
                receiver.streamed = 0
                try:
                    while receiver.streamed < total:
                        self.wfile.write(chunk)
                        receiver.streamed += len(chunk)
                except OSError:  # the client hung up: what this test wants to see
                    return

        server = _Server((self.host, 0), Handler)
        server.daemon_threads = True
        self._server = server
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a batch's connections arrive at once


@contextlib.contextmanager
def receiver(host: str = "127.0.0.1") -> Iterator[Receiver]:
    with Receiver(host=host).running() as running:
        yield running
