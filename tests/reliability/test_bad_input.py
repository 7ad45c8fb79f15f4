"""Scenario 5: random and hostile payloads to POST /slack/events (and the other paths), generated with hypothesis.

Whatever arrives (malformed JSON in ``payload``, missing fields, wrong types, 1 MB bodies, unknown action ids,
submissions of views the bot never opened, tampered private_metadata, random ``value``s on every real action id
of the features' ids.py), the bot must never answer 5xx, never show a traceback, never change state (row counts
of cases, drafts, accounts, applications and the outbox), and log every request it rejects.

The senders are people outside app.yaml, and no generated click names the 秘書室 or 総務課 channel: there the
rules let anyone who sees the channel act (app.yaml lists no members), so a change would be allowed, not hostile.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.models import AccountState, ApplicationStatus
from tests.reliability.drive import World
from tests.reliability.faults import FaultySlack
from tests.reliability.hostile import block_actions, commands, malformed, quote, view_submissions
from tests.reliability.rows import Check, record
from tests.reliability.world import STAFF1, STAFF2, UNPACED, table_counts, write_config
from tests.support.bot import ROOT, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import report_values
from tests.support.slack_requests import FORM, Reply, send

MAX_BODY = 1_048_576
TRACEBACK_MARKERS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "Exception")
QUICK_EXAMPLES = 120
LONG_EXAMPLES = 2500


@dataclass
class Seeded:
    """One object of each kind, for tampered references to point at."""

    world: World
    references: list[dict[str, Any]] = field(default_factory=list)


class Records(logging.Handler):
    """Every log record of the bot's loggers, from whichever thread."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._lock2 = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock2:
            self.records.append(record)

    def since(self, n: int) -> list[logging.LogRecord]:
        with self._lock2:
            return self.records[n:]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    directory: Path = tmp_path_factory.mktemp("bad-input")
    config = write_config(directory, delivery=UNPACED)
    clock = FrozenClock()
    with (
        FaultySlack() as fake,
        running_bot(fake, f"sqlite:///{directory / 'bot.db'}", config_path=config, clock=clock) as bot,
    ):
        world = World(bot, fake, clock)
        seeded = Seeded(world)
        case_id, copies = world.report(user=STAFF2)
        for audience in ("head", "public_info", "reporter"):
            seeded.references.append({"v": 1, "case_id": case_id, "copy_id": copies[audience][0]})
            seeded.references.append(
                {"v": 1, "case_id": case_id, "copy_id": copies[audience][0], "item": "facts_checked"}
            )
        draft_id = world.draft()
        for request_id, _, _ in world.requests(draft_id).values():
            for answer in (None, "approve", "return", "reject", "ok", "issue"):
                seeded.references.append({"v": 1, "draft_id": draft_id, "request_id": request_id, "answer": answer})
        application_id = world.application()
        for answer in (None, "apply", "head_return", "approve", "return", "reject"):
            seeded.references.append({"v": 1, "application_id": application_id, "answer": answer})
        for state in (AccountState.ACTIVE, AccountState.WITHDRAWING):
            account_id = world.account(state=state)
            for task in (None, "announced_in_account", "announced_on_site", "bogus"):
                seeded.references.append({"v": 1, "account_id": account_id, "task": task})
        world.application(status=ApplicationStatus.APPROVED)
        world.settle()
        yield seeded


def requests(seeded: Seeded) -> st.SearchStrategy[tuple[str, str | bytes]]:
    references, response_url = seeded.references, seeded.world.fake.response_url("hostile")
    return st.one_of(
        block_actions(references, response_url), view_submissions(references), commands(response_url), malformed()
    )


# -- the property -----------------------------------------------------------------------------------


