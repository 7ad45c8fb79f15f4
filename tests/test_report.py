"""/sns-report end to end (issue 3): the real HTTP endpoint, signed requests, the fake Slack Web API,
the outbox worker, on SQLite and PostgreSQL. Each test proves one point of the issue's "Done when": here,
whom a report reaches and what its reporter is told; the other points in test_report_<topic>.py.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Case
from tests.report.copies import (
    ACK,
    COMMENT,
    IN_PROGRESS,
    NOBODY,
    RESOLVE,
    buttons,
    item_button,
    open_case,
    original,
    status_field,
)
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    DEFAULT_URL,
    GENERAL,
    HEAD,
    PUBLIC_INFO,
    SECRETARIAT,
    STAFF1,
    click,
    copies,
    delivered,
    posts,
    strings,
    submit_report,
    top_level_channels,
)

# -- routing -----------------------------------------------------------------------------------

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


# -- the reporter's confirmation -----------------------------------------------------------------


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
