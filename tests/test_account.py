"""/sns-account's register, reminders and withdrawal, end to end on SQLite and PostgreSQL, with time
controlled by a FrozenClock (2026-11-26 09:00 JST, a Thursday). app.yaml: kanko's head U0HEADKANKO,
staff U0STAFF1/U0STAFF2; 市政情報課 C0PUBLICINFO with U0PUBINFO1; password rotation 90 days."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.catalog import t
from handlers.account import jobs
from playground.slack_api import SlackStandIn
from storage.db import make_engine, make_sessions
from storage.models import (
    Account,
    AccountState,
    Application,
    ApplicationStatus,
    AuditEntry,
    OutboxMessage,
    OutboxMethod,
    Reminder,
)
from tests.conftest import POSTGRES_URL
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, count, delivered, posts, strings, unpaced_config
from tests.support.slack_requests import Reply, block_action, interactive, send, slash_command, view_submission

HEAD, STAFF1, STAFF2, PUBINFO = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1"
JST = timedelta(hours=9)
POLICY = "https://www.city.soja.okayama.jp/sns/"  # a 公開用運用ポリシー: its reminder is tested on its own


def jst(*args: int) -> datetime:
    """A wall-clock time in Tokyo, as the aware UTC instant the clock gives."""
    return datetime(*args, tzinfo=UTC) - JST


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


def seed_application(bot: RunningBot, status: ApplicationStatus = ApplicationStatus.APPROVED) -> int:
    with bot.service.runtime.sessions.begin() as session:
        application = Application(
            platform="x", status=status, emergency=False, purpose="観光情報の発信", items={}, review_interval_days=180,
            department_id="kanko", department_name="観光プロモーション課", filled_by=HEAD, filled_by_name="観光 一郎",
            head_id=HEAD, created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(application)
        session.flush()
        return application.id


def seed_account(bot: RunningBot, *, changed: date, reviewed: date = date(2026, 11, 1), interval: int = 180,
                 name: str = "総社市観光", policy: str | None = POLICY) -> int:  # fmt: skip
    with bot.service.runtime.sessions.begin() as session:
        account = Account(
            platform="x", name=name, url="https://x.com/soja_kanko", department_id="kanko",
            department_name="観光プロモーション課", managers=[STAFF1, STAFF2], state=AccountState.ACTIVE,
            password_changed_on=changed, review_interval_days=interval, last_review_on=reviewed,
            registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
            public_policy_url=policy,
        )  # fmt: skip
        session.add(account)
        session.flush()
        return account.id


def account(bot: RunningBot) -> Account:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Account)).one()
        session.expunge(found)
        return found


def sweep_at(bot: RunningBot, clock: FrozenClock, at: datetime) -> int:
    clock.advance(seconds=(at - clock.now()).total_seconds())
    sent = jobs.sweep(bot.service.runtime)
    delivered(bot)
    return sent


def press(bot: RunningBot, fake: SlackStandIn, action_id: str, account_id: int, *, user_id: str,
          task: str | None = None, name: str = "press") -> Reply:  # fmt: skip
    payload = block_action(action_id, user_id=user_id, value=json.dumps({"v": 1, "account_id": account_id,
                                                                         "task": task}))  # fmt: skip
    payload["response_url"] = fake.response_url(name)
    return send(bot.url, interactive(payload))


def dms(fake: SlackStandIn, user_id: str, text: str) -> list[Any]:
    return [c for c in posts(fake, user_id) if text in strings(c.args)]


# -- registration ---------------------------------------------------------------------------------


def registration(application_id: int, url: str = "https://x.com/soja_kanko") -> dict[str, Any]:
    def field(kind: str, **state: Any) -> dict[str, Any]:
        return {"type": kind, **state}

    values = {
        "account.register.application": field("static_select", selected_option={"value": str(application_id)}),
        "account.register.name": field("plain_text_input", value="総社市観光"),
        "account.register.url": field("plain_text_input", value=url),
        "account.register.managers": field("multi_users_select", selected_users=[STAFF1, STAFF2]),
        "account.register.policy_url": field("plain_text_input", value="https://www.city.soja.okayama.jp/sns"),
        "account.register.send_only": field("checkboxes", selected_options=[]),
        "account.register.links": field("checkboxes", selected_options=[{"value": "to_site"}]),
        "account.register.password_changed_on": field("datepicker", selected_date="2026-11-20"),
    }
    return {block: {block: element} for block, element in values.items()}


def submit_registration(bot: RunningBot, application_id: int, *, user_id: str = HEAD, url: str | None = None) -> Reply:
    values = registration(application_id, *([url] if url else []))
    payload = view_submission("account.register.submit", user_id=user_id, values=values)
    return send(bot.url, interactive(as_opened(bot, payload)))


def test_an_approved_application_is_registered_and_reported_to_public_info(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    application_id = seed_application(bot)
    send(bot.url, slash_command("/sns-account", user_id=HEAD, text="register"))
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "account.register.submit"

    assert submit_registration(bot, application_id).status == 200
    delivered(bot)

    registered = account(bot)
    assert (registered.state, registered.password_changed_on, registered.managers) == (
        "active", date(2026, 11, 20), [STAFF1, STAFF2],
    )  # fmt: skip
    assert (registered.links_to_site, registered.linked_from_site) == (True, False)
    (notice,) = posts(fake_slack, "C0PUBLICINFO")
    assert "【届出】" in strings(notice.args)
    with bot.service.runtime.sessions() as session:
        assert session.get(Application, application_id).status == "registered"
    assert "account.registered" in audit_actions(bot)


def test_register_is_refused_without_an_approved_application(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    pending = seed_application(bot, ApplicationStatus.SUBMITTED)

    send(
        bot.url, slash_command("/sns-account", user_id=HEAD, text="register", response_url=fake_slack.response_url("r"))
    )
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.args["text"] == t("account.register.none")
    # Sending the modal anyway, with the id of the application still under review, registers nothing.
    reply = submit_registration(bot, pending)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"account.register.application": t("account.error.application.gone")},
    }
    assert count(bot, Account) == 0


def test_an_account_url_is_registered_once(bot: RunningBot) -> None:
    seed_account(bot, changed=date(2026, 11, 1))

    reply = submit_registration(bot, seed_application(bot))

    assert reply.json()["errors"] == {"account.register.url": t("account.error.url.taken")}
    assert count(bot, Account) == 1


def test_someone_from_another_department_may_not_register(bot: RunningBot) -> None:
    reply = submit_registration(bot, seed_application(bot), user_id="U0NOBODY")

    assert reply.json()["errors"] == {"account.register.application": t("account.denied")}
    assert "account.denied" in audit_actions(bot)


# -- password rotation ------------------------------------------------------------------------------


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


# -- effectiveness review and withdrawal --------------------------------------------------------------


def review_values(decision: str, criteria: list[str]) -> dict[str, Any]:
    values = {
        "account.review.indicators": {"type": "plain_text_input", "value": "フォロワー数 1,200（目標 1,000）"},
        "account.review.goal_reached": {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        "account.review.decision": {"type": "radio_buttons", "selected_option": {"value": decision}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": [{"value": c} for c in criteria]},
        "account.review.note": {"type": "plain_text_input", "value": None},
    }
    return {block: {block: element} for block, element in values.items()}


def submit_review(bot: RunningBot, account_id: int, decision: str, criteria: list[str], user_id: str = HEAD) -> Reply:
    payload = view_submission("account.review.submit", user_id=user_id, values=review_values(decision, criteria))
    payload["view"]["private_metadata"] = json.dumps({"v": 1, "account_id": account_id, "task": None})
    return send(bot.url, interactive(as_opened(bot, payload)))


def test_the_review_goes_to_public_info_and_restarts_the_cycle(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1), reviewed=date(2026, 6, 1), interval=180)

    assert sweep_at(bot, clock, jst(2026, 11, 30, 9, 0)) == 1  # 2026-06-01 + 180 days = 2026-11-28 (Saturday)
    (asked,) = dms(fake_slack, HEAD, "効果の振り返りの時期です")
    assert "account.review.open" in json.dumps(asked.args)
    press(bot, fake_slack, "account.review.open", account_id, user_id=HEAD)
    fake_slack.wait_for("views.open")

    assert submit_review(bot, account_id, "continue", []).status == 200
    delivered(bot)

    (result,) = posts(fake_slack, "C0PUBLICINFO")
    assert "フォロワー数 1,200" in strings(result.args)
    assert account(bot).last_review_on == date(2026, 11, 30)
    assert sweep_at(bot, clock, jst(2026, 12, 7, 9, 0)) == 0


def test_only_the_head_or_public_info_reviews(bot: RunningBot) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))

    reply = submit_review(bot, account_id, "continue", [], user_id=STAFF1)

    assert reply.json()["response_action"] == "errors"
    assert "account.denied" in audit_actions(bot)


def test_withdrawal_with_notice_ends_in_a_deletion_reminder(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))

    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    delivered(bot)
    assert account(bot).state == "withdrawing"
    assert account(bot).withdrawal_notice_until == date(2026, 12, 26)  # withdrawal_notice_days: 30
    (notice,) = dms(fake_slack, STAFF1, "撤退が決まりました")
    tasks = "account.withdrawal.announced.announced_in_account", "account.withdrawal.announced.announced_on_site"
    assert all(task in json.dumps(notice.args) for task in tasks)  # one id per button: Slack refuses a shared one
    press(bot, fake_slack, tasks[1], account_id, user_id=STAFF1, task="announced_on_site")
    fake_slack.wait_for("response_url")
    assert account(bot).announced_on_site is True
    # A notice posted before one id per task carries the shared id; its value names the task.
    press(bot, fake_slack, "account.withdrawal.announced", account_id, user_id=STAFF1, task="announced_in_account")
    fake_slack.wait_for("response_url", count=2)
    assert account(bot).announced_in_account is True

    assert sweep_at(bot, clock, jst(2026, 12, 25, 9, 0)) == 0
    assert sweep_at(bot, clock, jst(2027, 1, 4, 8, 30)) == 1  # 12-26 is a Saturday, then the year-end closure
    (reminder,) = dms(fake_slack, STAFF1, "アカウントを削除し")
    assert "account.withdrawal.deleted" in json.dumps(reminder.args)

    press(bot, fake_slack, "account.withdrawal.deleted", account_id, user_id=STAFF1, name="deleted")
    fake_slack.wait_for("response_url", where=lambda c: c.args["response_url"].endswith("deleted"))
    assert (account(bot).state, account(bot).deleted_on) == ("deleted", date(2027, 1, 4))
    assert sweep_at(bot, clock, jst(2027, 1, 5, 9, 0)) == 0
    assert "account.deleted" in audit_actions(bot)


def test_a_typed_account_name_is_shown_as_text_not_as_a_link_in_the_replies(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    forged = "<http://evil.example|公式: パスワード変更はこちら>"
    account_id = seed_account(bot, changed=date(2026, 8, 30), name=forged)

    press(bot, fake_slack, "account.password.changed", account_id, user_id=STAFF1, name="changed")
    with bot.service.runtime.sessions.begin() as session:
        session.get(Account, account_id).state = AccountState.WITHDRAWING
    press(bot, fake_slack, "account.withdrawal.deleted", account_id, user_id=STAFF1, name="deleted")

    replies = [fake_slack.wait_for("response_url", where=lambda c, n=n: c.args["response_url"].endswith(n))[0]
               for n in ("changed", "deleted")]  # fmt: skip
    for reply in replies:
        assert "&lt;http://evil.example|公式: パスワード変更はこちら&gt;" in reply.args["text"]
        assert "<http" not in reply.args["text"]


def test_an_immediate_withdrawal_asks_for_deletion_at_once_and_only_once(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    values = {
        "account.withdraw.account": {"type": "static_select", "selected_option": {"value": str(account_id)}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": [{"value": "security"}]},
        "account.withdraw.mode": {"type": "radio_buttons", "selected_option": {"value": "immediate"}},
    }
    payload = view_submission("account.withdraw.submit", user_id=PUBINFO,
                              values={b: {b: e} for b, e in values.items()})  # fmt: skip

    assert send(bot.url, interactive(as_opened(bot, payload))).status == 200
    delivered(bot)

    assert len(dms(fake_slack, STAFF1, "直ちに削除")) == 1
    assert sweep_at(bot, clock, jst(2026, 11, 26, 10, 0)) == 0


# -- drawn when sent ------------------------------------------------------------------------------------


def rename(bot: RunningBot, account_id: int, name: str) -> None:
    with bot.service.runtime.sessions.begin() as session:
        session.get_one(Account, account_id).name = name


def test_a_reminder_says_what_was_due_at_the_sweep_with_the_accounts_name_as_it_is_when_sent(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 8, 27))  # due Wednesday 11-25: overdue from 12-02
    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 45)) == 1
    worker = bot.service.worker
    worker.stop()  # the notice to the head waits in the outbox three days
    clock.advance(seconds=(jst(2026, 12, 2, 9, 0) - clock.now()).total_seconds())
    assert jobs.sweep(bot.service.runtime) == 1
    clock.advance(days=3)
    rename(bot, account_id, "総社市観光（公式）")

    worker.drain()

    (told,) = dms(fake_slack, HEAD, "変更期限を")
    assert "7 日過ぎても" in strings(told.args)  # as of the sweep, not the 10 days of the day it went
    assert "総社市観光（公式）" in strings(told.args)


def test_a_withdrawal_decided_and_changed_before_anything_is_sent_is_told_once_as_it_ended_up(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    worker = bot.service.worker
    worker.stop()
    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    # Before any notice is sent: the account is renamed twice and both tasks are done, from 市政情報課.
    rename(bot, account_id, "総社市観光（旧）")
    rename(bot, account_id, "総社市観光（終了）")
    for task in ("announced_in_account", "announced_on_site"):
        press(bot, fake_slack, f"account.withdrawal.announced.{task}", account_id, user_id=PUBINFO, task=task,
              name=task)  # fmt: skip
    fake_slack.wait_for("response_url", count=2)

    worker.drain()

    # One notice each, drawn when sent: the last name, no task left to press, the criteria as decided.
    for user in (STAFF1, STAFF2, HEAD):
        (notice,) = dms(fake_slack, user, "撤退が決まりました")
        assert "総社市観光（終了）" in strings(notice.args), user
        assert t("account.criteria.purpose_achieved") in strings(notice.args)
        assert "account.withdrawal.announced" not in json.dumps(notice.args)
    assert fake_slack.calls_to("chat.update") == []  # the posts, still to be sent, drew it all
    review, office = posts(fake_slack, "C0PUBLICINFO")
    assert "総社市観光（終了）" in strings(review.args)
    assert "フォロワー数 1,200" in strings(review.args)  # the review as it was submitted
    assert "【撤退】" in strings(office.args)
    assert t("account.criteria.purpose_achieved") in strings(office.args)


def placed(bot: RunningBot, account_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Where Slack put each message about the account, by its recipient."""
    with bot.service.runtime.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.subject == f"account:{account_id}"))
        return {row.channel: (row.slack_channel, row.slack_ts) for row in rows if row.method == OutboxMethod.POST}


