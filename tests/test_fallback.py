"""A refused payload never loses a report or a decision: when Slack refuses a message's blocks, the worker
sends it once more as plain text, audits both, and tells 市政情報課 once per subject. End to end through
signed requests to the in-process bot and a stand-in refusing every message with blocks, on SQLite and
PostgreSQL; the plain version itself as a pure function."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.catalog import t
from bot.plain_text import BODY_LIMIT, plain_version
from handlers.account import jobs
from handlers.report.ids import ReportIds
from playground.slack_api import SlackStandIn
from storage.models import AuditEntry, OutboxMessage, OutboxStatus, PlainTextNotice
from tests.account.flow import jst, seed_account, sweep_at
from tests.draft.flow import OFFICIAL, press, request_of, submit
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import audit_actions, delivered, posts, unpaced_config
from tests.support.process import eventually
from tests.support.report import GENERAL, HEAD, PUBLIC_INFO, SECRETARIAT, STAFF1, click, copies, submit_report

NOTICE = "テキストのみで送りました"


@pytest.fixture
def refusing() -> Iterator[SlackStandIn]:
    with SlackStandIn() as fake:
        yield fake


@pytest.fixture
def bot(refusing: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(refusing, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


def shown(fake: SlackStandIn, channel: str, ts: str) -> dict[str, Any]:
    """The message as Slack holds it now, where the bot recorded it landed."""
    message = fake.workspace.conversation(channel).find(ts)
    assert message is not None
    return message.fields


def notices(fake: SlackStandIn) -> list[str]:
    return [c.args["text"] for c in posts(fake, PUBLIC_INFO) if NOTICE in c.args.get("text", "")]


def rows(bot: RunningBot, *statuses: OutboxStatus) -> list[OutboxMessage]:
    with bot.service.runtime.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(statuses))))


# -- end to end -------------------------------------------------------------------------------------


def test_refused_copies_of_a_report_arrive_as_plain_text_and_public_info_hears_once(
    bot: RunningBot, refusing: SlackStandIn, clock: FrozenClock
) -> None:
    refusing.refuse_messages("invalid_blocks")

    assert submit_report(bot, clock, summary="駅前の看板について誤った情報が拡散しています").status == 200
    delivered(bot)

    landed = copies(bot)
    assert set(landed) == {HEAD, PUBLIC_INFO, SECRETARIAT, GENERAL, STAFF1}
    for target, copy in landed.items():
        fields = shown(refusing, copy.channel, copy.ts)
        assert "blocks" not in fields, target
        for expected in ("SNS-2026-0001", "炎上", "駅前の看板について誤った情報が拡散しています"):
            assert expected in fields["text"], (target, expected)
        assert t("outbox.plain.where.case") in fields["text"]
        # The block version was offered first and refused.
        assert [c for c in posts(refusing, target, threaded=False) if c.args.get("blocks")]
    actions = audit_actions(bot)
    assert (actions.count("outbox.refused"), actions.count("outbox.sent_plain")) == (5, 5)
    assert "outbox.failed" not in actions
    (notice,) = notices(refusing)
    assert "invalid_blocks" in notice
    assert "SNS-2026-0001" in notice

    # Acknowledging rewrites every copy: refused again, each becomes plain text with its old blocks cleared.
    assert click(bot, refusing, landed[HEAD], ReportIds.ACKNOWLEDGE, user_id=HEAD).status == 200
    delivered(bot)

    for target, copy in landed.items():
        last = [c for c in refusing.calls_to("chat.update") if c.args["ts"] == copy.ts][-1]
        assert last.args["blocks"] == [], target
        assert "受領" in shown(refusing, copy.channel, copy.ts)["text"]
    assert audit_actions(bot).count("outbox.sent_plain") == 10
    assert len(notices(refusing)) == 1  # still one notice for the case


def test_a_refused_decision_request_names_the_draft_and_the_decision_is_made_in_app_home(
    bot: RunningBot, refusing: SlackStandIn
) -> None:
    refusing.refuse_messages("msg_blocks_too_long")

    assert submit(bot, text=OFFICIAL, kind="official_view", approvers=[HEAD]).status == 200
    delivered(bot)

    request, message = request_of(bot, HEAD)
    fields = shown(refusing, message.slack_channel, message.slack_ts)
    assert "blocks" not in fields
    for expected in (f"#{request.draft_id}", "組織判断・公式見解", OFFICIAL, t("outbox.plain.where.draft")):
        assert expected in fields["text"], expected
    (notice,) = notices(refusing)  # the request and the author's status message: one draft, one notice
    assert "msg_blocks_too_long" in notice
    assert audit_actions(bot).count("outbox.sent_plain") == 2

    # Where the plain text says to act: the decision buttons of App Home.
    assert press(bot, refusing, "draft.decision.approve", request, None, user_id=HEAD).status == 200
    delivered(bot)
    with bot.service.runtime.sessions() as session:
        decided = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "draft.approve")).all()
    assert decided == ["draft.approve"]


def test_a_refused_reminder_arrives_as_plain_text(bot: RunningBot, refusing: SlackStandIn, clock: FrozenClock) -> None:
    seed_account(bot, changed=date(2026, 8, 30))  # due Saturday 2026-11-28, sent on Monday morning
    refusing.refuse_messages("invalid_blocks")

    assert sweep_at(bot, clock, jst(2026, 11, 30, 8, 30)) == 1

    for manager in (STAFF1, "U0STAFF2"):
        (plain,) = [c for c in posts(refusing, manager) if not c.args.get("blocks")]
        assert "パスワードを変更する時期です" in plain.args["text"]
        assert t("outbox.plain.where.account") in plain.args["text"]
    (notice,) = notices(refusing)
    assert "パスワード" in notice
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(PlainTextNotice.subject)).all() == ["account:1"]
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("outbox."))).all()
    facts = sorted((e.action, e.after["channel"], e.after["error"], e.after["subject"]) for e in entries)
    assert facts == [
        ("outbox.refused", STAFF1, "invalid_blocks", "account:1"),
        ("outbox.refused", "U0STAFF2", "invalid_blocks", "account:1"),
        ("outbox.sent_plain", STAFF1, "invalid_blocks", "account:1"),
        ("outbox.sent_plain", "U0STAFF2", "invalid_blocks", "account:1"),
    ]


def test_a_plain_version_refused_too_fails_the_message_and_nothing_retries(
    bot: RunningBot, refusing: SlackStandIn, clock: FrozenClock
) -> None:
    seed_account(bot, changed=date(2026, 8, 30))
    refusing.refuse_messages("invalid_blocks", plain_too=True)
    clock.advance(seconds=(jst(2026, 11, 30, 8, 30) - clock.now()).total_seconds())

    assert jobs.sweep(bot.service.runtime) == 1
    failed = eventually(lambda: len(rows(bot, OutboxStatus.FAILED)) == 2 and rows(bot, OutboxStatus.FAILED), timeout=10)

    for row in failed:
        assert row.refused_with == "invalid_blocks"
        assert "refused as plain text too" in (row.last_error or "")
    assert rows(bot, OutboxStatus.PENDING, OutboxStatus.SENDING) == []
    # Each: the block version, then the plain one; then nothing more.
    assert len(refusing.calls_to("chat.postMessage")) == 4
    actions = audit_actions(bot)
    assert (actions.count("outbox.refused"), actions.count("outbox.failed"), actions.count("outbox.sent_plain")) == (
        2,
        2,
        0,
    )
    assert notices(refusing) == []


# -- the plain version --------------------------------------------------------------------------------


def test_the_plain_version_reads_the_blocks_but_not_the_buttons() -> None:
    payload = {
        "text": "【炎上】SNS-2026-0001 概要",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "【炎上】SNS-2026-0001 <A&B>"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*概要*\n返信が急増"}, "fields": [
                {"type": "mrkdwn", "text": "*種類*\n炎上"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "通知先: 所属長"}]},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "受領しました"}, "action_id": "a"}]},
        ],
        "metadata": {"event_type": "x", "event_payload": {}},
    }  # fmt: skip

    plain = plain_version(payload, "case:1", update=False)

    assert plain is not None
    assert set(plain) == {"text"}
    text = plain["text"]
    for expected in ("【炎上】SNS-2026-0001 &lt;A&amp;B&gt;", "*概要*\n返信が急増", "*種類* 炎上", "通知先: 所属長"):
        assert expected in text
    assert "受領しました" not in text
    assert text.startswith(t("outbox.plain.intro"))
    assert text.endswith(t("outbox.plain.where.case"))


def test_an_update_clears_the_old_blocks_and_a_long_text_is_cut_to_fit() -> None:
    payload = {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "あ" * 3000}}] * 3}

    plain = plain_version(payload, "draft:7", update=True)

    assert plain is not None
    assert plain["blocks"] == []
    assert "あ" * (BODY_LIMIT - 1) + "…" in plain["text"]
    assert len(plain["text"]) < 4000  # chat.update's limit on text
    assert plain["text"].endswith(t("outbox.plain.where.draft"))


def test_a_text_only_message_has_a_plain_version_only_when_it_is_too_long() -> None:
    assert plain_version({"text": "短い通知"}, "case:1", update=False) is None

    plain = plain_version({"text": "い" * 50_000}, None, update=False)

    assert plain is not None
    assert len(plain["text"]) < 4000
    assert plain["text"].endswith(t("outbox.plain.where.other"))
