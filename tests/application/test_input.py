"""The usage application (4(4)①②) end to end: the real HTTP endpoint, signed requests, the delivery worker
and the fake Slack, on SQLite and PostgreSQL. Bad input, tampering, escaping and every field at its limit.
The rules themselves: tests/test_application_rules.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import t
from bot.mrkdwn import escape
from handlers.application.views import COMMENT_MAX, PAGE_ONE_LIMITS, PAGE_TWO_LIMITS, STAFF_MAX
from playground.slack_api import SlackStandIn
from storage.models import Application, OutboxMessage
from tests.application.flow import (
    HEAD,
    OFFICE_CHANNEL,
    PUBINFO,
    PURPOSE,
    STAFF,
    application,
    apply,
    comment,
    head_dm,
    office_post,
    page_one,
    page_two,
    press,
    submit_page,
)
from tests.support.bot import RunningBot
from tests.support.flow import audit_actions, count, delivered, posts, strings

# -- bad input ----------------------------------------------------------------------------------

INTERVAL_ERROR = {"application.interval": t("application.error.interval", limit=3650)}


@pytest.mark.parametrize(
    ("first", "second", "errors"),
    [
        (None, page_two(interval="0"), INTERVAL_ERROR),
        (None, page_two(interval="-5"), INTERVAL_ERROR),
        (None, page_two(interval="abc"), INTERVAL_ERROR),
        (None, page_two(interval=None), INTERVAL_ERROR),
        (None, page_two(risk=None), {"application.risk": t("application.error.choose")}),
        (None, page_two(server="mars"), {"application.server": t("application.error.choose")}),
        (None, page_two(indicators=""), {"application.indicators": t("application.error.required")}),
        (page_one(platform="myspace"), None, {"application.platform": t("application.error.platform.unknown")}),
        (page_one(platform=None), None, {"application.platform": t("application.error.platform.required")}),
        (page_one(purpose=None), None, {"application.purpose": t("application.error.required")}),
        (page_one(purpose="   "), None, {"application.purpose": t("application.error.required")}),
        (page_one(staff=[]), None, {"application.staff": t("application.error.staff.required")}),
        (page_one(staff=["<!channel>"]), None, {"application.staff": t("application.error.staff.invalid", limit=10)}),
        (
            page_one(platform="other"),
            None,
            {"application.platform_other": t("application.error.platform_other.required")},
        ),
        (
            page_one(purpose="あ" * 301),
            None,
            {"application.purpose": t("application.error.too_long", limit=300, length=301)},
        ),
    ],
    ids=[
        "interval 0", "interval -5", "interval abc", "interval empty", "abroad without risk", "unknown server",
        "no indicators", "tampered platform", "no platform", "no purpose", "blank purpose", "no staff",
        "malformed staff", "other unnamed", "purpose too long",
    ],
)  # fmt: skip
def test_bad_input_is_answered_per_block_and_nothing_is_stored(
    bot: RunningBot, first: dict[str, Any] | None, second: dict[str, Any] | None, errors: dict[str, str]
) -> None:
    if second is None:
        reply = submit_page(bot, "application.page1.submit", first or page_one(), user_id=STAFF)
    else:
        reply = apply(bot, second=second)

    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": errors}
    assert (count(bot, Application), count(bot, OutboxMessage)) == (0, 0)
    assert [a for a in audit_actions(bot) if a.startswith("application.")] == []


def test_someone_in_no_department_cannot_apply(bot: RunningBot) -> None:
    reply = submit_page(bot, "application.page1.submit", page_one(emergency=True), user_id="U0STRANGER")

    assert reply.json() == {
        "response_action": "errors",
        "errors": {"application.platform": t("application.error.department.unknown")},
    }
    assert (count(bot, Application), count(bot, OutboxMessage)) == (0, 0)


def test_tampered_page_one_metadata_is_a_bad_request(bot: RunningBot) -> None:
    forged = json.dumps({"v": 1, "platform": "myspace", "purpose": "x", "audience": "", "content": "",
                         "staff": [STAFF], "setup": "x"})  # fmt: skip

    reply = submit_page(bot, "application.page2.submit", page_two(), user_id=STAFF, metadata=forged)

    assert reply.status == 400
    assert count(bot, Application) == 0


def test_a_platform_named_other_travels_with_its_name(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    apply(bot, user_id=HEAD, first=page_one(platform="other", platform_other="Threads"))
    delivered(bot)

    assert application(bot).items["platform_other"] == "Threads"
    assert "その他（Threads）" in posts(fake_slack, OFFICE_CHANNEL)[0].args["text"]


def test_typed_mentions_never_reach_slack_unescaped(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    hostile = "<!channel> <@U0PUBINFO1> <https://evil.example|click>"
    first = page_one(purpose=hostile, audience=hostile, content=hostile, setup=hostile)
    second = page_two(account_name=hostile, indicators=hostile, frequency=hostile)
    apply(bot, first=first, second=second)
    delivered(bot)
    press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
    press(bot, fake_slack, "application.decision.return", office_post(bot), user_id=PUBINFO)
    fake_slack.wait_for("views.open")
    comment(bot, fake_slack, hostile, user_id=PUBINFO)
    delivered(bot)

    sent = [c for c in fake_slack.calls if c.method in ("chat.postMessage", "chat.update")]
    assert len(sent) >= 6
    text = json.dumps([c.args for c in sent], ensure_ascii=False)
    for raw in ("<!channel>", "<@U0PUBINFO1>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text
    assert application(bot).purpose == hostile  # the record keeps what was typed


def test_page_two_starts_with_the_configured_review_interval(bot: RunningBot) -> None:
    reply = submit_page(bot, "application.page1.submit", page_one(), user_id=STAFF)

    view = reply.json()["view"]
    interval = next(b for b in view["blocks"] if b.get("block_id") == "application.interval")
    assert interval["element"]["initial_value"] == "180"
    assert json.loads(view["private_metadata"])["purpose"] == PURPOSE
    assert count(bot, Application) == 0


def test_an_application_with_every_field_at_its_limit_reaches_everyone_inside_slacks_rules(
    bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    """Every typed item at its max_length, full of mrkdwn's special characters, ten staff with unknown names and a
    1,000-character comment: each post, update, thread reply and notice is delivered, and none is refused (the
    stand-in refuses what Slack would, and the fake_slack fixture fails the test on any refusal)."""

    def hostile(length: int) -> str:
        return ("観光*_~<&>" * length)[:length]

    first = page_one(**{key.removeprefix("application."): hostile(n) for key, n in PAGE_ONE_LIMITS.items()})
    first["application.staff"]["application.staff"]["selected_users"] = [f"U0MAX{n:05d}" for n in range(STAFF_MAX)]
    second = page_two(**{key.removeprefix("application."): hostile(n) for key, n in PAGE_TWO_LIMITS.items()})
    first["application.platform"]["application.platform"]["selected_option"] = {"value": "other"}

    assert apply(bot, first=first, second=second).status == 200
    delivered(bot)
    press(bot, fake_slack, "application.head.apply", head_dm(bot), user_id=HEAD)
    delivered(bot)
    press(bot, fake_slack, "application.decision.return", office_post(bot), user_id=PUBINFO)
    fake_slack.wait_for("views.open")
    assert comment(bot, fake_slack, hostile(COMMENT_MAX), user_id=PUBINFO).status == 200
    delivered(bot)

    assert application(bot).status == "returned"
    office = posts(fake_slack, OFFICE_CHANNEL)
    assert len(office) == 2  # the application, and its thread's whole text
    whole = strings(office[1].args)
    assert all(escape(hostile(n)) in whole for n in PAGE_TWO_LIMITS.values())
    assert t("application.notice.hint.return") in strings([c.args for c in posts(fake_slack, STAFF)])