@dataclass
class Tally:
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)  # listener exceptions: handled, but not a 4xx
    unlogged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_one(
    seeded: Seeded,
    records: Records,
    tally: Tally,
    label: str,
    body: str | bytes,
    content_type: str = FORM,
    path: str = "/slack/events",
    method: str = "POST",
) -> None:
    world = seeded.world
    engine = world.bot.service.runtime.engine
    before = table_counts(engine)
    logged = len(records.records)
    is_json = label.startswith("events") or (isinstance(body, str) and body[:1] in "{[")
    reply: Reply = send(
        world.bot.url, body, content_type="application/json" if is_json else content_type, path=path, method=method
    )
    tally.sent += 1
    tally.statuses[reply.status] = tally.statuses.get(reply.status, 0) + 1
    shown = reply.body.decode("utf-8", errors="replace")
    new = records.since(logged)
    if reply.status >= 500:
        tally.problems.append(f"{label}: HTTP {reply.status}")
    if any(marker in shown for marker in TRACEBACK_MARKERS):
        tally.problems.append(f"{label}: traceback in the answer {shown[:80]!r}")
    if reply.status >= 400 and not any(r.levelno >= logging.WARNING for r in new):
        tally.unlogged.append(f"{label}: HTTP {reply.status} without a log line")
    if (after := table_counts(engine)) != before:
        tally.problems.append(f"{label}: state changed {before} -> {after}")
    failures = [r for r in new if r.getMessage().startswith("listener failed")]
    if failures:
        error = failures[0].exc_info[1] if failures[0].exc_info else None
        tally.unexpected.append(f"{label}: {type(error).__name__}: {str(error)[:60]} @ {_origin(error)}")


def _origin(error: BaseException | None) -> str:
    """Where an exception was raised: the innermost frame of the bot, else of the library."""
    if error is None or error.__traceback__ is None:
        return "?"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{ROOT}/bot/" in f.filename or f"{ROOT}/handlers/" in f.filename]
    frame = (ours or frames)[-1]
    name = frame.filename.removeprefix(f"{ROOT}/")
    return f"{name.split('site-packages/')[-1]}:{frame.name}"


