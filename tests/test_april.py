"""The April personnel change: after app.yaml is reloaded, open items whose people left go to the
current ones, each re-addressing audited, and a person who left can no longer decide anything."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.catalog import t
from bot.config import Config
from bot.directory import Directory
from handlers.account import jobs as account_jobs
from handlers.account.service import may_act as account_may_act
from playground.slack_api import SlackStandIn
from storage.models import Account, AccountState, Case, Draft, DraftRequest, OutboxMessage
from tests.support.bot import APP_YAML, RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, delivered, dm, posts, strings
from tests.support.report import click, copies, submit_report
from tests.support.slack_requests import block_action, interactive, send, view_submission

OLD_HEAD, NEW_HEAD, DEPUTY, AUTHOR, LEAVER = "U0HEADKANKO", "U0NEWHEAD", "U0DEPUTYKANKO", "U0STAFF1", "U0STAFF2"


def april(bot: RunningBot, config_path: Path, change: Any) -> None:
    """Edits app.yaml as the April personnel change does, and reloads it (as SIGHUP would)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    change(config)
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert bot.service.runtime.config.reload()
    delivered(bot)


def new_head(config: dict[str, Any]) -> None:
    kanko = config["departments"][0]
    kanko["head"] = NEW_HEAD
    kanko["approvers"] = [NEW_HEAD]
    config["people"][NEW_HEAD] = "新任 課長"


def test_an_unacknowledged_case_goes_to_the_new_head_and_the_old_one_can_no_longer_act(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    submit_report(bot, clock)
    delivered(bot)
    old = copies(bot)[OLD_HEAD]

    april(bot, config_path, new_head)

    (copy,) = posts(fake_slack, NEW_HEAD)
    assert "SNS-2026-0001" in strings(copy.args)
    assert "case.readdressed" in audit_actions(bot)
    fake_slack.clear()
    assert click(bot, fake_slack, old, "report.case.ack", user_id=OLD_HEAD).status == 200
    assert fake_slack.wait_for("response_url")[0].args["text"] == t("report.denied")
    new = copies(bot)[NEW_HEAD]
    assert click(bot, fake_slack, new, "report.case.ack", user_id=NEW_HEAD, response_name="new").status == 200
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Case)).one().acknowledged_by == "新任 課長"

    # Reloading again (or restarting) changes nothing more: re-addressing happens once.
    fake_slack.clear()
    assert bot.service.runtime.config.reload()
    delivered(bot)
    assert posts(fake_slack) == []


