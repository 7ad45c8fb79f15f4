"""Driving /sns-draft end to end in tests: the modal's values, submissions, button presses and what the
fake Slack received. app.yaml: kanko's approvers are U0HEADKANKO and U0DEPUTYKANKO, its staff U0STAFF1
(the author here) and U0STAFF2."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from playground.slack_api import Call, SlackStandIn
from storage.models import Draft, DraftRequest, OutboxMessage
from tests.support.bot import RunningBot
from tests.support.flow import as_opened, posts
from tests.support.slack_requests import Reply, block_action, interactive, send
from tests.support.slack_requests import view_submission as submission

AUTHOR, STAFF2, HEAD, DEPUTY = "U0STAFF1", "U0STAFF2", "U0HEADKANKO", "U0DEPUTYKANKO"
ANNOUNCEMENT = "観光イベント「桃太郎まつり」は予定どおり11月29日10時から開催します。"
OFFICIAL = "総社市は、駅前広場の再整備について市の方針を次のとおりお知らせします。"


def values(
    *,
    text: str = ANNOUNCEMENT,
    kind: str = "announcement",
    reviewers: list[str] | None = None,
    approvers: list[str] | None = None,
    scheduled_at: int | None = None,
    consent: bool = False,
    account: str | None = "@soja_kanko",
    corrects: str | None = None,
) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {
        "draft.account": {"type": "plain_text_input", "value": account},
        "draft.text": {"type": "plain_text_input", "value": text},
        "draft.kind": {"type": "radio_buttons", "selected_option": {"value": kind}},
        "draft.reviewers": {"type": "multi_users_select", "selected_users": reviewers or []},
        "draft.scheduled_at": {"type": "datetimepicker", "selected_date_time": scheduled_at},
        "draft.note": {"type": "plain_text_input", "value": None},
        "draft.corrects": {"type": "plain_text_input", "value": corrects},
        "draft.consent": {"type": "checkboxes", "selected_options": [{"value": "consented"}] if consent else []},
    }
    if approvers is not None:
        fields["draft.approvers"] = {
            "type": "multi_static_select",
            "selected_options": [{"value": a} for a in approvers],
        }
    return {block: {block: element} for block, element in fields.items()}


def submit(bot: RunningBot, *, user_id: str = AUTHOR, metadata: str = "", **fields: Any) -> Reply:
    payload = submission("draft.submit", user_id=user_id, values=values(**fields))
    payload["view"]["private_metadata"] = metadata
    return send(bot.url, interactive(as_opened(bot, payload)))


def requests(bot: RunningBot, role: str | None = None) -> list[tuple[DraftRequest, OutboxMessage]]:
    with bot.service.runtime.sessions() as session:
        statement = (
            select(DraftRequest, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.id == DraftRequest.outbox_id)
            .order_by(DraftRequest.id)
        )
        if role:
            statement = statement.where(DraftRequest.role == role)
        rows = session.execute(statement).all()
        for request, message in rows:
            session.expunge(request)
            session.expunge(message)
        return [(r, m) for r, m in rows]


def request_of(bot: RunningBot, user_id: str, version: int = 1) -> tuple[DraftRequest, OutboxMessage]:
    return next((r, m) for r, m in requests(bot) if r.user_id == user_id and r.version == version)


def press(
    bot: RunningBot,
    fake: SlackStandIn,
    action_id: str,
    request: DraftRequest,
    message: OutboxMessage | None,
    *,
    user_id: str,
) -> Reply:
    """Presses a button on ``message`` (a DM), or in App Home when ``message`` is None."""
    value = json.dumps({"v": 1, "draft_id": request.draft_id, "request_id": request.id})
    payload = block_action(action_id, user_id=user_id, value=value)
    if message is None:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload.pop("channel")
    else:
        payload["container"] = {"type": "message", "channel_id": message.slack_channel, "message_ts": message.slack_ts}
        payload["channel"] = {"id": message.slack_channel}
    payload["response_url"] = fake.response_url(f"press-{user_id}")
    return send(bot.url, interactive(payload))


def comment(bot: RunningBot, fake: SlackStandIn, text: str, *, user_id: str) -> Reply:
    """Submits the comment modal that the last views.open opened."""
    opened = fake.calls_to("views.open")[-1].args["view"]
    payload = submission(
        "draft.comment.submit",
        user_id=user_id,
        values={"draft.comment.text": {"draft.comment.text": {"type": "plain_text_input", "value": text}}},
    )
    payload["view"]["private_metadata"] = opened["private_metadata"]
    return send(bot.url, interactive(as_opened(bot, payload)))


def answer_with_comment(
    bot: RunningBot,
    fake: SlackStandIn,
    action_id: str,
    request: DraftRequest,
    message: OutboxMessage | None,
    text: str,
    *,
    user_id: str,
) -> Reply:
    """Presses a button that asks for a comment (指摘あり, 差戻し, 却下), then submits the modal it opened."""
    press(bot, fake, action_id, request, message, user_id=user_id)
    fake.wait_for("views.open")
    return comment(bot, fake, text, user_id=user_id)


def draft(bot: RunningBot) -> Draft:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Draft)).one()
        session.expunge(found)
        return found


def dm_posts(fake: SlackStandIn, user_id: str) -> list[Call]:
    return posts(fake, user_id)
