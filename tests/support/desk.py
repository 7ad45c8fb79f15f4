"""A feature's services driven as a listener or a job drives them, for the tests of the rules themselves:
a Context, one session per change, and what the changes audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Self

import yaml
from sqlalchemy import select

from bot.config import Config
from bot.directory import Directory
from handlers.common.work import Context
from storage.db import SessionFactory
from storage.models import AuditEntry
from tests.support.bot import APP_YAML


def kanko_directory(**kanko: Any) -> Directory:
    """app.yaml as shipped, its first department (kanko) changed by ``kanko``."""
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["departments"][0].update(kanko)
    return Directory(Config.model_validate(config))


@dataclass
class ServiceDesk:
    sessions: SessionFactory
    ctx: Context

    def at(self, now: datetime) -> Self:
        return replace(self, ctx=replace(self.ctx, now=now))

    def under(self, directory: Directory) -> Self:
        return replace(self, ctx=replace(self.ctx, directory=directory))

    def run(self, change: Callable[..., Any], *args: Any) -> Any:
        """``change(session, ctx, *args)`` in its own transaction."""
        with self.sessions.begin() as session:
            return change(session, self.ctx, *args)

    def audited(self) -> list[tuple[str, str | None]]:
        """(action, actor) of every audit entry, in order."""
        with self.sessions() as session:
            return [tuple(r) for r in session.execute(select(AuditEntry.action, AuditEntry.actor_id)).all()]
