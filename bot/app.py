"""The Bolt app factory."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

import handlers
from bot.runtime import Runtime


def _same_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN by itself and warns that the client's token wins: it is the same token.
    return "token will be unused" not in record.getMessage()


def create_app(runtime: Runtime) -> App:
    """A Bolt app wired to every feature. Verifies the bot token with auth.test (BoltError if refused)."""
    server = runtime.config.current.server
    bolt_logger = logging.getLogger("sns_bot.bolt")
    bolt_logger.addFilter(_same_token_warning)  # idempotent: the same function object
    app = App(
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
