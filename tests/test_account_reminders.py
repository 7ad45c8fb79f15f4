"""The account reminders' rules, driven through handlers/account/sweep.py and policy.py with a real database
and no Slack: the registry (handlers/account/reminders.py) and the 公開用運用ポリシー reminder (4(4)③) it gained:
its due dates, its repetition every reminders.policy_reminder_days, office hours, and recording the URL that
ends it. Each test reads the reminders claimed and the intents queued (what the worker would draw and send)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.config import Config
from bot.directory import Directory
from handlers.account import policy, reminders, sweep
from handlers.account.domain import AccountView, Outcome, view_of
from handlers.account.views import AccountRenderer, account_list
from handlers.common.work import Context
from storage import accounts
from storage.db import SessionFactory
from storage.models import Account, AccountState, AuditEntry, OutboxMessage
from tests.support.bot import APP_YAML

HEAD, STAFF1, STAFF2, PUBINFO, OUTSIDER = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1", "U0NOBODY"
POLICY = "https://www.city.soja.okayama.jp/sns/kanko"
EVERY = 14  # app.yaml's reminders.policy_reminder_days


def jst(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=9)


@dataclass
class Desk:
    """The service with its context and a session per call, as a listener or the sweep job runs it."""

    sessions: SessionFactory
    ctx: Context

    def at(self, day: date, hour: int = 10) -> Desk:
        return Desk(self.sessions, replace(self.ctx, now=jst(day, hour)))

    def run(self, change: Any, *args: Any, **kwargs: Any) -> Any:
        with self.sessions.begin() as session:
            return change(session, self.ctx, *args, **kwargs)

    def sweep(self, day: date, hour: int = 10) -> list[tuple[str, str]]:
        """(recipient, due date) of the policy reminders one sweep on ``day`` queued."""
        with self.sessions.begin() as session:
            before = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0
        self.at(day, hour).run(sweep.sweep)
        with self.sessions() as session:
            queued = session.scalars(select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id))
            return [(m.channel, m.intent["due_on"]) for m in queued if (m.intent or {}).get("reminder") == "policy"]


@pytest.fixture
def desk(sessions: SessionFactory) -> Desk:
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    assert config["reminders"]["policy_reminder_days"] == EVERY
    return Desk(sessions, Context(Directory(Config.model_validate(config)), jst(date(2026, 11, 2))))


def seed(desk: Desk, *, registered: date, policy_url: str | None = None, **columns: Any) -> int:
    """An account of 観光プロモーション課 registered on ``registered`` (10:00 JST), nothing else due soon."""
    with desk.sessions.begin() as session:
        account = Account(
            platform="x", name="総社市観光", url="https://x.com/soja_kanko", department_id="kanko",
            department_name="観光プロモーション課", managers=[STAFF1, STAFF2], state=AccountState.ACTIVE,
            public_policy_url=policy_url, password_changed_on=registered, review_interval_days=180,
            last_review_on=registered, registered_at=jst(registered), registered_by="観光 一郎", **columns,
        )  # fmt: skip
        session.add(account)
        session.flush()
        return account.id


def audited(desk: Desk, action: str) -> list[AuditEntry]:
    with desk.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# -- the policy reminder ---------------------------------------------------------------------------------


def test_the_policy_reminder_waits_for_a_business_morning_and_comes_again_every_fourteen_days(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 2))  # a Monday; the first reminder is due the next day, 文化の日

    assert desk.sweep(date(2026, 11, 3)) == []  # a national holiday
    assert desk.sweep(date(2026, 11, 4), hour=8) == []  # before 08:30
    assert desk.sweep(date(2026, 11, 4), hour=9) == [(STAFF1, "2026-11-03"), (STAFF2, "2026-11-03")]
    assert desk.sweep(date(2026, 11, 4), hour=15) == []  # once per due date
    assert desk.sweep(date(2026, 11, 16)) == []
    assert desk.sweep(date(2026, 11, 17)) == [(STAFF1, "2026-11-17"), (STAFF2, "2026-11-17")]
    assert [e.after for e in audited(desk, "account.reminded")] == [
        {"kind": "policy", "due_on": "2026-11-03"},
        {"kind": "policy", "due_on": "2026-11-17"},
    ]


def test_a_due_date_on_a_weekend_is_sent_on_the_next_business_day(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 20))  # a Friday: due Saturday; Monday the 23rd is 勤労感謝の日

    assert desk.sweep(date(2026, 11, 21)) == []
    assert desk.sweep(date(2026, 11, 23)) == []
    assert desk.sweep(date(2026, 11, 24)) == [(STAFF1, "2026-11-21"), (STAFF2, "2026-11-21")]


def test_recording_the_url_stops_the_reminders_and_tells_public_info(desk: Desk) -> None:
    account_id = seed(desk, registered=date(2026, 11, 2))
    assert desk.sweep(date(2026, 11, 4)) != []

    outcome, shown = desk.at(date(2026, 11, 5)).run(policy.record_policy, account_id, STAFF1, POLICY)

    assert outcome == Outcome.DONE
    assert shown is not None
    assert shown.public_policy_url == POLICY
    assert not shown.policy_missing
    (entry,) = audited(desk, "account.policy_recorded")
    assert (entry.after, entry.entity_id) == ({"before": None, "after": POLICY}, str(account_id))
    with desk.sessions() as session:
        (notice,) = [m for m in session.scalars(select(OutboxMessage)) if (m.intent or {}).get("notice") == "policy"]
    assert notice.channel == "C0PUBLICINFO"
    assert notice.intent is not None
    assert notice.intent["policy_url"] == POLICY
    assert desk.sweep(date(2026, 11, 17)) == []
    assert desk.sweep(date(2026, 12, 1)) == []
    again = desk.at(date(2026, 11, 6)).run(policy.record_policy, account_id, STAFF2, POLICY)
    assert again[0] == Outcome.UNCHANGED


def test_only_the_accounts_people_may_record_it_and_a_refusal_is_audited(desk: Desk) -> None:
    account_id = seed(desk, registered=date(2026, 11, 2))

    assert desk.run(policy.policy_form, account_id, OUTSIDER) == Outcome.DENIED
    assert desk.run(policy.record_policy, account_id, OUTSIDER, POLICY) == (Outcome.DENIED, None)
    assert [e.after for e in audited(desk, "account.denied")] == [{"action": "policy"}] * 2
    assert isinstance(desk.run(policy.policy_form, account_id, HEAD), AccountView)
    assert desk.run(policy.record_policy, account_id, PUBINFO, POLICY)[0] == Outcome.DONE


def test_after_months_without_a_sweep_the_policy_reminder_comes_once_then_every_fourteen_days(desk: Desk) -> None:
    seed(desk, registered=date(2025, 4, 1))  # long before the sweep knew the kind, or the bot was down

    assert desk.sweep(date(2026, 11, 4)) == [(STAFF1, "2026-10-28"), (STAFF2, "2026-10-28")]
    assert desk.sweep(date(2026, 11, 5)) == []
    assert desk.sweep(date(2026, 11, 10)) == []
    assert desk.sweep(date(2026, 11, 11)) == [(STAFF1, "2026-11-11"), (STAFF2, "2026-11-11")]


def test_an_account_with_a_policy_or_withdrawing_is_never_reminded_of_it(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 2), policy_url=POLICY)
    with desk.sessions.begin() as session:
        session.add(Account(
            platform="line", name="総社市LINE", url="https://line.me/soja", department_id="kanko",
            department_name="観光プロモーション課", managers=[STAFF1], state=AccountState.WITHDRAWING,
            password_changed_on=date(2026, 11, 2), review_interval_days=180, last_review_on=date(2026, 11, 2),
            withdrawal_notice_until=date(2027, 1, 1), registered_at=jst(date(2026, 11, 2)), registered_by="x",
        ))  # fmt: skip

    assert desk.sweep(date(2026, 11, 4)) == []
    at = sweep.asof(desk.ctx.directory, date(2026, 11, 4))
    with desk.sessions() as session:
        assert accounts.due_candidates(session, reminders.prefilters((reminders.KINDS["policy"],), at)) == []


def test_reminders_list_shows_the_policy_reminder_to_the_managers(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 2))

    with desk.sessions() as session:
        rows = sweep.upcoming(session, desk.ctx.directory, date(2026, 11, 20))

    assert [(kind, due, to) for _view, kind, due, to in rows if kind == "policy"] == [
        ("policy", date(2026, 11, 17), (STAFF1, STAFF2))
    ]


def test_the_list_flags_an_account_without_a_policy(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 2))
    with desk.sessions() as session:
        (account,) = accounts.register(session)
        listed = account_list([view_of(account)], [], set(), str)
        withdrawing = account_list([replace(view_of(account), state=AccountState.WITHDRAWING)], [], set(), str)
    assert "公開用運用ポリシー未登録" in str(listed["blocks"])
    # As the reminders and the monthly summary count it: an account being withdrawn is no longer asked for one.
    assert "公開用運用ポリシー未登録" not in str(withdrawing["blocks"])


# -- the registry ----------------------------------------------------------------------------------------


def test_an_unknown_kind_is_an_error_not_some_other_reminder(desk: Desk) -> None:
    seed(desk, registered=date(2026, 11, 2))
    with desk.sessions() as session:
        (account,) = accounts.register(session)
        shown = view_of(account)

    with pytest.raises(reminders.UnknownReminder):
        AccountRenderer().reminder(shown, "no_such_kind")
    with pytest.raises(ValueError, match="no office notice"):
        AccountRenderer().office_notice("no_such_notice", account=shown, by="観光 一郎")


def test_every_swept_kind_has_its_prefilter_and_recipients() -> None:
    assert {kind.name for kind in reminders.SWEPT} == {
        "password", "password_snooze", "password_overdue", "review", "policy", "deletion",
    }  # fmt: skip
    assert all(kind.prefilter is not None and kind.state is not None for kind in reminders.SWEPT)
