"""/sns-report end to end: reports of a post that is already an open case attach to it, widen it, and
rewrite each copy once.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Case
from tests.report.copies import assert_every_copy_updated_once, number_in, open_case, resolve, thread_lines
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import (
    DEFAULT_URL,
    GENERAL,
    HEAD,
    PUBLIC_INFO,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    case,
    copies,
    count,
    delivered,
    posts,
    strings,
    submit_report,
    top_level_channels,
    updates,
)

# -- duplicates ------------------------------------------------------------------------------------

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
    numbers = {number_in(r.json()["view"]) for r in replies}
    assert numbers == {"SNS-2026-0001"}
    # The reports that lost the race burnt no number: the next case is 0002.
    assert "SNS-2026-0002" in strings(submit_report(bot, clock, urls="https://example.com/next").json()["view"])


def test_after_resolution_the_same_post_opens_a_new_case(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    shown = open_case(bot, clock)
    resolve(bot, shown[HEAD], HEAD, "no_action")
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
