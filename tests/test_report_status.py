"""/sns-report end to end: acknowledgement, status, resolution, comments and checklists on every copy, and
what a copy cuts.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

from bot.catalog import t
from bot.mrkdwn import escape
from playground.slack_api import SlackStandIn
from tests.report.copies import (
    ACK,
    CHECKLIST,
    COMMENT,
    IN_PROGRESS,
    NOW,
    RESOLVE,
    assert_every_copy_updated_once,
    button_values,
    buttons,
    checklist_items,
    item_button,
    open_case,
    original,
    status_field,
    thread_lines,
)
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.limits import BLOCK_TEXT_BUDGET, block_text_length
from tests.support.report import (
    DEFAULT_URL,
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
    nothing_more,
    option,
    strings,
    submit_modal,
    submit_report,
    text_input,
    top_level_channels,
    updates,
)

# -- acknowledgement and status ----------------------------------------------------------------------


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
    assert [c.method for c in nothing_more(bot, fake_slack)] == []
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
    buttons = button_values(updates(fake_slack, shown[HEAD])[-1])
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
