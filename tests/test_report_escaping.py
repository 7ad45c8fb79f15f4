"""/sns-report end to end: what anyone types reaches Slack escaped, on every message of a case.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from bot.catalog import t
from handlers.report import jobs
from playground.slack_api import SlackStandIn
from tests.report.copies import COMMENT, IN_PROGRESS, NOTIFY_OFFICER, open_case, original, resolve
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    COMMITTEE,
    GENERAL,
    HEAD,
    OFFICER,
    PUBINFO1,
    PUBLIC_INFO,
    STAFF2,
    click,
    copies,
    delivered,
    posts,
    strings,
    submit_modal,
    submit_report,
    text_input,
)

# -- escaping --------------------------------------------------------------------------------------

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
    replies.append(resolve(bot, shown[HEAD], HEAD, "handled", f"{TYPED} 対応済み"))
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
