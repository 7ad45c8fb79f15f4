"""Once per modal submission: Slack's view id is the key, the database decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import SessionFactory
from storage.models import ProcessedView

Result = dict[str, Any]
# Built once, on the table: a statement built per call costs more CPU than running it, an ORM query more still.
_PROCESSED = ProcessedView.__table__
_FIRST_RESULT = select(_PROCESSED.c.result).where(_PROCESSED.c.view_id == bindparam("view_id"))
_RECORD = insert(_PROCESSED)


def once(
    sessions: SessionFactory, view_id: str, callback_id: str, now: datetime, work: Callable[[Session], Result | None]
) -> Result | None:
    """Runs ``work`` in one transaction, unless this view was submitted before: then the first
    submission's result. ``work`` returning None (a refusal) records nothing, so it may be tried again.
    Two identical submissions at the same instant: the second's insert conflicts, its whole
    transaction rolls back, and it answers with the first's result."""
    try:
        with sessions.begin() as session:
            if (done := _first_result(session, view_id)) is not None:
                return done
            result = work(session)
            if result is not None:
                row = {"view_id": view_id, "callback_id": callback_id, "result": result, "processed_at": now}
                session.execute(_RECORD, row)
            return result
    except IntegrityError:
        with sessions() as session:
            if (done := _first_result(session, view_id)) is None:
                raise
            return done


def _first_result(session: Session, view_id: str) -> Result | None:
    """The recorded result (never None: a refusal records nothing), read without an ORM object."""
    return session.scalar(_FIRST_RESULT, {"view_id": view_id})
