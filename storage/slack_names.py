"""The last known Slack ID of each e-mail address and #channel name app.yaml uses (bot/slack_names.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import SlackName


def known(session: Session, kind: str, names: Iterable[str]) -> dict[str, SlackName]:
    """The stored resolutions of ``names`` by name."""
    rows = session.scalars(select(SlackName).where(SlackName.kind == kind, SlackName.name.in_(list(names))))
    return {row.name: row for row in rows}


def remember(session: Session, kind: str, resolved: dict[str, str], at: datetime) -> None:
    """Stores each name's ID as resolved ``at``; the serve and scheduler processes may both be resolving."""
    if not resolved:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SlackName).values(
        [{"kind": kind, "name": name, "slack_id": slack_id, "resolved_at": at} for name, slack_id in resolved.items()]
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[SlackName.kind, SlackName.name],
            set_={"slack_id": insert.excluded.slack_id, "resolved_at": insert.excluded.resolved_at},
        )
    )


def addresses_by_id(session: Session) -> dict[str, str]:
    """The address each user ID was last resolved from: who an ID in app.yaml is, by the address they had."""
    rows = session.execute(select(SlackName.slack_id, SlackName.name).where(SlackName.kind == "email"))
    return dict(rows.tuples().all())
