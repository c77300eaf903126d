"""Outbound requests to addresses admins typed in, made safe for the server's network.

A webhook URL is someone else's server, but the request leaves from ours: without care it
reaches the cloud metadata service, the database or an admin panel on localhost (SSRF).
So a URL must be http(s) without credentials; its host is resolved and EVERY address it
resolves to must be public (not private, loopback, link-local, multicast, reserved or
unspecified; IPv4-mapped IPv6 judged as the IPv4 address) unless the operator's
``HIRELOOP_WEBHOOK_ALLOWED_NETWORKS`` lists it. The request then goes to the address that
was checked (the URL is rewritten to the IP; Host and TLS server name stay the original
host), so DNS cannot answer differently between the check and the connect. Redirects are
not followed, the response body is read up to a cap, and the whole exchange has a
deadline.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

import httpx

from hireloop.config import Settings

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
MAX_URL_LENGTH = 2000


class UnsafeURL(ValueError):
    """A URL the server refuses to call; the message says why, in plain words."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect, and the names to present there."""

    url: str
    scheme: str
    host: str  # as written (the Host header and TLS server name)
    port: int
    address: Address  # the checked address the request goes to
    path: str  # path and query

    @property
    def origin(self) -> tuple[str, str, Address, int]:
        """What a connection is good for: it was made to this address, and its TLS
        session checked this host name, so only requests with the same may reuse it."""
        return (self.scheme, self.host, self.address, self.port)


@dataclass(frozen=True)
class Response:
    status_code: int
    body_excerpt: str  # the start of what the receiver said (for the delivery log)
    latency_ms: int
    retry_after: float | None  # the Retry-After header, in seconds, when it gave one


def _unwrapped(address: Address) -> Address:
    if isinstance(address, IPv6Address):
        for embedded in (address.ipv4_mapped, address.sixtofour):
            if embedded is not None:
                return embedded
        if address.teredo is not None:
            return address.teredo[1]
    return address


def is_public(address: Address) -> bool:
    address = _unwrapped(address)
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def permitted(address: Address, allowed: list[Network]) -> bool:
    """Public, or in the operator's allow-list (an IPv4-mapped address, which reaches the
    IPv4 host itself, also as that address; 6to4 and Teredo ones do not)."""
    candidates: set[Address] = {address}
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        candidates.add(address.ipv4_mapped)
    if any(item in network for item in candidates for network in allowed):
        return True
    return is_public(address)


def parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an acceptable URL (no network access)."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(character.isspace() or ord(character) < 32 for character in url):
        raise UnsafeURL("the URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"the URL cannot be read: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL("the URL must start with http:// or https://")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL("the URL must not contain a user name or password")
    host = parts.hostname
    if not host:
        raise UnsafeURL("the URL has no host name")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


async def resolve(url: str, allowed: list[Network]) -> Target:
    """Check ``url`` and the addresses its host has now; the one to connect to."""
    scheme, host, port, path = parse(url)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(f"the host {host!r} cannot be resolved") from None
    addresses = [ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeURL(f"the host {host!r} cannot be resolved")
    for address in addresses:
        if not permitted(address, allowed):
            raise UnsafeURL(
                f"the host {host!r} is at {address}, a private, loopback, link-local or "
                "otherwise non-public address; webhooks may only reach public addresses "
                "(an operator can allow networks with HIRELOOP_WEBHOOK_ALLOWED_NETWORKS)"
            )
    return Target(url, scheme, host, port, addresses[0], path)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every request: building one (loading the CA bundle)
    costs more CPU than a local delivery."""
    return httpx.create_ssl_context()


def _pinned_url(target: Target) -> str:
    literal = f"[{target.address}]" if target.address.version == 6 else str(target.address)
    return f"{target.scheme}://{literal}:{target.port}{target.path}"


def client(settings: Settings) -> httpx.AsyncClient:
    """A client for webhook requests (use as ``async with``): no redirects, no proxy or
    netrc from the environment, the shared TLS context. Share one only among requests to
    one ``Target.origin``: requests go to a pinned IP, and a pooled connection carries the
    TLS server name it was opened with."""
    # As many connections as a batch has messages: an attempt never waits in the pool for
    # another one's slow receiver (its deadline covers the wait too).
    connections = settings.outbox_batch_size
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        follow_redirects=False,
        trust_env=False,
        verify=_tls_context(),
    )


async def post(
    client: httpx.AsyncClient,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    settings: Settings,
) -> Response:
    """POST ``body`` to the checked address with ``client`` (see ``client``), without
    following redirects, reading at most ``webhook_max_response_bytes`` of the answer,
    within ``webhook_timeout_seconds``."""
    limit = settings.webhook_max_response_bytes
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    if target.port != default_port:
        host_header += f":{target.port}"
    clock = time.perf_counter()
    async with (
        asyncio.timeout(settings.webhook_timeout_seconds),
        client.stream(
            "POST",
            _pinned_url(target),
            content=body,
            headers={**headers, "host": host_header, "user-agent": "Hireloop-Webhooks/1"},
            extensions={"sni_hostname": target.host},
        ) as response,
    ):
        received = bytearray()
        async for chunk in response.aiter_raw():
            received += chunk[: limit - len(received)]
            if len(received) >= limit:
                break
    latency_ms = round((time.perf_counter() - clock) * 1000)
    excerpt = bytes(received[:300]).decode("utf-8", "replace")
    return Response(response.status_code, excerpt, latency_ms, _seconds(response.headers))


def _seconds(headers: httpx.Headers) -> float | None:
    """Retry-After as a number of seconds (the HTTP-date form is ignored)."""
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
