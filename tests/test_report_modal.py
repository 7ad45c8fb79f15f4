"""/sns-report end to end: the report modal, from the command and from a message, and its errors.

The clock is frozen at Thursday 2026-11-26 09:00 JST unless a test moves it; copies' times read "11/26 09:00".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Case, CaseCounter, CaseUrl, OpenCaseUrl, OutboxMessage
from tests.report.copies import NOBODY
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    DEFAULT_URL,
    PUBLIC_INFO,
    STAFF1,
    as_opened,
    audit_actions,
    case,
    count,
    delivered,
    posts,
    report_values,
    strings,
    submit_report,
)
from tests.support.slack_requests import interactive, send, slash_command, view_submission

# -- errors in the modal --------------------------------------------------------------------------

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


# -- the modal, from the command and from a message --------------------------------------------------


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
