"""The password reminder: business mornings, snoozing, the head told when overdue, sent once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.catalog import t
from handlers.account import jobs
from playground.slack_api import SlackStandIn
from storage.db import make_engine, make_sessions
from storage.models import Account, AccountState, OutboxMessage, Reminder
from tests.account.flow import HEAD, POLICY, STAFF1, STAFF2, account, dms, jst, press, seed_account, sweep_at
from tests.conftest import POSTGRES_URL
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import delivered, posts, strings, unpaced_config


def test_the_password_reminder_fires_once_at_the_next_business_morning(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 8, 30))  # + 90 days = Saturday 2026-11-28

    assert sweep_at(bot, clock, jst(2026, 11, 28, 10, 0)) == 0  # a Saturday
    assert sweep_at(bot, clock, jst(2026, 11, 30, 8, 29)) == 0  # before opening
    assert sweep_at(bot, clock, jst(2026, 11, 30, 8, 30)) == 1
    assert sweep_at(bot, clock, jst(2026, 11, 30, 8, 31)) == 0

    for manager in (STAFF1, STAFF2):
        (reminder,) = dms(fake_slack, manager, "パスワードを変更する時期です")
        assert "https://x.com/soja_kanko" in strings(reminder.args)
    assert posts(fake_slack, HEAD) == []


def test_across_the_new_year_closure_the_reminder_waits_for_january_4th(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 9, 30))  # + 90 days = Tuesday 2026-12-29, the offices closed until 1/3

    for day in (29, 30, 31):
        assert sweep_at(bot, clock, jst(2026, 12, day, 10, 0)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 4, 8, 29)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 4, 8, 30)) == 1


def test_on_a_national_holiday_the_reminder_waits_for_the_next_business_morning(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 10, 13))  # + 90 days = Monday 2027-01-11, 成人の日

    assert sweep_at(bot, clock, jst(2027, 1, 11, 10, 0)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 12, 8, 29)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 12, 8, 30)) == 1
    assert len(dms(fake_slack, STAFF1, "パスワードを変更する時期です")) == 1


def test_snooze_once_then_changed_restarts_the_cycle(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 8, 30))
    sweep_at(bot, clock, jst(2026, 11, 30, 9, 0))

    press(bot, fake_slack, "account.password.snooze", account_id, user_id=STAFF1)
    assert fake_slack.wait_for("response_url")[0].args["text"] == t("account.password.snoozed")
    press(bot, fake_slack, "account.password.snooze", account_id, user_id=STAFF2, name="again")
    again = fake_slack.wait_for("response_url", where=lambda c: c.args["response_url"].endswith("again"))
    assert again[0].args["text"] == t("account.password.already_snoozed")

    assert sweep_at(bot, clock, jst(2026, 11, 30, 16, 0)) == 0
    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 30)) == 1  # 明日もう一度
    assert len(dms(fake_slack, STAFF1, "再通知")) == 1

    press(bot, fake_slack, "account.password.changed", account_id, user_id=STAFF2, name="changed")
    fake_slack.wait_for("response_url", where=lambda c: c.args["response_url"].endswith("changed"))
    assert (account(bot).password_changed_on, account(bot).password_snooze_on) == (date(2026, 12, 1), None)
    assert sweep_at(bot, clock, jst(2026, 12, 8, 9, 0)) == 0  # no overdue notice: it was changed
    assert (
        sweep_at(bot, clock, jst(2027, 3, 1, 8, 45)) == 1
    )  # 2026-12-01 + 90 days: the next cycle (before 9:00, the summary)
    assert len(dms(fake_slack, STAFF1, "パスワードを変更する時期です")) == 2


def test_seven_days_overdue_the_head_is_told_once(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 8, 27))  # due Wednesday 11-25: overdue from Wednesday 12-02

    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 45)) == 1  # the managers' reminder, missed while down: once
    assert sweep_at(bot, clock, jst(2026, 12, 2, 9, 0)) == 1
    assert sweep_at(bot, clock, jst(2026, 12, 3, 9, 0)) == 0
    (told,) = dms(fake_slack, HEAD, "変更期限を")
    assert "7 日過ぎても" in strings(told.args)


def test_a_restart_between_sweep_and_delivery_loses_and_doubles_nothing(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    config = unpaced_config(tmp_path)
    with running_bot(fake_slack, database_url, clock=clock, config_path=config) as first:
        seed_account(first, changed=date(2026, 8, 25))
        first.service.worker.stop()  # the process dies after the sweep committed, before delivering
        assert jobs.sweep(first.service.runtime) == 1
    with running_bot(fake_slack, database_url, clock=clock, config_path=config) as second:
        assert jobs.sweep(second.service.runtime) == 0
        delivered(second)
    assert len(dms(fake_slack, STAFF1, "パスワードを変更する時期です")) == 1


@pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL does not answer")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_schedulers_on_postgresql_send_each_reminder_once(
    bot: RunningBot, database_url: str, clock: FrozenClock
) -> None:
    for n in range(10):
        with bot.service.runtime.sessions.begin() as session:
            session.add(Account(
                platform="x", name=f"a{n}", url=f"https://x.com/a{n}", department_id="kanko",
                department_name="観光プロモーション課", managers=[STAFF1], state=AccountState.ACTIVE,
                password_changed_on=date(2026, 8, 1), review_interval_days=30, last_review_on=date(2026, 10, 1),
                registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
                public_policy_url=POLICY,
            ))  # fmt: skip
    other = bot.service.runtime.__class__(**{**bot.service.runtime.__dict__,
                                             "sessions": make_sessions(make_engine(database_url))})  # fmt: skip
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep(runtime: Any) -> None:
        barrier.wait()
        results.append(jobs.sweep(runtime))

    threads = [threading.Thread(target=sweep, args=(r,)) for r in (bot.service.runtime, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # Each account owes a password reminder, an overdue notice and a review: 30 reminders, each sent once.
    assert sum(results) == 30
    with bot.service.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 30
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 30
