"""The April personnel change: after app.yaml is reloaded, open items whose people left go to the
current ones, each re-addressing audited, and a person who left can no longer decide anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Account, AccountState, Case, Draft, DraftRequest, OutboxMessage
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, delivered, posts, strings, unpaced_config
from tests.support.report import click, copies, submit_report
from tests.support.slack_requests import block_action, interactive, send, view_submission

OLD_HEAD, NEW_HEAD, DEPUTY, AUTHOR = "U0HEADKANKO", "U0NEWHEAD", "U0DEPUTYKANKO", "U0STAFF1"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return unpaced_config(tmp_path)


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as running:
        yield running


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


def test_an_account_whose_managers_all_left_is_flagged_to_public_info(
    bot: RunningBot, fake_slack: SlackStandIn, config_path: Path
) -> None:
    with bot.service.runtime.sessions.begin() as session:
        session.add(Account(
            platform="line", name="総社市LINE", url="https://lin.ee/soja", department_id="kanko",
            department_name="観光プロモーション課", managers=["U0STAFF2"], state=AccountState.ACTIVE,
            password_changed_on=date(2026, 11, 1), review_interval_days=180, last_review_on=date(2026, 11, 1),
            registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
        ))  # fmt: skip

    april(bot, config_path, lambda config: config["departments"][0].update(members=[AUTHOR]))

    (flag,) = posts(fake_slack, "C0PUBLICINFO")
    assert "管理者が全員" in strings(flag.args)
    fake_slack.clear()
    assert bot.service.runtime.config.reload()
    delivered(bot)
    assert posts(fake_slack, "C0PUBLICINFO") == []
