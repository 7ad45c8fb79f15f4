"""The usage application (4(4)①②) end to end: the real HTTP endpoint, signed requests, the delivery worker
and the fake Slack, on SQLite and PostgreSQL. Who decides: 市政情報課's members, one decision, comments.
The rules themselves: tests/test_application_rules.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import AuditEntry
from tests.application.flow import (
    HEAD,
    PUBINFO,
    PUBINFO2,
    PURPOSE,
    STAFF,
    STAFF2,
    application,
    applied_by_head,
    apply,
    buttons,
    comment,
    head_dm,
    last_update,
    office_post,
    press,
)
from tests.support.bot import RunningBot
from tests.support.flow import audit_actions, delivered, nothing_more, posts, strings

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
    assert nothing_more(bot, fake_slack) == []
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
