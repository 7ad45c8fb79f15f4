"""Wiring: the Bolt app factory, every feature registered on it."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

import handlers
from bot.listener_runner import prompt_runner
from bot.metrics import Metrics, request_kind
from bot.runtime import Runtime


def _same_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN by itself and warns that the client's token wins: it is the same token.
    return "token will be unused" not in record.getMessage()


class MeteredApp(App):
    """Bolt's app, counting each request by kind and answer and timing it until its ack:
    HTTP and Socket Mode both hand every request to ``dispatch``, which returns at the ack, as soon as a
    listener acks (``bot/listener_runner.py``)."""

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        # Before any app.error: it installs its handler on the runner in place then.
        self._listener_runner = prompt_runner(self._listener_runner)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        self.metrics.answered(request_kind(req.body), response.status, time.perf_counter() - started)
        return response


def create_app(runtime: Runtime) -> App:
    """A Bolt app wired to every feature. Verifies the bot token with auth.test (BoltError if refused)."""
    server = runtime.config.current.server
    bolt_logger = logging.getLogger("sns_bot.bolt")
    bolt_logger.addFilter(_same_token_warning)  # idempotent: the same function object
    app = MeteredApp(
        metrics=runtime.metrics,
        client=WebClient(token=runtime.env.bot_token, base_url=runtime.env.api_url),
        # bot.http verifies signatures at the edge, before any parsing; Socket Mode needs none.
        request_verification_enabled=False,
        # Unknown ids reach handle_error, which answers 404 with one log line.
        raise_error_for_unhandled_request=True,
        # Bolt's default pool of 5 would queue acks behind slow listeners in a burst.
        listener_executor=ThreadPoolExecutor(server.listener_threads, thread_name_prefix="listener"),
        logger=bolt_logger,
    )
    handlers.register(app, runtime)
    return app
