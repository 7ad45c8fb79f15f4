"""DNS rebinding: a page on another site can make the browser resolve its own name to 127.0.0.1 and then
read and drive a loopback server as if it were that site. The browser still sends the site's name in
``Host``, so the playground's servers answer only requests addressed to where they listen."""

from __future__ import annotations

import ipaddress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def addressed_here(host_header: str | None, listening: tuple[str, int]) -> bool:
    """Whether ``Host`` names this server: its address or a loopback name, with its port. Listening on
    every interface, any IP literal is accepted too (no name, nothing to rebind)."""
    if not host_header:
        return False
    try:
        parts = urlsplit(f"//{host_header}")
        name, port = (parts.hostname or "").lower(), parts.port or 80
    except ValueError:  # a port that is not a number
        return False
    address, listening_port = listening
    if port != listening_port:
        return False
    if name in LOOPBACK_NAMES or name == address.lower():
        return True
    return _is_every_interface(address) and _ip(name) is not None


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def _is_every_interface(address: str) -> bool:
    ip = _ip(address)
    return not address or (ip is not None and ip.is_unspecified)


def refuse_other_hosts(handler: BaseHTTPRequestHandler) -> bool:
    """Answers 421 and returns True when the request is addressed to another host."""
    address, port = handler.server.server_address[:2]
    if addressed_here(handler.headers.get("Host"), (str(address), int(port))):
        return False
    handler.send_error(HTTPStatus.MISDIRECTED_REQUEST, "unknown Host")
    return True