def test_an_acknowledged_case_is_handed_over_and_the_old_copy_says_to_whom(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    submit_report(bot, clock)
    delivered(bot)
    old = copies(bot)[OLD_HEAD]
    assert click(bot, fake_slack, old, "report.case.ack", user_id=OLD_HEAD).status == 200
    delivered(bot)
    fake_slack.clear()

    # 観光 一郎 becomes head of 企画課: still a head, but no longer of this case's department.
    april(bot, config_path, moved_to_another_department)

    (copy,) = posts(fake_slack, NEW_HEAD)
    assert "SNS-2026-0001" in strings(copy.args)
    assert "report.case.resolve" in strings(copy.args)  # with its buttons
    (rewritten,) = [c for c in fake_slack.calls_to("chat.update") if c.args["channel"] == old.channel]
    assert t("report.case.handed_over", name="新任 課長") in strings(rewritten.args)
    assert "report.case." not in strings(rewritten.args["blocks"])  # no button left
    assert audit_actions(bot).count("case.readdressed") == 1
    fake_slack.clear()
    assert click(bot, fake_slack, old, "report.case.resolve", user_id=OLD_HEAD).status == 200
    assert fake_slack.wait_for("response_url")[0].args["text"] == t("report.denied")
    assert fake_slack.calls_to("views.open") == []

    # Reloading again (or restarting) hands nothing over twice.
    fake_slack.clear()
    assert bot.service.runtime.config.reload()
    delivered(bot)
    assert posts(fake_slack) == []
    assert audit_actions(bot).count("case.readdressed") == 1


def test_a_restart_with_a_changed_app_yaml_hands_open_cases_over_too(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as first:
        submit_report(first, clock)
        delivered(first)
        assert click(first, fake_slack, copies(first)[OLD_HEAD], "report.case.ack", user_id=OLD_HEAD).status == 200
        delivered(first)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    moved_to_another_department(config)
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    fake_slack.clear()

    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as second:
        delivered(second)
        (copy,) = posts(fake_slack, NEW_HEAD)
        assert "report.case.resolve" in strings(copy.args)
        assert audit_actions(second).count("case.readdressed") == 1


def test_a_violations_thread_moves_to_the_new_heads_copy_with_what_the_copies_cut(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    summary = "同じ画像を使ったなりすましの疑いがあります。" * 120  # longer than a copy shows
    submit_report(bot, clock, kind="violation", summary=summary)
    delivered(bot)
    fake_slack.clear()

    april(bot, config_path, new_head)

    # A violation's thread hangs off the head's copy: it starts again under the new head's, whole.
    thread = "\n".join(strings(c.args) for c in posts(fake_slack, dm(NEW_HEAD), threaded=True))
    assert "新任 課長" in thread
    assert summary in thread
    assert posts(fake_slack, dm(OLD_HEAD), threaded=True) == []


def moved_to_another_department(config: dict[str, Any]) -> None:
    new_head(config)
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OLD_HEAD, "members": []})


def draft_values(approvers: list[str]) -> dict[str, Any]:
    fields = {
        "draft.account": {"type": "plain_text_input", "value": "@soja"},
        "draft.text": {"type": "plain_text_input", "value": "市の方針をお知らせします。"},
        "draft.kind": {"type": "radio_buttons", "selected_option": {"value": "official_view"}},
        "draft.reviewers": {"type": "multi_users_select", "selected_users": []},
        "draft.approvers": {"type": "multi_static_select", "selected_options": [{"value": a} for a in approvers]},
        "draft.scheduled_at": {"type": "datetimepicker", "selected_date_time": None},
        "draft.note": {"type": "plain_text_input", "value": None},
        "draft.corrects": {"type": "plain_text_input", "value": None},
        "draft.consent": {"type": "checkboxes", "selected_options": []},
    }
    return {block: {block: element} for block, element in fields.items()}


def approve(bot: RunningBot, fake: SlackStandIn, user_id: str) -> None:
    with bot.service.runtime.sessions() as session:
        request, message = session.execute(
            select(DraftRequest, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.id == DraftRequest.outbox_id)
            .where(DraftRequest.user_id == user_id, DraftRequest.role == "approver")
        ).one()
    payload = block_action(
        "draft.decision.approve",
        user_id=user_id,
        value=json.dumps({"v": 1, "draft_id": request.draft_id, "request_id": request.id}),
    )
    payload["container"] = {"type": "message", "channel_id": message.slack_channel, "message_ts": message.slack_ts}
    payload["response_url"] = fake.response_url(f"approve-{user_id}")
    assert send(bot.url, interactive(payload)).status == 200


def test_a_pending_draft_goes_to_the_new_approver_and_the_old_one_cannot_decide(
    bot: RunningBot, fake_slack: SlackStandIn, config_path: Path
) -> None:
    submission = view_submission("draft.submit", user_id=AUTHOR, values=draft_values([DEPUTY]))
    send(bot.url, interactive(as_opened(bot, submission)))
    delivered(bot)

    april(bot, config_path, new_head)

    (asked,) = posts(fake_slack, NEW_HEAD)
    assert "決裁のお願い" in strings(asked.args)
    assert "draft.readdressed" in audit_actions(bot)
    approve(bot, fake_slack, DEPUTY)
    assert fake_slack.wait_for("response_url")[0].args["text"] == t("draft.denied")
    approve(bot, fake_slack, NEW_HEAD)
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Draft)).one().status == "approved"


def test_a_draft_whose_chosen_approvers_include_one_who_left_goes_to_the_steps_current_approvers(
    bot: RunningBot, fake_slack: SlackStandIn, config_path: Path
) -> None:
    submission = view_submission("draft.submit", user_id=AUTHOR, values=draft_values([OLD_HEAD, DEPUTY]))
    send(bot.url, interactive(as_opened(bot, submission)))
    delivered(bot)

    # The old head leaves; 観光 次郎, also chosen, is still an approver.
    april(bot, config_path, new_head_beside_the_deputy)

    (asked,) = posts(fake_slack, NEW_HEAD)
    assert "決裁のお願い" in strings(asked.args)
    approve(bot, fake_slack, OLD_HEAD)
    assert fake_slack.wait_for("response_url")[0].args["text"] == t("draft.denied")
    approve(bot, fake_slack, NEW_HEAD)
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Draft)).one().status == "approved"


def new_head_beside_the_deputy(config: dict[str, Any]) -> None:
    new_head(config)
    config["departments"][0]["approvers"] = [NEW_HEAD, DEPUTY]


def route_of_all(config: dict[str, Any], approvers: list[str]) -> None:
    """観光プロモーション課's 決裁 becomes one step that every one of ``approvers`` must approve."""
    config["departments"][0]["approval_route"] = [{"approvers": approvers, "mode": "all"}]


def new_head_in_an_all_step(config: dict[str, Any]) -> None:
    new_head(config)
    route_of_all(config, [NEW_HEAD, DEPUTY])


