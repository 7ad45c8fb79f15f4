"""`sns-bot doctor`: is everything the bot needs in place? The token and its scopes, the offices' channels,
the people app.yaml names, the database, the scheduler's sweeps and the outbox. Each check gives one
finding (OK, or a problem with its fix); `serve` runs the same checks at start and logs the problems."""

from __future__ import annotations

import dataclasses
import http.client
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import Engine

from bot.catalog import t
from bot.config import CHANNEL_NAME, EMAIL, Config
from bot.configured import ConfiguredChannel, channels_of, people_of
from bot.environment import Environment
from bot.scheduler import ScheduledJob
from bot.slack_names import SlackLookup, SlackUnreachable
from bot.slack_scopes import BOT_SCOPES
from storage import migrate, sweeps
from storage.db import make_sessions, ping
from storage.models import SchedulerSweep
from storage.outbox_health import health

# Unsent longer than this, delivery is stuck (Slack's pace clears a burst of hundreds within minutes).
STALLED_AFTER = timedelta(minutes=15)
# Failed messages count against the outbox's health for this long.
FAILED_WITHIN = timedelta(hours=24)
# A sweep may run late by this much beyond its interval (a long sweep, a busy machine) before it is a problem.
SWEEP_SLACK = timedelta(minutes=1)

Resolve = Callable[[str], str | None]  # a person as app.yaml gives it -> Slack's error, None when found


@dataclass(frozen=True)
class Finding:
    """One check's outcome: the catalog key under ``doctor.`` and its parameters."""

    ok: bool
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def texts(self) -> list[str]:
        """Japanese, then English where it differs."""
        return list(dict.fromkeys(t(f"doctor.{self.key}", lang, **self.params) for lang in ("ja", "en")))

    def lines(self) -> list[str]:
        """For the terminal: the first line marked OK or NG, the English under it."""
        mark = "OK" if self.ok else "NG"
        return [f"{mark if i == 0 else '  '}  {text}" for i, text in enumerate(self.texts())]

    def text(self) -> str:
        """For a log line."""
        return " / ".join(self.texts())


# ----- Slack


def slack_client(env: Environment, timeout: float) -> WebClient:
    """A client that waits out Slack's rate limits: a large directory means many users.info calls."""
    handlers = [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=10)]
    return WebClient(token=env.bot_token, base_url=env.api_url, timeout=int(timeout), retry_handlers=handlers)


def _call(method: Callable[..., Any], **args: Any) -> tuple[Any, str | None]:
    """Slack's answer, or None and the error (Slack's code, or why it could not be reached)."""
    try:
        return method(**args), None
    except SlackApiError as error:
        return None, str(error.response.get("error") or f"HTTP {error.response.status_code}")
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"


def check_token(client: WebClient) -> tuple[Finding, set[str] | None]:
    """auth.test; with the scopes Slack granted the token (``x-oauth-scopes``), None when it failed."""
    answer, error = _call(client.auth_test)
    if error is not None:
        return Finding(False, "token.refused", {"error": error}), None
    header = next((v for k, v in answer.headers.items() if k.lower() == "x-oauth-scopes"), "")
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    return Finding(True, "token.ok", {"user": answer.get("user"), "team": answer.get("team")}), granted


def check_scopes(granted: set[str]) -> Finding:
    if missing := sorted(BOT_SCOPES - granted):
        return Finding(False, "scopes.missing", {"missing": ", ".join(missing)})
    return Finding(True, "scopes.ok", {"count": len(BOT_SCOPES)})


def check_channel(client: WebClient, channel: ConfiguredChannel) -> Finding:
    params = {"key": channel.key, "channel": channel.id, "name": channel.name}
    answer, error = _call(client.conversations_info, channel=channel.id)
    if error == "channel_not_found":
        return Finding(False, "channel.not_found", params)
    if error is not None:
        return Finding(False, "channel.error", {**params, "error": error})
    info = answer["channel"]
    if info.get("is_archived"):
        return Finding(False, "channel.archived", params)
    if not info.get("is_member"):
        return Finding(False, "channel.not_member", params)
    return Finding(True, "channel.ok", params)


def slack_user(client: WebClient) -> Resolve:
    """Resolves a person as app.yaml names them, a user ID (users.info) or an e-mail address
    (users.lookupByEmail): Slack's error, or ``deactivated`` for a deactivated account."""

    def resolve(person: str) -> str | None:
        if EMAIL.fullmatch(person):
            answer, error = _call(client.users_lookupByEmail, email=person)
        else:
            answer, error = _call(client.users_info, user=person)
        if error is not None:
            return error
        return "deactivated" if answer["user"].get("deleted") else None

    return resolve