def test_tasks_done_before_the_notices_are_updated_rewrite_each_copy_once_as_it_ended_up(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    account_id = seed_account(bot, changed=date(2026, 11, 1))
    assert submit_review(bot, account_id, "withdraw", ["purpose_achieved"]).status == 200
    delivered(bot)
    shown = placed(bot, account_id)
    worker = bot.service.worker
    worker.stop()
    # A burst before the copies are updated: both tasks done, by a manager and the head, and the account renamed.
    press(bot, fake_slack, "account.withdrawal.announced.announced_in_account", account_id, user_id=STAFF1,
          task="announced_in_account", name="in_account")  # fmt: skip
    press(bot, fake_slack, "account.withdrawal.announced.announced_on_site", account_id, user_id=HEAD,
          task="announced_on_site", name="on_site")  # fmt: skip
    rename(bot, account_id, "総社市観光（終了）")
    fake_slack.wait_for("response_url", count=2)

    worker.drain()

    # One update per copy, drawn when sent: the last name, no task left, the criteria as decided.
    for user in (STAFF1, STAFF2, HEAD):
        (updated,) = [c for c in fake_slack.calls_to("chat.update") if (c.args["channel"], c.args["ts"]) == shown[user]]
        assert "総社市観光（終了）" in strings(updated.args), user
        assert t("account.criteria.purpose_achieved") in strings(updated.args)
        assert "account.withdrawal.announced" not in json.dumps(updated.args)
    assert len(fake_slack.calls_to("chat.update")) == 3


# -- the monthly summary and the command line ------------------------------------------------------------


def test_the_monthly_summary_goes_out_on_the_first_business_day_at_nine(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 11, 20))

    assert sweep_at(bot, clock, jst(2026, 12, 1, 8, 59)) == 0
    assert sweep_at(bot, clock, jst(2026, 12, 1, 9, 0)) == 1
    assert sweep_at(bot, clock, jst(2026, 12, 1, 9, 1)) == 0
    (summary,) = posts(fake_slack, "C0PUBLICINFO")
    assert "SNS月次サマリー（2026年11月）" in strings(summary.args)
    assert "運用中: 1" in strings(summary.args)
    # The chain's head as the summary was written: an anchor outside the database that the entry must match.
    seq, hash_shown = re.search(r"(\d+) 件目までのハッシュ `([0-9a-f]{64})`", strings(summary.args)).groups()
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(AuditEntry.hash).where(AuditEntry.seq == int(seq))).one() == hash_shown


