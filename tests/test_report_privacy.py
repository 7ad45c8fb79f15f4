"""Issue 12, finding 1: a private report stays with its reporter, their 所属長 and 市政情報課, whoever
reports the same post afterwards. End to end: signed requests, the Slack stand-in, a real database;
the assertions read what each channel and DM actually received, threads included.

The clock is frozen at Thursday 2026-11-26 09:00 JST.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage import migrate
from storage.models import AuditEntry, CaseCopy, CaseReporter
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
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
    click,
    copies,
    delivered,
    dm,
    list_cases,
    strings,
    submit_modal,
    submit_report,
    text_input,
    unpaced_config,
)
from tests.support.slack_requests import event_callback, send

STRANGER = "U0NOBODY"  # in no department of app.yaml
HEAD_HISHO, STAFF_HISHO = "U0HEADHISHO", "U0STAFF3"
PRIVATE_SUMMARY = "休日に個人のアカウントで見かけました。私的な経緯メモ"
OFFICIAL_SUMMARY = "業務中の巡回で確認した返信の急増です"
# The same post, spelled differently by the second reporter.
OFFICIAL_URL = "http://www.twitter.com/soja_city/status/1234567890/?utm_source=share&s=20"
PRIVATE_MARK = t("report.case.private_mark")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """app.yaml with a second department, 秘書課, whose head is no recipient of 観光's cases."""
    path = unpaced_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["departments"].append({"id": "hisho", "name": "秘書課", "head": HEAD_HISHO, "members": [STAFF_HISHO]})
    config["people"] |= {HEAD_HISHO: "秘書 課長", STAFF_HISHO: "秘書 三郎"}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def received(fake: SlackStandIn, target: str) -> str:
    """Everything the bot sent to ``target`` (a channel, or a user's DM): posts, thread replies, updates."""
    places = {target, dm(target)}
    return "\n".join(
        strings(c.args) for c in fake.calls if c.method.startswith("chat.") and c.args["channel"] in places
    )


def report(bot: RunningBot, clock: FrozenClock, **fields: Any) -> None:
    reply = submit_report(bot, clock, **fields)
    assert reply.status == 200, reply.body
    assert reply.json()["response_action"] == "update", reply.json()
    delivered(bot)


def assert_no_trace_of_the_private_report(text: str, reporter_name: str | None) -> None:
    for trace in (PRIVATE_SUMMARY, DEFAULT_URL, PRIVATE_MARK, "プライベート", t("report.case.duplicates", count=2)):
        assert trace not in text, trace
    if reporter_name is not None:
        assert reporter_name not in text


@pytest.mark.parametrize(
    ("private_reporter", "name"),
    [pytest.param(HEAD, "観光 一郎", id="the-head-himself"), pytest.param(STAFF1, "総社 太郎", id="a-member")],
)
def test_an_official_report_of_a_privately_reported_post_shows_the_new_recipients_only_itself(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, private_reporter: str, name: str
) -> None:
    report(bot, clock, user_id=private_reporter, capacity="private", summary=PRIVATE_SUMMARY)
    clock.advance(seconds=11)

    report(bot, clock, user_id=STAFF2, capacity="official", summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)

    # 秘書室 and 総務課 got a case made of the 業務 report alone: its reporter, 概要 and URL.
    for office in (SECRETARIAT, GENERAL):
        text = received(fake_slack, office)
        assert t("report.case.reporter", reporter="吉備 さくら") in text
        assert OFFICIAL_SUMMARY in text
        assert OFFICIAL_URL.replace("&", "&amp;") in text
        assert t("report.case.capacity", capacity="業務") in text
        # The head is named: the 業務 report (観光プロモーション課) reaches him too. The private reporter is
        # not, when that is someone else than the head.
        assert_no_trace_of_the_private_report(text, None if private_reporter == HEAD else name)
    # 市政情報課 (whose channel holds the case's thread) and the head see both reports, the private one marked.
    both = [
        t("report.case.reporter", reporter=f"{name}{PRIVATE_MARK}、吉備 さくら"),
        t("report.case.summary_of", reporter=f"{name}{PRIVATE_MARK}", summary=PRIVATE_SUMMARY),
        t("report.case.summary_of", reporter="吉備 さくら", summary=OFFICIAL_SUMMARY),
        DEFAULT_URL,
        t("report.case.private_note"),
    ]
    for holder in (PUBLIC_INFO, HEAD):
        rewritten = [
            strings(c.args) for c in fake_slack.calls_to("chat.update") if c.args["channel"] in (holder, dm(holder))
        ]
        assert any(all(part in text for part in both) for text in rewritten), holder
    thread = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert {c.args["channel"] for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")} == {
        PUBLIC_INFO
    }
    assert t("report.timeline.widened", at="11/26 09:00", reporter="吉備 さくら", recipients="秘書室、総務課") in thread
    # Each reporter reads their own report, not the other's.
    if private_reporter != HEAD:
        assert OFFICIAL_SUMMARY not in received(fake_slack, private_reporter)
    assert_no_trace_of_the_private_report(received(fake_slack, STAFF2), name)


