"""Wiring, for serving: waitress for HTTP (a production WSGI server), Bolt's handler for Socket Mode."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt.adapter.socket_mode import SocketModeHandler
from waitress import create_server, wasyncore
from waitress.server import BaseWSGIServer

from bot.catalog import bilingual
from bot.config import Server
from bot.http import SlackEndpoint
from bot.service import BotService, StartupError

log = logging.getLogger(__name__)


class HttpServer:
    """waitress on its own thread: asyncore accepts connections, a thread pool runs requests."""

    def __init__(self, service: BotService, *, host: str, port: int, socket_mode: bool = False) -> None:
        settings = service.runtime.config.current.server
        endpoint = SlackEndpoint(
            bolt=None if socket_mode else service.app,
            signing_secret=service.env.signing_secret,
            health=service.health,
            max_body_bytes=settings.max_body_bytes,
            metrics=service.runtime.metrics,
        )
        try:
            self._server = self._listen(endpoint, host, port, settings)
        except OSError as error:  # the port is taken, or the address is not this machine's
            raise StartupError(bilingual("cli.startup.cannot_listen", address=f"{host}:{port}", error=error)) from None
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)

    @staticmethod
    def _listen(endpoint: SlackEndpoint, host: str, port: int, settings: Server) -> BaseWSGIServer:
        return create_server(
            endpoint,
            host=host,
            port=port,
            threads=settings.http_threads,
            backlog=settings.backlog,
            connection_limit=settings.connection_limit,
            # Bodies a little over the limit reach SlackEndpoint, which answers a clean 413
            # after reading them; waitress's own cap guards against huge ones.
            max_request_body_size=settings.max_body_bytes * 16,
            # poll(2), not select(2): select cannot watch descriptors above 1024.
            asyncore_use_poll=True,
            ident="sns-bot",
        )

    @property
    def port(self) -> int:
        return self._server.effective_port

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self.port}"

    def start(self) -> None:
        self._thread.start()
        log.info("listening on %s (POST /slack/events, GET /healthz, GET /metrics)", self.url)

    def close(self) -> None:
        """Lets running requests finish, then closes the listener and every connection."""
        self._server.task_dispatcher.shutdown()
        # Close the listener and every connection from inside waitress's loop (its trigger
        # runs the thunk there), so the loop ends now rather than at its next poll timeout.
        try:
            self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._server._map))
        except OSError:  # the loop already closed its trigger (it is ending): close what is left from here
            wasyncore.close_all(self._server._map)
        self._thread.join(5)


def connect_socket_mode(service: BotService) -> SocketModeHandler:
    """Opens the Socket Mode connection: Slack events over an outbound websocket, no inbound port."""
    handler = SocketModeHandler(
        service.app,
        service.env.app_token,
        concurrency=service.runtime.config.current.server.listener_threads,
    )
    handler.connect()
    return handler


@contextmanager
def serving(service: BotService, *, host: str, port: int, socket_mode: bool = False) -> Iterator[HttpServer]:
    """Serves a started ``service`` until the block ends: HTTP, plus the websocket in Socket Mode."""
    http = HttpServer(service, host=host, port=port, socket_mode=socket_mode)
    http.start()
    socket_handler = connect_socket_mode(service) if socket_mode else None
    try:
        yield http
    finally:
        if socket_handler is not None:
            socket_handler.close()
        http.close()


@contextmanager
def monitoring(service: BotService, *, host: str, port: int) -> Iterator[HttpServer]:
    """Only /healthz and /metrics, for a started ``service`` that receives nothing from Slack (`sns-bot scheduler`)."""
    http = HttpServer(service, host=host, port=port, socket_mode=True)
    http.start()
    try:
        yield http
    finally:
        http.close()
