"""What a case shows after 人事異動, and what the committee's export shows of a private case's delivery: found by
an outside review once privacy, authority and the audit chain were merged. End to end: signed requests, the
Slack stand-in, a real database; the assertions read what each DM and channel actually received.

The clock is the suite's frozen one (Thursday 2026-11-26 09:00 JST).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.audit_export import committee_rows
from playground.slack_api import SlackStandIn
from storage import outbox
from storage.models import CaseCopy, OutboxMessage
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    HEAD,
    STAFF1,
    STAFF2,
    click,
    copies,
    delivered,
    dm,
    list_cases,
    posts,
    strings,
    submit_report,
)

NEW_HEAD, KIKAKU_STAFF = "U0NEWHEAD", "U0STAFFKIKAKU"
FIRST_PRIVATE = "休日に私用の端末で見かけた投稿です（私的なメモ）"
SECOND_PRIVATE = "家族から聞いた話で、個人的な事情を含むメモです"
OFFICIAL_SUMMARY = "企画課の業務中の巡回で確認しました"
OFFICIAL_URL = "http://www.twitter.com/soja_city/status/1234567890/?s=20"


def report(bot: RunningBot, clock: FrozenClock, **fields: Any) -> None:
    reply = submit_report(bot, clock, **fields)
    assert reply.status == 200, reply.body
    assert reply.json()["response_action"] == "update", reply.json()
    delivered(bot)


def april(bot: RunningBot, config_path: Path, *, old_head_to_kikaku: bool = False) -> None:
    """人事異動: 観光プロモーション課 gets a new head; the old one leaves it (optionally to head 企画課)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    kanko = config["departments"][0]
    kanko["head"], kanko["approvers"] = NEW_HEAD, [NEW_HEAD]
    config["people"][NEW_HEAD] = "新任 課長"
    if old_head_to_kikaku:
        config["departments"].append({"id": "kikaku", "name": "企画課", "head": HEAD, "members": [KIKAKU_STAFF]})
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert bot.service.runtime.config.reload()
    delivered(bot)


def received(fake: SlackStandIn, user_id: str) -> str:
    """Everything the bot sent to ``user_id``'s DM: posts (addressed to the user), thread replies and rewrites."""
    places = {user_id, dm(user_id)}
    return "\n".join(
        strings(c.args) for c in fake.calls if c.method.startswith("chat.") and c.args.get("channel") in places
    )


# -- privacy after 人事異動 ---------------------------------------------------------------------------


def test_a_private_report_filed_after_the_head_left_does_not_reach_the_old_head(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=FIRST_PRIVATE)
    april(bot, config_path)
    clock.advance(seconds=11)
    fake_slack.clear()

    # Another member of 観光プロモーション課 reports the same post privately: their 所属長 is now 新任 課長.
    report(bot, clock, user_id=STAFF2, capacity="private", summary=SECOND_PRIVATE)

    assert SECOND_PRIVATE in received(fake_slack, NEW_HEAD)  # the current head hears of it
    assert SECOND_PRIVATE not in received(fake_slack, HEAD)
    assert "吉備 さくら" not in received(fake_slack, HEAD)


def test_a_violations_thread_does_not_stay_in_the_old_heads_dm_after_the_handover(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    report(bot, clock, user_id=STAFF1, kind="violation", capacity="private", summary=FIRST_PRIVATE)
    april(bot, config_path)
    fake_slack.clear()

    new = copies(bot)[NEW_HEAD]
    assert click(bot, fake_slack, new, "report.case.ack", user_id=NEW_HEAD).status == 200
    delivered(bot)
    clock.advance(seconds=11)
    report(bot, clock, user_id=STAFF2, kind="violation", capacity="private", summary=SECOND_PRIVATE)

    assert posts(fake_slack, dm(HEAD), threaded=True) == []
    assert SECOND_PRIVATE not in received(fake_slack, HEAD)
    # The thread went with the case: its later lines (who acknowledged) reach the new head.
    assert "新任 課長" in "\n".join(strings(c.args) for c in posts(fake_slack, dm(NEW_HEAD), threaded=True))


def test_a_reply_still_pending_in_the_old_heads_thread_shows_nothing_filed_after_he_left(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    """A line queued in a violation's thread before 人事異動 and still waiting when the thread moves (a retry's
    backoff, a backlog) is drawn, whenever it is sent, as the old head saw the case when he left."""
    report(bot, clock, user_id=STAFF1, kind="violation", capacity="private", summary=FIRST_PRIVATE)
    with bot.service.runtime.sessions() as session:
        old = session.scalars(select(CaseCopy).where(CaseCopy.target == HEAD)).one()
        old_message_id, case_id = old.outbox_id, old.case_id
    april(bot, config_path)
    clock.advance(seconds=11)
    cut = SECOND_PRIVATE + "。" * 2900  # cut on the copies: a full text in the thread would have it whole
    report(bot, clock, user_id=STAFF2, kind="violation", capacity="private", summary=cut)
    fake_slack.clear()
    with bot.service.runtime.sessions.begin() as session:  # the full text _reply_full_text queued earlier
        parent = session.get_one(OutboxMessage, old_message_id)
        outbox.post_intent(
            session,
            channel=parent.channel,
            intent={"kind": "report.full_text", "case": case_id},
            now=clock.now() - timedelta(minutes=1),
            thread_of=parent,
        )
    delivered(bot)

    assert SECOND_PRIVATE not in received(fake_slack, HEAD)


def test_an_official_report_from_the_old_heads_new_department_reaches_him_as_its_head(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=FIRST_PRIVATE)
    april(bot, config_path, old_head_to_kikaku=True)
    clock.advance(seconds=11)
    fake_slack.clear()

    report(
        bot,
        clock,
        user_id=KIKAKU_STAFF,
        capacity="official",
        summary=OFFICIAL_SUMMARY,
        urls=OFFICIAL_URL,
        department="kikaku",
    )

    # As head of 企画課 he is another head to the private report: a live copy of the 業務 report only.
    (copy,) = posts(fake_slack, HEAD, threaded=False)
    assert OFFICIAL_SUMMARY in strings(copy.args)
    assert "report.case.ack" in strings(copy.args)
    assert FIRST_PRIVATE not in received(fake_slack, HEAD)


# -- the committee's export -------------------------------------------------------------------------------


def test_the_committees_export_does_not_name_a_private_reporter_through_delivery_entries(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    # Slack refuses the block version of every message (as it does a payload it finds invalid): each is sent as
    # plain text, and the outbox audits the refusal.
    fake_slack.refuse_messages("invalid_blocks")
    report(bot, clock, user_id=STAFF1, capacity="private", summary=FIRST_PRIVATE)

    with bot.service.runtime.sessions() as session:
        start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
        rows = list(committee_rows(session, start, end, include_private=False))
    delivery = [r for r in rows if r.action.startswith("outbox.")]
    assert delivery, "the refusals were audited"
    assert all(row.private for row in delivery), delivery
    for row in rows:
        readable = json.dumps([row.actor_id, row.actor_name, row.entity_id, row.before, row.after], default=str)
        assert STAFF1 not in readable, row


def test_the_old_head_no_longer_lists_a_private_case_handed_over(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, config_path: Path
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=FIRST_PRIVATE)
    assert "SNS-2026-0001" in strings(list_cases(bot, fake_slack, HEAD).args)

    april(bot, config_path)
    fake_slack.clear()

    assert "SNS-2026-0001" in strings(list_cases(bot, fake_slack, NEW_HEAD).args)
    assert "SNS-2026-0001" not in strings(list_cases(bot, fake_slack, HEAD).args)
