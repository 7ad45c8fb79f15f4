"""/sns-draft end to end: the real HTTP endpoint, signed requests, the delivery worker and the fake Slack, on
SQLite and PostgreSQL. Peer checks (事実の告知) and 決裁: who is asked, who may answer, one decision, publication.
The rules themselves: tests/test_draft_rules.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot.catalog import t
from bot.mrkdwn import escape
from playground.slack_api import SlackStandIn
from playground.slack_rules import check_message, check_view
from storage.models import AuditEntry, Draft, DraftVersion
from tests.draft.flow import (
    ANNOUNCEMENT,
    AUTHOR,
    DEPUTY,
    HEAD,
    OFFICIAL,
    STAFF2,
    answer_with_comment,
    dm_posts,
    draft,
    press,
    request_of,
    requests,
    submit,
)
from tests.support.bot import RunningBot
from tests.support.flow import as_opened, audit_actions, count, delivered, nothing_more, posts, strings
from tests.support.slack_requests import interactive, send
from tests.support.slack_requests import view_submission as submission

# -- 事実の告知: peer checks ----------------------------------------------------------------------------


def test_an_announcement_reaches_its_reviewers_and_never_an_approver(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reply = submit(bot, reviewers=[STAFF2])

    assert reply.status == 200
    assert t("draft.submitted.announcement", names="吉備 さくら") in strings(reply.json()["view"])
    delivered(bot)
    assert sorted(c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")) == sorted([AUTHOR, STAFF2])
    (ask,) = dm_posts(fake_slack, STAFF2)
    assert "確認のお願い" in strings(ask.args)
    assert ANNOUNCEMENT in strings(ask.args)

    request, message = request_of(bot, STAFF2)
    assert press(bot, fake_slack, "draft.review.ok", request, message, user_id=STAFF2).status == 200
    delivered(bot)
    author_status = request_of(bot, AUTHOR)[1]
    updates = [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == author_status.slack_ts]
    assert "吉備 さくら: 確認OK" in strings(updates[-1].args)
    assert draft(bot).status == "checking"


def test_forty_reviewers_and_a_long_text_stay_inside_slacks_rules(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reviewers = [f"U0REVIEWER{n:02}" for n in range(40)]
    text = ("お知らせ <!channel> & " * 200)[:3000]  # escapes to more than a section holds

    reply = submit(bot, reviewers=reviewers, text=text)

    assert reply.status == 200
    assert check_view(reply.json()["view"]) is None
    delivered(bot)
    ask = dm_posts(fake_slack, reviewers[0])
    (request,) = [c for c in ask if not c.args.get("thread_ts")]
    assert check_message(request.args, method="chat.postMessage") is None
    assert t("draft.draft.cut") in strings(request.args)
    replies = posts(fake_slack, threaded=True)  # under each DM: the reviewers' and the author's
    assert len(replies) == 41
    assert all(escape(text) in reply.args["text"] for reply in replies)


def test_an_announcement_without_reviewers_recommends_a_check(bot: RunningBot) -> None:
    reply = submit(bot)

    assert t("draft.submitted.announcement.alone") in strings(reply.json()["view"])


def test_an_issue_raised_by_a_reviewer_reaches_the_author_with_its_comment(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submit(bot, reviewers=[STAFF2])
    delivered(bot)
    request, message = request_of(bot, STAFF2)

    reply = answer_with_comment(
        bot, fake_slack, "draft.review.issue", request, message, "日付の曜日が違います", user_id=STAFF2
    )
    assert reply.status == 200
    delivered(bot)

    author_status = request_of(bot, AUTHOR)[1]
    last = [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == author_status.slack_ts][-1]
    assert "指摘あり「日付の曜日が違います」" in strings(last.args)


# -- 組織判断・公式見解: 決裁 ------------------------------------------------------------------------------


def test_an_official_view_reaches_exactly_the_chosen_approvers(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reply = submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])

    assert t("draft.submitted.official_view", names="観光 次郎") in strings(reply.json()["view"])
    delivered(bot)
    assert sorted(c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")) == sorted([AUTHOR, DEPUTY])
    (ask,) = dm_posts(fake_slack, DEPUTY)
    assert "決裁のお願い" in strings(ask.args)
    assert [e["action_id"] for b in ask.args["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        "draft.decision.approve", "draft.decision.return", "draft.decision.reject",
    ]  # fmt: skip


def test_the_linters_findings_travel_with_the_request(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    text = "○○課長が検討中の件について、詳細は http://example.jp/ をご覧ください。"
    submit(bot, text=text, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(bot)

    for approver in (HEAD, DEPUTY):
        shown = strings(dm_posts(fake_slack, approver)[0].args)
        assert "「○○」" in shown
        assert "「検討中」" in shown
        assert "「http://example.jp/」" in shown


def test_a_non_approver_and_the_author_are_refused_and_audited(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    request, _ = request_of(bot, DEPUTY)
    fake_slack.clear()

    for intruder in (STAFF2, AUTHOR):
        assert press(bot, fake_slack, "draft.decision.approve", request, None, user_id=intruder).status == 200
    refusals = fake_slack.wait_for("response_url", count=2)
    assert all(r.args["text"] == t("draft.denied") for r in refusals)
    assert draft(bot).status == "pending"
    assert audit_actions(bot).count("draft.denied") == 2
    assert fake_slack.calls_to("chat.update") == []


def test_the_author_cannot_be_the_only_approver(bot: RunningBot) -> None:
    reply = submit(bot, user_id=HEAD, text=OFFICIAL, kind="official_view", approvers=[HEAD])

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"draft.approvers": t("draft.error.approvers.required")},
    }
    assert count(bot, Draft) == 0


def test_an_approver_author_is_never_asked_about_their_own_draft(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, user_id=HEAD, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(bot)

    assert sorted(c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")) == sorted([DEPUTY, HEAD])
    assert [r.role for r, _ in requests(bot) if r.user_id == HEAD] == ["author"]


def test_two_approvals_at_the_same_moment_make_one_decision(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(bot)
    pressed = [request_of(bot, HEAD), request_of(bot, DEPUTY)]
    fake_slack.clear()

    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(lambda rm: press(bot, fake_slack, "draft.decision.approve", *rm, user_id=rm[0].user_id), pressed)
        )
    delivered(bot)

    assert [r.status for r in replies] == [200, 200]
    assert draft(bot).status == "approved"
    assert audit_actions(bot).count("draft.approve") == 1
    notices = [c for c in dm_posts(fake_slack, AUTHOR) if "承認" in strings(c.args)]
    assert len(notices) == 1
    answered = [r for r, _ in requests(bot, "approver") if r.answer == "approve"]
    assert len(answered) == 1
    # Every approver's DM now says who decided, and has no buttons left.
    for _request, message in pressed:
        last = [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == message.slack_ts][-1]
        assert not any(b["type"] == "actions" for b in last.args["blocks"])
        assert f"{answered[0].user_name}: 承認" in strings(last.args)
    assert nothing_more(bot, fake_slack) == []
    assert press(bot, fake_slack, "draft.decision.reject", *pressed[1], user_id=pressed[1][0].user_id).status == 200
    assert draft(bot).status == "approved"


def test_return_then_resubmit_then_approve_keeps_both_versions(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    request, message = request_of(bot, DEPUTY)

    returned = answer_with_comment(
        bot, fake_slack, "draft.decision.return", request, message, "方針の根拠を一文加えてください", user_id=DEPUTY
    )
    assert returned.status == 200
    delivered(bot)
    assert draft(bot).status == "returned"
    notice = [c for c in dm_posts(fake_slack, AUTHOR) if "差戻し" in strings(c.args)][-1]
    assert "方針の根拠を一文加えてください" in strings(notice.args)

    # The author opens the draft again from their status message, edits and resubmits.
    author_request, author_message = request_of(bot, AUTHOR)
    fake_slack.clear()
    press(bot, fake_slack, "draft.revise", author_request, author_message, user_id=AUTHOR)
    (opened,) = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "draft.submit"
    prefilled = next(b for b in view["blocks"] if b.get("block_id") == "draft.text")
    assert prefilled["element"]["initial_value"] == OFFICIAL
    revised = OFFICIAL + "根拠は市総合計画です。"
    reply = submit(bot, text=revised, kind="official_view", approvers=[DEPUTY], metadata=view["private_metadata"])
    assert reply.json()["response_action"] == "update"
    delivered(bot)

    request2, message2 = request_of(bot, DEPUTY, version=2)
    assert revised in strings(dm_posts(fake_slack, DEPUTY)[0].args)
    press(bot, fake_slack, "draft.decision.approve", request2, message2, user_id=DEPUTY)
    delivered(bot)

    assert draft(bot).status == "approved"
    assert draft(bot).version == 2
    with bot.service.runtime.sessions() as session:
        texts = session.scalars(select(DraftVersion.text).order_by(DraftVersion.version)).all()
    assert texts == [OFFICIAL, revised]
    actions = audit_actions(bot)
    assert [a for a in actions if a.startswith("draft.") and a != "draft.denied"] == [
        "draft.submitted", "draft.return", "draft.resubmitted", "draft.approve",
    ]  # fmt: skip


def test_after_approval_the_author_records_the_published_post(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    press(bot, fake_slack, "draft.decision.approve", *request_of(bot, DEPUTY), user_id=DEPUTY)
    delivered(bot)

    author_request, author_message = request_of(bot, AUTHOR)
    press(bot, fake_slack, "draft.published", author_request, author_message, user_id=AUTHOR)
    (opened,) = fake_slack.wait_for("views.open")
    payload = submission(
        "draft.published.submit",
        user_id=AUTHOR,
        values={
            "draft.published.url": {
                "draft.published.url": {"type": "plain_text_input", "value": "https://x.com/soja_kanko/status/99"}
            }
        },
    )
    payload["view"]["private_metadata"] = opened.args["view"]["private_metadata"]
    assert send(bot.url, interactive(as_opened(bot, payload))).status == 200

    assert draft(bot).status == "published"
    with bot.service.runtime.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.published")).one()
    assert entry.after == {"url": "https://x.com/soja_kanko/status/99", "version": 1}