def test_the_list_shows_each_account_and_waiting_applications(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    seed_account(bot, changed=date(2026, 11, 20))
    seed_application(bot, ApplicationStatus.SUBMITTED)

    send(bot.url, slash_command("/sns-account", user_id=STAFF2, text="list", response_url=fake_slack.response_url("l")))

    (answer,) = fake_slack.wait_for("response_url")
    shown = strings(answer.args)
    assert "総社市観光" in shown
    assert "運用中" in shown
    assert "パスワード変更: 2026-11-20" in shown
    assert "申請中: 観光情報の発信" in shown


# -- evidence for the committee (6(1)) -----------------------------------------------------------------


def test_public_info_gets_the_audit_log_as_xlsx_in_their_dm(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    seed_account(bot, changed=date(2026, 11, 1))
    body = slash_command("/sns-account", user_id=PUBINFO, text="export 2026-11-01 2026-11-30")

    assert send(bot.url, body).status == 200

    (completed,) = fake_slack.wait_for("files.completeUploadExternal")
    assert completed.args["channel_id"] == "D0PUBINFO1"
    (upload,) = fake_slack.calls_to("file_upload")
    sheet = openpyxl.load_workbook(io.BytesIO(fake_slack.uploads[upload.args["file_id"]])).active
    assert sheet.cell(1, 5).value == "操作"
    assert "config.directory_changed" in [sheet.cell(row, 5).value for row in range(2, sheet.max_row + 1)]
    assert audit_actions(bot)[-1] == "audit.exported"


def test_nobody_else_gets_the_audit_log(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    body = slash_command("/sns-account", user_id=STAFF1, text="export", response_url=fake_slack.response_url("x"))

    assert send(bot.url, body).status == 200

    assert fake_slack.wait_for("response_url")[0].args["text"] == t("account.denied")
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
    assert "audit.export_denied" in audit_actions(bot)
