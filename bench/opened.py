"""The report modals the bench submits, recorded as opened by the bot for their users (as the bot records
views.open's answer, handlers/common/modals.py): the bot acts only on a modal it opened, and the bench
measures submissions it accepts. Recorded when the request is made, before it is timed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from storage import views


class OpenedViews:
    """Records views in the bot's database; with no database (the bare floor, which checks nothing) it
    records nothing."""

    def __init__(self, database_url: str | None = None) -> None:
        self._engine = create_engine(database_url) if database_url else None

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self._engine is not None:
            view, token = payload["view"], f"bench-{payload['view']['id']}"
            with Session(self._engine) as session, session.begin():
                now = datetime.now(UTC)  # the bench runs the bot on the real clock
                user = payload["user"]["id"]
                views.expect(
                    session, external_id=token, user_id=user, purpose=view["callback_id"], subject=None, now=now
                )
                views.opened(session, external_id=token, view_id=view["id"])
        return payload

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