def _by_id(client: WebClient, channels: list[ConfiguredChannel]) -> list[ConfiguredChannel] | Finding:
    """The channels with a #name replaced by its ID (conversations.list), one left as written when Slack knows
    no such name (conversations.info then finds no channel); a Finding when the list cannot be read."""
    if not any(CHANNEL_NAME.fullmatch(c.id) for c in channels):
        return channels
    try:
        ids = SlackLookup(client).channel_ids()
    except SlackUnreachable as error:
        return Finding(False, "channel.error", {"key": "offices", "channel": "#", "name": "", "error": error})
    return [
        dataclasses.replace(c, id=ids.get(c.id.removeprefix("#").lower(), c.id)) if CHANNEL_NAME.fullmatch(c.id) else c
        for c in channels
    ]


def check_people(people: Iterable[tuple[str, str]], resolve: Resolve) -> list[Finding]:
    """One problem per person who does not resolve (naming every key that names them), else one OK."""
    keys: dict[str, list[str]] = {}
    for key, person in people:
        keys.setdefault(person, []).append(key)
    problems = [
        Finding(False, "person.unknown", {"keys": ", ".join(where), "person": person, "error": error})
        for person, where in keys.items()
        if (error := resolve(person)) is not None
    ]
    return problems or [Finding(True, "person.ok", {"count": len(keys)})]


def check_slack(client: WebClient, config: Config, resolve: Resolve | None = None) -> list[Finding]:
    token, granted = check_token(client)
    if granted is None:
        return [token]  # every other call would fail the same way
    configured = _by_id(client, channels_of(config))
    if isinstance(configured, Finding):
        return [token, check_scopes(granted), configured]
    channels = [check_channel(client, channel) for channel in configured]
    return [token, check_scopes(granted), *channels, *check_people(people_of(config), resolve or slack_user(client))]


# ----- the database, the scheduler, the outbox


def check_database(engine: Engine) -> Finding:
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path not in (None, "", ":memory:") and not Path(path).exists():
        return Finding(False, "database.no_file", {"path": path})  # connecting would create an empty one
    try:
        ping(engine)
        current, head = migrate.current_revision(engine), migrate.head_revision()
    except Exception as error:  # any driver's failure to connect: the operator reads it
        return Finding(False, "database.unreachable", {"url": engine.url.render_as_string(), "error": error})
    if current != head:
        return Finding(False, "database.outdated", {"current": current, "head": head})
    return Finding(True, "database.ok", {"revision": current})


def check_sweeps(
    rows: dict[str, SchedulerSweep], jobs: Iterable[ScheduledJob], now: datetime, zone: ZoneInfo
) -> Finding:
    """A sweep is late when neither it ran nor a scheduler running it started within its interval."""
    if not rows:
        return Finding(False, "sweeps.never")
    late = []
    for job in jobs:
        row = rows.get(job.id)
        last = max(filter(None, (row.started_at, row.swept_at))) if row is not None else None
        if last is None or now - last > job.interval + SWEEP_SLACK:
            late.append(_late_sweep(job, row, zone))
    if late:
        return Finding(False, "sweeps.late", {"sweeps": "; ".join(late)})
    return Finding(True, "sweeps.ok", {"count": len(rows)})


def _late_sweep(job: ScheduledJob, row: SchedulerSweep | None, zone: ZoneInfo) -> str:
    swept = row.swept_at.astimezone(zone).isoformat(timespec="minutes") if row and row.swept_at else "-"
    error = f", {row.error}" if row and row.error else ""
    return f"{job.id} ({swept}{error})"


def check_outbox(engine: Engine, now: datetime, zone: ZoneInfo) -> list[Finding]:
    with make_sessions(engine)() as session:
        outbox = health(session, since=now - FAILED_WITHIN)
    findings = []
    if outbox.oldest_unsent is not None and now - outbox.oldest_unsent > STALLED_AFTER:
        oldest = outbox.oldest_unsent.astimezone(zone).isoformat(timespec="minutes")
        findings.append(Finding(False, "outbox.stalled", {"unsent": outbox.unsent, "oldest": oldest}))
    if outbox.failed:
        findings.append(Finding(False, "outbox.failed", {"failed": outbox.failed}))
    return findings or [Finding(True, "outbox.ok", {"unsent": outbox.unsent})]


def check_storage(engine: Engine, jobs: Iterable[ScheduledJob], now: datetime, zone: ZoneInfo) -> list[Finding]:
    database = check_database(engine)
    if not database.ok:
        return [database]
    with make_sessions(engine)() as session:
        rows = sweeps.by_job(session)
    return [database, check_sweeps(rows, jobs, now, zone), *check_outbox(engine, now, zone)]


def diagnose(
    config: Config,
    *,
    client: WebClient | None,
    engine: Engine,
    now: datetime,
    jobs: Iterable[ScheduledJob],
    resolve: Resolve | None = None,
) -> list[Finding]:
    """Every check, Slack's (when there is a token) and then the database's. ``resolve`` finds a person as
    app.yaml names them (default: a user ID, with users.info)."""
    slack = check_slack(client, config, resolve) if client is not None else [Finding(False, "token.missing")]
    return [*slack, *check_storage(engine, jobs, now, ZoneInfo(config.organization.timezone))]