def test_the_same_person_reporting_again_in_duty_files_a_report_of_its_own(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)
    clock.advance(seconds=11)

    report(bot, clock, user_id=STAFF1, capacity="official", summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)

    for office in (SECRETARIAT, GENERAL):
        text = received(fake_slack, office)
        assert t("report.case.reporter", reporter="総社 太郎") in text
        assert OFFICIAL_SUMMARY in text
        assert_no_trace_of_the_private_report(text, None)
    public_info = received(fake_slack, PUBLIC_INFO)
    assert t("report.case.reporter", reporter=f"総社 太郎{PRIVATE_MARK}、総社 太郎") in public_info
    assert t("report.case.duplicates", count=2) not in public_info  # one person, two reports
    # Filing either again changes nothing.
    clock.advance(seconds=11)
    fake_slack.clear()
    report(bot, clock, user_id=STAFF1, capacity="official", summary="三度目")
    assert received(fake_slack, PUBLIC_INFO) == ""


def test_a_private_report_of_an_officially_reported_post_leaves_the_offices_copies_untouched(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF2, summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)
    clock.advance(seconds=11)
    fake_slack.clear()

    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)

    # Not even rewritten: Slack would mark their message (edited) the moment a private report joined.
    for office in (SECRETARIAT, GENERAL):
        assert received(fake_slack, office) == ""
    assert received(fake_slack, STAFF2) == ""
    for holder in (PUBLIC_INFO, HEAD):
        text = received(fake_slack, holder)
        assert t("report.case.summary_of", reporter=f"総社 太郎{PRIVATE_MARK}", summary=PRIVATE_SUMMARY) in text
        assert t("report.case.duplicates", count=2) in text