@pytest.fixture(scope="module")
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def _run_hypothesis(seeded: Seeded, records: Records, examples: int) -> Tally:
    tally = Tally()

    @settings(
        max_examples=examples, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(request=requests(seeded))
    def hostile(request: tuple[str, str | bytes]) -> None:
        label, body = request
        check_one(seeded, records, tally, label, body)

    hostile()
    return tally


def _report(tally: Tally, name: str) -> None:
    statuses = ", ".join(f"{status}×{n}" for status, n in sorted(tally.statuses.items()))
    record(
        Check(
            "5",
            name,
            sent=tally.sent,
            expected="no 5xx, no traceback, no state change, every rejection (4xx) logged",
            observed=f"answers {statuses}; {len(tally.problems) + len(tally.unlogged)} violations"
            + (f" (first: {(tally.problems + tally.unlogged)[0]})" if tally.problems or tally.unlogged else ""),
        )
    )


def _report_failures(tally: Tally, name: str) -> None:
    kinds = sorted({f"{u.split(': ', 1)[1].split(':')[0]} @ {u.rsplit(' @ ', 1)[-1]}" for u in tally.unexpected})
    record(
        Check(
            "5",
            name,
            sent=tally.sent,
            expected="malformed payloads answered 4xx (README), not as a listener failure",
            observed=f"{len(tally.unexpected)} answered with the failure message and an ERROR traceback in the log"
            + (f": {'; '.join(kinds[:8])}{' …' if len(kinds) > 8 else ''}" if kinds else ""),
        )
    )


@pytest.fixture(scope="module")
def quick(seeded: Seeded, records: Records) -> Tally:
    return _run_hypothesis(seeded, records, QUICK_EXAMPLES)


@pytest.fixture(scope="module")
def long(seeded: Seeded, records: Records) -> Tally:
    return _run_hypothesis(seeded, records, LONG_EXAMPLES)


def test_hostile_payloads_never_5xx_never_change_state_and_are_logged(quick: Tally) -> None:
    _report(quick, f"{QUICK_EXAMPLES} generated payloads (derandomized)")
    assert quick.problems + quick.unlogged == []


def test_malformed_payloads_are_bad_requests_not_listener_failures(quick: Tally) -> None:
    _report_failures(quick, f"{QUICK_EXAMPLES} generated payloads: bad requests, not failures")
    assert quick.unexpected == []


@pytest.mark.reliability_long
def test_hostile_payloads_long_run(long: Tally) -> None:
    _report(long, f"{LONG_EXAMPLES} generated payloads (derandomized)")
    assert long.problems + long.unlogged == []


@pytest.mark.reliability_long
def test_malformed_payloads_are_bad_requests_not_listener_failures_long_run(long: Tally) -> None:
    _report_failures(long, f"{LONG_EXAMPLES} generated payloads: bad requests, not failures")
    assert long.unexpected == []


def test_bodies_of_1_mb_and_beyond_are_refused_cleanly(seeded: Seeded, records: Records) -> None:
    """At server.max_body_bytes a clean refusal of the content; beyond it 413 with a log line."""
    tally = Tally()
    summary = "炎" * ((MAX_BODY - 4000) // 9)  # percent-encoded, each character takes 9 bytes
    state = {"report.summary": {"report.summary": {"type": "plain_text_input", "value": summary}}}
    payload = {
        "type": "view_submission",
        "user": {"id": "U0OUTSIDER"},
        "view": {"id": "VHUGE", "callback_id": "report.submit", "private_metadata": "", "state": {"values": state}},
    }
    near = "payload=" + quote(payload)
    assert MAX_BODY - 10_000 < len(near.encode()) <= MAX_BODY
    check_one(seeded, records, tally, "1 MB view_submission", near)
    check_one(seeded, records, tally, "1 MB + 1 byte", "payload=" + "a" * (MAX_BODY - 7))
    check_one(seeded, records, tally, "2 MB", "payload=" + "a" * (2 * MAX_BODY))
    _report(tally, "bodies of 1 MB, 1 MB + 1 byte and 2 MB")
    assert tally.problems + tally.unlogged + tally.unexpected == []
    assert tally.statuses.get(413) == 2


def test_other_paths_and_methods_are_refused_and_logged(seeded: Seeded, records: Records) -> None:
    tally = Tally()
    check_one(seeded, records, tally, "POST /slack/other", "payload=%7B%7D", path="/slack/other")
    check_one(seeded, records, tally, "GET /slack/events", "", method="GET")
    check_one(seeded, records, tally, "PUT /healthz", "x", path="/healthz", method="PUT")
    check_one(seeded, records, tally, "POST /metrics", "x", path="/metrics", method="POST")
    _report(tally, "other paths and methods")
    assert tally.problems + tally.unlogged == []


# Modals whose valid submission creates something. Slack only sends a submission of a view the app opened,
# so this needs the signing secret, or a modal opened by another process of the same Slack app.
NEVER_OPENED = ["report.submit", "draft.submit"]


@pytest.mark.parametrize("callback", NEVER_OPENED)
def test_a_valid_submission_of_a_view_the_bot_never_opened_changes_nothing(
    seeded: Seeded, records: Records, callback: str
) -> None:
    world = seeded.world
    if callback == "report.submit":
        values = report_values(urls="https://x.com/never/status/1", discovered_at=int(world.clock.now().timestamp()))
        body = world.view_body(callback, {b: e[b] for b, e in values.items()}, user=STAFF1, opened=False)
    else:
        body = world.view_body(callback, world.draft_values(kind="announcement"), user=STAFF1, opened=False)
    tally = Tally()
    check_one(seeded, records, tally, f"{callback} of a view never opened", body)
    _report(tally, f"valid {callback} of a view the bot never opened")
    assert tally.problems == []
