"""Webhooks: how fast two workers deliver, and what an event adds to the request causing it.

1. Delivery: N events queued for one endpoint, a local receiver on 127.0.0.1 and two
   ``hireloop worker`` processes; events per second until the receiver has them all,
   beside the same receiver driven by plain HTTP POSTs (a new connection each, as a
   delivery makes, same concurrency) in the same run.
2. Added latency: a real server (its in-server worker on), candidates applying to jobs
   (each application emits ``application.created``) in alternating rounds with the
   endpoint switched off and on; the median over rounds of the p50 ratio on/off
   (target <= 1.1).

    python -m bench.webhooks                  # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.webhooks
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid

import httpx

from bench.harness import PASSWORD, ROOT, database_url, headers, register, server_process

ALLOW_LOCAL = {"HIRELOOP_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1"}


class Receiver:
    """A minimal HTTP/1.1 receiver on asyncio: reads each request, answers 200, counts
    the distinct ``webhook-id`` values (and every request)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.requests = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                fields = dict(
                    line.split(":", 1)
                    for line in head.decode("latin-1").split("\r\n")[1:]
                    if ":" in line
                )
                lowered = {name.strip().lower(): value.strip() for name, value in fields.items()}
                await reader.readexactly(int(lowered.get("content-length", "0")))
                self.requests += 1
                if "webhook-id" in lowered:
                    self.ids.add(lowered["webhook-id"])
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()


def _env(db_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "HIRELOOP_DATA_DIR": data_dir,
        "HIRELOOP_LOG_LEVEL": "WARNING",
        "HIRELOOP_OUTBOX_POLL_SECONDS": "0.2",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT)])),
        **ALLOW_LOCAL,
    }


async def _queue_events(db_url: str, url: str, count: int) -> None:
    from hireloop.config import Settings
    from hireloop.db import create_engine, create_sessionmaker
    from hireloop.outbox import emit, load_channels
    from hireloop.webhooks.models import WebhookEndpoint, WebhookSubscription
    from hireloop.webhooks.signing import new_secret

    load_channels()
    engine = create_engine(Settings(database_url=db_url))
    try:
        async with create_sessionmaker(engine)() as session:
            endpoint = WebhookEndpoint(
                id=uuid.uuid4(), url=url, description="", secret=new_secret(), enabled=True
            )
            endpoint.subscriptions = [WebhookSubscription(event_type="bench.event")]
            endpoint.failure_streak = 0
            session.add(endpoint)
            await session.flush()
            for number in range(count):
                await emit(session, "bench.event", {"number": number})
            await session.commit()
    finally:
        await engine.dispose()


