"""The fixtures' emptying of PostgreSQL between tests: every row gone and every id restarted, as a TRUNCATE …
RESTART IDENTITY would leave them, the audit log's protection back in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from storage import outbox
from storage.base import Base
from storage.db import make_engine, make_sessions
from tests.conftest import POSTGRES_URL, empty_tables
from tests.support.audit_log import NOW, chain, four_entries

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL only")


@pytest.fixture
def owner(postgres_schema_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_schema_url)
    yield engine
    engine.dispose()


def queue(engine: Engine) -> int:
    with make_sessions(engine).begin() as session:
        row = outbox.post_message(session, channel="C0PUBLICINFO", message={"text": "報告"}, now=NOW)
        session.flush()
        return row.id


def test_every_row_goes_and_every_id_starts_again(postgres_schema_url: str, owner: Engine) -> None:
    empty_tables(postgres_schema_url)
    sessions = make_sessions(owner)
    four_entries(sessions)
    assert [queue(owner), queue(owner)] == [1, 2]
    with sessions() as session:  # a rolled back id is used up all the same
        outbox.post_message(session, channel="C0GENERAL", message={"text": "x"}, now=NOW)
        session.flush()
        session.rollback()

    empty_tables(postgres_schema_url)

    with owner.connect() as connection:
        counts = {t.name: connection.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    assert set(counts.values()) == {0}, counts
    assert queue(owner) == 1
    assert [entry.id for entry in four_entries(sessions)] == [1, 2, 3, 4]
    empty_tables(postgres_schema_url)


def test_the_audit_log_refuses_a_delete_again_afterwards(postgres_schema_url: str, owner: Engine) -> None:
    four_entries(make_sessions(owner))
    empty_tables(postgres_schema_url)
    four_entries(make_sessions(owner))

    with pytest.raises(DBAPIError, match="append-only"), owner.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
    assert len(chain(make_sessions(owner))) == 4
    empty_tables(postgres_schema_url)
