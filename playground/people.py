"""Who the page lets you be: everyone app.yaml names, with their roles; and the channels of its offices."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bot.catalog import t
from bot.config import ChannelOffice, Config, MemberOffice
from bot.slack_names import EMAIL_KIND, references, with_ids
from playground.workspace import Workspace

GENERAL_CHANNEL = "C0PLAYGROUND"


@dataclass
class Person:
    id: str
    name: str
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "roles": self.roles}


def made_up(config: Config, workspace: Workspace) -> Config:
    """An app.yaml naming people by address and channels by #name: a user (a channel) is made up in the
    workspace for each, so the bot resolves them as in Slack; ``config`` with those IDs, for the page."""
    ids = {}
    for reference in references(config):
        digest = hashlib.sha1(reference.key.encode(), usedforsecurity=False).hexdigest()[:10].upper()
        if reference.kind == EMAIL_KIND:
            ids[reference.kind, reference.key] = f"U{digest}"
            name = config.people.get(reference.written, reference.written)
            workspace.add_user(f"U{digest}", name, reference.key)
        else:
            ids[reference.kind, reference.key] = f"C{digest}"
            workspace.add_channel(f"C{digest}", reference.key)
    return with_ids(config, ids)


def people(config: Config) -> list[Person]:
    """Staff first, then heads and approvers, then the offices: the order a scenario usually goes."""
    found: dict[str, Person] = {}

    def add(user_id: str, role: str) -> None:
        person = found.setdefault(user_id, Person(user_id, config.people.get(user_id, user_id)))
        if role not in person.roles:
            person.roles.append(role)

    for department in config.departments:
        for member in department.members:
            add(member, t("playground.role.member", department=department.name))
        add(department.head, t("playground.role.head", department=department.name))
        for approver in department.approvers or [department.head]:
            add(approver, t("playground.role.approver", department=department.name))
        for deputy in department.deputies:
            add(deputy, t("playground.role.deputy", department=department.name))
    for office in _offices(config):
        for member in office.members:
            add(member, office.name)
    return list(found.values())


def channels(config: Config) -> dict[str, str]:
    """Channel id -> name: each office's channel, and one general channel to post and report from."""
    named = {office.channel: office.name for office in _offices(config) if isinstance(office, ChannelOffice)}
    return {GENERAL_CHANNEL: t("playground.channel.general"), **named}


def _offices(config: Config) -> list[ChannelOffice | MemberOffice]:
    offices = config.offices
    return [
        offices.public_info,
        offices.security_officer,
        offices.secretariat,
        offices.general_affairs,
        offices.security_committee,
    ]
