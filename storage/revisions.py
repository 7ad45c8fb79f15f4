"""The record of each distinct app.yaml the bot has run with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ConfigRevision


def latest(session: Session) -> ConfigRevision | None:
    return session.scalars(select(ConfigRevision).order_by(ConfigRevision.id.desc()).limit(1)).first()


def record(session: Session, *, sha256: str, source: str, directory: dict[str, Any], at: datetime) -> ConfigRevision:
    revision = ConfigRevision(sha256=sha256, source=source, directory=directory, loaded_at=at)
    session.add(revision)
    return revision
