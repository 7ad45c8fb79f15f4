"""Scenario 3: Slack retries and double clicks, on every button and modal of reports, drafts, applications
and accounts.

Each interaction runs twice on fresh objects: once as a single request, once as a double click (two requests
at the same moment; a button's two presses differ in action_ts and trigger_id, a modal's double submit is the
same view) followed by three Slack retries of the first request (the same body, ``X-Slack-Retry-Num: 1..3``,
``X-Slack-Retry-Reason: http_timeout``). The two runs must have the same effects: the object's state, the rows
created, the audit entries, the messages queued and the messages Slack accepted. Answers to the user
(ephemeral replies, modals opened) may differ and are not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from storage.models import AccountState
from tests.conftest import POSTGRES_URL, empty_tables
from tests.reliability.drive import World
from tests.reliability.faults import FaultySlack
from tests.reliability.forms import option, review_values, text_input, withdraw_values
from tests.reliability.interactions import (
    Prepared,
    account_click,
    account_modal,
    application_click,
    application_comment,
    application_page_two,
    case_click,
    case_modal,
    draft_click,
    draft_comment,
    draft_resubmit,
    draft_submit,
    published_submit,
    register_submit,
    report_submit,
)
from tests.reliability.rows import Check, record
from tests.reliability.world import DEPUTY, HEAD, OFFICER, PUBINFO, STAFF1, UNPACED, write_config
from tests.support.bot import running_bot
from tests.support.clock import FrozenClock

RETRIES = 3
# What Slack shows everyone; views.open and ephemeral answers go to the one user and are not compared.
MESSAGES = ("chat.postMessage", "chat.update")


@dataclass
class Effects:
    rows: dict[str, int]
    audit: Counter[str]
    accepted: Counter[str]
    state: Any
    sent: int

    def differences(self, other: Effects) -> list[str]:
        found = []
        if self.state != other.state:
            found.append(f"state {other.state} instead of {self.state}")
        for name, label in ((self.rows, "rows"), (self.audit, "audit"), (self.accepted, "Slack accepted")):
            theirs = {"rows": other.rows, "audit": other.audit, "Slack accepted": other.accepted}[label]
            for key in sorted(set(name) | set(theirs)):
                if name.get(key, 0) != theirs.get(key, 0):
                    found.append(f"{label} {key}: {theirs.get(key, 0)} instead of {name.get(key, 0)}")
        return found

    def surplus(self, other: Effects) -> int:
        """Messages and decisions beyond the single run's: the duplicates."""
        more = [other.rows.get(k, 0) - self.rows.get(k, 0) for k in set(self.rows) | set(other.rows) if k != "outbox"]
        more += [other.accepted.get(k, 0) - self.accepted.get(k, 0) for k in ("chat.postMessage",)]
        more += [other.audit.get(k, 0) - self.audit.get(k, 0) for k in set(self.audit) | set(other.audit)]
        return sum(n for n in more if n > 0)


def run(world: World, prepare: Callable[[World], Prepared], duplicated: bool) -> Effects:
    prepared = prepare(world)
    world.settle()
    rows, audit_from, accepted_from = world.rows(), world.last_audit_id(), len(world.fake.accepted_calls())
    first = prepared.make()
    sent = 1
    if duplicated:
        second = first if prepared.view else prepared.make()
        with ThreadPoolExecutor(2) as pool:
            replies = list(pool.map(world.post, (first, second)))
        for n in range(1, RETRIES + 1):
            headers = {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
            replies.append(world.post(first, headers))
        sent = 2 + RETRIES
    else:
        replies = [world.post(first)]
        # The reference run must do the work: answered 200, no error in the modal, no refusal.
        assert replies[0].status == 200, replies[0].body
        assert not replies[0].body or replies[0].json().get("response_action") != "errors", replies[0].json()
    assert all(r.status < 500 for r in replies), [r.status for r in replies]
    world.settle()
    after = world.rows()
    return Effects(
        rows={k: after[k] - rows[k] for k in after},
        audit=Counter(e.action for e in world.audit_since(audit_from)),
        accepted=Counter(a.method for a in world.fake.accepted_calls()[accepted_from:] if a.method in MESSAGES),
        state=prepared.state(),
        sent=sent,
    )


RESOLVE = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input("削除を確認")}
COMMENT = {"report.comment.text": text_input("市政情報課で確認します")}
CORRECTION = {"report.correction.url": text_input("https://x.com/soja_city/status/42")}
COMMITTEE = {
    "report.committee.measures": text_input("アカウントを停止"),
    "report.committee.progress": text_input("調査中"),
}

