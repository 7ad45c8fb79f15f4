"""Driving the usage application (4(4)①②) end to end in tests: the two pages, the buttons and the
messages the fake Slack received. app.yaml: kanko's head is U0HEADKANKO, its staff U0STAFF1 (who fills
the form in here) and U0STAFF2; 市政情報課 (C0PUBLICINFO) is U0PUBINFO1, and the bot fixture adds
U0PUBINFO2 so that two members can press at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from playground.slack_api import Call, SlackStandIn
from storage.models import Application, OutboxMessage
from tests.support.bot import RunningBot
from tests.support.flow import as_opened, delivered
from tests.support.slack_requests import Reply, block_action, interactive, send
from tests.support.slack_requests import view_submission as submission

STAFF, STAFF2, HEAD = "U0STAFF1", "U0STAFF2", "U0HEADKANKO"
PUBINFO, PUBINFO2 = "U0PUBINFO1", "U0PUBINFO2"
OFFICE_CHANNEL = "C0PUBLICINFO"
PURPOSE = "観光イベントと季節の見どころを市外の若い世代に届け、来訪者を増やすため。"


# -- driving the modal -----------------------------------------------------------------------


def page_one(
    *,
    platform: str | None = "x",
    platform_other: str | None = None,
    purpose: str | None = PURPOSE,
    audience: str | None = "市外に住む20〜30代",
    content: str | None = "イベント案内（決裁不要）。市の方針に関わる発信は決裁を受ける。",
    staff: list[str] | None = None,
    setup: str | None = "通常時は担当2名で相互確認。災害時は本部の指示で随時発信。",
    emergency: bool = False,
) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {
        "application.platform": {
            "type": "static_select",
            "selected_option": {"value": platform} if platform else None,
        },
        "application.platform_other": {"type": "plain_text_input", "value": platform_other},
        "application.purpose": {"type": "plain_text_input", "value": purpose},
        "application.audience": {"type": "plain_text_input", "value": audience},
        "application.content": {"type": "plain_text_input", "value": content},
        "application.staff": {
            "type": "multi_users_select",
            "selected_users": [STAFF, STAFF2] if staff is None else staff,
        },
        "application.setup": {"type": "plain_text_input", "value": setup},
        "application.emergency": {
            "type": "checkboxes",
            "selected_options": [{"value": "emergency"}] if emergency else [],
        },
    }
    return {block: {block: element} for block, element in fields.items()}


def page_two(
    *,
    interval: str | None = "90",
    server: str | None = "abroad",
    risk: str | None = "accepted",
    account_name: str = "総社市観光プロモーション課",
    **texts: str,
) -> dict[str, Any]:
    typed = {
        "frequency": "週2回、イベント前は毎日",
        "method": "予約投稿を使い、平日の勤務時間内に投稿",
        "responses": "原則として個別の返信はしない。問い合わせは電話・メールへ案内",
        "policy_place": "市ホームページの観光ページとプロフィール欄",
        "account_name": account_name,
        "account_info": "課の共用メールアドレス",
        "passwords": "課長と担当者のみが知り、90日ごとに変更",
        "risk_reason": "公開情報のみ発信するため、差押えや閲覧のリスクは許容できる",
        "indicators": "フォロワー数、投稿ごとの閲覧数",
        **texts,
    }
    fields: dict[str, dict[str, Any]] = {
        f"application.{key}": {"type": "plain_text_input", "value": value} for key, value in typed.items()
    }
    fields["application.off_site"] = {"type": "radio_buttons", "selected_option": {"value": "emergency_only"}}
    fields["application.server"] = {
        "type": "radio_buttons",
        "selected_option": {"value": server} if server else None,
    }
    fields["application.risk"] = {"type": "radio_buttons", "selected_option": {"value": risk} if risk else None}
    fields["application.interval"] = {"type": "number_input", "value": interval}
    return {block: {block: element} for block, element in fields.items()}


def submit_page(bot: RunningBot, callback: str, values: dict[str, Any], *, user_id: str, metadata: str = "") -> Reply:
    payload = submission(callback, user_id=user_id, values=values)
    payload["view"]["private_metadata"] = metadata
    return send(bot.url, interactive(as_opened(bot, payload)))


def apply(
    bot: RunningBot,
    *,
    user_id: str = STAFF,
    first: dict[str, Any] | None = None,
    second: dict[str, Any] | None = None,
) -> Reply:
    """Fills in both pages; returns the reply to page 2."""
    reply = submit_page(bot, "application.page1.submit", first or page_one(), user_id=user_id)
    answer = reply.json()
    assert answer["response_action"] == "update", answer
    assert answer["view"]["callback_id"] == "application.page2.submit"
    metadata = answer["view"]["private_metadata"]
    return submit_page(bot, "application.page2.submit", second or page_two(), user_id=user_id, metadata=metadata)


def application(bot: RunningBot) -> Application:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Application)).one()
        session.expunge(found)
        return found


def message(bot: RunningBot, outbox_id: int | None) -> OutboxMessage:
    assert outbox_id is not None
    with bot.service.runtime.sessions() as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        session.expunge(found)
        return found


def press(bot: RunningBot, fake: SlackStandIn, action_id: str, where: OutboxMessage, *, user_id: str) -> Reply:
    """Presses a button of ``where`` (the head's DM or the 市政情報課 post) as ``user_id``."""
    value = json.dumps({"v": 1, "application_id": application(bot).id})
    payload = block_action(action_id, user_id=user_id, value=value)
    channel = where.slack_channel or where.channel  # a channel post whose landing is not recorded yet
    payload["container"] = {"type": "message", "channel_id": channel, "message_ts": where.slack_ts}
    payload["channel"] = {"id": channel}
    payload["response_url"] = fake.response_url(f"press-{user_id}-{len(fake.calls)}")
    return send(bot.url, interactive(payload))


def comment(bot: RunningBot, fake: SlackStandIn, text: str, *, user_id: str) -> Reply:
    """Submits the comment modal the last views.open opened."""
    opened = fake.calls_to("views.open")[-1].args["view"]
    assert opened["callback_id"] == "application.comment.submit"
    values = {"application.comment.text": {"application.comment.text": {"type": "plain_text_input", "value": text}}}
    return submit_page(bot, "application.comment.submit", values, user_id=user_id, metadata=opened["private_metadata"])


def head_dm(bot: RunningBot) -> OutboxMessage:
    return message(bot, application(bot).head_message_id)


def office_post(bot: RunningBot) -> OutboxMessage:
    return message(bot, application(bot).office_message_id)


def buttons(call: Call) -> list[str]:
    return [e["action_id"] for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]


def last_update(fake: SlackStandIn, target: OutboxMessage) -> Call:
    return [c for c in fake.calls_to("chat.update") if c.args["ts"] == target.slack_ts][-1]


def applied_by_head(bot: RunningBot, fake: SlackStandIn) -> None:
    """The staff member's application, sent on by the head: now with 市政情報課."""
    apply(bot)
    delivered(bot)
    press(bot, fake, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
