"""/sns-report end to end (issue 3): the real HTTP endpoint, signed requests, the fake Slack Web API,
the outbox worker, on SQLite and PostgreSQL. Each test proves one point of the issue's "Done when".

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.catalog import t
from bot.mrkdwn import escape
from handlers.report import jobs
from playground.slack_api import Call, SlackStandIn
from storage.models import AuditEntry, Case, CaseCopy, CaseCounter, CaseUrl, OpenCaseUrl, OutboxMessage
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.limits import BLOCK_TEXT_BUDGET, block_text_length
from tests.support.report import (
    COMMITTEE,
    DEFAULT_URL,
    GENERAL,
    HEAD,
    OFFICER,
    PUBINFO1,
    PUBLIC_INFO,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    Copy,
    as_opened,
    audit_actions,
    case,
    click,
    copies,
    count,
    delivered,
    dm,
    list_cases,
    option,
    posts,
    quiet,
    report_values,
    strings,
    submit_modal,
    submit_report,
    text_input,
    top_level_channels,
    updates,
)
from tests.support.slack_requests import interactive, send, slash_command, view_submission

NOBODY = "U0NOBODY"  # in no department of app.yaml
NOW = "11/26 09:00"
# The buttons on a case's copies.
ACK = "report.case.ack"
IN_PROGRESS = "report.case.in_progress"
RESOLVE = "report.case.resolve"
COMMENT = "report.case.comment"
CHECKLIST = "report.case.checklist"  # the prefix of each item's id; the whole id on copies posted earlier


def item_button(item: str) -> str:
    return f"{CHECKLIST}.{item}"


NOTIFY_OFFICER = "report.case.notify_officer"
REPORT_COMMITTEE = "report.case.report_committee"


def open_case(bot: RunningBot, clock: FrozenClock, **fields: Any) -> dict[str, Copy]:
    """Reports, waits for the fan-out, and returns the delivered copies by target."""
    reply = submit_report(bot, clock, **fields)
    assert reply.status == 200, reply.body
    assert reply.json()["response_action"] == "update", reply.json()
    delivered(bot)
    number = _number_in(reply.json()["view"])
    return copies(bot, number)


def _number_in(view: dict[str, Any]) -> str:
    text = strings(view)
    start = text.index("SNS-")
    return text[start : start + len("SNS-2026-0001")]


def buttons(call: Call) -> list[str]:
    """The action ids of the buttons in a posted or updated message."""
    return [action for action, _ in _buttons(call)]


def checklist_items(call: Call) -> list[str]:
    """The checklist items a message offers, in order."""
    return [json.loads(v)["item"] for a, v in _buttons(call) if a.startswith(CHECKLIST)]


def _buttons(call: Call) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element.get("value", ""))
        for block in call.args.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "button"
    ]


def original(fake: SlackStandIn, copy: Copy) -> Call:
    """The chat.postMessage that created ``copy`` (the first top-level post to its target)."""
    return posts(fake, copy.target, threaded=False)[0]


def status_field(line: str) -> str:
    """A copy's 状況: one line, the furthest stage the case reached."""
    return t("report.case.status", status=line)


def thread_lines(fake: SlackStandIn, copy: Copy) -> list[str]:
    return [c.args["text"] for c in posts(fake, copy.channel, threaded=True) if c.args["thread_ts"] == copy.ts]


def assert_every_copy_updated_once(fake: SlackStandIn, shown: dict[str, Copy], *expected: str) -> None:
    for target, copy in shown.items():
        (update,) = updates(fake, copy)
        for text in expected:
            assert text in strings(update.args), f"{target}'s copy lacks {text!r}"


# -- 1. routing -----------------------------------------------------------------------------------

ROUTES = [
    pytest.param("official", STAFF1, "kanko", [HEAD, PUBLIC_INFO, SECRETARIAT, GENERAL], id="official"),
    pytest.param("private", STAFF1, "kanko", [HEAD, PUBLIC_INFO], id="private"),
    pytest.param("official", NOBODY, None, [PUBLIC_INFO, SECRETARIAT, GENERAL], id="official-no-department"),
    pytest.param("private", NOBODY, None, [PUBLIC_INFO], id="private-no-department"),
]


@pytest.mark.parametrize(("capacity", "reporter", "department", "recipients"), ROUTES)
def test_a_report_reaches_exactly_the_recipients_the_guideline_names(
    bot: RunningBot,
    fake_slack: SlackStandIn,
    clock: FrozenClock,
    capacity: str,
    reporter: str,
    department: str | None,
    recipients: list[str],
) -> None:
    shown = open_case(bot, clock, capacity=capacity, user_id=reporter, department=department)

    # One copy per recipient plus the reporter's own, and nothing else.
    assert top_level_channels(fake_slack.calls) == sorted([*recipients, reporter])
    assert sorted(shown) == sorted([*recipients, reporter])
    assert posts(fake_slack, threaded=True) == []
    assert {c.method for c in fake_slack.calls} == {"auth.test", "chat.postMessage"}
    with bot.service.runtime.sessions() as session:
        stored = session.scalars(select(Case)).one()
        assert (stored.number, stored.capacity, stored.department_id) == ("SNS-2026-0001", capacity, department)


def test_each_copy_shows_the_case_and_the_buttons_its_audience_may_use(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, account="@soja_kanko")

    for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1):
        text = strings(original(fake_slack, shown[target]).args)
        for expected in (
            "【炎上】SNS-2026-0001",
            t("report.case.capacity", capacity="業務"),
            t("report.case.department", department="観光プロモーション課"),
            t("report.case.reporter", reporter="総社 太郎"),
            t("report.case.discovered_at", at="11/26 08:59"),
            status_field("未受領"),
            DEFAULT_URL,
            "市の観光イベントの投稿に批判的な返信が急増しています。",
            "@soja_kanko",
        ):
            assert expected in text, f"{target}'s copy lacks {expected!r}"
    case_buttons = [ACK, IN_PROGRESS, RESOLVE]
    flame_checklist = [item_button(i) for i in ("facts_checked", "policy_decided", "official_view_judged")]
    assert buttons(original(fake_slack, shown[PUBLIC_INFO])) == [*flame_checklist, *case_buttons, COMMENT]
    for target in (HEAD, SECRETARIAT, GENERAL):
        assert buttons(original(fake_slack, shown[target])) == [*flame_checklist, *case_buttons]
    # The reporter's copy tells them what happens; it has nothing to press.
    reporter_copy = original(fake_slack, shown[STAFF1])
    assert buttons(reporter_copy) == []
    assert t("report.case.reporter_note") in strings(reporter_copy.args)


