"""The client's real address and scheme behind trusted reverse proxies.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the networks in
``HIRELOOP_TRUSTED_PROXIES``; the per-IP rate limits (``hireloop.ratelimit``) count against
the address found here.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

ProxyNetwork = IPv4Network | IPv6Network


class TrustedProxyMiddleware:
    """The client's address and scheme as forwarded by a trusted reverse proxy.

    Only a request whose peer is one of ``trusted`` (``HIRELOOP_TRUSTED_PROXIES``) has its
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed; from anyone else they are
    ignored, so a client cannot pick the address its per-IP login limit counts against.
    The client is the nearest address in ``X-Forwarded-For`` that is not a trusted proxy
    (proxies append the address they received the request from).
    """

    def __init__(self, app: ASGIApp, *, trusted: Sequence[ProxyNetwork]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self._is_trusted(client[0]):
            forwarded_for: list[str] = []
            proto: str | None = None
            for name, value in scope.get("headers") or []:
                if name == b"x-forwarded-for":
                    forwarded_for += value.decode("latin-1").split(",")
                elif name == b"x-forwarded-proto":
                    proto = value.decode("latin-1").split(",")[-1].strip().lower()
            hops = [_host_of(hop) for hop in forwarded_for if hop.strip()]
            if hops:
                # Right to left, past our own proxies; if every hop is one, the first.
                address = next(
                    (hop for hop in reversed(hops) if not self._is_trusted(hop)), hops[0]
                )
                scope["client"] = (address, 0)
            if proto in ("http", "https"):
                scope["scheme"] = proto if scope["type"] == "http" else proto.replace("http", "ws")
        await self.app(scope, receive, send)

    def _is_trusted(self, host: str) -> bool:
        try:
            address = ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)


def _host_of(hop: str) -> str:
    """An X-Forwarded-For entry without its port: ``1.2.3.4:80`` or ``[::1]:80``."""
    hop = hop.strip()
    if hop.startswith("[") and "]" in hop:
        return hop[1 : hop.index("]")]
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop
