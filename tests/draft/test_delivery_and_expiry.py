"""/sns-draft end to end: the real HTTP endpoint, signed requests, the delivery worker and the fake Slack, on
SQLite and PostgreSQL. DMs drawn when sent, expiry at the planned posting time, reminders, a restart.
The rules themselves: tests/test_draft_rules.py."""

from __future__ import annotations

from pathlib import Path

from bot.catalog import t
from handlers.draft import jobs
from playground.slack_api import Call, SlackStandIn
from storage.models import OutboxMessage
from tests.draft.flow import (
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
    submit,
)
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, delivered, posts, strings, unpaced_config
from tests.support.slack_requests import interactive, send
from tests.support.slack_requests import view_submission as submission


def dm_updates(fake: SlackStandIn, message: OutboxMessage) -> list[Call]:
    return [c for c in fake.calls_to("chat.update") if c.args["ts"] == message.slack_ts]


def test_a_burst_of_answers_before_the_dms_are_sent_again_rewrites_each_dm_once_with_all_of_them(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    reviewers = {STAFF2: "吉備 さくら", HEAD: "観光 一郎", DEPUTY: "観光 次郎"}
    submit(bot, reviewers=list(reviewers))
    delivered(bot)
    asked = [request_of(bot, user) for user in reviewers]
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()  # the answers land before anything is sent: the worker's drain below sends the backlog

    for request, message in asked:
        assert press(bot, fake_slack, "draft.review.ok", request, message, user_id=request.user_id).status == 200
    worker.drain()

    # One pending update of each DM stands for the three answers, drawn when sent.
    for user in [*reviewers, AUTHOR]:
        (update,) = dm_updates(fake_slack, request_of(bot, user)[1])
        assert all(f"{name}: {t('draft.answer.ok')}" in strings(update.args) for name in reviewers.values()), user
    assert len(fake_slack.calls_to("chat.update")) == len(reviewers) + 1
    assert posts(fake_slack) == []


def test_a_decision_notice_says_what_was_decided_even_when_the_draft_moved_on_before_it_was_sent(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    author_request, author_message = request_of(bot, AUTHOR)
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()

    press(bot, fake_slack, "draft.decision.approve", *request_of(bot, DEPUTY), user_id=DEPUTY)
    press(bot, fake_slack, "draft.published", author_request, author_message, user_id=AUTHOR)
    (opened,) = fake_slack.wait_for("views.open")
    url = {"draft.published.url": {"type": "plain_text_input", "value": "https://x.com/soja_kanko/status/99"}}
    payload = submission("draft.published.submit", user_id=AUTHOR, values={"draft.published.url": url})
    payload["view"]["private_metadata"] = opened.args["view"]["private_metadata"]
    assert send(bot.url, interactive(as_opened(bot, payload))).status == 200
    assert draft(bot).status == "published"
    worker.drain()

    # The notice is frozen at the approval, with its hint to record the post; the status DM shows it published.
    (notice,) = dm_posts(fake_slack, AUTHOR)
    assert "承認" in notice.args["text"]
    assert t("draft.notice.approved_hint") in notice.args["text"]
    (status,) = dm_updates(fake_slack, author_message)
    assert t("draft.status.published") in strings(status.args)
    assert "https://x.com/soja_kanko/status/99" in strings(status.args)
    assert not any(b["type"] == "actions" for b in status.args["blocks"])


def test_a_dm_about_a_returned_version_drawn_after_the_next_version_still_shows_the_returned_one(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    asked, author = request_of(bot, DEPUTY), request_of(bot, AUTHOR)
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()  # version 1 is returned and version 2 submitted before anything is sent

    returned = answer_with_comment(
        bot, fake_slack, "draft.decision.return", *asked, "方針の根拠を一文加えてください", user_id=DEPUTY
    )
    assert returned.status == 200
    press(bot, fake_slack, "draft.revise", *author, user_id=AUTHOR)
    opened = fake_slack.wait_for("views.open", count=2)[-1].args["view"]
    revised = OFFICIAL + "根拠は市総合計画です。"
    reply = submit(bot, text=revised, kind="official_view", approvers=[DEPUTY], metadata=opened["private_metadata"])
    assert reply.json()["response_action"] == "update"
    worker.drain()

    for _request, first in (asked, author):
        (update,) = dm_updates(fake_slack, first)
        assert t("draft.status.returned") in strings(update.args)
        assert "根拠は市総合計画です" not in strings(update.args)
    notice = next(c.args["text"] for c in dm_posts(fake_slack, AUTHOR) if "差戻し" in c.args["text"])
    assert "第1版" in notice
    assert t("draft.notice.returned_hint") in notice
    (again,) = [c for c in dm_posts(fake_slack, DEPUTY) if not c.args.get("thread_ts")]
    assert revised in strings(again.args)


# -- expiry, reminders, restart ------------------------------------------------------------------


def test_a_draft_still_pending_at_its_planned_time_expires(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    planned = int(clock.now().timestamp()) + 600
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY], scheduled_at=planned)
    delivered(bot)
    _, message = request_of(bot, DEPUTY)

    assert jobs.expire(bot.service.runtime) == 0
    clock.advance(minutes=11)
    assert jobs.expire(bot.service.runtime) == 1
    delivered(bot)

    assert draft(bot).status == "expired"
    last = [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == message.slack_ts][-1]
    assert not any(b["type"] == "actions" for b in last.args["blocks"])
    assert any(t("draft.notice.expired", id=draft(bot).id) in strings(c.args) for c in dm_posts(fake_slack, AUTHOR))
    assert jobs.expire(bot.service.runtime) == 0


def test_a_decision_after_the_planned_time_is_refused_even_before_the_expiry_sweep(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    planned = int(clock.now().timestamp()) + 600
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY], scheduled_at=planned)
    delivered(bot)
    clock.advance(minutes=11)  # past the planned time; the sweep has not run

    press(bot, fake_slack, "draft.decision.approve", *request_of(bot, DEPUTY), user_id=DEPUTY)

    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.args["text"] == t("draft.error.past_schedule")
    delivered(bot)
    assert draft(bot).status == "expired"
    assert "draft.approve" not in audit_actions(bot)
    assert any(t("draft.notice.expired", id=draft(bot).id) in strings(c.args) for c in dm_posts(fake_slack, AUTHOR))
    assert jobs.expire(bot.service.runtime) == 0  # expired once, at the decision


def test_a_peer_check_after_the_planned_time_is_still_answered(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    # 事実の告知 is checked, not decided: its planned time refuses nothing.
    submit(bot, reviewers=[STAFF2], scheduled_at=int(clock.now().timestamp()) + 600)
    delivered(bot)
    clock.advance(minutes=11)

    press(bot, fake_slack, "draft.review.issue", *request_of(bot, STAFF2), user_id=STAFF2)

    assert len(fake_slack.wait_for("views.open")) == 1
    assert draft(bot).status == "checking"


def test_a_waiting_approver_is_reminded_once_in_office_hours(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)

    clock.advance(hours=23)
    assert jobs.remind(bot.service.runtime) == 0
    clock.advance(hours=1, minutes=5)  # Friday 10:05 JST
    assert jobs.remind(bot.service.runtime) == 1
    delivered(bot)
    assert jobs.remind(bot.service.runtime) == 0
    reminders = [c for c in dm_posts(fake_slack, DEPUTY) if "お待ちです" in strings(c.args)]
    assert len(reminders) == 1


def test_a_draft_submitted_before_a_crash_is_delivered_after_the_restart(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    config = unpaced_config(tmp_path)
    with running_bot(fake_slack, database_url, clock=clock, config_path=config) as first:
        first.service.worker.stop()  # the process dies after committing, before delivering
        assert submit(first, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY]).status == 200
    assert fake_slack.calls_to("chat.postMessage") == []

    with running_bot(fake_slack, database_url, clock=clock, config_path=config) as second:
        delivered(second)
    assert sorted(c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")) == sorted([AUTHOR, DEPUTY, HEAD])