def test_the_thread_holds_the_whole_of_every_report_the_copies_cut(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    long_private = PRIVATE_SUMMARY + "。" * 1500
    long_official = OFFICIAL_SUMMARY + "！" * 2100  # cut on 秘書室's copy too
    report(bot, clock, user_id=STAFF1, capacity="private", summary=long_private)
    clock.advance(seconds=11)

    report(bot, clock, user_id=STAFF2, summary=long_official, urls=OFFICIAL_URL)

    (whole,) = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")][-1:]
    assert long_private in whole
    assert long_official in whole
    threads = {c.args["channel"] for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")}
    assert threads == {PUBLIC_INFO}
    secretariat = received(fake_slack, SECRETARIAT)
    assert t("report.case.cut", holder="市政情報課") in secretariat
    assert_no_trace_of_the_private_report(secretariat, "総社 太郎")


def test_a_private_report_naming_a_department_its_reporter_is_not_in_reaches_no_new_head(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)
    before = set(copies(bot))
    fake_slack.clear()

    # A member of 観光プロモーション課 and someone app.yaml does not know both name 秘書課, which is not theirs.
    report(bot, clock, user_id=STAFF2, capacity="private", department="hisho", urls=OFFICIAL_URL)
    clock.advance(seconds=11)
    report(bot, clock, user_id=STRANGER, capacity="private", department="hisho", summary="見知らぬ人の報告")

    assert set(copies(bot)) == before
    assert received(fake_slack, HEAD_HISHO) == ""
    for channel in (SECRETARIAT, GENERAL):
        assert received(fake_slack, channel) == ""
    # The stranger hears back that the report joined the case, and nothing of the case's reports.
    assert_no_trace_of_the_private_report(received(fake_slack, STRANGER), "総社 太郎")
    assert t("report.received.attached", number="SNS-2026-0001") in received(fake_slack, STRANGER)
    # 市政情報課 holds every report, the stranger's too; the 観光 head only the ones of his department, so
    # his copy is not even rewritten.
    assert "見知らぬ人の報告" in received(fake_slack, PUBLIC_INFO)
    assert received(fake_slack, HEAD) == ""
    # The audit log tells each attached report's capacity, for whoever exports it.
    with bot.service.runtime.sessions() as session:
        attached = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.attached")).all()
        assert [(e.actor_id, e.after["capacity"], e.after["widened_to"]) for e in attached] == [
            (STAFF2, "private", []),
            (STRANGER, "private", []),
        ]


def test_a_private_report_by_a_member_of_another_department_reaches_their_own_head_with_it_alone(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)
    clock.advance(seconds=11)
    fake_slack.clear()

    second = "家族から聞いた話で、個人的な事情を含むメモです"
    report(bot, clock, user_id=STAFF_HISHO, capacity="private", department="hisho", summary=second, urls=OFFICIAL_URL)

    # 5(2)③: their own 所属長 hears of their private report, and of nothing else of the case.
    text = received(fake_slack, HEAD_HISHO)
    assert second in text
    assert t("report.case.reporter", reporter="秘書 三郎") in text
    for trace in (PRIVATE_SUMMARY, DEFAULT_URL, "総社 太郎", "観光"):
        assert trace not in text, trace
    assert "report.case.ack" in text  # a live copy: the head acts on it
    # Nobody else new; the 観光 head does not see the 秘書課 report, so his copy is not even rewritten.
    for target in (SECRETARIAT, GENERAL, HEAD):
        assert received(fake_slack, target) == "", target
    assert second in received(fake_slack, PUBLIC_INFO)
    with bot.service.runtime.sessions() as session:
        attached = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.attached")).one()
        assert attached.after["widened_to"] == [HEAD_HISHO]


def test_an_official_report_of_another_department_shows_its_head_the_official_reports_only(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)

    report(bot, clock, user_id=STAFF_HISHO, department="hisho", summary=OFFICIAL_SUMMARY, urls=OFFICIAL_URL)

    text = received(fake_slack, HEAD_HISHO)
    assert t("report.case.reporter", reporter="秘書 三郎") in text
    assert t("report.case.department", department="秘書課") in text
    assert OFFICIAL_SUMMARY in text
    assert_no_trace_of_the_private_report(text, "総社 太郎")
    # Nor is the 観光 head named, whom only the private report brought in.
    assert "観光" not in text
    for office in (SECRETARIAT, GENERAL):
        assert_no_trace_of_the_private_report(received(fake_slack, office), "総社 太郎")
        assert "観光" not in received(fake_slack, office)


def test_another_departments_private_report_adds_no_line_to_a_violations_thread_in_the_heads_dm(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """The head holds a violation's thread; a line saying a report joined would betray one he may not know of."""
    report(bot, clock, user_id=STAFF1, kind="violation", capacity="official", summary=OFFICIAL_SUMMARY)
    fake_slack.clear()

    report(
        bot,
        clock,
        user_id=STAFF_HISHO,
        kind="violation",
        capacity="private",
        department="hisho",
        summary=PRIVATE_SUMMARY,
        urls=OFFICIAL_URL,
    )

    assert received(fake_slack, HEAD) == ""


def test_a_violation_reported_privately_reaches_the_officer_and_the_committee_without_its_report(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, kind="violation", capacity="private", summary=PRIVATE_SUMMARY)
    head = next(c for c in copies(bot).values() if c.audience == "head")
    assert click(bot, fake_slack, head, "report.case.notify_officer", user_id=HEAD).status == 200
    delivered(bot)
    officer = copies(bot)[OFFICER]
    assert click(bot, fake_slack, officer, "report.case.report_committee", user_id=OFFICER).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    values = {b: text_input("対応中") for b in ("report.committee.measures", "report.committee.progress")}
    metadata = opened.args["view"]["private_metadata"]
    reply = submit_modal(bot, "report.committee.submit", user_id=OFFICER, private_metadata=metadata, values=values)
    assert reply.status == 200
    delivered(bot)

    # 6(2): the chain goes on, with the case's number, kind and state; the private report stays behind.
    for target in (OFFICER, COMMITTEE):
        text = received(fake_slack, target)
        assert "SNS-2026-0001" in text
        assert t("report.case.reporter", reporter=t("report.case.none")) in text
        for trace in (PRIVATE_SUMMARY, DEFAULT_URL, "総社 太郎"):
            assert trace not in text, (target, trace)
    # The head, who holds the case's thread for a violation, sees the report.
    assert PRIVATE_SUMMARY in received(fake_slack, HEAD)


def test_the_list_and_app_home_show_a_private_case_to_nobody_outside_it(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    report(bot, clock, user_id=STAFF1, capacity="private", summary=PRIVATE_SUMMARY)

    for outsider in (OFFICER, STAFF2, HEAD_HISHO):
        answer = list_cases(bot, fake_slack, outsider)
        assert "SNS-2026-0001" not in strings(answer.args), outsider
    assert "SNS-2026-0001" in strings(list_cases(bot, fake_slack, PUBINFO1).args)
    assert "SNS-2026-0001" in strings(list_cases(bot, fake_slack, STAFF1).args)
    assert "SNS-2026-0001" in strings(list_cases(bot, fake_slack, HEAD).args)

    assert send(bot.url, event_callback({"type": "app_home_opened", "user": STAFF2, "tab": "home"})).status == 200
    (home,) = fake_slack.wait_for("views.publish")
    assert "SNS-2026-0001" not in strings(home.args)


def test_the_migration_keeps_each_existing_case_with_its_first_report(engine: Engine) -> None:
    migrate.downgrade(engine, "0007")
    at = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    case_row = {
        "id": 1, "number": "SNS-2026-0001", "kind": "flame", "capacity": "private", "status": "open",
        "summary": PRIVATE_SUMMARY, "account": "@soja", "discovered_at": at, "created_at": at,
        "department_id": "kanko", "department_name": "観光プロモーション課", "reporter_id": STAFF1,
        "reporter_name": "総社 太郎", "reporter_count": 2, "escalation_level": 0, "copies_stale": False,
        "confidential": False,
    }  # fmt: skip
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(connection, only=["cases", "case_urls", "case_reporters", "case_copies"])
        tables = metadata.tables
        connection.execute(tables["cases"].insert(), case_row)
        connection.execute(tables["case_urls"].insert(), {"case_id": 1, "url": DEFAULT_URL})
        connection.execute(
            tables["case_reporters"].insert(),
            [{"case_id": 1, "user_id": user, "user_name": user, "reported_at": at} for user in (STAFF1, STAFF2)],
        )
        copy = {"case_id": 1, "name": "x", "primary": False}
        connection.execute(
            tables["case_copies"].insert(),
            [copy | {"audience": "head", "target": HEAD}, copy | {"audience": "public_info", "target": PUBLIC_INFO}],
        )

    migrate.upgrade(engine)

    with Session(engine) as session:
        first, second = session.scalars(select(CaseReporter).order_by(CaseReporter.id))
        assert (first.capacity, first.summary, first.urls, first.department_id) == (
            "private",
            PRIVATE_SUMMARY,
            [DEFAULT_URL],
            "kanko",
        )
        assert (second.capacity, second.summary, second.urls, second.department_id) == ("private", "", [], None)
        departments = session.execute(select(CaseCopy.audience, CaseCopy.department_id).order_by(CaseCopy.id)).all()
        assert departments == [("head", "kanko"), ("public_info", None)]