def test_every_copy_names_all_the_recipients_from_the_start(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)

    everyone = t("report.case.recipients", recipients="市政情報課、観光 一郎、秘書室、総務課")
    missing = [target for target, copy in shown.items() if everyone not in strings(original(fake_slack, copy).args)]
    assert missing == []


def test_a_private_report_says_so_and_never_reaches_the_secretariat_or_general_affairs(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, capacity="private")
    click(bot, fake_slack, shown[HEAD], ACK, user_id=HEAD)
    delivered(bot)

    assert not [c for c in fake_slack.calls if c.args.get("channel") in (SECRETARIAT, GENERAL)]
    for copy in shown.values():
        assert t("report.case.private_note") in strings(original(fake_slack, copy).args)


# -- 2. the reporter's confirmation -----------------------------------------------------------------


def test_the_received_view_shows_the_number_the_recipients_and_the_no_rebuttal_warning(
    bot: RunningBot, clock: FrozenClock
) -> None:
    first = submit_report(bot, clock)
    second = submit_report(bot, clock, urls="https://example.com/other", capacity="private")

    assert (first.status, second.status) == (200, 200)
    view = first.json()["view"]
    assert view["title"]["text"] == t("report.received.title")
    text = strings(view)
    assert t("report.received.new", number="SNS-2026-0001", recipients="市政情報課、観光 一郎、秘書室、総務課") in text
    assert t("report.received.no_rebuttal") in text
    assert t("report.received.unknown_department", public_info="市政情報課") not in text
    assert t("report.received.new", number="SNS-2026-0002", recipients="市政情報課、観光 一郎") in strings(
        second.json()["view"]
    )


def test_a_reporter_without_a_department_is_told_the_report_went_to_public_info(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    reply = submit_report(bot, clock, user_id=NOBODY, department=None)

    text = strings(reply.json()["view"])
    assert t("report.received.new", number="SNS-2026-0001", recipients="市政情報課、秘書室、総務課") in text
    assert t("report.received.unknown_department", public_info="市政情報課") in text
    assert t("report.received.no_rebuttal") in text
    delivered(bot)
    public_info = original(fake_slack, copies(bot)[PUBLIC_INFO])
    assert t("report.case.department", department=t("report.case.department.unknown")) in strings(public_info.args)


def test_a_reporter_missing_from_app_yaml_is_shown_by_name(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, user_id=NOBODY, department=None)

    assert t("report.case.reporter", reporter=f"<@{NOBODY}>") in strings(original(fake_slack, shown[PUBLIC_INFO]).args)


# -- 3. the violation chain (6(2)) ------------------------------------------------------------------


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


# -- 4. acknowledgement and status ----------------------------------------------------------------------


def test_acknowledging_updates_every_copy_once_and_a_double_click_changes_nothing(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()

    # A double click arrives as two requests at once.
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: click(bot, fake_slack, shown[HEAD], ACK, user_id=HEAD), range(2)))
    assert [r.status for r in replies] == [200, 200]
    delivered(bot)

    assert_every_copy_updated_once(fake_slack, shown, status_field(f"受領済み（観光 一郎、{NOW}）"))
    for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL):
        assert ACK not in buttons(updates(fake_slack, shown[target])[0])
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [t("report.timeline.acknowledged", at=NOW, name="観光 一郎")]
    assert top_level_channels(fake_slack.calls) == []

    # A Slack retry later: nothing more is sent.
    assert click(bot, fake_slack, shown[HEAD], ACK, user_id=HEAD).status == 200
    assert [c.method for c in quiet(fake_slack)] == []
    assert audit_actions(bot).count("case.acknowledged") == 1
    stored = case(bot)
    assert (stored.acknowledged_by, stored.escalate_at) == ("観光 一郎", None)


def test_in_progress_and_resolve_update_every_copy_and_show_the_reason(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()

    assert click(bot, fake_slack, shown[HEAD], IN_PROGRESS, user_id=HEAD).status == 200
    delivered(bot)
    # Starting work acknowledges too.
    assert_every_copy_updated_once(fake_slack, shown, status_field(f"対応中（受領: 観光 一郎、{NOW}）"))
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [t("report.timeline.in_progress", at=NOW, name="観光 一郎")]

    fake_slack.clear()
    clock.advance(minutes=5)
    assert click(bot, fake_slack, shown[PUBLIC_INFO], RESOLVE, user_id=PUBINFO1).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    modal = opened.args["view"]
    assert modal["callback_id"] == "report.resolve.submit"
    assert json.loads(modal["private_metadata"]) == json.loads(shown[PUBLIC_INFO].value())
    reasons = next(b for b in modal["blocks"] if b.get("block_id") == "report.resolve.reason")["element"]["options"]
    assert [o["value"] for o in reasons] == ["no_action", "handled", "taken_down", "corrected", "duplicate"]
    assert [o["text"]["text"] for o in reasons] == [
        "対応不要",
        "事実確認のうえ対応済み",
        "運営主体へ通報・削除済み",
        "訂正記事で対応",
        "重複・誤報",
    ]

    reply = submit_modal(
        bot,
        "report.resolve.submit",
        user_id=PUBINFO1,
        private_metadata=modal["private_metadata"],
        values={
            "report.resolve.reason": option("handled"),
            "report.resolve.note": text_input("投稿者に連絡し了承済み"),
        },
    )
    assert reply.status == 200
    delivered(bot)
    resolved = status_field("解決: 事実確認のうえ対応済み（市政 花子、11/26 09:05）\nメモ: 投稿者に連絡し了承済み")
    assert_every_copy_updated_once(fake_slack, shown, resolved)
    for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL):
        assert not {ACK, IN_PROGRESS, RESOLVE} & set(buttons(updates(fake_slack, shown[target])[0]))
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [
        t("report.timeline.resolved", at="11/26 09:05", name="市政 花子", reason="事実確認のうえ対応済み")
    ]
    stored = case(bot)
    assert (stored.status, stored.resolution_reason, stored.resolution_note) == (
        "resolved",
        "handled",
        "投稿者に連絡し了承済み",
    )


