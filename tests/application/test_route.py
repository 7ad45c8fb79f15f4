"""The usage application (4(4)①②) end to end: the real HTTP endpoint, signed requests, the delivery worker
and the fake Slack, on SQLite and PostgreSQL. Opening, staff → head → 市政情報課, the head's own and 緊急.
The rules themselves: tests/test_application_rules.py."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.catalog import t
from handlers.application.listeners import open_application
from playground.slack_api import SlackStandIn
from tests.application.flow import (
    HEAD,
    OFFICE_CHANNEL,
    PUBINFO,
    PURPOSE,
    STAFF,
    application,
    apply,
    buttons,
    comment,
    head_dm,
    last_update,
    office_post,
    page_one,
    press,
    submit_page,
)
from tests.support.bot import BOT_TOKEN, RunningBot
from tests.support.flow import audit_actions, delivered, dm, posts, strings

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
