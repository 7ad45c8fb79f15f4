"""The floor: a bare Bolt app doing only the Slack work that cannot be avoided, served like the bot
(waitress with the bot's thread and connection settings, a 64-thread listener pool).

    python -m bench.floor --port 3001 [--database URL]   # env: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL

It acks /sns-help; acks /sns-report and opens a one-field modal with views.open; acks the modal's
view_submission. With ``--database`` it is the durable floor: a submission commits one INSERT (the bot's
engine settings: SQLite in WAL mode, or PostgreSQL) before it acks, then posts four copies, the least a bot
can do and lose nothing. GET /healthz answers 200 so the bench knows it is up.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
from waitress import serve

from bench.directory import OFFICE_CHANNELS
from bot.config import Server
from storage.db import make_engine

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

LISTENER_THREADS = 64
MODAL = {
    "type": "modal",
    "callback_id": "report.submit",
    "title": {"type": "plain_text", "text": "報告"},
    "submit": {"type": "plain_text", "text": "送信"},
    "blocks": [
        {
            "type": "input",
            "block_id": "report.urls",
            "label": {"type": "plain_text", "text": "URL"},
            "element": {"type": "plain_text_input", "action_id": "report.urls"},
        }
    ],
}


_METADATA = MetaData()
REPORTS = Table(
    "floor_reports",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("view_id", String(32), nullable=False),
    Column("state", Text, nullable=False),
)


class DurableReports:
    """Each submission as one row, committed: what must be on disk before the ack."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        _METADATA.create_all(self.engine)

    def store(self, body: dict[str, Any]) -> None:
        view = body["view"]
        row = {"user_id": body["user"]["id"], "view_id": view["id"], "state": json.dumps(view["state"])}
        with self.engine.begin() as connection:
            connection.execute(insert(REPORTS).values(row))


def create_app(database_url: str | None = None) -> App:
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        request_verification_enabled=True,
        token_verification_enabled=True,  # auth.test against the fake, as the bot does
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )

    @app.command("/sns-help")
    def help_(ack: Ack) -> None:
        ack()

    @app.command("/sns-report")
    def report(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    reports = DurableReports(database_url) if database_url else None

    @app.view("report.submit")
    def submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        if reports is None:
            ack()
            return
        reports.store(body)
        ack()
        # The four copies (the three offices and, for the head, the reporter), after the ack.
        for channel in (*OFFICE_CHANNELS, body["user"]["id"]):
            client.chat_postMessage(channel=channel, text="SNS事案の報告")

    return app


class Endpoint:
    """Bolt's WSGI adapter, plus /healthz."""

    def __init__(self, app: App) -> None:
        self.slack = SlackRequestHandler(app)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return self.slack(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", help="the durable floor: commit each submission to this database")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Server()  # the bot's defaults, as app.yaml ships them
    serve(
        Endpoint(create_app(args.database)),
        host="127.0.0.1",
        port=args.port,
        threads=settings.http_threads,
        backlog=settings.backlog,
        connection_limit=settings.connection_limit,
        asyncore_use_poll=True,
        ident="floor",
        _quiet=True,
    )


if __name__ == "__main__":
    main()
