"""Group commit: writes of many threads share transactions, each committed before its writer goes on,
and one that fails fails alone. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from storage import views
from storage.db import SessionFactory
from storage.group_commit import Change, GroupCommit
from storage.models import OpenedView
from tests.support.clock import FrozenClock

WRITERS = 40


def expect(clock: FrozenClock, external_id: str) -> Change:
    def change(session: Session) -> None:
        views.expect(session, external_id=external_id, user_id="U0STAFF1", purpose="p", subject=None, now=clock.now())

    return change


def count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OpenedView)) or 0


def test_a_burst_of_writes_shares_commits_and_each_is_committed_when_its_write_returns(
    engine: Engine, sessions: SessionFactory, clock: FrozenClock
) -> None:
    commits = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    group = GroupCommit(sessions)
    start = threading.Barrier(WRITERS)

    def write(n: int) -> bool:
        start.wait()
        group.write(expect(clock, f"view-{n}"))
        with sessions() as session:  # committed: another connection sees it
            return session.get(OpenedView, f"view-{n}") is not None

    with ThreadPoolExecutor(WRITERS) as pool:
        seen = list(pool.map(write, range(WRITERS)))

    assert all(seen)
    assert count(sessions) == WRITERS
    assert len(commits) < WRITERS


def test_a_write_that_fails_fails_alone(sessions: SessionFactory, clock: FrozenClock) -> None:
    group = GroupCommit(sessions)
    group.write(expect(clock, "taken"))
    start = threading.Barrier(10)

    def write(n: int) -> str:
        start.wait()
        try:
            group.write(expect(clock, "taken" if n == 3 else f"view-{n}"))  # a duplicate key: refused
        except Exception as error:
            return type(error).__name__
        return "ok"

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(write, range(10)))

    assert answers == ["ok"] * 3 + ["IntegrityError"] + ["ok"] * 6
    assert count(sessions) == 10


def test_an_error_in_the_change_itself_reaches_its_writer(sessions: SessionFactory) -> None:
    def broken(_session: Session) -> None:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        GroupCommit(sessions).write(broken)


def test_a_write_returns_what_its_change_returned_in_the_committed_transaction(
    sessions: SessionFactory, clock: FrozenClock
) -> None:
    def counted(session: Session) -> int:
        expect(clock, "view-1")(session)
        return session.scalar(select(func.count()).select_from(OpenedView)) or 0

    assert GroupCommit(sessions).write(counted) == 1