async def _baseline_rate(url: str, count: int, concurrency: int) -> float:
    """Plain POSTs to the receiver, a new client (connection) per request."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(count):
        queue.put_nowait(number)

    tls = httpx.create_ssl_context()  # built once, as the worker does

    async def worker() -> None:
        while not queue.empty():
            number = queue.get_nowait()
            async with httpx.AsyncClient(timeout=30, verify=tls) as client:
                response = await client.post(url, content=b'{"n":%d}' % number)
                response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def delivery_rate(db_url: str, events: int) -> None:
    import tempfile

    data_dir = tempfile.mkdtemp(prefix="hireloop-bench-data-")
    env = _env(db_url, data_dir)
    subprocess.run([sys.executable, "-m", "hireloop.cli", "migrate"], env=env, check=True)  # noqa: ASYNC221
    receiver = Receiver()
    await receiver.start()
    workers = [
        subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "hireloop.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        await asyncio.sleep(8)  # both workers up and polling
        clock = time.perf_counter()
        await _queue_events(db_url, receiver.url, events)
        queued = time.perf_counter() - clock
        clock = time.perf_counter()
        while len(receiver.ids) < events:
            if any(worker.poll() is not None for worker in workers):
                raise RuntimeError("a worker exited")
            await asyncio.sleep(0.05)
        seconds = time.perf_counter() - clock
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
    rate = events / seconds
    requests = receiver.requests
    concurrency = 2 * 20  # two workers, a batch of 20 each (HIRELOOP_OUTBOX_BATCH_SIZE)
    baseline = await _baseline_rate(receiver.url, min(events, 1000), concurrency)
    await receiver.close()
    print(f"events queued: {events} in {queued:.2f} s (one transaction)")
    print(f"delivered by 2 workers:   {rate:8.1f} events/s ({requests} requests)")
    print(f"plain POSTs, same receiver:{baseline:8.1f} req/s (concurrency {concurrency})")
    print(f"ratio delivered/plain:    {rate / baseline:8.2f}")


async def _admin_token(base: str, env: dict[str, str]) -> str:
    email = f"bench-admin-{uuid.uuid4().hex[:6]}@example.com"
    subprocess.run(  # noqa: ASYNC221
        [sys.executable, "-m", "hireloop.cli", "create-user", "--email", email, "--name",
         "Bench Admin", "--role", "admin", "--password-stdin"],
        env=env, input=PASSWORD.encode(), check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        return str(login.json()["access_token"])


async def added_latency(
    db_url: str, rounds: int, candidates: int, concurrency: int, *, server_worker: bool = True
) -> None:
    receiver = Receiver()
    await receiver.start()
    extra = {**ALLOW_LOCAL, "HIRELOOP_OUTBOX_WORKER_IN_SERVER": str(server_worker).lower()}
    print(f"in-server worker: {'on (delivers meanwhile)' if server_worker else 'off'}")
    with server_process(db_url, extra_env=extra) as (base, _process):
        env = {**os.environ, "DATABASE_URL": db_url, "HIRELOOP_LOG_LEVEL": "WARNING"}
        admin = await _admin_token(base, env)
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            created = await client.post(
                "/api/v1/admin/webhooks",
                json={"url": receiver.url, "events": ["application.created"]},
                headers=headers(admin),
            )
            created.raise_for_status()
            endpoint = created.json()["id"]
            jobs = (await client.get("/api/v1/job-postings", params={"limit": 100})).json()
            tokens = [await register(client, i) for i in range(candidates)]
            pairs = [(t, j["id"]) for t in tokens for j in jobs["items"]]
            size = len(pairs) // (rounds + 1)
            ratios: list[float] = []
            p50: dict[bool, list[float]] = {True: [], False: []}
            for index in range(rounds + 1):
                chunk = pairs[index * size : (index + 1) * size]
                half = len(chunk) // 2
                order = (False, True) if index % 2 == 0 else (True, False)
                medians: dict[bool, float] = {}
                for position, enabled in enumerate(order):
                    switched = await client.patch(
                        f"/api/v1/admin/webhooks/{endpoint}",
                        json={"enabled": enabled},
                        headers=headers(admin),
                    )
                    switched.raise_for_status()
                    part = chunk[position * half : (position + 1) * half]
                    medians[enabled] = await _apply_p50(client, part, concurrency)
                if index == 0:
                    continue  # warm-up round
                ratios.append(medians[True] / medians[False])
                for enabled, value in medians.items():
                    p50[enabled].append(value)
    await receiver.close()
    print(f"applications: {size * rounds} in {rounds} rounds, concurrency {concurrency}")
    print(f"apply p50, no endpoint:        {statistics.median(p50[False]) * 1000:7.1f} ms")
    print(f"apply p50, endpoint listening: {statistics.median(p50[True]) * 1000:7.1f} ms")
    print(
        f"ratio with/without webhook:    {statistics.median(ratios):7.2f}   (target <= 1.10; "
        f"median of {rounds} rounds, min {min(ratios):.2f}, max {max(ratios):.2f})"
    )
    print("rounds (with/without): " + " ".join(f"{ratio:.2f}" for ratio in ratios))
    print(f"events received: {len(receiver.ids)}")


async def _apply_p50(
    client: httpx.AsyncClient, pairs: list[tuple[str, str]], concurrency: int
) -> float:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for pair in pairs:
        queue.put_nowait(pair)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            token, job_id = queue.get_nowait()
            clock = time.perf_counter()
            response = await client.post(
                "/api/v1/applications", json={"job_posting_id": job_id}, headers=headers(token)
            )
            latencies.append(time.perf_counter() - clock)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text[:200]}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statistics.median(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--candidates", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", choices=("delivery", "latency"))
    parser.add_argument(
        "--no-server-worker",
        action="store_true",
        help="latency: the server only writes the events (a `hireloop worker` would send them)",
    )
    args = parser.parse_args()
    if args.only != "latency":
        # The database is made before the loop starts (PostgreSQL: its own asyncio.run).
        asyncio.run(delivery_rate(database_url("hireloop_bench_webhooks"), args.events))
    if args.only != "delivery":
        asyncio.run(
            added_latency(
                database_url("hireloop_bench_webhook_latency"),
                args.rounds,
                args.candidates,
                args.concurrency,
                server_worker=not args.no_server_worker,
            )
        )


if __name__ == "__main__":
    main()
