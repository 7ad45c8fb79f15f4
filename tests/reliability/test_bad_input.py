"""Scenario 5: random and hostile payloads to POST /slack/events (and the other paths), generated with hypothesis.

Whatever arrives (malformed JSON in ``payload``, missing fields, wrong types, 1 MB bodies, unknown action ids,
submissions of views the bot never opened, tampered private_metadata, random ``value``s on every real action id
of the features' ids.py), the bot must never answer 5xx, never show a traceback, never change state (row counts
of cases, drafts, accounts, applications and the outbox), and log every request it rejects.

The senders are people outside app.yaml, and no generated click names the 秘書室 or 総務課 channel: there the
rules let anyone who sees the channel act (app.yaml lists no members), so a change would be allowed, not hostile.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.account.ids import AccountIds
from handlers.application.ids import ApplicationIds
from handlers.draft.ids import DraftIds
from handlers.help.ids import HelpIds
from handlers.report.ids import ReportIds
from storage.models import AccountState, ApplicationStatus
from tests.reliability.drive import World
from tests.reliability.faults import FaultySlack
from tests.reliability.rows import Check, record
from tests.reliability.world import STAFF1, STAFF2, UNPACED, table_counts, write_config
from tests.support.bot import ROOT, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import report_values
from tests.support.slack_requests import FORM, Reply, send, slash_command

FEATURES: tuple[type[StrEnum], ...] = (ReportIds, DraftIds, AccountIds, ApplicationIds)
EVERY_ID = sorted(
    {str(member) for enum in FEATURES for member in enum}
    - {ReportIds.COMMAND, DraftIds.COMMAND, DraftIds.CHECK_COMMAND, AccountIds.COMMAND}
)
CALLBACKS = [i for i in EVERY_ID if i.endswith(".submit")]
COMMANDS = [
    str(ReportIds.COMMAND),
    str(DraftIds.COMMAND),
    str(DraftIds.CHECK_COMMAND),
    str(AccountIds.COMMAND),
    str(HelpIds.COMMAND),
    "/sns-unknown",
]
OUTSIDERS = ["U0OUTSIDER", "W0GUEST01", "U0NOBODY"]
# Channels a click may claim to come from: DMs, a random channel, 市政情報課 (it lists its members), never
# 秘書室 or 総務課 (anyone there may act).
CHANNELS = ["C0RANDOM", "C0PUBLICINFO", "D0HEADKANKO", "D0STAFF1", "D0OUTSIDER", "C0SECCOMMITTEE"]
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


# -- strategies -------------------------------------------------------------------------------------

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
METADATA_KEYS = [
    "v",
    "case_id",
    "copy_id",
    "item",
    "draft_id",
    "request_id",
    "answer",
    "account_id",
    "task",
    "application_id",
]
user_field = st.one_of(
    st.sampled_from(OUTSIDERS).map(lambda u: {"id": u, "team_id": "T0TEST"}),
    json_value,
    st.fixed_dictionaries({"id": json_value}),
)


@st.composite
def metadata(draw: st.DrawFn, references: list[dict[str, Any]]) -> str:
    """Garbage, or metadata with wrong types or unknown ids, or a real object's reference (tampered)."""
    kind = draw(st.sampled_from(["text", "json", "shaped", "tampered"]))
    if kind == "text":
        return draw(st.text(max_size=60))
    if kind == "json":
        return json.dumps(draw(json_value))
    if kind == "shaped":
        keys = draw(st.lists(st.sampled_from(METADATA_KEYS), min_size=1, max_size=5, unique=True))
        values = st.one_of(st.integers(min_value=-5, max_value=10**12), st.text(max_size=12), st.none(), json_value)
        shaped = {k: draw(values) for k in keys}
        if draw(st.booleans()):
            shaped["v"] = 1
        return json.dumps(shaped)
    reference = dict(draw(st.sampled_from(references)))
    if draw(st.booleans()):  # a nearby id that does not exist, or another field changed
        key = draw(st.sampled_from(sorted(reference)))
        reference[key] = draw(st.one_of(st.integers(min_value=-1, max_value=10**6), st.text(max_size=8), st.none()))
    return json.dumps(reference)


def element(draw: st.DrawFn) -> Any:
    return draw(
        st.one_of(
            json_value,
            st.fixed_dictionaries({"type": st.text(max_size=12), "value": json_value}),
            st.fixed_dictionaries(
                {"selected_option": st.one_of(json_value, st.fixed_dictionaries({"value": json_value}))}
            ),
            st.fixed_dictionaries({"selected_options": json_value}),
            st.fixed_dictionaries(
                {"selected_users": json_value, "selected_date_time": json_value, "selected_date": json_value}
            ),
        )
    )