def test_resolving_without_a_reason_is_an_error_in_the_modal(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)

    reply = submit_modal(
        bot,
        "report.resolve.submit",
        user_id=HEAD,
        private_metadata=shown[HEAD].value(),
        values={
            "report.resolve.reason": {"type": "static_select", "selected_option": None},
            "report.resolve.note": text_input(None),
        },
    )

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"report.resolve.reason": t("report.error.reason.required")},
    }
    assert case(bot).status == "open"


def test_a_comment_from_public_info_goes_to_the_thread(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()

    click(bot, fake_slack, shown[PUBLIC_INFO], COMMENT, user_id=PUBINFO1)
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "report.comment.submit"
    submit_modal(
        bot,
        "report.comment.submit",
        user_id=PUBINFO1,
        private_metadata=opened.args["view"]["private_metadata"],
        values={"report.comment.text": text_input("広報として公式見解を準備します")},
    )
    delivered(bot)

    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [
        t("report.timeline.comment", at=NOW, name="市政 花子", text="広報として公式見解を準備します")
    ]
    assert fake_slack.calls_to("chat.update") == []


def test_ticking_a_checklist_item_updates_every_copy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    assert checklist_items(original(fake_slack, shown[HEAD])) == [
        "facts_checked",
        "policy_decided",
        "official_view_judged",
    ]
    fake_slack.clear()

    assert (
        click(
            bot, fake_slack, shown[SECRETARIAT], item_button("facts_checked"), user_id=STAFF2, item="facts_checked"
        ).status
        == 200
    )
    delivered(bot)

    # The reporter's copy shows no checklist: nothing changed for them, it is left alone.
    assert updates(fake_slack, shown.pop(STAFF1)) == []
    assert_every_copy_updated_once(fake_slack, shown)
    ticked = f"☑ 事実確認: 吉備 さくら（{NOW}）"
    for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL):
        assert ticked in strings(updates(fake_slack, shown[target])[0].args), target
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [
        t("report.timeline.checklist_done", at=NOW, item="事実確認", name="吉備 さくら")
    ]


