"""What the scenarios share: their app.yaml, the reports they send, and reading the outcome from the database."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, func, select, text

from storage.db import SessionFactory
from storage.models import OutboxMessage, OutboxStatus
from tests.reliability.faults import CASE_NUMBER
from tests.support.bot import APP_YAML
from tests.support.flow import record_opened
from tests.support.report import report_values
from tests.support.slack_requests import Reply, interactive, send, view_submission

# The offices' channels and the people of app.yaml.
PUBLIC_INFO, SECRETARIAT, GENERAL = "C0PUBLICINFO", "C0SECRETARIAT", "C0GENERAL"
HEAD, DEPUTY, STAFF1, STAFF2 = "U0HEADKANKO", "U0DEPUTYKANKO", "U0STAFF1", "U0STAFF2"
PUBINFO, OFFICER, NOBODY = "U0PUBINFO1", "U0SECOFFICER", "U0NOBODY"
# Reporters: the department's staff and people missing from app.yaml (still routed, 4(2)③).
REPORTERS = (STAFF1, STAFF2, *(f"U0REPORTER{n:02d}" for n in range(8)))
# The tables a request may change; scenario 5 asserts none of them moves.
STATE_TABLES = ("cases", "drafts", "accounts", "account_applications", "outbox")


def write_config(directory: Path, *, delivery: dict[str, Any] | None = None, **sections: Any) -> Path:
    """app.yaml as shipped, with ``delivery`` settings and whole sections overridden."""
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["delivery"] = {**config.get("delivery", {}), **(delivery or {})}
    config.update(sections)
    path = directory / "app.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


UNPACED = {"channel_interval_seconds": 0.001, "channel_burst": 1000}


@dataclass(frozen=True)
class Report:
    """One report as the modal submits it: its own URL, so each opens a case of its own."""

    index: int
    reporter: str
    body: str  # the signed form body is made at send time; this is the payload, encoded

    @property
    def url(self) -> str:
        return report_url(self.index)

    @property
    def view_id(self) -> str:
        return f"VREL{self.index:08d}"  # each report is its own modal; a resubmission reuses it


def report_url(index: int) -> str:
    return f"https://x.com/soja_city/status/{9_000_000_000 + index}"


def make_report(index: int, now: float, *, reporter: str | None = None, kind: str = "flame") -> Report:
    user = reporter or REPORTERS[index % len(REPORTERS)]
    values = report_values(kind=kind, urls=report_url(index), discovered_at=int(now) - 60)
    report = Report(index, user, "")
    payload = view_submission("report.submit", user_id=user, values=values)
    payload["view"]["id"] = report.view_id
    return replace(report, body=interactive(payload))


def open_reports(sessions: SessionFactory, reports: Iterable[Report], at: datetime) -> None:
    """Records the reports' modals as views the bot opened for their reporters at ``at`` on the bot's clock
    (as views.open's answer is)."""
    for report in reports:
        record_opened(sessions, report.view_id, report.reporter, "report.submit", at)


def case_number(reply: Reply) -> str | None:
    """The case number in the 受け付けました view, or None when the report was not acknowledged."""
    if reply.status != 200:
        return None
    try:
        answer = reply.json()
    except ValueError:
        return None
    found = CASE_NUMBER.search(str(answer))
    return found.group(0) if found and answer.get("response_action") == "update" else None


def expected_messages(number: str, reporter: str) -> set[tuple[str, str, str]]:
    """An official flame report: a copy each to 市政情報課, the head, 秘書室, 総務課 and the reporter."""
    targets = (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, reporter)
    return {(t, number, "post") for t in targets}


def send_all(
    base_url: str, bodies: list[str], *, threads: int = 8, timeout: float = 60.0
) -> list[tuple[Reply | Exception, float]]:
    """Sends every body at once from ``threads`` clients: each answer (a connection error is returned, not
    raised) and the seconds it took."""

    def one(body: str) -> tuple[Reply | Exception, float]:
        started = time.monotonic()
        try:
            return send(base_url, body, timeout=timeout), time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:  # no answer, or one cut off in the middle
            return error, time.monotonic() - started

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, bodies))


def stored_cases(engine: Engine) -> list[tuple[str, str]]:
    """(number, reporter) of every case in the database."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT number, reporter_id FROM cases"))]


def outbox_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {str(status): n for status, n in rows}


def wait_settled(engine: Engine, timeout: float, *, tick: Callable[[], None] | None = None) -> tuple[float, dict]:
    """Waits until nothing is pending or being sent; returns the seconds it took and the final counts."""
    started = time.monotonic()
    while True:
        counts = outbox_counts(engine)
        if not counts.get(OutboxStatus.PENDING, 0) and not counts.get(OutboxStatus.SENDING, 0):
            return time.monotonic() - started, counts
        if time.monotonic() - started > timeout:
            raise AssertionError(f"outbox not settled within {timeout:.0f} s: {counts}")
        if tick is not None:
            tick()
        time.sleep(0.05)


def table_counts(engine: Engine, tables: tuple[str, ...] = STATE_TABLES) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}  # noqa: S608
