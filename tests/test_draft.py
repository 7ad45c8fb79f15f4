"""/sns-draft end to end: the real HTTP endpoint, signed requests, the delivery worker and the fake
Slack, on SQLite and PostgreSQL. app.yaml: kanko's approvers are U0HEADKANKO and U0DEPUTYKANKO,
its staff U0STAFF1 (the author here) and U0STAFF2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.catalog import t
from bot.mrkdwn import escape
from handlers.draft import jobs
from playground.slack_api import Call, SlackStandIn
from playground.slack_rules import check_message, check_view
from storage.models import AuditEntry, Draft, DraftRequest, DraftVersion, OutboxMessage
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, audit_actions, count, delivered, posts, quiet, strings, unpaced_config
from tests.support.slack_requests import Reply, block_action, event_callback, interactive, send, slash_command
from tests.support.slack_requests import view_submission as submission

AUTHOR, STAFF2, HEAD, DEPUTY = "U0STAFF1", "U0STAFF2", "U0HEADKANKO", "U0DEPUTYKANKO"
ANNOUNCEMENT = "観光イベント「桃太郎まつり」は予定どおり11月29日10時から開催します。"
OFFICIAL = "総社市は、駅前広場の再整備について市の方針を次のとおりお知らせします。"


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


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


def draft(bot: RunningBot) -> Draft:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Draft)).one()
        session.expunge(found)
        return found


def dm_posts(fake: SlackStandIn, user_id: str) -> list[Call]:
    return posts(fake, user_id)


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

    press(bot, fake_slack, "draft.review.issue", request, message, user_id=STAFF2)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, "日付の曜日が違います", user_id=STAFF2).status == 200
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
    assert quiet(fake_slack, 0.3) == []
    assert press(bot, fake_slack, "draft.decision.reject", *pressed[1], user_id=pressed[1][0].user_id).status == 200
    assert draft(bot).status == "approved"


def test_return_then_resubmit_then_approve_keeps_both_versions(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)
    request, message = request_of(bot, DEPUTY)

    press(bot, fake_slack, "draft.decision.return", request, message, user_id=DEPUTY)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, "方針の根拠を一文加えてください", user_id=DEPUTY).status == 200
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

    press(bot, fake_slack, "draft.decision.return", *asked, user_id=DEPUTY)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, "方針の根拠を一文加えてください", user_id=DEPUTY).status == 200
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


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "block", "message"),
    [
        ({"text": ""}, "draft.text", t("draft.error.text.required")),
        ({"text": "あ" * 10_001}, "draft.text", t("draft.error.text.too_long", limit=3000, length=10_001)),
        (
            {"kind": "official_view", "approvers": ["U0GONE"]},
            "draft.approvers",
            t("draft.error.approvers.unknown", names="<@U0GONE>"),
        ),
        ({"kind": "official_view", "approvers": []}, "draft.approvers", t("draft.error.approvers.required")),
        ({"reviewers": [AUTHOR]}, "draft.reviewers", t("draft.error.reviewers.self")),
        ({"corrects": "javascript:alert(1)"}, "draft.corrects", t("draft.error.corrects.invalid")),
    ],
    ids=[
        "empty text",
        "over 10,000 characters",
        "an approver who left",
        "no approver",
        "self review",
        "bad correction URL",
    ],
)
def test_bad_input_is_answered_in_the_modal_and_nothing_is_stored(
    bot: RunningBot, fake_slack: SlackStandIn, fields: dict[str, Any], block: str, message: str
) -> None:
    reply = submit(bot, **fields)

    assert reply.json() == {"response_action": "errors", "errors": {block: message}}
    assert (count(bot, Draft), count(bot, OutboxMessage)) == (0, 0)
    assert [a for a in audit_actions(bot) if a.startswith("draft.")] == []


def test_personal_information_blocks_until_consent_is_ticked(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    text = "お問い合わせは担当の山田（090-1234-5678）まで。"

    refused = submit(bot, text=text)
    assert refused.json()["response_action"] == "errors"
    assert "「090-1234-5678」" in refused.json()["errors"]["draft.text"]
    assert count(bot, Draft) == 0

    accepted = submit(bot, text=text, consent=True)
    assert accepted.json()["response_action"] == "update"
    assert "個人情報の可能性（電話番号）" in strings(accepted.json()["view"])


def test_repeating_the_same_text_for_an_account_is_a_finding(bot: RunningBot) -> None:
    submit(bot)
    again = submit(bot, text="  " + ANNOUNCEMENT.replace("11", "１１") + "  ")

    assert "繰り返し" in strings(again.json()["view"])


# -- /sns-check and App Home -----------------------------------------------------------------------


def test_sns_check_answers_with_the_findings_only_to_the_asker(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    body = slash_command(
        "/sns-check", user_id=STAFF2, text="××さんの噂、拡散希望", response_url=fake_slack.response_url("c")
    )

    assert send(bot.url, body).status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    shown = strings(answer.args)
    assert "「××」" in shown
    assert "「噂」" in shown
    assert count(bot, Draft) == 0


def test_app_home_shows_what_waits_for_the_users_decision(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)

    home = send(
        bot.url,
        event_callback({"type": "app_home_opened", "user": DEPUTY, "tab": "home"}),
        content_type="application/json",
    )

    assert home.status == 200
    (published,) = fake_slack.wait_for("views.publish")
    view = published.args["view"]
    assert OFFICIAL in strings(view)
    approve = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == "draft.decision.approve")  # fmt: skip

    # Deciding from App Home works like the DM (there is no channel to compare there).
    request, _ = request_of(bot, DEPUTY)
    assert json.loads(approve["value"])["request_id"] == request.id
    assert press(bot, fake_slack, "draft.decision.approve", request, None, user_id=DEPUTY).status == 200
    assert draft(bot).status == "approved"


# -- 代決 and 後閲 ----------------------------------------------------------------------------------

DAIKETSU = "U0DAIKETSU"


@pytest.fixture
def deputy_bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    path = unpaced_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["departments"][0]["deputies"] = [DAIKETSU]
    config["people"][DAIKETSU] = "代決 三郎"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with running_bot(fake_slack, database_url, clock=clock, config_path=path) as running:
        yield running


def absent(bot: RunningBot, fake: SlackStandIn, user_id: str, *words: str) -> str:
    name = f"absent-{user_id}-{len(fake.calls)}"
    body = slash_command(
        "/sns-draft", user_id=user_id, text=" ".join(["absent", *words]), response_url=fake.response_url(name)
    )
    assert send(bot.url, body).status == 200
    (reply,) = fake.wait_for("response_url", where=lambda c: c.args["response_url"] == fake.response_url(name))
    return reply.args["text"]


def test_while_every_approver_is_away_a_deputy_decides_and_they_read_it_afterwards(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    assert absent(deputy_bot, fake_slack, HEAD, "on") == t("draft.absent.on")
    assert absent(deputy_bot, fake_slack, DEPUTY, "2026-11-20", "2026-11-30").startswith("2026-11-20 から 2026-11-30")

    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(deputy_bot)
    (ask,) = dm_posts(fake_slack, DAIKETSU)
    assert t("draft.request.deputy") in strings(ask.args)

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)
    delivered(deputy_bot)

    assert draft(deputy_bot).status == "approved"
    for away in (HEAD, DEPUTY):
        notices = [c for c in dm_posts(fake_slack, away) if "【後閲】" in strings(c.args)]
        assert len(notices) == 1
        assert OFFICIAL in strings(notices[0].args)


def submitted_while_both_approvers_are_away(bot: RunningBot, fake: SlackStandIn) -> None:
    """An official view for 決裁 by HEAD and DEPUTY, submitted and delivered while both are away."""
    absent(bot, fake, HEAD, "on")
    absent(bot, fake, DEPUTY, "on")
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(bot)


def test_a_deputys_decision_is_recorded_as_daiketsu_on_behalf_of_the_absent_approvers(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)
    delivered(deputy_bot)

    with deputy_bot.service.runtime.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.approve")).one()
        decided = session.scalars(select(DraftRequest).where(DraftRequest.answer == "approve")).one()
    assert (entry.actor_id, entry.after["deputy"], entry.after["on_behalf_of"]) == (DAIKETSU, True, [HEAD, DEPUTY])
    assert (decided.user_id, decided.deputy) == (DAIKETSU, True)
    told = t("draft.deputy_for", name="代決 三郎", approvers="観光 一郎、観光 次郎")
    assert any(told in strings(c.args) for c in dm_posts(fake_slack, AUTHOR))


def test_a_deputy_cannot_decide_once_an_approver_is_back(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)
    assert absent(deputy_bot, fake_slack, DEPUTY, "off") == t("draft.absent.off")
    fake_slack.clear()

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)

    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.args["text"] == t("draft.error.approvers_back")
    assert draft(deputy_bot).status == "pending"
    assert audit_actions(deputy_bot)[-1] == "draft.denied"
    # The approver who came back decides.
    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DEPUTY), user_id=DEPUTY)
    delivered(deputy_bot)
    assert draft(deputy_bot).status == "approved"


def awaiting_in_home(bot: RunningBot, fake: SlackStandIn, user_id: str) -> list[str]:
    """The approve buttons' request ids App Home offers ``user_id``."""
    fake.clear()
    event = event_callback({"type": "app_home_opened", "user": user_id, "tab": "home"})
    assert send(bot.url, event, content_type="application/json").status == 200
    (published,) = fake.wait_for("views.publish")
    blocks = published.args["view"]["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return [json.loads(e["value"])["request_id"] for e in buttons if e["action_id"] == "draft.decision.approve"]


def test_app_home_offers_a_deputy_the_draft_only_while_every_approver_is_away(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)
    request, _ = request_of(deputy_bot, DAIKETSU)
    assert awaiting_in_home(deputy_bot, fake_slack, DAIKETSU) == [request.id]

    absent(deputy_bot, fake_slack, HEAD, "off")

    assert awaiting_in_home(deputy_bot, fake_slack, DAIKETSU) == []
    assert awaiting_in_home(deputy_bot, fake_slack, HEAD) == [request_of(deputy_bot, HEAD)[0].id]


def test_no_deputy_is_asked_while_an_approver_is_in(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    absent(deputy_bot, fake_slack, HEAD, "on")

    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(deputy_bot)

    assert dm_posts(fake_slack, DAIKETSU) == []


def test_going_away_offers_waiting_drafts_to_the_deputy(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(deputy_bot)
    assert dm_posts(fake_slack, DAIKETSU) == []

    reply = absent(deputy_bot, fake_slack, DEPUTY, "on")

    assert t("draft.absent.offered", count=1) in reply
    delivered(deputy_bot)
    assert len(dm_posts(fake_slack, DAIKETSU)) == 1
    assert absent(deputy_bot, fake_slack, DEPUTY, "off") == t("draft.absent.off")
    assert absent(deputy_bot, fake_slack, DEPUTY, "someday") == t("draft.absent.usage")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("連絡先は０９０－１２３４－５６７８です", "「０９０－１２３４－５６７８」"),
        ("問い合わせ: yamada@example.jp", "「yamada@example.jp」"),
        ("○○課長が来ます", "「○○」"),
        ("詳細は未発表です", "「未発表」"),
        ("拡散希望！", "「拡散希望」"),
        ("詳しくは http://example.jp/ へ", "「http://example.jp/」"),
        ("あ" * 141, "X の上限を超えています"),
        ("2026-04-01 10:00〜12:00 入場料1,200円 第12回 予定どおり開催", t("draft.findings.clean")),
    ],
    ids=["phone", "email", "fuseji", "undecided", "flashpoint", "http", "length", "clean"],
)
def test_sns_check_finds_each_kind_of_problem_and_passes_clean_text(
    bot: RunningBot, fake_slack: SlackStandIn, text: str, found: str
) -> None:
    assert (
        send(bot.url, slash_command("/sns-check", text=text, response_url=fake_slack.response_url("c"))).status == 200
    )

    (answer,) = fake_slack.wait_for("response_url")
    assert found in strings(answer.args)


def test_a_retried_submission_makes_one_draft(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    payload = submission("draft.submit", user_id=AUTHOR, values=values(kind="official_view", approvers=[DEPUTY],
                                                                          text=OFFICIAL))  # fmt: skip
    payload["view"]["private_metadata"] = ""
    body = interactive(as_opened(bot, payload))

    first = send(bot.url, body)
    retried = send(bot.url, body, headers={"X-Slack-Retry-Num": "1"})
    delivered(bot)

    assert first.json() == retried.json()
    assert "繰り返し" not in strings(retried.json())  # its own first submission is no repetition
    assert count(bot, Draft) == 1
    assert len(dm_posts(fake_slack, DEPUTY)) == 1