# name -> (prepare, quick: also in make test)
INTERACTIONS: dict[str, tuple[Callable[[World], Prepared], bool]] = {
    "report.submit (modal)": (report_submit, True),
    "report.case.ack": (case_click("report.case.ack"), True),
    "report.case.in_progress": (case_click("report.case.in_progress"), False),
    "report.case.checklist.facts_checked": (
        case_click("report.case.checklist.facts_checked", item="facts_checked"),
        True,
    ),
    "report.case.resolve (opens modal)": (case_click("report.case.resolve"), False),
    "report.case.comment (opens modal)": (case_click("report.case.comment"), False),
    "report.case.notify_officer": (
        case_click("report.case.notify_officer", user=HEAD, audience="head", kind="violation"),
        False,
    ),
    "report.case.report_committee (opens modal)": (
        case_click(
            "report.case.report_committee", user=OFFICER, audience="security_officer", kind="violation", notified=True
        ),
        False,
    ),
    "report.resolve.submit (modal)": (case_modal("report.resolve.submit", RESOLVE), False),
    "report.comment.submit (modal)": (case_modal("report.comment.submit", COMMENT), True),
    "report.correction.submit (modal)": (
        case_modal("report.correction.submit", CORRECTION, kind="mistake", item="correction_posted"),
        False,
    ),
    "report.committee.submit (modal)": (
        case_modal(
            "report.committee.submit",
            COMMITTEE,
            user=OFFICER,
            audience="security_officer",
            kind="violation",
            notified=True,
        ),
        False,
    ),
    "draft.submit (modal)": (draft_submit, True),
    "draft.review.ok": (draft_click("draft.review.ok", HEAD, kind="announcement"), False),
    "draft.review.issue (opens modal)": (draft_click("draft.review.issue", HEAD, kind="announcement"), False),
    "draft.comment.submit 指摘あり (modal)": (draft_comment("issue", HEAD, kind="announcement"), False),
    "draft.decision.approve": (draft_click("draft.decision.approve", DEPUTY), True),
    "draft.decision.return (opens modal)": (draft_click("draft.decision.return", DEPUTY), False),
    "draft.comment.submit 差戻し (modal)": (draft_comment("return", DEPUTY), False),
    "draft.decision.reject (opens modal)": (draft_click("draft.decision.reject", DEPUTY), False),
    "draft.comment.submit 却下 (modal)": (draft_comment("reject", DEPUTY), False),
    "draft.revise (opens modal)": (draft_click("draft.revise", STAFF1, returned=True), False),
    "draft.submit resubmission (modal)": (draft_resubmit, False),
    "draft.published (opens modal)": (draft_click("draft.published", STAFF1, approved=True), False),
    "draft.published.submit (modal)": (published_submit, False),
    "application.page2.submit (modal)": (application_page_two, True),
    "application.head.apply": (application_click("application.head.apply", HEAD), False),
    "application.decision.approve": (
        application_click("application.decision.approve", PUBINFO, submitted=True),
        False,
    ),
    "application.comment.submit 差戻し (modal)": (application_comment, False),
    "account.password.changed": (account_click("account.password.changed"), False),
    "account.password.snooze": (account_click("account.password.snooze"), False),
    "account.review.submit (modal)": (account_modal("account.review.submit", lambda _: review_values()), True),
    "account.withdraw.submit (modal)": (account_modal("account.withdraw.submit", withdraw_values), False),
    "account.withdrawal.announced": (
        account_click("account.withdrawal.announced", state=AccountState.WITHDRAWING, task="announced_in_account"),
        False,
    ),
    "account.withdrawal.deleted": (
        account_click("account.withdrawal.deleted", state=AccountState.WITHDRAWING),
        False,
    ),
    "account.register.submit (modal)": (register_submit, False),
}


def _params() -> Iterator[Any]:
    for name, (_, quick) in INTERACTIONS.items():
        marks = [] if quick else [pytest.mark.reliability_long]
        yield pytest.param(name, marks=marks, id=name)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.reliability_long)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory = tmp_path_factory.mktemp("retries")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'bot.db'}"
    else:
        if POSTGRES_URL is None:
            pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 and TEST_DATABASE_URL is not set")
        url = request.getfixturevalue("postgres_schema_url")
        empty_tables(url)
    clock = FrozenClock()
    config = write_config(directory, delivery=UNPACED)
    with FaultySlack() as fake, running_bot(fake, url, config_path=config, clock=clock) as bot:
        yield World(bot, fake, clock)


@pytest.mark.parametrize("name", list(_params()))
def test_a_retried_or_double_clicked_interaction_has_the_effects_of_one(world: World, name: str) -> None:
    prepare, _ = INTERACTIONS[name]
    single = run(world, prepare, duplicated=False)
    assert not any(action.endswith(".denied") for action in single.audit), single.audit
    repeated = run(world, prepare, duplicated=True)
    differences = single.differences(repeated)
    database = world.bot.service.runtime.engine.dialect.name
    record(
        Check(
            "3",
            f"{name} [{database}]",
            sent=single.sent + repeated.sent,
            expected="double click + 3 retries = one request",
            observed="; ".join(differences) or "same effects",
            duplicated=single.surplus(repeated),
        )
    )
    assert differences == []
