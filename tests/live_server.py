"""Real ``uvicorn`` server processes on 127.0.0.1 for tests that need them."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
# How long a server may take to start: Python, the app and its knowledge packs load in a few
# seconds alone, but on a loaded 2-core CI machine (load 11-15, several servers starting at
# once) a minute was not always enough. A server that dies stops the wait at once.
READY_BUDGET_SECONDS = 180.0
# Test hook: the server process sleeps this long before it starts (a slow machine).
STARTUP_DELAY_ENV = "LIVE_SERVER_STARTUP_DELAY"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(database_url: str, data_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRELOOP_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "HIRELOOP_DATA_DIR": data_dir,
            "HIRELOOP_JWT_SECRET": TEST_SECRET,
            "HIRELOOP_ENVIRONMENT": "test",
            "HIRELOOP_LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


@contextlib.contextmanager
def live_server(
    env: dict[str, str], port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serves the app from an already-migrated database; yields (base_url, process).

    The listening socket is bound here and handed to the server process, so the port is
    this server's from the moment it is chosen: another test's server started meanwhile
    can never take it and answer in its place. The server says "ready" on a pipe once its
    start-up is complete, so the wait needs no polling guesswork (see wait_ready). The
    server's output goes to a log file in its data directory, printed when the block fails.
    """
    data_dir = Path(env["HIRELOOP_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    ready_read, ready_write = os.pipe()
    with _listening_socket(port or 0) as listener:
        port = int(listener.getsockname()[1])
        log_path = data_dir / f"server-{port}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, __file__, str(listener.fileno()), str(ready_write)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(), ready_write),
            )
    # Only the server holds the socket and the pipe's writing end now: once it dies,
    # connections are refused and the pipe reads as closed.
    os.close(ready_write)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, ready_fd=ready_read)
        yield base, process
    except Exception:
        print(f"--- server log ({log_path}), last lines ---", file=sys.stderr)
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
        raise
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _listening_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart on the same port
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


def _serve_on_inherited_socket(fd: int, ready_fd: int) -> None:
    """The server process: uvicorn on the socket that live_server bound; writes "ready"
    to ``ready_fd`` once the app's start-up (lifespan) has completed and it listens."""
    import asyncio

    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                os.write(ready_fd, b"ready\n")
                os.close(ready_fd)

    delay = float(os.environ.get(STARTUP_DELAY_ENV, "0"))
    if delay:
        asyncio.run(asyncio.sleep(delay))
    config = uvicorn.Config(
        "hireloop.main:create_app", factory=True, log_level="warning", proxy_headers=False
    )
    AnnouncingServer(config).run(sockets=[socket.socket(fileno=fd)])


def wait_ready(
    base: str,
    process: subprocess.Popen[bytes],
    timeout: float = READY_BUDGET_SECONDS,
    ready_fd: int | None = None,
) -> None:
    """Waits for the server's own "ready" (when it has a ``ready_fd``), then for /readyz
    (the database answers); fails as soon as the process exits. Takes ``ready_fd``."""
    deadline = time.monotonic() + timeout

    def exited() -> None:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")

    if ready_fd is not None:
        with os.fdopen(ready_fd, "rb", buffering=0) as ready:
            while True:
                exited()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"server did not become ready in {timeout:.0f} s")
                readable, _, _ = select.select([ready], [], [], min(1.0, remaining))
                if not readable:
                    continue
                if ready.readline().startswith(b"ready"):
                    break
                # Closed without a word: the process is on its way out.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
                exited()
                raise RuntimeError("server closed its readiness pipe without becoming ready")
    while True:
        exited()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError(f"server did not become ready in {timeout:.0f} s")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=min(10.0, remaining)).status_code == 200:
                return
        time.sleep(0.2)


class TcpProxy:
    """A loopback TCP forwarder that tests can cut and restore, to simulate a database
    that is briefly unreachable without touching the real server."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and drop the open ones."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


if __name__ == "__main__":
    _serve_on_inherited_socket(int(sys.argv[1]), int(sys.argv[2]))
