"""Behind a reverse proxy: which proxies are trusted, and what their headers change.

A request from a trusted proxy (PODIUM_FORWARDED_ALLOW_IPS) that carries X-Forwarded-For
is taken as coming from the client it names: the rightmost address that is not itself a
trusted proxy (the leftmost ones can be written by anybody). X-Forwarded-Proto sets the
scheme. The per-visitor page throttle and the logs then see the real client.

`came_through_proxy` is what the sandbox's "open to loopback" rule asks: behind a proxy on
the same machine every request arrives from loopback, so a request that carries forwarded
headers, or came from a trusted proxy, is never taken as the machine's own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = frozenset(
    {b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-real-ip", b"forwarded"}
)
PROXY_KEY = "podium.proxy"  # in the scope: the proxy's own address, once applied


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        items = [item for item in networks if item]
        self.everyone = "*" in items
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(item, strict=False) for item in items if item != "*"
        )

    @classmethod
    def from_setting(cls, text: str | None) -> TrustedProxies | None:
        return None if not text else cls(item.strip() for item in text.split(","))

    def trusts(self, host: str) -> bool:
        if self.everyone:
            return True
        address = _address(host)
        return address is not None and any(address in network for network in self.networks)

    def apply(self, scope: Scope) -> None:
        """Rewrite the scope's client and scheme from a trusted proxy's headers."""
        client = scope.get("client")
        if not client or not self.trusts(client[0]):
            return
        forwarded_for = proto = None
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                forwarded_for = value.decode("latin-1")
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").strip().lower()
        scope[PROXY_KEY] = client[0]
        if forwarded_for:
            hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
            chosen = hops[0]
            for hop in reversed(hops):
                chosen = hop
                if not self.trusts(hop):
                    break
            if _address(chosen) is not None:
                scope["client"] = (chosen.strip("[]"), 0)
        if proto in ("http", "https"):
            scope["scheme"] = proto


def came_through_proxy(scope: Scope) -> bool:
    """A trusted proxy passed the request on, or it carries a proxy's headers."""
    return PROXY_KEY in scope or any(name in FORWARDED_HEADERS for name, _ in scope["headers"])
