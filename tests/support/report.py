"""Driving /sns-report end to end: submit the modal, click a copy's buttons, read what was delivered.

Everything goes through the real HTTP endpoint with signed requests; the database is only read,
to learn where the bot's copies landed (the channel and ts Slack answered) and to check what was stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.report.metadata import CaseAction
from playground.requests import (  # noqa: F401 - the report modal's values, re-exported for the report tests
    DEFAULT_SUMMARY,
    DEFAULT_URL,
    report_values,
)
from playground.slack_api import Call, SlackStandIn
from storage.models import Case, CaseCopy, OutboxMessage
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import (  # noqa: F401 - the flow helpers, re-exported for the report tests
    as_opened,
    audit_actions,
    count,
    delivered,
    dm,
    nothing_more,
    posts,
    strings,
    unpaced_config,
)
from tests.support.slack_requests import Reply, block_action, interactive, send, slash_command, view_submission

# The offices' channels and the people of app.yaml.
PUBLIC_INFO, SECRETARIAT, GENERAL, COMMITTEE = "C0PUBLICINFO", "C0SECRETARIAT", "C0GENERAL", "C0SECCOMMITTEE"
HEAD, STAFF1, STAFF2, PUBINFO1, OFFICER = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1", "U0SECOFFICER"


# -- the report modal ----------------------------------------------------------------------------


def submit_report(bot: RunningBot, clock: FrozenClock, *, user_id: str = STAFF1, **fields: Any) -> Reply:
    """Submits the report modal as ``user_id``; discovered a minute before the clock's now."""
    fields.setdefault("discovered_at", int(clock.now().timestamp()) - 60)
    payload = view_submission("report.submit", user_id=user_id, values=report_values(**fields))
    return send(bot.url, interactive(as_opened(bot, payload)))


def submit_modal(
    bot: RunningBot, callback_id: str, *, user_id: str, private_metadata: str, values: dict[str, dict[str, Any]]
) -> Reply:
    """Submits a modal opened from a case; ``values`` maps block id to its element state."""
    payload = view_submission(callback_id, user_id=user_id, values={b: {b: e} for b, e in values.items()})
    payload["view"]["private_metadata"] = private_metadata
    return send(bot.url, interactive(as_opened(bot, payload)))


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def list_cases(bot: RunningBot, fake: SlackStandIn, user_id: str) -> Call:
    """``/sns-report list`` as ``user_id``; the ephemeral answer posted to the response_url."""
    name = f"list-{user_id}"
    reply = send(
        bot.url, slash_command("/sns-report", user_id=user_id, text="list", response_url=fake.response_url(name))
    )
    assert reply.status == 200
    (answer,) = fake.wait_for("response_url", where=lambda c: c.args["response_url"] == fake.response_url(name))
    return answer


# -- the case's copies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """A delivered copy of a case: who it was for, and where Slack put it."""

    id: int
    case_id: int
    audience: str
    target: str
    channel: str
    ts: str

    def value(self, item: str | None = None, *, done: bool = True) -> str:
        """The metadata its buttons carry (a checklist item's button: the state it sets)."""
        return CaseAction(case_id=self.case_id, copy_id=self.id, item=item, done=done if item else None).encode()


def copies(bot: RunningBot, number: str = "SNS-2026-0001") -> dict[str, Copy]:
    """The delivered copies of case ``number`` by target (a user id or a channel id)."""
    with bot.service.runtime.sessions() as session:
        rows = session.execute(
            select(CaseCopy, OutboxMessage)
            .join(Case, Case.id == CaseCopy.case_id)
            .join(OutboxMessage, OutboxMessage.id == CaseCopy.outbox_id)
            .where(Case.number == number)
            .order_by(CaseCopy.id)
        ).all()
    found = {}
    for copy, message in rows:
        assert message.slack_channel, f"copy {copy.id} for {copy.target} was not delivered"
        assert message.slack_ts, f"copy {copy.id} for {copy.target} was not delivered"
        found[copy.target] = Copy(
            copy.id, copy.case_id, copy.audience, copy.target, message.slack_channel, message.slack_ts
        )
    return found


def click(
    bot: RunningBot,
    fake: SlackStandIn,
    copy: Copy,
    action_id: str,
    *,
    user_id: str,
    channel: str | None = None,
    item: str | None = None,
    done: bool = True,
    response_name: str = "click",
) -> Reply:
    """Presses a button of ``copy`` as ``user_id``, in the channel where the copy landed unless told."""
    payload = block_action(action_id, user_id=user_id, value=copy.value(item, done=done))
    where = channel or copy.channel
    payload["container"] = {"type": "message", "channel_id": where, "message_ts": copy.ts, "is_ephemeral": False}
    payload["channel"] = {"id": where}
    payload["message"] = {"type": "message", "ts": copy.ts, "text": ""}
    payload["response_url"] = fake.response_url(response_name)
    return send(bot.url, interactive(payload))


# -- what reached Slack ------------------------------------------------------------------------------


def top_level_channels(calls: Iterable[Call]) -> list[str]:
    return sorted(c.args["channel"] for c in calls if c.method == "chat.postMessage" and not c.args.get("thread_ts"))


def updates(fake: SlackStandIn, copy: Copy) -> list[Call]:
    """chat.update calls that rewrote ``copy``."""
    return [
        c for c in fake.calls_to("chat.update") if (c.args.get("channel"), c.args.get("ts")) == (copy.channel, copy.ts)
    ]


def case(bot: RunningBot, number: str = "SNS-2026-0001") -> Case:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Case).where(Case.number == number)).one()
        session.expunge(found)
        return found
