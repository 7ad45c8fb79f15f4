"""What the report's end-to-end tests read off the fake Slack: the buttons of a case's copies, their
original posts, thread lines and updates."""

from __future__ import annotations

import json
from typing import Any

from bot.catalog import t
from playground.slack_api import Call, SlackStandIn
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.report import (
    Copy,
    copies,
    delivered,
    option,
    posts,
    strings,
    submit_modal,
    submit_report,
    text_input,
    updates,
)
from tests.support.slack_requests import Reply

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
    number = number_in(reply.json()["view"])
    return copies(bot, number)


def number_in(view: dict[str, Any]) -> str:
    text = strings(view)
    start = text.index("SNS-")
    return text[start : start + len("SNS-2026-0001")]


def buttons(call: Call) -> list[str]:
    """The action ids of the buttons in a posted or updated message."""
    return [action for action, _ in button_values(call)]


def checklist_items(call: Call) -> list[str]:
    """The checklist items a message offers, in order."""
    return [json.loads(v)["item"] for a, v in button_values(call) if a.startswith(CHECKLIST)]


def button_values(call: Call) -> list[tuple[str, str]]:
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


def resolve(bot: RunningBot, copy: Copy, user_id: str, reason: str, note: str | None = None) -> Reply:
    """Submits the 解決 modal opened from ``copy``."""
    values = {"report.resolve.reason": option(reason), "report.resolve.note": text_input(note)}
    return submit_modal(bot, "report.resolve.submit", user_id=user_id, private_metadata=copy.value(), values=values)
