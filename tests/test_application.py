"""The usage application (4(4)①②) end to end: the real HTTP endpoint, signed requests, the delivery
worker and the fake Slack, on SQLite and PostgreSQL. app.yaml: kanko's head is U0HEADKANKO, its staff
U0STAFF1 (who fills the form in here) and U0STAFF2; 市政情報課 (C0PUBLICINFO) is U0PUBINFO1, and
these tests add U0PUBINFO2 so that two members can press at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient
from sqlalchemy import select

import handlers
from bot.catalog import t
from bot.mrkdwn import escape
from handlers import application as feature
from handlers.application.listeners import open_application
from handlers.application.views import COMMENT_MAX, PAGE_ONE_LIMITS, PAGE_TWO_LIMITS, STAFF_MAX
from playground.slack_api import Call, SlackStandIn
from storage.models import Application, AuditEntry, OutboxMessage
from tests.support.bot import BOT_TOKEN, RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, count, delivered, dm, posts, quiet, strings, unpaced_config
from tests.support.slack_requests import Reply, block_action, interactive, send
from tests.support.slack_requests import view_submission as submission

STAFF, STAFF2, HEAD = "U0STAFF1", "U0STAFF2", "U0HEADKANKO"
PUBINFO, PUBINFO2 = "U0PUBINFO1", "U0PUBINFO2"
OFFICE_CHANNEL = "C0PUBLICINFO"
PURPOSE = "観光イベントと季節の見どころを市外の若い世代に届け、来訪者を増やすため。"


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    path = unpaced_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["offices"]["public_info"]["members"] = [PUBINFO, PUBINFO2]
    config["people"][PUBINFO2] = "市政 二郎"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with running_bot(fake_slack, database_url, clock=clock, config_path=path) as running:
        if feature not in handlers.FEATURES:  # until handlers/__init__.py lists the feature
            feature.register(running.service.app)
        yield running


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


# -- opening --------------------------------------------------------------------------------


def test_sns_account_apply_opens_page_one_naming_the_head(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)

    open_application(client, "1337.42.abcd", bot.service.runtime, STAFF)
    open_application(client, "1337.42.abcd", bot.service.runtime, "U0STRANGER")

    staff_view, stranger_view = (c.args["view"] for c in fake_slack.calls_to("views.open"))
    assert staff_view["callback_id"] == "application.page1.submit"
    assert "観光 一郎" in strings(staff_view)
    assert [b["block_id"] for b in staff_view["blocks"] if b["type"] == "input"][:2] == [
        "application.platform", "application.platform_other",
    ]  # fmt: skip
    assert "submit" not in stranger_view
    assert t("application.error.department.unknown") in strings(stranger_view)


# -- staff → head → 市政情報課 ---------------------------------------------------------------------


def test_a_staff_application_goes_to_the_head_then_to_public_info_and_is_approved(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    reply = apply(bot)

    assert reply.json()["response_action"] == "update"
    assert "観光 一郎" in strings(reply.json()["view"])
    delivered(bot)
    assert application(bot).status == "with_head"
    (asked,) = posts(fake_slack, HEAD)
    assert head_dm(bot).slack_channel == dm(HEAD)
    assert buttons(asked) == ["application.head.apply", "application.head.return"]
    assert PURPOSE in strings(asked.args)
    assert posts(fake_slack, OFFICE_CHANNEL) == []

    assert press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD).status == 200
    delivered(bot)
    assert application(bot).status == "submitted"
    (posted,) = posts(fake_slack, OFFICE_CHANNEL)
    assert buttons(posted) == [
        "application.decision.approve",
        "application.decision.return",
        "application.decision.reject",
    ]
    shown = strings(posted.args)
    assert all(text in shown for text in (PURPOSE, "総社市観光プロモーション課", "フォロワー数", "許容する"))
    assert buttons(last_update(fake_slack, head_dm(bot))) == []
    assert any("申請しました" in strings(c.args) for c in posts(fake_slack, STAFF))

    fake_slack.clear()
    assert press(bot, fake_slack, "application.decision.approve", office_post(bot), user_id=PUBINFO).status == 200
    delivered(bot)

    decided = application(bot)
    assert (decided.status, decided.decided_by, decided.review_interval_days) == ("approved", "市政 花子", 90)
    updated = last_update(fake_slack, office_post(bot))
    assert buttons(updated) == []
    assert "市政 花子 さんが承認しました" in strings(updated.args)
    for person in (STAFF, HEAD):
        (notice,) = posts(fake_slack, person)
        assert "X" in notice.args["text"]
        assert PURPOSE[:40] in notice.args["text"]
        assert "承認しました" in notice.args["text"]
    assert [a for a in audit_actions(bot) if a.startswith("application.")] == [
        "application.filled", "application.submitted", "application.approved",
    ]  # fmt: skip


def test_a_burst_of_answers_before_anything_is_sent_shows_each_message_once_in_its_last_state(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    apply(bot)
    delivered(bot)
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()  # the head applies and 市政情報課 decides before the worker sends anything

    assert press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD).status == 200
    assert press(bot, fake_slack, "application.decision.approve", office_post(bot), user_id=PUBINFO).status == 200
    worker.drain()

    # The head's DM is rewritten once and 市政情報課's post goes once, both drawn as approved, without buttons.
    (updated,) = fake_slack.calls_to("chat.update")
    assert updated.args["ts"] == head_dm(bot).slack_ts
    (posted,) = posts(fake_slack, OFFICE_CHANNEL, threaded=False)
    for shown in (updated, posted):
        assert buttons(shown) == []
        assert "市政 花子 さんが承認しました" in strings(shown.args)
    # Each notice says what happened at its own event: the head applied, then 市政情報課 approved.
    applied, decided = (c.args["text"] for c in posts(fake_slack, STAFF))
    assert "申請しました" in applied
    assert "承認しました" not in applied
    assert "承認しました" in decided
    (to_head,) = posts(fake_slack, HEAD)
    assert "承認しました" in to_head.args["text"]


def test_a_heads_own_application_goes_straight_to_public_info(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reply = apply(bot, user_id=HEAD)

    assert t("application.submitted.to_office", office="市政情報課") in strings(reply.json()["view"])
    delivered(bot)
    submitted = application(bot)
    assert (submitted.status, submitted.filled_by, submitted.head_id) == ("submitted", HEAD, HEAD)
    assert submitted.head_message_id is None
    assert posts(fake_slack, HEAD) == []
    assert len(posts(fake_slack, OFFICE_CHANNEL)) == 1


def test_the_head_returns_with_a_comment_and_it_never_reaches_public_info(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    apply(bot)
    delivered(bot)

    press(bot, fake_slack, "application.head.return", head_dm(bot), user_id=HEAD)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, "対象者をもう少し具体的に", user_id=HEAD).status == 200
    delivered(bot)

    returned = application(bot)
    assert (returned.status, returned.decision_comment) == ("returned", "対象者をもう少し具体的に")
    assert posts(fake_slack, OFFICE_CHANNEL) == []
    notice = posts(fake_slack, STAFF)[-1]
    assert "対象者をもう少し具体的に" in notice.args["text"]
    assert PURPOSE[:40] in notice.args["text"]
    assert buttons(last_update(fake_slack, head_dm(bot))) == []


# -- 緊急 (4(4)② ただし書き) -----------------------------------------------------------------------


def test_an_emergency_application_needs_page_one_only(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    first = page_one(emergency=True, audience=None, content=None, purpose="大雨災害時の避難情報の発信", staff=[STAFF])

    reply = submit_page(bot, "application.page1.submit", first, user_id=HEAD)

    assert reply.json()["response_action"] == "update"
    assert reply.json()["view"].get("callback_id") != "application.page2.submit"
    delivered(bot)
    stored = application(bot)
    assert (stored.emergency, stored.status, stored.review_interval_days) == (True, "submitted", 180)
    assert stored.items["staff"] == [STAFF]
    assert "indicators" not in stored.items
    (posted,) = posts(fake_slack, OFFICE_CHANNEL)
    assert "【緊急】" in posted.args["text"]
    assert t("application.emergency.note") in strings(posted.args)

    press(bot, fake_slack, "application.decision.approve", office_post(bot), user_id=PUBINFO)
    delivered(bot)
    assert application(bot).status == "approved"


def test_without_emergency_page_one_needs_items_3_and_4(bot: RunningBot) -> None:
    reply = submit_page(bot, "application.page1.submit", page_one(audience=None, content=""), user_id=STAFF)

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"application.audience": t("application.error.required"),
                   "application.content": t("application.error.required")},
    }  # fmt: skip


# -- who decides --------------------------------------------------------------------------------


def test_only_public_info_members_decide_and_refusals_are_audited(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    apply(bot)
    delivered(bot)
    # Nobody but the head sends it on.
    assert press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=STAFF2).status == 200
    assert press(bot, fake_slack, "application.head.return", head_dm(bot), user_id=STAFF).status == 200
    fake_slack.wait_for("response_url", count=2)
    assert application(bot).status == "with_head"
    press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
    fake_slack.clear()

    for intruder in (STAFF2, STAFF, HEAD):
        assert press(bot, fake_slack, "application.decision.approve", office_post(bot), user_id=intruder).status == 200
    assert press(bot, fake_slack, "application.decision.reject", office_post(bot), user_id=STAFF2).status == 200

    refusals = fake_slack.wait_for("response_url", count=4)
    assert all(r.args["text"] == t("application.denied") for r in refusals)
    assert all(r.args["response_type"] == "ephemeral" for r in refusals)
    assert application(bot).status == "submitted"
    assert audit_actions(bot).count("application.denied") == 6
    assert fake_slack.calls_to("views.open") == []
    assert quiet(fake_slack, 0.3) == []
    with bot.service.runtime.sessions() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.denied")).all()
        assert {d.actor_id for d in denied} == {STAFF, STAFF2, HEAD}
        assert {d.entity_type for d in denied} == {"application"}


def test_two_members_approving_at_the_same_moment_make_one_decision(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    applied_by_head(bot, fake_slack)
    target = office_post(bot)
    fake_slack.clear()

    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(
                lambda who: press(bot, fake_slack, "application.decision.approve", target, user_id=who),
                [PUBINFO, PUBINFO2],
            )
        )
    delivered(bot)

    assert [r.status for r in replies] == [200, 200]
    decided = application(bot)
    assert decided.status == "approved"
    assert decided.decided_by in ("市政 花子", "市政 二郎")
    assert audit_actions(bot).count("application.approved") == 1
    assert len(posts(fake_slack, STAFF)) == 1
    assert len(posts(fake_slack, HEAD)) == 1
    assert len(fake_slack.calls_to("chat.update")) == 1
    assert f"{decided.decided_by} さんが承認しました" in strings(last_update(fake_slack, target).args)
    # The slower press was told it was too late; a later one changes nothing either.
    (late,) = fake_slack.wait_for("response_url")
    assert late.args["text"] == t("application.unchanged")
    assert press(bot, fake_slack, "application.decision.reject", target, user_id=PUBINFO2).status == 200
    delivered(bot)
    assert application(bot).status == "approved"
    assert len(fake_slack.calls_to("chat.update")) == 1


def test_public_info_returns_with_a_comment(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    applied_by_head(bot, fake_slack)
    fake_slack.clear()

    press(bot, fake_slack, "application.decision.return", office_post(bot), user_id=PUBINFO)
    (opened,) = fake_slack.wait_for("views.open")
    assert "差戻し" in strings(opened.args["view"])
    assert application(bot).status == "submitted"  # nothing decided before the comment
    assert comment(bot, fake_slack, "[8] 国外サーバのリスクを具体的に", user_id=PUBINFO).status == 200
    delivered(bot)

    returned = application(bot)
    assert (returned.status, returned.decision_comment) == ("returned", "[8] 国外サーバのリスクを具体的に")
    updated = last_update(fake_slack, office_post(bot))
    assert buttons(updated) == []
    assert "市政 花子 さんが差戻ししました" in strings(updated.args)
    for person in (STAFF, HEAD):
        (notice,) = posts(fake_slack, person)
        assert "「[8] 国外サーバのリスクを具体的に」" in notice.args["text"]
        assert "X「" + PURPOSE[:20] in notice.args["text"]
    assert "application.returned" in audit_actions(bot)


def test_a_rejection_needs_a_comment(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    applied_by_head(bot, fake_slack)
    press(bot, fake_slack, "application.decision.reject", office_post(bot), user_id=PUBINFO)
    fake_slack.wait_for("views.open")

    empty = comment(bot, fake_slack, "  ", user_id=PUBINFO)

    assert empty.json()["response_action"] == "errors"
    assert application(bot).status == "submitted"
    comment(bot, fake_slack, "既存の観光協会アカウントで足ります", user_id=PUBINFO)
    assert application(bot).status == "rejected"


# -- bad input ----------------------------------------------------------------------------------

INTERVAL_ERROR = {"application.interval": t("application.error.interval", limit=3650)}


@pytest.mark.parametrize(
    ("first", "second", "errors"),
    [
        (None, page_two(interval="0"), INTERVAL_ERROR),
        (None, page_two(interval="-5"), INTERVAL_ERROR),
        (None, page_two(interval="abc"), INTERVAL_ERROR),
        (None, page_two(interval=None), INTERVAL_ERROR),
        (None, page_two(risk=None), {"application.risk": t("application.error.choose")}),
        (None, page_two(server="mars"), {"application.server": t("application.error.choose")}),
        (None, page_two(indicators=""), {"application.indicators": t("application.error.required")}),
        (page_one(platform="myspace"), None, {"application.platform": t("application.error.platform.unknown")}),
        (page_one(platform=None), None, {"application.platform": t("application.error.platform.required")}),
        (page_one(purpose=None), None, {"application.purpose": t("application.error.required")}),
        (page_one(purpose="   "), None, {"application.purpose": t("application.error.required")}),
        (page_one(staff=[]), None, {"application.staff": t("application.error.staff.required")}),
        (page_one(staff=["<!channel>"]), None, {"application.staff": t("application.error.staff.invalid", limit=10)}),
        (
            page_one(platform="other"),
            None,
            {"application.platform_other": t("application.error.platform_other.required")},
        ),
        (
            page_one(purpose="あ" * 301),
            None,
            {"application.purpose": t("application.error.too_long", limit=300, length=301)},
        ),
    ],
    ids=[
        "interval 0", "interval -5", "interval abc", "interval empty", "abroad without risk", "unknown server",
        "no indicators", "tampered platform", "no platform", "no purpose", "blank purpose", "no staff",
        "malformed staff", "other unnamed", "purpose too long",
    ],
)  # fmt: skip
def test_bad_input_is_answered_per_block_and_nothing_is_stored(
    bot: RunningBot, first: dict[str, Any] | None, second: dict[str, Any] | None, errors: dict[str, str]
) -> None:
    if second is None:
        reply = submit_page(bot, "application.page1.submit", first or page_one(), user_id=STAFF)
    else:
        reply = apply(bot, second=second)

    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": errors}
    assert (count(bot, Application), count(bot, OutboxMessage)) == (0, 0)
    assert [a for a in audit_actions(bot) if a.startswith("application.")] == []


def test_someone_in_no_department_cannot_apply(bot: RunningBot) -> None:
    reply = submit_page(bot, "application.page1.submit", page_one(emergency=True), user_id="U0STRANGER")

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"application.platform": t("application.error.department.unknown")},
    }
    assert (count(bot, Application), count(bot, OutboxMessage)) == (0, 0)


def test_tampered_page_one_metadata_is_a_bad_request(bot: RunningBot) -> None:
    forged = json.dumps({"v": 1, "platform": "myspace", "purpose": "x", "audience": "", "content": "",
                         "staff": [STAFF], "setup": "x"})  # fmt: skip

    reply = submit_page(bot, "application.page2.submit", page_two(), user_id=STAFF, metadata=forged)

    assert reply.status == 400
    assert count(bot, Application) == 0


def test_a_platform_named_other_travels_with_its_name(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    apply(bot, user_id=HEAD, first=page_one(platform="other", platform_other="Threads"))
    delivered(bot)

    assert application(bot).items["platform_other"] == "Threads"
    assert "その他（Threads）" in posts(fake_slack, OFFICE_CHANNEL)[0].args["text"]


def test_typed_mentions_never_reach_slack_unescaped(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    hostile = "<!channel> <@U0PUBINFO1> <https://evil.example|click>"
    first = page_one(purpose=hostile, audience=hostile, content=hostile, setup=hostile)
    second = page_two(account_name=hostile, indicators=hostile, frequency=hostile)
    apply(bot, first=first, second=second)
    delivered(bot)
    press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
    press(bot, fake_slack, "application.decision.return", office_post(bot), user_id=PUBINFO)
    fake_slack.wait_for("views.open")
    comment(bot, fake_slack, hostile, user_id=PUBINFO)
    delivered(bot)

    sent = [c for c in fake_slack.calls if c.method in ("chat.postMessage", "chat.update")]
    assert len(sent) >= 6
    text = json.dumps([c.args for c in sent], ensure_ascii=False)
    for raw in ("<!channel>", "<@U0PUBINFO1>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text
    assert application(bot).purpose == hostile  # the record keeps what was typed


def test_page_two_starts_with_the_configured_review_interval(bot: RunningBot) -> None:
    reply = submit_page(bot, "application.page1.submit", page_one(), user_id=STAFF)

    view = reply.json()["view"]
    interval = next(b for b in view["blocks"] if b.get("block_id") == "application.interval")
    assert interval["element"]["initial_value"] == "180"
    assert json.loads(view["private_metadata"])["purpose"] == PURPOSE
    assert count(bot, Application) == 0


def test_an_application_with_every_field_at_its_limit_reaches_everyone_inside_slacks_rules(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    """Every typed item at its max_length, full of mrkdwn's special characters, ten staff with unknown names and a
    1,000-character comment: each post, update, thread reply and notice is delivered, and none is refused (the
    stand-in refuses what Slack would, and the fake_slack fixture fails the test on any refusal)."""

    def hostile(length: int) -> str:
        return ("観光*_~<&>" * length)[:length]

    first = page_one(**{key.removeprefix("application."): hostile(n) for key, n in PAGE_ONE_LIMITS.items()})
    first["application.staff"]["application.staff"]["selected_users"] = [f"U0MAX{n:05d}" for n in range(STAFF_MAX)]
    second = page_two(**{key.removeprefix("application."): hostile(n) for key, n in PAGE_TWO_LIMITS.items()})
    first["application.platform"]["application.platform"]["selected_option"] = {"value": "other"}

    assert apply(bot, first=first, second=second).status == 200
    delivered(bot)
    press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
    press(bot, fake_slack, "application.decision.return", office_post(bot), user_id=PUBINFO)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, hostile(COMMENT_MAX), user_id=PUBINFO).status == 200
    delivered(bot)

    assert application(bot).status == "returned"
    office = posts(fake_slack, OFFICE_CHANNEL)
    assert len(office) == 2  # the application, and its thread's whole text
    whole = strings(office[1].args)
    assert all(escape(hostile(n)) in whole for n in PAGE_TWO_LIMITS.values())
    assert t("application.notice.hint.return") in strings([c.args for c in posts(fake_slack, STAFF)])
