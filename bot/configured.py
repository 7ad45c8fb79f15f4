"""Where app.yaml names channels and people, each with its key (``offices.secretariat.channel``,
``departments[0].head``): for checks that must say which line to fix."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import ChannelOffice, Config


@dataclass(frozen=True)
class ConfiguredChannel:
    key: str  # where app.yaml names it, e.g. offices.secretariat.channel
    id: str
    name: str


def channels_of(config: Config) -> list[ConfiguredChannel]:
    offices = config.offices
    named = {name: getattr(offices, name) for name in type(offices).model_fields}
    return [
        ConfiguredChannel(f"offices.{name}.channel", office.channel, office.name)
        for name, office in named.items()
        if isinstance(office, ChannelOffice)
    ]


def people_of(config: Config) -> list[tuple[str, str]]:
    """(key, person) for every place app.yaml names a person."""
    found: list[tuple[str, str]] = []
    offices = config.offices
    for name in type(offices).model_fields:
        found += [(f"offices.{name}.members[{i}]", p) for i, p in enumerate(getattr(offices, name).members)]
    for d, department in enumerate(config.departments):
        at = f"departments[{d}]"
        found.append((f"{at}.head", department.head))
        for role in ("approvers", "members", "deputies"):
            found += [(f"{at}.{role}[{i}]", p) for i, p in enumerate(getattr(department, role))]
        for s, step in enumerate(department.approval_route):
            found += [(f"{at}.approval_route[{s}].approvers[{i}]", p) for i, p in enumerate(step.approvers)]
    found += [(f"people.{p}", p) for p in config.people]
    return found
