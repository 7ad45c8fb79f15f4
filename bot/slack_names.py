"""app.yaml's e-mail addresses and #channel names, resolved into the Slack IDs the directory uses.

City staff know each other's addresses, not Slack's member IDs. Wherever app.yaml names a person an
address may stand (a channel: its #name); at start and on every reload they are looked up
(users.lookupByEmail, conversations.list) and the configuration is rebuilt with IDs only, so nothing
past this module ever sees an address. Each resolution is stored with its time: a restart while Slack
cannot be reached starts with the last known IDs, and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.catalog import bilingual, t
from bot.clock import Clock
from bot.config import CHANNEL_NAME, EMAIL, Config, ConfigError, key_path
from bot.configured import CHANNEL_KIND, EMAIL_KIND, KEY, named
from storage import slack_names
from storage.db import SessionFactory

log = logging.getLogger(__name__)

_PAGE = 200  # conversations.list: Slack recommends no more than 200 a page


class SlackUnreachable(Exception):
    """Slack did not answer the lookups (network, 5xx, a token it refuses): the stored IDs are used."""


class Lookup(Protocol):
    def user_id(self, email: str) -> str | None:
        """The ID of the user with this address; None when Slack knows nobody by it."""

    def channel_ids(self) -> dict[str, str]:
        """Every channel the bot can see, by lower-cased name."""


class SlackLookup:
    """Lookup through the Web API (scopes users:read.email, channels:read, groups:read)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def user_id(self, email: str) -> str | None:
        try:
            return str(self._client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise SlackUnreachable(error.response.get("error")) from None
        except (SlackClientError, OSError) as error:
            raise SlackUnreachable(str(error)) from None

    def channel_ids(self) -> dict[str, str]:
        found: dict[str, str] = {}
        cursor = None
        try:
            while True:
                page = self._client.conversations_list(
                    types="public_channel,private_channel", exclude_archived=True, limit=_PAGE, cursor=cursor
                )
                found |= {str(c["name"]).lower(): str(c["id"]) for c in page["channels"]}
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return found
        except SlackApiError as error:
            raise SlackUnreachable(error.response.get("error")) from None
        except (SlackClientError, OSError) as error:
            raise SlackUnreachable(str(error)) from None


@dataclass(frozen=True)
class Reference:
    """A person or channel written as an address or a #name, and where in app.yaml."""

    kind: str
    written: str
    loc: tuple[Any, ...]

    @property
    def id(self) -> tuple[str, str]:
        """What it resolves by: its kind and key."""
        return self.kind, self.key

    @property
    def key(self) -> str:
        """How it is looked up and stored: Slack matches addresses and channel names case-insensitively."""
        return self.written.removeprefix("#").lower()


@dataclass(frozen=True)
class Resolved:
    where: str  # the key path
    written: str
    slack_id: str


@dataclass(frozen=True)
class Resolution:
    config: Config  # IDs only
    resolved: list[Resolved] = field(default_factory=list)
    # Slack could not be reached: the stored IDs are in use, the oldest resolved at this time.
    stale_since: datetime | None = None
    stale_reason: str | None = None

    @property
    def addresses(self) -> dict[str, str]:
        """User ID -> the address app.yaml names them by."""
        return {r.slack_id: r.written for r in self.resolved if r.written[:1] != "#"}

    @property
    def channel_names(self) -> dict[str, str]:
        """Channel ID -> the #name app.yaml gives it."""
        return {r.slack_id: r.written for r in self.resolved if r.written[:1] == "#"}


class SlackNames:
    """Resolves a loaded configuration; ``lookup`` None (no token): the stored IDs only."""

    def __init__(self, lookup: Lookup | None, *, sessions: SessionFactory, clock: Clock) -> None:
        self._lookup = lookup
        self._sessions = sessions
        self._clock = clock

    def resolve(self, config: Config, path: Path) -> Resolution:
        """The configuration with IDs; ConfigError naming each key whose name resolves to nobody."""
        found = list(references(config))
        if not found:
            return Resolution(config)
        since = reason = None
        try:
            ids, problems = self._ask_slack(found)
        except SlackUnreachable as error:
            reason = str(error)
            ids, problems, since = self._stored(found, reason)
        if problems:
            raise ConfigError(path, problems)
        resolved = [Resolved(key_path(r.loc), r.written, ids[r.id]) for r in found]
        resolution = Resolution(with_ids(config, ids), resolved, since, reason)
        if since is not None:
            log.warning("%s", stale_notice(resolution))
        return resolution

    def _ask_slack(self, found: list[Reference]) -> tuple[dict[tuple[str, str], str], list[str]]:
        if self._lookup is None:
            raise SlackUnreachable("SLACK_BOT_TOKEN is not set")
        emails = sorted({r.key for r in found if r.kind == EMAIL_KIND})
        answers: dict[tuple[str, str], str | None] = {(EMAIL_KIND, e): self._lookup.user_id(e) for e in emails}
        if any(r.kind == CHANNEL_KIND for r in found):
            answers |= {(CHANNEL_KIND, name): channel for name, channel in self._lookup.channel_ids().items()}
        problems = [
            _problem(r, t(f"config.error.unknown_{r.kind}")) for r in _first_of_each(found) if not answers.get(r.id)
        ]
        ids = {r.id: str(answers[r.id]) for r in found if answers.get(r.id)}
        if not problems:
            with self._sessions.begin() as session:
                for kind in (EMAIL_KIND, CHANNEL_KIND):
                    of_kind = {name: slack_id for (k, name), slack_id in ids.items() if k == kind}
                    slack_names.remember(session, kind, of_kind, self._clock.now())
        return ids, problems

    def _stored(
        self, found: list[Reference], reason: str
    ) -> tuple[dict[tuple[str, str], str], list[str], datetime | None]:
        """The IDs last resolved, and the oldest resolution's time."""
        with self._sessions() as session:
            rows = {
                (kind, name): row
                for kind in (EMAIL_KIND, CHANNEL_KIND)
                for name, row in slack_names.known(session, kind, {r.key for r in found if r.kind == kind}).items()
            }
        never = t("config.error.never_resolved", reason=reason)
        problems = [_problem(r, never) for r in _first_of_each(found) if r.id not in rows]
        ids = {key: row.slack_id for key, row in rows.items()}
        return ids, problems, min((row.resolved_at for row in rows.values()), default=None)


def stale_notice(resolution: Resolution) -> str:
    """Says that the stored IDs are in use, since when (in the organisation's zone) and why."""
    zone = ZoneInfo(resolution.config.organization.timezone)
    since = resolution.stale_since.astimezone(zone).isoformat(timespec="minutes") if resolution.stale_since else ""
    return bilingual("cli.names.stale", since=since, reason=resolution.stale_reason)


def _problem(reference: Reference, explanation: str) -> str:
    """A problem in the form of app.yaml's others: the key path, then what is wrong."""
    return f"{key_path(reference.loc)}: {reference.written} — {explanation}"


def references(config: Config) -> Iterator[Reference]:
    """Every person and channel of the configuration that is written as an address or a #name."""
    for place in named(config):
        pattern = EMAIL if place.kind == EMAIL_KIND else CHANNEL_NAME
        if pattern.fullmatch(place.value):
            yield Reference(place.kind, place.value, place.loc)


def _first_of_each(found: list[Reference]) -> Iterator[Reference]:
    """One problem per name: a head's address is also the default approver's."""
    seen: set[tuple[str, str]] = set()
    for reference in found:
        if reference.id not in seen:
            seen.add(reference.id)
            yield reference


def with_ids(config: Config, ids: Mapping[tuple[str, str], str]) -> Config:
    """``config`` with each reference replaced by its ID from ``ids`` (by kind and key)."""
    data = config.model_dump()
    for reference in references(config):
        *parents, last = reference.loc
        if last != KEY:
            _at(data, parents)[last] = ids[reference.id]
    # people: keyed by person, rebuilt in its order
    data["people"] = {ids.get((EMAIL_KIND, person.lower()), person): name for person, name in data["people"].items()}
    return Config.model_validate(data)


def _at(data: Any, loc: list[Any]) -> Any:
    for part in loc:
        data = data[part]
    return data
