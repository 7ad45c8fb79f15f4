"""The app.yaml revisions that serve processes ran with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class ConfigRevision(Base):
    """Each distinct app.yaml a serve process ran with: the April directory changes, on record."""

    __tablename__ = "config_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    directory: Mapped[dict[str, Any]] = mapped_column(JSON)
