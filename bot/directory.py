"""Who is who, from app.yaml: pure lookups for routing and permissions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from zoneinfo import ZoneInfo

from bot.calendar import BusinessHours
from bot.config import Config, Department
from bot.mrkdwn import escape
from storage.audit import Actor


class Directory:
    def __init__(self, config: Config, addresses: Mapping[str, str] | None = None) -> None:
        self.config = config
        # User ID -> the e-mail address app.yaml names them by (bot/slack_names.py), for operators.
        self.addresses = dict(addresses or {})
        self.offices = config.offices
        self._departments = {d.id: d for d in config.departments}
        self._by_user: dict[str, list[Department]] = {}
        for department in config.departments:
            for user_id in dict.fromkeys([department.head, *department.members]):
                self._by_user.setdefault(user_id, []).append(department)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.config.organization.timezone)

    @property
    def office_hours(self) -> BusinessHours:
        hours = self.config.organization.office_hours
        return BusinessHours(self.timezone, time.fromisoformat(hours.start), time.fromisoformat(hours.end))

    @property
    def departments(self) -> list[Department]:
        return self.config.departments

    def department(self, department_id: str | None) -> Department | None:
        return self._departments.get(department_id) if department_id else None

    def departments_of(self, user_id: str) -> list[Department]:
        """The departments a user heads or belongs to (兼務: more than one), in app.yaml's order."""
        return self._by_user.get(user_id, [])

    def name_of(self, user_id: str) -> str:
        """A person as mrkdwn, safe to embed: the name from app.yaml (escaped), otherwise a
        mention, which Slack shows as the person's current name."""
        name = self.config.people.get(user_id)
        return escape(name) if name else f"<@{user_id}>"

    def actor(self, user_id: str) -> Actor:
        return Actor(user_id=user_id, name=self.name_of(user_id), email=self.addresses.get(user_id))

    def labelled(self, user_id: str) -> str:
        """A person for an operator's terminal: the address app.yaml gives, if any, and the ID."""
        address = self.addresses.get(user_id)
        return f"{address} ({user_id})" if address else user_id

    def is_public_info(self, user_id: str) -> bool:
        return user_id in self.offices.public_info.members

    def is_security_officer(self, user_id: str) -> bool:
        return user_id in self.offices.security_officer.members
