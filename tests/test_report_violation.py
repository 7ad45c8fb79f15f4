"""/sns-report end to end: the violation chain (6(2)), from the head to the security officer to the committee.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

import json

from bot.catalog import t
from playground.slack_api import SlackStandIn
from tests.report.copies import (
    NOTIFY_OFFICER,
    NOW,
    REPORT_COMMITTEE,
    assert_every_copy_updated_once,
    buttons,
    open_case,
    original,
    status_field,
    thread_lines,
)
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    COMMITTEE,
    DEFAULT_URL,
    HEAD,
    OFFICER,
    PUBINFO1,
    STAFF1,
    audit_actions,
    case,
    click,
    copies,
    delivered,
    dm,
    posts,
    strings,
    submit_modal,
    text_input,
    top_level_channels,
    updates,
)

# -- the violation chain (6(2)) ------------------------------------------------------------------


def test_a_violation_goes_to_the_head_then_the_security_officer_then_the_committee(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, kind="violation", account="@soja_kanko_official")

    # 6(2)①: only the head of the department running the account (and the reporter's own copy).
    assert top_level_channels(fake_slack.calls) == sorted([HEAD, STAFF1])
    head = shown[HEAD]
    head_message = original(fake_slack, head)
    assert NOTIFY_OFFICER in buttons(head_message)
    assert t("report.violation.head_note") in strings(head_message.args)

    # 6(2)②: the head notifies the security officer, who gets a copy of their own.
    fake_slack.clear()
    assert click(bot, fake_slack, head, NOTIFY_OFFICER, user_id=HEAD).status == 200
    delivered(bot)
    assert top_level_channels(fake_slack.calls) == [OFFICER]
    shown = copies(bot)
    officer = shown[OFFICER]
    officer_message = original(fake_slack, officer)
    assert REPORT_COMMITTEE in buttons(officer_message)
    assert t("report.violation.officer_note") in strings(officer_message.args)
    notified = status_field(f"情報セキュリティ責任者へ通知済み（観光 一郎、{NOW}）")
    for target in (HEAD, STAFF1):
        (update,) = updates(fake_slack, shown[target])
        assert notified in strings(update.args)
        assert NOTIFY_OFFICER not in buttons(update)
    # The timeline lives in the head's DM.
    assert thread_lines(fake_slack, head) == [t("report.timeline.officer_notified", at=NOW, name="観光 一郎")]

    # 6(2)③: the officer reports facts, measures and progress to the committee.
    fake_slack.clear()
    assert click(bot, fake_slack, officer, REPORT_COMMITTEE, user_id=OFFICER).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    modal = opened.args["view"]
    assert modal["callback_id"] == "report.committee.submit"
    assert json.loads(modal["private_metadata"]) == json.loads(officer.value())
    reply = submit_modal(
        bot,
        "report.committee.submit",
        user_id=OFFICER,
        private_metadata=modal["private_metadata"],
        values={
            "report.committee.measures": text_input("アカウントの投稿を非公開にした"),
            "report.committee.progress": text_input("運営課が投稿者に事実確認中"),
        },
    )
    assert reply.status == 200
    delivered(bot)
    (report,) = posts(fake_slack, COMMITTEE)
    text = strings(report.args)
    for expected in (
        t("report.committee.header", number="SNS-2026-0001"),
        t("report.committee.measures", measures="アカウントの投稿を非公開にした"),
        t("report.committee.progress", progress="運営課が投稿者に事実確認中"),
        "市の観光イベントの投稿に批判的な返信が急増しています。",
        DEFAULT_URL,
    ):
        assert expected in text
    reported = status_field(f"情報セキュリティ委員会へ報告済み（情報 守、{NOW}）")
    assert_every_copy_updated_once(fake_slack, shown, reported)
    assert REPORT_COMMITTEE not in buttons(updates(fake_slack, officer)[-1])
    assert case(bot).committee_reported_by == "情報 守"
    # The offices' channels never heard of it.
    assert top_level_channels(fake_slack.calls) == [COMMITTEE]


def test_notifying_the_officer_twice_sends_one_copy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, kind="violation")

    for _ in range(2):
        assert click(bot, fake_slack, shown[HEAD], NOTIFY_OFFICER, user_id=HEAD).status == 200
    delivered(bot)

    assert len(posts(fake_slack, OFFICER)) == 1
    assert audit_actions(bot).count("case.officer_notified") == 1


def test_only_the_security_officer_may_report_to_the_committee(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, kind="violation")
    click(bot, fake_slack, shown[HEAD], NOTIFY_OFFICER, user_id=HEAD)
    delivered(bot)
    officer = copies(bot)[OFFICER]
    modal_metadata = officer.value()

    # The head presses it from the officer's copy's metadata in their own DM: tampering, 400.
    assert click(bot, fake_slack, officer, REPORT_COMMITTEE, user_id=HEAD, channel=dm(HEAD)).status == 400
    # A committee report submitted by someone else is refused (the permission is checked again on submit),
    # and told so in the modal rather than having it close as if it had worked.
    refused = submit_modal(
        bot,
        "report.committee.submit",
        user_id=PUBINFO1,
        private_metadata=modal_metadata,
        values={"report.committee.measures": text_input("x"), "report.committee.progress": text_input("y")},
    )
    assert refused.json() == {
        "response_action": "errors",
        "errors": {"report.committee.measures": t("report.denied")},
    }
    delivered(bot)
    assert posts(fake_slack, COMMITTEE) == []
    assert "case.denied" in audit_actions(bot)
    assert case(bot).committee_reported_at is None
