"""Where app.yaml names channels and people, each with its place (``offices.secretariat.channel``,
``departments[0].head``): the one directory of those places, for the resolution of addresses and #names
(bot.slack_names) and for checks that must say which line to fix (bot.doctor)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import ChannelOffice, Config, key_path

# A person (an ID, or an address to resolve into one) and a channel (an ID, or a #name).
EMAIL_KIND, CHANNEL_KIND = "email", "channel"
_PERSON_LISTS = ("approvers", "members", "deputies")
# The last part of a place that is a key of its mapping (app.yaml's people), not a value.
KEY = "[key]"


@dataclass(frozen=True)
class ConfiguredChannel:
    key: str  # where app.yaml names it, e.g. offices.secretariat.channel
    id: str
    name: str


@dataclass(frozen=True)
class Named:
    """One place app.yaml names a person or a channel, and what it writes there."""

    loc: tuple[Any, ...]  # the path into the configuration, e.g. ("departments", 0, "head")
    kind: str  # EMAIL_KIND (a person) or CHANNEL_KIND
    value: str


def channels_of(config: Config) -> list[ConfiguredChannel]:
    offices = config.offices
    named = {name: getattr(offices, name) for name in type(offices).model_fields}
    return [
        ConfiguredChannel(f"offices.{name}.channel", office.channel, office.name)
        for name, office in named.items()
        if isinstance(office, ChannelOffice)
    ]


def people_of(config: Config) -> list[tuple[str, str]]:
    """(key, person) for every place app.yaml names a person; a key of people is named as its entry."""
    return [
        (key_path(n.loc[:-1] if n.loc[-1] == KEY else n.loc), n.value) for n in named(config) if n.kind == EMAIL_KIND
    ]


def named(config: Config) -> Iterator[Named]:
    """Every place app.yaml names a person or a channel, in the file's order."""
    data: Mapping[str, Any] = config.model_dump()
    for office_key, office in data["offices"].items():
        if "channel" in office:
            yield Named(("offices", office_key, "channel"), CHANNEL_KIND, office["channel"])
        for i, member in enumerate(office["members"]):
            yield Named(("offices", office_key, "members", i), EMAIL_KIND, member)
    for d, department in enumerate(data["departments"]):
        yield Named(("departments", d, "head"), EMAIL_KIND, department["head"])
        for key in _PERSON_LISTS:
            for i, person in enumerate(department[key]):
                yield Named(("departments", d, key, i), EMAIL_KIND, person)
        for s, step in enumerate(department["approval_route"]):
            for i, person in enumerate(step["approvers"]):
                yield Named(("departments", d, "approval_route", s, "approvers", i), EMAIL_KIND, person)
    for person in data["people"]:
        yield Named(("people", person, KEY), EMAIL_KIND, person)