def test_an_all_step_completes_when_the_current_approvers_approve_after_one_left(
    bot: RunningBot, fake_slack: SlackStandIn, config_path: Path
) -> None:
    april(bot, config_path, lambda config: route_of_all(config, [OLD_HEAD, DEPUTY]))
    submission = view_submission("draft.submit", user_id=AUTHOR, values=draft_values([]))
    send(bot.url, interactive(as_opened(bot, submission)))
    delivered(bot)
    assert [len(posts(fake_slack, u)) for u in (OLD_HEAD, DEPUTY)] == [1, 1]

    # The old head leaves without answering; the new one takes his place in the step.
    april(bot, config_path, new_head_in_an_all_step)
    assert posts(fake_slack, NEW_HEAD), "the new approver is asked"

    approve(bot, fake_slack, DEPUTY)
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Draft)).one().status == "pending", "the new head has not approved yet"
    approve(bot, fake_slack, NEW_HEAD)
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Draft)).one().status == "approved"


def left_app_yaml(config: dict[str, Any]) -> None:
    config["departments"][0]["members"] = [AUTHOR]  # 吉備 さくら retires


def transferred_to_kikaku(config: dict[str, Any]) -> None:
    left_app_yaml(config)  # 吉備 さくら moves to 企画課: still in app.yaml, no longer in the account's department
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": "U0HEADKIKAKU", "members": [LEAVER]})


# A manager leaves the account's department in April either way.
leaving = pytest.mark.parametrize("change", [left_app_yaml, transferred_to_kikaku], ids=["retired", "transferred"])


@leaving
def test_an_account_whose_managers_all_left_is_flagged_to_public_info(
    bot: RunningBot, fake_slack: SlackStandIn, config_path: Path, change: Any
) -> None:
    with bot.service.runtime.sessions.begin() as session:
        session.add(Account(
            platform="line", name="総社市LINE", url="https://lin.ee/soja", department_id="kanko",
            department_name="観光プロモーション課", managers=[LEAVER], state=AccountState.ACTIVE,
            password_changed_on=date(2026, 11, 1), review_interval_days=180, last_review_on=date(2026, 11, 1),
            registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
        ))  # fmt: skip

    april(bot, config_path, change)

    (flag,) = posts(fake_slack, "C0PUBLICINFO")
    assert "管理者が全員" in strings(flag.args)
    fake_slack.clear()
    assert bot.service.runtime.config.reload()
    delivered(bot)
    assert posts(fake_slack, "C0PUBLICINFO") == []


@leaving
def test_a_manager_who_left_loses_the_account_buttons_and_the_head_and_public_info_stand_in(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path, change: Any
) -> None:
    with bot.service.runtime.sessions.begin() as session:
        account = Account(
            platform="x", name="総社市観光", url="https://x.com/soja_kanko", department_id="kanko",
            department_name="観光プロモーション課", managers=[AUTHOR, LEAVER], state=AccountState.ACTIVE,
            password_changed_on=date(2026, 8, 28), review_interval_days=180, last_review_on=date(2026, 11, 1),
            registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
            public_policy_url="https://www.city.soja.okayama.jp/sns/",  # only the password is due
        )  # fmt: skip
        session.add(account)
        session.flush()
        account_id = account.id

    april(bot, config_path, change)
    assert account_jobs.sweep(bot.service.runtime) == 1  # the password is due today (08-28 + 90 days)
    delivered(bot)

    flag = t("account.reminder.managers_left", names="吉備 さくら")
    for stand_in in (AUTHOR, OLD_HEAD, "C0PUBLICINFO"):
        (reminder,) = posts(fake_slack, stand_in)
        assert flag in strings(reminder.args), stand_in
        assert "account.password.changed" in strings(reminder.args)
    assert posts(fake_slack, LEAVER) == []
    value = json.dumps({"v": 1, "account_id": account_id, "task": None})
    for action in ("account.password.changed", "account.password.snooze"):
        payload = block_action(action, user_id=LEAVER, value=value)
        payload["response_url"] = fake_slack.response_url(action)
        assert send(bot.url, interactive(payload)).status == 200
        (refusal,) = fake_slack.wait_for("response_url", where=lambda c, a=action: c.args["response_url"].endswith(a))
        assert refusal.args["text"] == t("account.denied")
    with bot.service.runtime.sessions() as session:
        stored = session.get(Account, account_id)
        assert stored is not None
        assert (stored.password_changed_on, stored.password_snooze_on) == (date(2026, 8, 28), None)


@pytest.mark.parametrize("action", ["password_changed", "deleted"])
def test_a_manager_transferred_to_another_department_loses_the_old_departments_account_buttons(action: str) -> None:
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    transferred_to_kikaku(config)
    directory = Directory(Config.model_validate(config))
    account = Account(platform="x", name="総社市観光", department_id="kanko", managers=[AUTHOR, LEAVER])

    assert account_may_act(directory, account, AUTHOR, action)
    assert not account_may_act(directory, account, LEAVER, action)