def test_a_checklist_button_posted_with_the_shared_id_still_ticks_its_item(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    # Copies posted before each item had its own action id carry the shared one; the value names the item.
    shown = open_case(bot, clock)
    fake_slack.clear()

    assert click(bot, fake_slack, shown[HEAD], CHECKLIST, user_id=HEAD, item="policy_decided").status == 200
    delivered(bot)

    assert f"☑ 対応方針決定: 観光 一郎（{NOW}）" in strings(updates(fake_slack, shown[HEAD])[0].args)
    assert item_button("policy_decided") in buttons(updates(fake_slack, shown[HEAD])[0])


def test_a_ticked_item_offers_unticking_and_a_repeated_press_changes_nothing(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    for _ in range(2):  # a double click
        click(bot, fake_slack, shown[HEAD], item_button("facts_checked"), user_id=HEAD, item="facts_checked")
    delivered(bot)
    buttons = _buttons(updates(fake_slack, shown[HEAD])[-1])
    sets = {json.loads(v)["item"]: json.loads(v)["done"] for a, v in buttons if a.startswith(CHECKLIST)}
    assert sets == {"facts_checked": False, "policy_decided": True, "official_view_judged": True}

    for _ in range(2):
        click(
            bot, fake_slack, shown[HEAD], item_button("facts_checked"), user_id=HEAD, item="facts_checked", done=False
        )
    delivered(bot)
    assert audit_actions(bot).count("case.checklist") == 2  # one tick, one untick
    assert thread_lines(fake_slack, shown[PUBLIC_INFO])[-2:] == [
        t("report.timeline.checklist_done", at=NOW, item="事実確認", name="観光 一郎"),
        t("report.timeline.checklist_undone", at=NOW, item="事実確認", name="観光 一郎"),
    ]


def test_a_mistaken_post_is_corrected_and_deletion_is_offered_only_for_confidential_content(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, kind="mistake", account="@soja_kanko")
    head = shown[HEAD]
    assert t("report.checklist.mistake_note") in strings(original(fake_slack, head).args)
    assert checklist_items(original(fake_slack, head)) == ["correction_posted", "confidential"]
    # 削除 is not offered: pressing it anyway is a forged request.
    assert click(bot, fake_slack, head, item_button("deleted"), user_id=HEAD, item="deleted").status == 400
    fake_slack.clear()

    # 訂正記事を投稿 asks for the correcting post's URL.
    click(bot, fake_slack, head, item_button("correction_posted"), user_id=HEAD, item="correction_posted")
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "report.correction.submit"
    correction = "https://www.city.soja.okayama.jp/news/teisei.html"
    submit_modal(
        bot,
        "report.correction.submit",
        user_id=HEAD,
        private_metadata=opened.args["view"]["private_metadata"],
        values={"report.correction.url": text_input(correction)},
    )
    delivered(bot)
    assert_every_copy_updated_once(fake_slack, {PUBLIC_INFO: shown[PUBLIC_INFO], HEAD: head}, "☑ 訂正記事を投稿")
    assert t("report.checklist.correction_value", url=correction) in strings(updates(fake_slack, head)[0].args)

    fake_slack.clear()
    click(bot, fake_slack, head, item_button("confidential"), user_id=HEAD, item="confidential")
    delivered(bot)
    assert checklist_items(updates(fake_slack, head)[0]) == ["correction_posted", "confidential", "deleted"]


def test_a_long_report_is_cut_on_its_copies_and_whole_in_the_cases_thread(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    summary = ("<!channel> & " * 230).strip()  # 2,989 characters; 5,979 once escaped
    urls = [f"https://example.jp/{n}?a=1&b=" + "c" * 110 for n in range(20)]

    shown = open_case(bot, clock, summary=summary, urls="\n".join(urls))

    for target in (HEAD, STAFF1, PUBLIC_INFO):
        copy = original(fake_slack, shown[target]).args
        text = strings(copy)
        assert block_text_length(copy["blocks"]) <= BLOCK_TEXT_BUDGET
        assert t("report.case.cut", holder="市政情報課") in text
        assert escape(urls[0]) in text
        assert escape(urls[-1]) not in text
        shown_summary = next(b["text"]["text"] for b in copy["blocks"] if "*概要*" in b.get("text", {}).get("text", ""))
        assert shown_summary.endswith("…")
        assert not re.search(r"&(?!amp;|lt;|gt;)", shown_summary)  # whole escapes only, never "&am…"
    (full,) = thread_lines(fake_slack, shown[PUBLIC_INFO])
    assert escape(summary) in full
    assert all(escape(url) in full for url in urls)


def test_twenty_reports_of_one_post_with_maximal_input_reach_every_copy_inside_slacks_rules(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """20 reporters, each with a 3,000-character summary and a 2,000-character link of their own, then every
    checklist item, a long comment and a resolution: every copy, update and thread line is delivered, and the
    stand-in (which fails the test on any refusal) accepts each of them."""
    summary = ("*_~<!here>&" * 300)[:3000]
    reporters = [f"U0MAX{n:05d}" for n in range(20)]

    def links(n: int) -> str:
        return f"{DEFAULT_URL}\nhttps://example.jp/{n}/?q=" + "_~&a=" * 395  # 1,999 or 2,000 characters

    shown = open_case(bot, clock, user_id=reporters[0], summary=summary, urls=links(0))
    for n, reporter in enumerate(reporters[1:], start=1):
        assert submit_report(bot, clock, user_id=reporter, summary=summary, urls=links(n)).status == 200
    delivered(bot)
    for item in ("facts_checked", "policy_decided", "official_view_judged"):
        click(bot, fake_slack, shown[HEAD], item_button(item), user_id=HEAD, item=item)
    click(bot, fake_slack, shown[PUBLIC_INFO], COMMENT, user_id=PUBINFO1)
    (opened,) = fake_slack.wait_for("views.open")
    metadata = opened.args["view"]["private_metadata"]
    values = {"report.comment.text": text_input(summary[:1000])}
    submit_modal(bot, "report.comment.submit", user_id=PUBINFO1, private_metadata=metadata, values=values)
    values = {"report.resolve.reason": option("handled"), "report.resolve.note": text_input(summary[:500])}
    submit_modal(bot, "report.resolve.submit", user_id=PUBINFO1, private_metadata=metadata, values=values)
    delivered(bot)

    stored = case(bot)
    assert (stored.reporter_count, stored.status) == (20, "resolved")
    for target, copy in shown.items():
        last = updates(fake_slack, copy)[-1].args
        assert block_text_length(last["blocks"]) <= BLOCK_TEXT_BUDGET, target
        assert "事実確認のうえ対応済み" in strings(last), target


# -- 5. duplicates ------------------------------------------------------------------------------------

VARIANTS = [
    pytest.param(
        "https://x.com/soja_city/status/1234567890",
        "http://www.twitter.com/soja_city/status/1234567890/?utm_source=share&s=20",
        id="x.com-twitter.com",
    ),
    pytest.param(
        "https://example.com/news/2026/flame?id=7",
        "http://www.example.com/news/2026/flame/?id=7&utm_source=twitter&utm_medium=social",
        id="www-slash-utm",
    ),
    pytest.param(
        "https://www.example.jp/topics/123",
        "https://mobile.example.jp/topics/123/",
        id="mobile",
    ),
]


@pytest.mark.parametrize(("first_url", "variant"), VARIANTS)
def test_a_duplicate_report_attaches_to_the_open_case_without_a_new_fan_out(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, first_url: str, variant: str
) -> None:
    shown = open_case(bot, clock, urls=first_url)
    clock.advance(seconds=11)
    fake_slack.clear()

    reply = submit_report(bot, clock, user_id=STAFF2, urls=variant)

    assert reply.status == 200
    text = strings(reply.json()["view"])
    assert t("report.received.attached", number="SNS-2026-0001") in text
    assert t("report.received.no_rebuttal") in text
    delivered(bot)
    # No new fan-out: only the second reporter's confirmation, and one line in the case's thread.
    assert top_level_channels(fake_slack.calls) == [STAFF2]
    assert t("report.received.attached", number="SNS-2026-0001") in strings(posts(fake_slack, STAFF2)[0].args)
    # The first reporter's own copy tells of their report only (visibility.TABLE: no other reporter), so it
    # does not change.
    assert updates(fake_slack, shown.pop(STAFF1)) == []
    assert_every_copy_updated_once(fake_slack, shown, t("report.case.duplicates", count=2))
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [t("report.timeline.duplicates", at="11/26 09:00", count=2)]
    assert count(bot, Case) == 1
    assert case(bot).reporter_count == 2


def test_an_official_report_of_a_privately_reported_post_widens_the_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    open_case(bot, clock, capacity="private")
    fake_slack.clear()

    reply = submit_report(bot, clock, user_id=STAFF2, capacity="official")

    assert t("report.received.attached", number="SNS-2026-0001") in strings(reply.json()["view"])
    delivered(bot)
    # 4(2)③: a report made in the course of duty reaches 秘書室 and 総務課 too.
    assert sorted(top_level_channels(fake_slack.calls)) == sorted([SECRETARIAT, GENERAL, STAFF2])
    assert case(bot).capacity == "official"
    widened = copies(bot)
    assert t("report.case.recipients", recipients="市政情報課、観光 一郎、秘書室、総務課") in strings(
        fake_slack.calls_to("chat.update")[-1].args
    )
    assert {SECRETARIAT, GENERAL} <= set(widened)


def test_a_reporter_of_another_department_widens_the_case_to_their_head(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["departments"].append({"id": "hisho", "name": "秘書課", "head": "U0HEADHISHO", "members": ["U0STAFF3"]})
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as bot:
        open_case(bot, clock)
        fake_slack.clear()

        submit_report(bot, clock, user_id="U0STAFF3", department="hisho")

        delivered(bot)
        assert sorted(top_level_channels(fake_slack.calls)) == ["U0HEADHISHO", "U0STAFF3"]
        head_copy = posts(fake_slack, "U0HEADHISHO")[0]
        assert "SNS-2026-0001" in strings(head_copy.args)


def test_a_burst_of_duplicates_before_the_copies_are_sent_again_rewrites_each_copy_once_with_all_of_them(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()  # the burst lands before anything is sent: the worker's drain below sends the backlog
    reporters = [STAFF2, "U0DUP1", "U0DUP2", "U0DUP3", "U0DUP4"]

    with ThreadPoolExecutor(len(reporters)) as pool:
        replies = list(
            pool.map(lambda user: submit_report(bot, clock, user_id=user, urls=DEFAULT_URL + "?s=20"), reporters)
        )
    assert [r.status for r in replies] == [200] * 5
    worker.drain()

    # One pending update stands for the whole burst, drawn when sent: each copy is rewritten once, showing all
    # six reports, and the thread says so in one line. The reporter's own copy tells of their report only.
    assert updates(fake_slack, shown.pop(STAFF1)) == []
    for target, copy in shown.items():
        assert len(updates(fake_slack, copy)) == 1, target
        assert t("report.case.duplicates", count=6) in strings(updates(fake_slack, copy)[0].args)
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [t("report.timeline.duplicates", at="11/26 09:00", count=6)]
    assert top_level_channels(fake_slack.calls) == sorted(reporters)
    assert (count(bot, Case), case(bot).reporter_count) == (1, 6)


def test_a_cut_case_reported_again_before_its_full_text_is_sent_gets_one_full_text(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    worker = bot.service.worker
    worker.stop()  # the new case's full text is still pending when the same post is reported again
    long = "炎上の経緯をまとめます。" * 250  # cut on the copies: the thread holds it whole
    assert submit_report(bot, clock, summary=long).status == 200
    for reporter in (STAFF2, "U0DUP1"):
        assert submit_report(bot, clock, user_id=reporter, summary=long, urls=DEFAULT_URL + "?s=20").status == 200
    worker.drain()

    (office,) = [c for c in copies(bot).values() if c.target == PUBLIC_INFO]
    assert sum(long[:40] in line for line in thread_lines(fake_slack, office)) == 1


def test_a_copy_changed_while_its_update_is_in_flight_is_rewritten_again_to_the_latest(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()
    worker = bot.service.worker
    worker.stop()
    submit_report(bot, clock, user_id=STAFF2, urls=DEFAULT_URL + "?s=20")
    claimed, _ = worker.claim(limit=50)  # the update of each copy drawn and sent from here…
    submit_report(bot, clock, user_id="U0DUP1", urls=DEFAULT_URL + "?s=20")  # …while this report lands
    for item in claimed:
        worker.deliver(item)
    worker.drain()

    for target, copy in shown.items():
        if target != STAFF1:
            last = updates(fake_slack, copy)[-1]
            assert t("report.case.duplicates", count=3) in strings(last.args), target


def test_the_same_post_reported_at_the_same_instant_opens_one_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    reporters = [STAFF1, STAFF2, "U0DUP1", "U0DUP2", "U0DUP3"]

    with ThreadPoolExecutor(len(reporters)) as pool:
        replies = list(pool.map(lambda user: submit_report(bot, clock, user_id=user), reporters))
    assert [r.status for r in replies] == [200] * 5
    delivered(bot)

    assert count(bot, Case) == 1
    assert case(bot).reporter_count == 5
    # One fan-out to the offices and the head; each reporter hears back once.
    posted = Counter(top_level_channels(fake_slack.calls))
    assert {target: posted[target] for target in (PUBLIC_INFO, SECRETARIAT, GENERAL, HEAD)} == dict.fromkeys(
        (PUBLIC_INFO, SECRETARIAT, GENERAL, HEAD), 1
    )
    assert all(posted[user] == 1 for user in reporters)
    numbers = {_number_in(r.json()["view"]) for r in replies}
    assert numbers == {"SNS-2026-0001"}
    # The reports that lost the race burnt no number: the next case is 0002.
    assert "SNS-2026-0002" in strings(submit_report(bot, clock, urls="https://example.com/next").json()["view"])


def test_after_resolution_the_same_post_opens_a_new_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    submit_modal(
        bot,
        "report.resolve.submit",
        user_id=HEAD,
        private_metadata=shown[HEAD].value(),
        values={"report.resolve.reason": option("no_action"), "report.resolve.note": text_input(None)},
    )
    delivered(bot)
    fake_slack.clear()

    second = open_case(bot, clock, user_id=STAFF2)

    assert sorted(second) == sorted([PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF2])
    assert count(bot, Case) == 2


def test_the_same_reporter_reporting_again_changes_no_copy(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    clock.advance(seconds=11)
    fake_slack.clear()

    reply = submit_report(bot, clock, urls=DEFAULT_URL + "/")
    assert t("report.received.attached", number="SNS-2026-0001") in strings(reply.json()["view"])
    delivered(bot)

    assert case(bot).reporter_count == 1
    assert [c for copy in shown.values() for c in updates(fake_slack, copy)] == []
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == []


# -- 6. escalation --------------------------------------------------------------------------------


def test_an_unacknowledged_flame_escalates_once_after_the_deadline(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    fake_slack.clear()
    runtime = bot.service.runtime

    clock.advance(minutes=29)
    assert jobs.escalate(runtime) == 0
    clock.advance(minutes=2)
    assert jobs.escalate(runtime) == 1
    delivered(bot)

    (to_head,) = posts(fake_slack, HEAD)
    assert to_head.args["text"] == t("report.escalation.head", number="SNS-2026-0001", kind="炎上", minutes=30)
    (to_office,) = posts(fake_slack, PUBLIC_INFO, threaded=False)
    assert to_office.args["text"] == t(
        "report.escalation.office", members=f"<@{PUBINFO1}>", number="SNS-2026-0001", kind="炎上", minutes=30
    )
    assert thread_lines(fake_slack, shown[PUBLIC_INFO]) == [
        t("report.timeline.escalated", at="11/26 09:31", minutes=30)
    ]
    assert top_level_channels(fake_slack.calls) == sorted([HEAD, PUBLIC_INFO])

    # Once per case and level.
    assert jobs.escalate(runtime) == 0
    clock.advance(hours=3)
    assert jobs.escalate(runtime) == 0
    assert quiet(fake_slack, 0.2) == []
    assert audit_actions(bot).count("case.escalated") == 1


def test_an_acknowledged_case_never_escalates(bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock) -> None:
    shown = open_case(bot, clock)
    clock.advance(minutes=10)
    click(bot, fake_slack, shown[HEAD], ACK, user_id=HEAD)
    delivered(bot)
    fake_slack.clear()

    clock.advance(minutes=21)
    assert jobs.escalate(bot.service.runtime) == 0
    clock.advance(days=3)
    assert jobs.escalate(bot.service.runtime) == 0
    assert quiet(fake_slack, 0.2) == []


def test_only_flames_and_impersonation_escalate_out_of_office_hours(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    runtime = bot.service.runtime
    clock.advance(days=2)  # Saturday 2026-11-28 09:00 JST
    open_case(bot, clock, kind="important", urls="https://example.com/important")
    open_case(bot, clock, kind="impersonation", urls="https://example.com/fake-account")
    fake_slack.clear()

    clock.advance(minutes=31)  # Saturday 09:31
    assert jobs.escalate(runtime) == 1
    delivered(bot)
    (escalated,) = posts(fake_slack, HEAD)
    assert "SNS-2026-0002" in escalated.args["text"]

    clock.advance(days=1, hours=22, minutes=58)  # Monday 2026-11-30 08:29 JST, still closed
    assert jobs.escalate(runtime) == 0
    clock.advance(minutes=1)  # 08:30: the office opens
    assert jobs.escalate(runtime) == 1
    delivered(bot)
    assert "SNS-2026-0001" in posts(fake_slack, HEAD)[-1].args["text"]
    assert jobs.escalate(runtime) == 0


# -- 7. escaping --------------------------------------------------------------------------------------

PINGS = ("<!channel>", "<!here>", "<!everyone>", f"<@{PUBINFO1}>", f"<#{GENERAL}>")
TYPED = " ".join(PINGS)


def assert_nothing_pings(texts: list[str]) -> None:
    for text in texts:
        for ping in PINGS:
            assert ping not in text, f"{ping} unescaped in {text!r}"


def test_mentions_typed_into_any_field_never_reach_slack_unescaped(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    replies = [
        submit_report(
            bot,
            clock,
            summary=f"{TYPED} 炎上しています <b>&amp;</b>",
            urls=f"https://example.com/<!channel>\nhttps://example.com/x?a=<@{PUBINFO1}>&b=<!here>",
            account=f"{TYPED} @soja",
        )
    ]
    delivered(bot)
    shown = copies(bot)
    assert "&lt;!channel&gt;" in strings(original(fake_slack, shown[PUBLIC_INFO]).args)  # shown, as text
    click(bot, fake_slack, shown[PUBLIC_INFO], COMMENT, user_id=PUBINFO1)
    metadata = fake_slack.wait_for("views.open")[0].args["view"]["private_metadata"]
    replies.append(
        submit_modal(
            bot,
            "report.comment.submit",
            user_id=PUBINFO1,
            private_metadata=metadata,
            values={"report.comment.text": text_input(f"{TYPED} 確認します")},
        )
    )
    clock.advance(minutes=31)
    assert jobs.escalate(bot.service.runtime) == 1
    click(bot, fake_slack, shown[HEAD], IN_PROGRESS, user_id=HEAD)
    replies.append(
        submit_modal(
            bot,
            "report.resolve.submit",
            user_id=HEAD,
            private_metadata=shown[HEAD].value(),
            values={"report.resolve.reason": option("handled"), "report.resolve.note": text_input(f"{TYPED} 対応済み")},
        )
    )
    replies.append(submit_report(bot, clock, user_id=STAFF2, summary=TYPED, urls="https://example.com/<!channel>"))
    delivered(bot)

    # The escalation mentions 市政情報課's members on purpose: only that mention, and only in that post.
    intended = t("report.escalation.office", members=f"<@{PUBINFO1}>", number="SNS-2026-0001", kind="炎上", minutes=30)
    texts = [strings(c.args) for c in fake_slack.calls if c.args.get("text") != intended]
    assert len(texts) == len(fake_slack.calls) - 1
    assert_nothing_pings(texts + [r.body.decode() for r in replies])
    assert sum(TYPED.replace("<", "&lt;").replace(">", "&gt;") in text for text in texts) >= 5


def test_mentions_typed_into_a_violation_never_reach_the_officer_or_the_committee_unescaped(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock, kind="violation", summary=TYPED, account=TYPED)
    click(bot, fake_slack, shown[HEAD], NOTIFY_OFFICER, user_id=HEAD)
    delivered(bot)
    submit_modal(
        bot,
        "report.committee.submit",
        user_id=OFFICER,
        private_metadata=copies(bot)[OFFICER].value(),
        values={"report.committee.measures": text_input(TYPED), "report.committee.progress": text_input(TYPED)},
    )
    delivered(bot)

    assert posts(fake_slack, COMMITTEE)
    assert_nothing_pings([strings(c.args) for c in fake_slack.calls])


# -- 8. who may press the buttons ------------------------------------------------------------------------

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

    quiet(fake_slack)
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

    assert [c.method for c in quiet(fake_slack, 0.3)] == []
    assert case(bot).acknowledged_at is None


# -- 9. restart between submit and delivery -----------------------------------------------------------


def assert_delivered_exactly_once(fake: SlackStandIn, bot: RunningBot) -> None:
    expected = sorted([PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1])
    assert top_level_channels(fake.calls) == expected
    assert len(copies(bot)) == len(expected)
    assert [c.method for c in quiet(fake, 0.3)] == []


def test_a_click_that_outruns_the_recording_of_its_copy_is_taken(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """Slack can deliver a click before the worker has recorded where the copy landed; the copy's
    destination then decides where the click may come from."""
    bot.service.worker.stop()  # nothing recorded: as if every answer from Slack were still on its way
    assert submit_report(bot, clock).status == 200
    with bot.service.runtime.sessions() as session:
        head = session.scalars(select(CaseCopy).where(CaseCopy.target == HEAD)).one()
        channel = session.scalars(select(CaseCopy).where(CaseCopy.target == SECRETARIAT)).one()
    unrecorded = {
        "head": Copy(head.id, head.case_id, head.audience, HEAD, dm(HEAD), "1700000000.000100"),
        "secretariat": Copy(channel.id, channel.case_id, channel.audience, SECRETARIAT, SECRETARIAT, "1"),
    }

    assert click(bot, fake_slack, unrecorded["secretariat"], ACK, user_id=STAFF2, channel=GENERAL).status == 400
    assert click(bot, fake_slack, unrecorded["head"], ACK, user_id=HEAD, channel=SECRETARIAT).status == 400
    assert click(bot, fake_slack, unrecorded["head"], ACK, user_id=HEAD).status == 200
    assert case(bot).acknowledged_at is not None


def test_a_report_submitted_before_a_crash_is_delivered_after_the_restart(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as first:
        first.service.worker.stop()  # the process dies before its sender gets to the outbox
        reply = submit_report(first, clock)
        assert reply.status == 200
        assert "SNS-2026-0001" in strings(reply.json()["view"])
    assert fake_slack.calls_to("chat.postMessage") == []

    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as second:
        delivered(second)
        assert_delivered_exactly_once(fake_slack, second)


def test_copies_slack_refused_before_a_restart_are_delivered_once_after_it(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=5)
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as first:
        assert submit_report(first, clock).status == 200
        fake_slack.wait_for("chat.postMessage", count=5)
    with first.service.runtime.sessions() as session:
        attempts = session.scalars(select(OutboxMessage.attempts).where(OutboxMessage.parent_id.is_(None))).all()
    assert sorted(attempts) == [1] * 5  # each copy failed once
    fake_slack.clear()

    clock.advance(seconds=3)  # the retry falls due
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as second:
        delivered(second)
        assert_delivered_exactly_once(fake_slack, second)


# -- 10. errors in the modal --------------------------------------------------------------------------

# (what is wrong, the fields, the block the error is shown under, the message)
INVALID = [
    (
        "javascript URL",
        {"urls": "javascript:alert(1)"},
        "report.urls",
        "「javascript:alert(1)」 はURLとして使えません。http:// または https:// で始まるURLを入力してください。",
    ),
    (
        "javascript URL next to a good one",
        {"urls": f"{DEFAULT_URL}\njavascript:alert(1)"},
        "report.urls",
        t("report.error.urls.invalid", items="「javascript:alert(1)」"),
    ),
    ("no URL", {"urls": ""}, "report.urls", t("report.error.urls.required")),
    ("empty summary", {"summary": ""}, "report.summary", "概要を入力してください。"),
    ("blank summary", {"summary": " \n "}, "report.summary", t("report.error.summary.required")),
    (
        "3,001-character summary",
        {"summary": "あ" * 3001},
        "report.summary",
        "概要は 3000 文字以内にしてください（いま 3001 文字）。",
    ),
    ("unknown department", {"department": "nosuch"}, "report.department", t("report.error.department.unknown")),
    (
        "21 URLs",
        {"urls": "\n".join(f"https://example.com/{n}" for n in range(21))},
        "report.urls",
        "URLは 20 件までにしてください。",
    ),
    ("account too long", {"account": "a" * 201}, "report.account", t("report.error.account.too_long", limit=200)),
    (
        "discovered in the future",
        {"discovered_at": int(datetime(2026, 11, 26, 0, 10, tzinfo=UTC).timestamp())},
        "report.discovered_at",
        t("report.error.discovered_at.future"),
    ),
    ("no kind", {"kind": None}, "report.kind", t("report.error.kind.required")),
]


def test_an_invalid_report_is_an_error_in_the_modal_and_nothing_is_stored(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    for problem, fields, block, message in INVALID:
        reply = submit_report(bot, clock, **fields)

        assert reply.status == 200, problem
        assert reply.json() == {"response_action": "errors", "errors": {block: message}}, problem

    for model in (Case, CaseUrl, OpenCaseUrl, CaseCounter, OutboxMessage):
        assert count(bot, model) == 0, model.__name__
    assert [a for a in audit_actions(bot) if a.startswith("case.")] == []
    assert {c.method for c in fake_slack.calls} == {"auth.test"}


def test_a_3000_character_summary_is_accepted(bot: RunningBot, clock: FrozenClock) -> None:
    reply = submit_report(bot, clock, summary="あ" * 3000)

    assert reply.json()["response_action"] == "update"
    with bot.service.runtime.sessions() as session:
        assert session.scalars(select(Case.summary)).one() == "あ" * 3000


@pytest.mark.parametrize("fields", [{"kind": "bogus"}, {"capacity": "bogus"}], ids=["kind", "capacity"])
def test_a_tampered_choice_is_a_bad_request(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, fields: dict[str, str]
) -> None:
    assert submit_report(bot, clock, **fields).status == 400
    assert count(bot, Case) == 0
    assert count(bot, OutboxMessage) == 0


# -- 11. the list --------------------------------------------------------------------------------------


def listed(answer: Call) -> str:
    assert answer.args["response_type"] == "ephemeral"
    return strings(answer.args["blocks"])


def test_the_list_shows_own_cases_and_public_info_sees_every_open_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    open_case(bot, clock, capacity="private")  # SNS-2026-0001, STAFF1's private find
    clock.advance(minutes=90)
    second = open_case(bot, clock, user_id=STAFF2, urls="https://example.com/second")  # SNS-2026-0002
    click(bot, fake_slack, second[HEAD], ACK, user_id=HEAD)
    delivered(bot)

    own = listed(list_cases(bot, fake_slack, STAFF1))
    assert t("report.list.scope.own") in own
    assert "SNS-2026-0001 炎上・未受領・1時間前" in own
    assert "SNS-2026-0002" not in own

    # STAFF2 is unrelated to STAFF1's private report: it is not listed for them.
    other = listed(list_cases(bot, fake_slack, STAFF2))
    assert "SNS-2026-0002 炎上・受領済み・0分前" in other
    assert "SNS-2026-0001" not in other

    everything = listed(list_cases(bot, fake_slack, PUBINFO1))
    assert t("report.list.scope.all") in everything
    assert "SNS-2026-0001" in everything
    assert "SNS-2026-0002" in everything

    assert "SNS-2026-0001" not in listed(list_cases(bot, fake_slack, "U0OUTSIDER"))


def test_public_info_does_not_list_resolved_cases(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    submit_modal(
        bot,
        "report.resolve.submit",
        user_id=PUBINFO1,
        private_metadata=shown[PUBLIC_INFO].value(),
        values={"report.resolve.reason": option("duplicate"), "report.resolve.note": text_input(None)},
    )

    assert t("report.list.empty") in listed(list_cases(bot, fake_slack, PUBINFO1))


# -- 12. the modal, from the command and from a message --------------------------------------------------


def modal_block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_the_command_opens_the_report_modal_with_the_reporters_department(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    assert send(bot.url, slash_command("/sns-report", user_id=STAFF1)).status == 200
    fake_slack.wait_for("views.open")  # the modal opens after the ack: one at a time keeps them in order
    assert send(bot.url, slash_command("/sns-report", user_id=NOBODY)).status == 200

    staff, nobody = (c.args["view"] for c in fake_slack.wait_for("views.open", count=2))
    assert staff["callback_id"] == "report.submit"
    assert modal_block(staff, "report.department")["element"]["initial_option"]["value"] == "kanko"
    assert "initial_option" not in modal_block(nobody, "report.department")["element"]
    kinds = modal_block(staff, "report.kind")["element"]["options"]
    assert [o["value"] for o in kinds] == ["flame", "impersonation", "important", "mistake", "violation"]


def shortcut_on(bot: RunningBot, fake_slack: SlackStandIn, text: str) -> dict[str, Any]:
    """Uses 「SNS事案として報告」 on a message of ``text``; the modal it opened."""
    payload = {
        "type": "message_action",
        "callback_id": "report.shortcut",
        "trigger_id": "1337.42.shortcut",
        "team": {"id": "T0TEST", "domain": "soja"},
        "user": {"id": STAFF1, "name": "staff", "team_id": "T0TEST"},
        "channel": {"id": "C0RANDOM", "name": "random"},
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": "U0OTHER", "ts": "1700000000.000100", "text": text},
        "response_url": fake_slack.response_url("shortcut"),
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
    }
    assert send(bot.url, interactive(payload)).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.args["trigger_id"] == "1337.42.shortcut"
    return opened.args["view"]


def test_the_message_shortcut_opens_the_modal_prefilled_with_the_messages_text_and_links(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    view = shortcut_on(
        bot,
        fake_slack,
        "<https://example.com/post|市の投稿> が炎上しています &amp; こちらも https://x.com/a/status/9",
    )

    assert view["callback_id"] == "report.submit"
    urls = modal_block(view, "report.urls")["element"]["initial_value"]
    assert urls.splitlines() == ["https://example.com/post", "https://x.com/a/status/9"]
    summary = modal_block(view, "report.summary")["element"]["initial_value"]
    assert summary == "市の投稿 (https://example.com/post) が炎上しています & こちらも https://x.com/a/status/9"


def test_the_message_shortcut_takes_only_whole_links_that_fit_the_url_field(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    links = [f"https://example.jp/{n}/" + "a" * 1979 for n in range(3)]  # 2,000 characters each

    view = shortcut_on(bot, fake_slack, f"<{links[0]}> と <{links[1]}|これ> と {links[2]}")

    field = modal_block(view, "report.urls")["element"]
    assert field["initial_value"] == links[0]  # two would make 4,001 characters where 3,000 fit
    assert len(field["initial_value"]) <= field["max_length"] <= 3000
    assert t("report.urls.left_out", count=2) in strings(view)


def test_a_retried_submission_opens_no_second_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    payload = view_submission("report.submit", user_id=STAFF1, values=report_values())
    body = interactive(as_opened(bot, payload))

    first = send(bot.url, body)
    retried = send(bot.url, body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    delivered(bot)

    assert first.json() == retried.json()  # the same answer: 受け付けました SNS-2026-0001
    assert count(bot, Case) == 1
    assert case(bot).reporter_count == 1
    assert len(posts(fake_slack, PUBLIC_INFO, threaded=False)) == 1