def _drop(payload: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """Removes a random top-level or second-level key: a missing field."""
    if draw(st.booleans()) and payload:
        key = draw(st.sampled_from(sorted(payload)))
        if isinstance(payload[key], dict) and payload[key] and draw(st.booleans()):
            inner = dict(payload[key])
            inner.pop(draw(st.sampled_from(sorted(inner))))
            payload[key] = inner
        else:
            payload.pop(key)
    return payload


@st.composite
def block_actions(draw: st.DrawFn, references: list[dict[str, Any]], response_url: str) -> tuple[str, str]:
    action_id = draw(st.one_of(st.sampled_from(EVERY_ID), st.text(max_size=30)))
    channel = draw(st.one_of(st.sampled_from(CHANNELS), json_value))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "user": draw(user_field),
        "api_app_id": "A0TEST",
        "trigger_id": draw(st.one_of(st.just("1337.42.abcd"), json_value)),
        "container": {"type": "message", "channel_id": channel, "message_ts": "1700000000.000100"},
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": draw(
            st.one_of(
                st.just(
                    [
                        {
                            "type": "button",
                            "action_id": action_id,
                            "block_id": "b",
                            "action_ts": "1",
                            "value": draw(metadata(references)),
                        }
                    ]
                ),
                json_value,
            )
        ),
    }
    return "block_actions " + str(action_id)[:30], "payload=" + _quote(_drop(payload, draw))


@st.composite
def view_submissions(draw: st.DrawFn, references: list[dict[str, Any]]) -> tuple[str, str]:
    """A submission of a view the bot never opened: random view id, random or tampered metadata, and a state
    with at least one field of the wrong shape."""
    callback = draw(st.one_of(st.sampled_from(CALLBACKS), st.text(max_size=30)))
    blocks = draw(st.lists(st.sampled_from(EVERY_ID), max_size=12, unique=True))
    values = {b: {b: element(draw)} for b in blocks}
    broken = draw(st.sampled_from(EVERY_ID))
    values[broken] = {
        broken: {
            "value": draw(st.one_of(st.integers(), st.lists(st.text(max_size=3), min_size=1))),
            "selected_option": "x",
            "selected_users": "x",
            "selected_options": "x",
            "selected_date_time": "x",
            "selected_date": 12,
        }
    }
    view: dict[str, Any] = {
        "id": draw(st.one_of(st.text(max_size=20).map(lambda s: "VNEVER" + s), json_value)),
        "type": "modal",
        "callback_id": callback,
        "private_metadata": draw(st.one_of(metadata(references), json_value)),
        "state": draw(st.one_of(st.just({"values": values}), json_value)),
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": draw(user_field),
        "api_app_id": "A0TEST",
        "trigger_id": "1337.42.abcd",
        "view": _drop(view, draw),
    }
    return "view_submission " + str(callback)[:30], "payload=" + _quote(_drop(payload, draw))


@st.composite
def commands(draw: st.DrawFn, response_url: str) -> tuple[str, str]:
    command = draw(st.sampled_from(COMMANDS))
    text = draw(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(["list", "absent on", "apply", "register", "withdraw", "export", "export 2026-01-01 x"]),
        )
    )
    body = slash_command(command, user_id=draw(st.sampled_from(OUTSIDERS)), text=text, response_url=response_url)
    if draw(st.booleans()):  # a missing field
        fields = dict(pair.split("=", 1) for pair in body.split("&"))
        fields.pop(draw(st.sampled_from(sorted(fields))))
        body = "&".join(f"{k}={v}" for k, v in fields.items())
    return "command " + command, body


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, str | bytes]:
    kind = draw(st.sampled_from(["payload text", "payload json", "raw", "bytes", "events json"]))
    if kind == "payload text":
        return kind, "payload=" + _quote_text(draw(st.text(max_size=200)))
    if kind == "payload json":
        return kind, "payload=" + _quote(draw(json_value))
    if kind == "raw":
        return kind, draw(st.text(max_size=200))
    if kind == "bytes":
        return kind, draw(st.binary(max_size=200))
    event = {
        "type": draw(st.one_of(st.sampled_from(["event_callback", "url_verification"]), json_value)),
        "event": draw(
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["app_home_opened", "message", "app_mention"]),
                        "user": json_value,
                        "tab": json_value,
                    }
                ),
                json_value,
            )
        ),
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
    }
    return kind, json.dumps(event)


def _quote(value: Any) -> str:
    return _quote_text(json.dumps(value, ensure_ascii=False))


def _quote_text(text: str) -> str:
    return urlencode({"x": text})[2:]


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
    near = "payload=" + _quote(payload)
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
