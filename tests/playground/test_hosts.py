"""DNS rebinding: the playground's servers answer only requests addressed to where they listen."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from playground.hosts import addressed_here
from playground.session import Session
from playground.slack_api import SlackStandIn
from playground.web import PageServer, Setup
from playground.workspace import Workspace

EVIL = "rebind.evil.example"
EVERY_INTERFACE = "::"


@pytest.mark.parametrize(
    ("host", "listening", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080), True),
        ("localhost:8080", ("127.0.0.1", 8080), True),
        ("LOCALHOST:8080", ("127.0.0.1", 8080), True),
        ("[::1]:8080", ("127.0.0.1", 8080), True),
        ("playground.lan:8080", ("playground.lan", 8080), True),
        ("192.168.1.20:8080", (EVERY_INTERFACE, 8080), True),  # every interface: an address has no name to rebind
        (f"{EVIL}:8080", ("127.0.0.1", 8080), False),
        (f"{EVIL}:8080", (EVERY_INTERFACE, 8080), False),
        ("127.0.0.1:9999", ("127.0.0.1", 8080), False),
        ("127.0.0.1", ("127.0.0.1", 8080), False),  # port 80 implied
        ("127.0.0.1:port", ("127.0.0.1", 8080), False),
        ("", ("127.0.0.1", 8080), False),
        (None, ("127.0.0.1", 8080), False),
    ],
)
def test_only_the_listening_address_or_a_loopback_name_is_addressed_here(
    host: str | None, listening: tuple[str, int], expected: bool
) -> None:
    assert addressed_here(host, listening) is expected


def status(port: int, method: str, path: str, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=b"{}" if method == "POST" else None, headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    session = Session(Workspace(), bot=None, response_url=str)  # type: ignore[arg-type] # no route reaches the bot
    setup = Setup(people=[], commands=[], shortcuts=[], bot_name="bot", timezone="Asia/Tokyo", strings={})
    server = PageServer(("127.0.0.1", 0), session, setup, sweep=lambda at: "", metrics=lambda: "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_page_refuses_another_host(page_server: PageServer) -> None:
    port = page_server.server_address[1]
    assert status(port, "GET", "/", f"localhost:{port}") == 200
    assert status(port, "GET", "/", f"{EVIL}:{port}") == 421
    assert status(port, "GET", "/api/setup", f"{EVIL}:{port}") == 421
    assert status(port, "POST", "/api/home", f"{EVIL}:{port}") == 421


def test_the_slack_stand_in_refuses_another_host(fake_slack: SlackStandIn) -> None:
    port = urlsplit(fake_slack.api_url).port or 80
    assert status(port, "POST", "/api/auth.test", f"127.0.0.1:{port}") == 200
    assert status(port, "POST", "/api/auth.test", f"{EVIL}:{port}") == 421
    assert len(fake_slack.calls_to("auth.test")) == 1  # the refused call never reached the stand-in
