"""Web and delivery in two processes: `sns-bot serve --no-delivery` answers Slack and commits the outbox, and a
`sns-bot scheduler` process, rung by PostgreSQL's NOTIFY, delivers it; on SQLite serve refuses the option."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from playground.requests import report_values
from playground.slack_api import SlackStandIn
from storage.db import make_engine
from storage.models import OutboxMessage, OutboxStatus
from tests.conftest import POSTGRES_URL, empty_tables
from tests.support.bot import APP_YAML, BOT_TOKEN
from tests.support.cli import ServeProcess, assert_clean_failure, bot_process, run, serve_process, sns_bot
from tests.support.process import clean_environment, eventually
from tests.support.report import GENERAL, HEAD, PUBLIC_INFO, SECRETARIAT, STAFF1, top_level_channels
from tests.support.slack_requests import SIGNING_SECRET, interactive, send, slash_command, view_submission

pytestmark = pytest.mark.slow

# The reporter's own copy and the four the guideline names (4(2)③).
COPIES = sorted([STAFF1, HEAD, PUBLIC_INFO, SECRETARIAT, GENERAL])


@pytest.mark.parametrize("from_env", [True, False], ids=["DATABASE_URL", "app.yaml"])
def test_serve_refuses_to_run_without_delivery_on_sqlite(tmp_path: Path, from_env: bool) -> None:
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never reached: refused first
        **({"DATABASE_URL": f"sqlite:///{tmp_path / 'sns-bot.db'}"} if from_env else {}),
    )

    result = run(sns_bot("serve", "--no-delivery", "--config", str(APP_YAML)), env=env, cwd=tmp_path)

    assert_clean_failure(result)
    assert "--no-delivery は PostgreSQL でだけ使えます。" in result.stderr
    assert "--no-delivery needs PostgreSQL: on SQLite nothing can tell another process" in result.stderr
    assert list(tmp_path.iterdir()) == []  # refused before a database was made


@pytest.fixture
def postgres_url() -> str:
    if POSTGRES_URL is None:
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 and TEST_DATABASE_URL is not set")
    return POSTGRES_URL


def rung_only_config(directory: Path) -> Path:
    """The sample app.yaml with the worker's safety-net poll an hour away: within a test, only a ring
    (a NOTIFY, or its own process's commit) makes it deliver."""
    text, polls = re.subn(r"poll_seconds: *[0-9.]+", "poll_seconds: 3600", APP_YAML.read_text(encoding="utf-8"))
    assert polls == 1, "app.yaml's delivery.poll_seconds moved"
    path = directory / "app.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reports_acknowledged_by_serve_without_delivery_are_delivered_by_the_scheduler_process(
    tmp_path: Path, postgres_url: str, fake_slack: SlackStandIn, request: pytest.FixtureRequest
) -> None:
    database_url = request.getfixturevalue("postgres_schema_url")
    empty_tables(database_url)
    config = str(rung_only_config(tmp_path))
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    with (
        bot_process(tmp_path, env, "scheduler", "--config", config) as scheduler,
        serve_process(tmp_path, env, "--no-delivery", "--no-scheduler", "--config", config) as web,
    ):
        assert scheduler.wait_until_healthy()["delivery"] is True
        assert web.wait_until_healthy()["delivery"] is False
        assert "no delivery: another process delivers the outbox" in web.output()

        # The second report is committed long after the scheduler began to listen: only the web
        # process's NOTIFY can ring it (its poll is an hour away, and it commits nothing itself).
        for reported in (1, 2):
            reply = submit(web, open_report(web, fake_slack), url=f"https://x.com/soja/status/{reported}")
            assert reply.status == 200
            posted = fake_slack.wait_for("chat.postMessage", count=len(COPIES) * reported, timeout=20)
            assert top_level_channels(posted[len(COPIES) * (reported - 1) :]) == COPIES

        eventually(lambda: unsent(database_url) == 0, timeout=10, what="the outbox delivered")
        eventually(lambda: deliveries(scheduler) >= 2 * len(COPIES), timeout=10, what="the deliveries counted")
        sent = deliveries(scheduler)
        web_metrics = metrics(web)

    assert sent == len(fake_slack.calls_to("chat.postMessage")) == 2 * len(COPIES)  # each copy once
    assert "sns_bot_deliveries_total{" not in web_metrics  # the web process delivered nothing itself
    assert 'sns_bot_slack_requests_total{answer="200",kind="view_submission"} 2.0' in web_metrics
    assert 'sns_bot_outbox_messages{state="sent"} 10.0' in web_metrics  # the gauges are the database's
    assert "Traceback" not in web.output() + scheduler.output()


def open_report(web: ServeProcess, fake: SlackStandIn) -> dict[str, Any]:
    """``/sns-report``: the modal the web process opened, as the stand-in holds it (its id and our external_id)."""
    before = len(fake.calls_to("views.open"))
    assert send(web.url, slash_command("/sns-report", user_id=STAFF1)).status == 200
    external_id = fake.wait_for("views.open", count=before + 1)[-1].args["view"]["external_id"]
    (view,) = [v.view for v in fake.workspace.views.values() if v.view.get("external_id") == external_id]
    return view


def submit(web: ServeProcess, view: dict[str, Any], *, url: str) -> Any:
    payload = view_submission("report.submit", user_id=STAFF1, values=report_values(urls=url))
    payload["view"].update(id=view["id"], external_id=view["external_id"])
    return send(web.url, interactive(payload))


def unsent(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            waiting = OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
            return session.scalar(select(func.count()).select_from(OutboxMessage).where(waiting)) or 0
    finally:
        engine.dispose()


def metrics(process: ServeProcess) -> str:
    reply = send(process.url, b"", method="GET", path="/metrics", sign=False)
    assert reply.status == 200
    return reply.body.decode()


def deliveries(scheduler: ServeProcess) -> int:
    """Messages the process counted as sent."""
    found = re.search(r'^sns_bot_deliveries_total\{error="ok",outcome="sent"\} ([0-9.]+)$', metrics(scheduler), re.M)
    return int(float(found[1])) if found else 0
