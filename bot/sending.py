"""Sends one claimed outbox message: draws it, calls Slack, and settles what Slack answered.

A message queued as an intent is drawn here, when it is sent, by its feature's Render: from the database
as it is then, so it never shows a state older than one already sent. An update drawn the same as what its
message shows is skipped (Slack would mark the message edited for nothing), as is a message drawn to nothing.

Outcomes per Slack's answer: 429 waits for Retry-After (not counted as an attempt); 5xx,
connection errors and Slack's own transient errors back off exponentially up to
``max_backoff_seconds``, until the message is ``give_up_after_minutes`` old; a refusal of the
payload itself (invalid_blocks, msg_too_long…) sends the message once more as plain text
(bot/plain_text.py), audited, and tells 市政情報課 once per subject; any other error
(channel_not_found…), or a refused plain version, is permanent: the message is marked failed,
logged and audited, never retried forever.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.channel_membership import NOT_A_MEMBER, ChannelMembership
from bot.clock import Clock
from bot.config import Delivery
from bot.directory import Directory
from bot.plain_text import REFUSALS, notice, plain_version
from storage import outbox, outbox_claims
from storage.db import SessionFactory
from storage.group_commit import GroupCommit
from storage.models import OutboxMethod

log = logging.getLogger("bot.delivery")  # one logger for the whole delivery, as operators filter it

# How often a message that cannot be drawn or prepared is tried before it fails.
BUG_ATTEMPTS = 5
# Slack's errors that mean "try again later" rather than "this message is wrong".
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})


# Draws an intent's message when it is sent, from the database as it is then; None: nothing to say.
Render = Callable[[Session, Directory, outbox_claims.Claimed], dict[str, Any] | None]


@dataclass(frozen=True)
class Undrawn:
    """Why a message could not be drawn: retried, unless ``permanent`` (no feature draws its kind)."""

    reason: str
    permanent: bool = False


# A claimed message drawn: what to send, None for nothing to say, or why it could not be drawn.
Drawing = dict[str, Any] | None | Undrawn


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # drawn to nothing new: no Web API call
    RETRY = "retry"
    FAILED = "failed"
    REFUSED = "refused"  # Slack refused the payload: it goes again as plain text
    LOST_CLAIM = "lost_claim"  # the lease ran out and another worker took the message over


class Sender:
    """Draws, sends and settles claimed messages for one worker (its id is on every claim it settles)."""

    def __init__(
        self,
        *,
        worker_id: str,
        sessions: SessionFactory,
        reading: SessionFactory,
        client: WebClient,
        settings: Delivery,
        clock: Clock,
        directory: Callable[[], Directory],
        renderers: Mapping[str, Render],
        observe: Callable[[Outcome, str | None], None],
    ) -> None:
        self.worker_id = worker_id
        self.sessions = sessions
        self.reading = reading
        # Messages sent at once are settled in one transaction: fewer commits for SQLite's one writer to wait on.
        self._settling = GroupCommit(sessions)
        self.client = client
        self.settings = settings
        self.clock = clock
        # The directory as of now (it changes on reload): who 市政情報課 is, names for its notices.
        self.directory = directory
        # The features' drawers of intents, by the intent's kind.
        self.renderers = renderers
        # Told each settled outcome with its reason (Slack's error): the metrics' deliveries counter.
        self.observe = observe
        self.membership = ChannelMembership(client=client, sessions=sessions, clock=clock, directory=directory)

    def draw(self, items: list[outbox_claims.Claimed]) -> list[tuple[outbox_claims.Claimed, Drawing]]:
        """Draws claimed messages in one reading session, from the database as it is now: the copies of one
        case share one load of it. A message that cannot be drawn carries why (it is retried, or failed)."""
        drawn: list[tuple[outbox_claims.Claimed, Drawing]] = []
        with self.reading() as session:
            for item in items:
                try:
                    drawn.append((item, self._draw(session, item)))
                except Exception as error:  # a bug in a drawer, or the database
                    log.exception("message %d could not be drawn", item.id)
                    session.rollback()
                    drawn.append((item, Undrawn(repr(error))))
        return drawn

    def send(self, item: outbox_claims.Claimed, drawing: Drawing) -> Outcome:
        if isinstance(drawing, Undrawn):
            if drawing.permanent:
                return self._fail(item, drawing.reason)
            return self._bug(item, f"drawing: {drawing.reason}")
        message = drawing
        if message is None:
            return self._skip(item)
        try:
            digest, payload = _digest(message), self._payload(item, message)
        except Exception as error:  # a drawing that is no Web API payload (not JSON…)
            log.exception("message %d could not be prepared", item.id)
            return self._bug(item, f"preparing: {error!r}")
        if item.method == OutboxMethod.UPDATE and digest == item.parent_digest:
            return self._skip(item)
        try:
            response = self._call(item, payload)
        except SlackApiError as error:
            answer = error.response
            return self._after_error(item, message, answer.status_code, answer.get("error"), answer.headers)
        except (OSError, http.client.HTTPException) as error:
            return self._retry(item, f"connection: {error}")
        except Exception as error:  # a bug or an odd answer: bounded retries, then failed
            log.exception("message %d: unexpected error from the Web API call", item.id)
            return self._retry(item, f"unexpected: {error!r}")
        now = self.clock.now()

        def settle(session: Session) -> bool:
            done = outbox_claims.mark_sent(
                session,
                item,
                worker=self.worker_id,
                slack_channel=response["channel"],
                slack_ts=response["ts"],
                digest=digest,
                now=now,
            )
            if done and item.refused_with and outbox_claims.record_plain_sent(session, item, now=now):
                self._notify_office(session, item, message, now)
            if not done and item.method == OutboxMethod.UPDATE:
                # Another worker took the update over when this one's lease ran out: Slack may now show this
                # older drawing after the other's, so what the message shows is no longer known; it is drawn again.
                outbox_claims.forget_shown(session, item, now=now)
            return done

        done = self._settling.write(settle)
        if done:
            self.observe(Outcome.SENT, None)
        return Outcome.SENT if done else Outcome.LOST_CLAIM

    def _draw(self, session: Session, item: outbox_claims.Claimed) -> Drawing:
        if item.intent is None:
            return item.payload
        render = self.renderers.get(item.intent.get("kind", ""))
        if render is None:
            return Undrawn(f"nothing draws intents of kind {item.intent.get('kind')!r}", permanent=True)
        return render(session, self.directory(), item)

    def _skip(self, item: outbox_claims.Claimed) -> Outcome:
        now = self.clock.now()
        done = self._settling.write(
            lambda session: outbox_claims.mark_skipped(session, item.id, worker=self.worker_id, now=now)
        )
        if done:
            self.observe(Outcome.SKIPPED, None)
        return Outcome.SKIPPED if done else Outcome.LOST_CLAIM

    def _call(self, item: outbox_claims.Claimed, payload: dict[str, Any]) -> Any:
        if item.method == OutboxMethod.UPDATE:
            return self.client.chat_update(channel=item.parent_channel, ts=item.parent_ts, **payload)
        return self.client.chat_postMessage(
            channel=item.parent_channel or item.channel, thread_ts=item.parent_ts, **payload
        )

    def _payload(self, item: outbox_claims.Claimed, message: dict[str, Any]) -> dict[str, Any]:
        """What to send: once Slack refused the message, its plain version (a refused message has one)."""
        plain = self._plain(item, message) if item.refused_with else None
        return plain if plain is not None else message

    def _plain(self, item: outbox_claims.Claimed, message: dict[str, Any]) -> dict[str, Any] | None:
        return plain_version(message, item.subject, update=item.method == OutboxMethod.UPDATE)

    def _notify_office(
        self, session: Session, item: outbox_claims.Claimed, message: dict[str, Any], now: datetime
    ) -> None:
        """Queues the notice to 市政情報課 that ``item`` went as plain text, with the same commit."""
        directory = self.directory()
        destination = directory.name_of(item.channel) if item.channel[:1] in ("U", "W") else f"<#{item.channel}>"
        office_notice = notice(message, destination, item.refused_with or "")
        outbox.post_message(session, channel=directory.offices.public_info.channel, message=office_notice, now=now)

    def _after_error(
        self, item: outbox_claims.Claimed, message: dict[str, Any], status: int, error: str | None, headers: Any
    ) -> Outcome:
        if status == 429:
            seconds = _retry_after(headers)
            log.warning("Slack rate-limited message %d to %s; retrying in %d s", item.id, item.channel, seconds)
            return self._settle_retry(item, seconds, "ratelimited", count_attempt=False)
        if status >= 500 or error in TRANSIENT_ERRORS:
            return self._retry(item, f"HTTP {status}: {error or 'server error'}")
        if error in REFUSALS and item.refused_with:
            return self._fail(item, f"{error}, refused as plain text too (first: {item.refused_with})")
        if error in REFUSALS and self._plain(item, message) is not None:
            return self._refused(item, error)
        posting = item.method == OutboxMethod.POST
        if posting and error in NOT_A_MEMBER and self.membership.recover(item.channel, error):
            return self._settle_retry(item, 0, f"{error}: joined the channel", count_attempt=True)  # goes again now
        return self._fail(item, error or f"HTTP {status}")

    def _refused(self, item: outbox_claims.Claimed, error: str) -> Outcome:
        log.warning("Slack refused message %d to %s (%s); sending it as plain text", item.id, item.channel, error)
        with self.sessions.begin() as session:
            done = outbox_claims.mark_refused(
                session, item.id, worker=self.worker_id, error=error, now=self.clock.now()
            )
        if done:
            self.observe(Outcome.REFUSED, error)
        return Outcome.REFUSED if done else Outcome.LOST_CLAIM

    def _bug(self, item: outbox_claims.Claimed, reason: str) -> Outcome:
        """A message that could not be drawn or prepared: retried a few times (a passing database error), then
        failed, so that a bug never holds its channel for as long as Slack's own trouble may."""
        if item.attempts + 1 >= BUG_ATTEMPTS:
            return self._fail(item, f"gave up after {item.attempts + 1} attempts; last: {reason}")
        return self._retry(item, reason)

    def _retry(self, item: outbox_claims.Claimed, reason: str) -> Outcome:
        attempts = item.attempts + 1
        age = self.clock.now() - item.created_at
        if age >= timedelta(minutes=self.settings.give_up_after_minutes):
            return self._fail(item, f"gave up after {attempts} attempts over {age}; last: {reason}")
        # A short cap: Slack's trouble is usually brief, and only the head of each channel's queue retries.
        seconds = min(2 ** (attempts - 1), self.settings.max_backoff_seconds)
        log.warning(
            "message %d to %s not delivered (%s); attempt %d, next in %d s",
            item.id,
            item.channel,
            reason,
            attempts,
            seconds,
        )
        return self._settle_retry(item, seconds, reason, count_attempt=True)

    def _settle_retry(
        self, item: outbox_claims.Claimed, seconds: float, reason: str, *, count_attempt: bool
    ) -> Outcome:
        at = self.clock.now() + timedelta(seconds=seconds)
        with self.sessions.begin() as session:
            done = outbox_claims.mark_retry(
                session, item.id, worker=self.worker_id, at=at, error=reason, count_attempt=count_attempt
            )
        if done:
            self.observe(Outcome.RETRY, reason)
        return Outcome.RETRY if done else Outcome.LOST_CLAIM

    def _fail(self, item: outbox_claims.Claimed, error: str) -> Outcome:
        log.error("message %d to %s failed permanently: %s", item.id, item.channel, error)
        with self.sessions.begin() as session:
            done = outbox_claims.mark_failed(session, item.id, worker=self.worker_id, error=error, now=self.clock.now())
        if done:
            self.observe(Outcome.FAILED, error)
        return Outcome.FAILED if done else Outcome.LOST_CLAIM


def _digest(message: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(message, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _retry_after(headers: Any) -> int:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(1, int(value[0] if isinstance(value, list) else value))
            except ValueError:
                break
    return 1
