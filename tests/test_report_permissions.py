"""/sns-report end to end: who may press a copy's buttons; every refusal changes nothing and is audited.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import AuditEntry
from tests.report.copies import (
    ACK,
    COMMENT,
    IN_PROGRESS,
    NOTIFY_OFFICER,
    NOW,
    RESOLVE,
    assert_every_copy_updated_once,
    open_case,
    status_field,
)
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    GENERAL,
    HEAD,
    PUBINFO1,
    PUBLIC_INFO,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    audit_actions,
    case,
    click,
    delivered,
    dm,
    nothing_more,
    option,
    submit_modal,
    text_input,
)

# -- who may press the buttons ------------------------------------------------------------------------

# (copy, button, who presses it): none of them may.
REFUSALS = [
    (HEAD, ACK, STAFF2),  # a colleague on the head's DM
    (HEAD, IN_PROGRESS, STAFF2),
    (HEAD, RESOLVE, STAFF2),  # would open the resolve modal
    (HEAD, NOTIFY_OFFICER, STAFF2),
    (PUBLIC_INFO, ACK, STAFF2),  # 市政情報課 lists its members: STAFF2 is not one
    (PUBLIC_INFO, COMMENT, HEAD),  # comments are for 市政情報課 members
    (STAFF1, ACK, STAFF1),  # the reporter's own copy has no buttons: a forged click
]


def test_unauthorised_clicks_change_nothing_and_are_audited(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()

    for index, (target, action, user) in enumerate(REFUSALS):
        name = f"refused-{index}"
        reply = click(bot, fake_slack, shown[target], action, user_id=user, response_name=name)
        assert reply.status == 200
        (refusal,) = fake_slack.wait_for("response_url", where=lambda c, n=name: c.args["response_url"].endswith(n))
        assert refusal.args["text"] == t("report.denied") == "この操作の権限がありません。", (target, action, user)
        assert refusal.args["response_type"] == "ephemeral"

    assert nothing_more(bot, fake_slack) == []
    assert {c.method for c in fake_slack.calls} == {"response_url"}  # no chat.update, no post, no modal
    stored = case(bot)
    assert (stored.acknowledged_at, stored.status, stored.officer_notified_at) == (None, "open", None)
    with bot.service.runtime.sessions() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.denied").order_by(AuditEntry.id))
        audited = [(a.actor_id, a.entity_id, a.after["copy"]) for a in denied]
    assert audited == [(user, "SNS-2026-0001", shown[target].id) for target, _, user in REFUSALS]
    assert "case.acknowledged" not in audit_actions(bot)


def test_anyone_who_sees_an_office_channel_without_a_member_list_may_act_there(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    # 秘書室 has no `members` in app.yaml: anyone who can see its channel counts as the office.
    shown = open_case(bot, clock)
    fake_slack.clear()

    assert click(bot, fake_slack, shown[SECRETARIAT], ACK, user_id=STAFF2).status == 200
    delivered(bot)

    assert fake_slack.calls_to("response_url") == []
    assert_every_copy_updated_once(fake_slack, shown, status_field(f"受領済み（吉備 さくら、{NOW}）"))
    assert case(bot).acknowledged_by == "吉備 さくら"


def test_a_submission_without_a_channel_on_an_office_copy_is_judged_by_role_alone(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    # 秘書室 lists no members: seeing its channel is what makes one act there, and a modal's submission
    # (or an App Home click) comes from no channel. So the resolve modal is not even offered.
    shown = open_case(bot, clock)
    fake_slack.clear()

    resolution = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input(None)}
    reply = submit_modal(
        bot,
        "report.resolve.submit",
        user_id=STAFF2,
        private_metadata=shown[SECRETARIAT].value(),
        values=resolution,
    )
    assert reply.json() == {"response_action": "errors", "errors": {"report.resolve.reason": t("report.denied")}}
    assert click(bot, fake_slack, shown[SECRETARIAT], RESOLVE, user_id=STAFF2, response_name="open").status == 200
    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.args["text"] == t("report.denied")
    assert fake_slack.calls_to("views.open") == []
    assert case(bot).status == "open"
    assert audit_actions(bot).count("case.denied") == 2


def test_a_public_info_member_may_act_on_any_copy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)

    # A 市政情報課 member pressing the button on 総務課's channel post.
    assert click(bot, fake_slack, shown[GENERAL], IN_PROGRESS, user_id=PUBINFO1).status == 200
    delivered(bot)

    assert fake_slack.calls_to("response_url") == []
    assert case(bot).status == "in_progress"


def test_a_click_from_a_channel_that_is_not_the_copys_is_tampering(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()

    for target, channel in (
        (HEAD, "C0RANDOM"),  # another channel
        (HEAD, dm(STAFF2)),  # someone else's DM
        (SECRETARIAT, PUBLIC_INFO),  # another copy's channel
    ):
        assert click(bot, fake_slack, shown[target], ACK, user_id=PUBINFO1, channel=channel).status == 400

    assert [c.method for c in nothing_more(bot, fake_slack)] == []
    assert case(bot).acknowledged_at is None
