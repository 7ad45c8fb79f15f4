"""Data functions for cases. They never commit: the caller's transaction decides."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Engine, bindparam, create_engine, delete, event, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.util import identity_key

from storage.models import Case, CaseCopy, CaseCounter, CaseReporter, CaseStatus, CaseUrl, OpenCaseUrl

_LOADED = "sns_bot.cases_loaded"
# A case and what its copies show, loaded with it.
_WHOLE = (
    # Each copy's message with it: a change queues an update of every live copy, which would otherwise load
    # them one round trip each, under the case's lock.
    selectinload(Case.copies).joinedload(CaseCopy.message),
    selectinload(Case.urls),
    selectinload(Case.reports),
    selectinload(Case.checklist),
)


def url_hash(normalized_url: str) -> str:
    """A fixed-size key for a normalised URL (URLs can outgrow an index entry)."""
    return hashlib.sha256(normalized_url.encode()).hexdigest()


class CaseNumbers:
    """Hands out case numbers per year (SNS-2026-0001, -0002…); concurrent reports never share one.

    On PostgreSQL the counter is taken in a statement of its own (autocommit), so its row lock is held for
    one statement rather than through a whole report (every new case would wait for every earlier one to
    commit), on one connection of its own, so waiting for it never holds up the pool. A number is skipped
    only when a report's transaction fails after taking it; races between reports of the same post are
    settled before (lock_urls). On SQLite, whose one writer serialises reports anyway, the counter is
    taken in the report's own transaction: no gaps at all."""

    def __init__(self, engine: Engine) -> None:
        self._own: Engine | None = None
        if engine.dialect.name == "postgresql":
            own = create_engine(
                engine.url, pool_size=1, max_overflow=0, pool_pre_ping=True, isolation_level="AUTOCOMMIT"
            )
            event.listen(own, "connect", _no_disk_wait)
            event.listen(engine, "engine_disposed", lambda _engine: own.dispose())
            self._own = own

    def take(self, session: Session, year: int) -> int:
        if self._own is None:
            return session.execute(_SQLITE_COUNT, {"year": year}).scalar_one()
        with self._own.connect() as connection:
            return connection.execute(_POSTGRESQL_COUNT, {"year": year}).scalar_one()


def _no_disk_wait(dbapi_connection: Any, _record: Any) -> None:
    # The counter's commits do not wait for the disk: the report that uses the number commits after this,
    # and PostgreSQL's log is written in order, so that durable commit makes this one durable too; a report
    # that never commits leaves a gap, as it would anyway. One fsync per report instead of two.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    dbapi_connection.commit()  # a session setting, kept; committed in case autocommit is not on yet


def _count(insert: Any) -> Any:
    counter = CaseCounter.__table__.c
    return (
        insert(CaseCounter.__table__)
        .values(year=bindparam("year"), last=1)
        .on_conflict_do_update(index_elements=[counter.year], set_={"last": counter.last + 1})
        .returning(counter.last)
    )


# A report's statements, built once, on the tables: a statement built per call costs more CPU than running it,
# and an ORM statement more still.
_SQLITE_COUNT = _count(sqlite.insert)
_POSTGRESQL_COUNT = _count(postgresql.insert)
_LOCK_URL = select(func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger)))
_OPEN_URLS = OpenCaseUrl.__table__.c
_OPEN_CASE = select(_OPEN_URLS.case_id).where(_OPEN_URLS.url_hash.in_(bindparam("hashes", expanding=True))).limit(1)
_INSERT_CASE = insert(Case.__table__).returning(Case.__table__.c.id)
_INSERT_REPORT = insert(CaseReporter.__table__)
_INSERT_URLS = insert(CaseUrl.__table__)
_CLAIM_URLS = insert(OpenCaseUrl.__table__)
_INSERT_COPIES = insert(CaseCopy.__table__)  # the table: one executemany, None values and all


def lock_urls(session: Session, hashes: Iterable[str]) -> None:
    """PostgreSQL: waits until no other transaction is reporting one of these posts, so the first report
    opens the case and the others find it (taken in key order: reports sharing posts never deadlock).
    On SQLite one writer at a time settles it already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({int(h[:15], 16) for h in hashes}):  # 60 bits: a bigint key
        session.execute(_LOCK_URL, {"key": key})


def open_case_id(session: Session, hashes: Iterable[str]) -> int | None:
    """The id of the open case already tracking one of these URLs, if any."""
    return session.scalar(_OPEN_CASE, {"hashes": list(hashes)})


def insert_case(
    session: Session, case: dict[str, Any], report: dict[str, Any], urls: Sequence[str], hashes: Sequence[str]
) -> int:
    """Writes a new case (Case's columns), its first report (CaseReporter's), its URLs and its claims on them,
    one INSERT a table with no ORM object (nothing reads them back in the report's transaction); its id.
    A URL another open case tracks raises IntegrityError."""
    case_id: int = session.execute(_INSERT_CASE, case).scalar_one()
    session.execute(_INSERT_REPORT, report | {"case_id": case_id})
    session.execute(_INSERT_URLS, [{"case_id": case_id, "url": url} for url in urls])
    claim_urls(session, case_id, hashes)
    return case_id


def claim_urls(session: Session, case_id: int, hashes: Iterable[str]) -> None:
    """Marks URLs as tracked by case ``case_id``. A URL another open case tracks raises IntegrityError."""
    session.execute(_CLAIM_URLS, [{"url_hash": h, "case_id": case_id} for h in hashes])


def untracked(session: Session, hashes: Iterable[str]) -> list[str]:
    hashes = list(hashes)
    taken = set(session.scalars(select(OpenCaseUrl.url_hash).where(OpenCaseUrl.url_hash.in_(hashes))))
    return [h for h in hashes if h not in taken]


def release_urls(session: Session, case_id: int) -> None:
    """A resolved case stops collecting reports: a new report of its URL opens a new case."""
    session.execute(delete(OpenCaseUrl).where(OpenCaseUrl.case_id == case_id))


def loaded(session: Session, case_id: int) -> Case | None:
    """The case with everything its messages show; from the session's identity map when it holds it, so the
    messages of one case drawn in one session load it once (the map holds objects weakly: the session keeps
    the cases it loaded here)."""
    case = session.get(Case, case_id, options=_WHOLE)
    if case is not None:
        session.info.setdefault(_LOADED, []).append(case)
    return case


def get(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    statement = select(Case).where(Case.id == case_id).options(*_WHOLE)
    if for_update:
        # Locked, and read afresh: what this transaction decides must rest on the latest values.
        statement = statement.with_for_update(of=Case).execution_options(populate_existing=True)
    return session.scalars(statement).first()


def visible_to(session: Session, user_id: str, *, everything: bool, limit: int = 30) -> list[Case]:
    """Cases a user may see in a list: all open ones for the governance offices, otherwise the ones
    they reported or hold a live copy of (private matters reach as few people as possible: a head who
    handed a case over at 人事異動 no longer follows it)."""
    statement = select(Case).order_by(Case.id.desc()).limit(limit)
    if everything:
        return list(session.scalars(statement.where(Case.status != CaseStatus.RESOLVED)))
    reported = select(CaseReporter.case_id).where(CaseReporter.user_id == user_id)
    received = select(CaseCopy.case_id).where(CaseCopy.target == user_id, CaseCopy.handed_to.is_(None))
    return list(session.scalars(statement.where(or_(Case.id.in_(reported), Case.id.in_(received)))))


def due_escalations(session: Session, now: datetime) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.escalation_level == 0,
                Case.escalate_at <= now,
                Case.acknowledged_at.is_(None),
                Case.status != CaseStatus.RESOLVED,
            )
            .order_by(Case.id)
        )
    )


def add_copies(session: Session, copies: list[dict[str, Any]]) -> None:
    """Adds copies (CaseCopy's columns) in one INSERT; a case whose copies were loaded reads them afresh."""
    session.execute(_INSERT_COPIES, copies)
    for case_id in {c["case_id"] for c in copies}:
        # The session's own object only: a case it does not hold has no copies loaded (and was maybe never
        # loaded at all: a new case is written without one).
        if (case := session.identity_map.get(identity_key(Case, case_id))) is not None:
            session.expire(case, ["copies"])


def copy_sent_as(session: Session, outbox_id: int) -> CaseCopy | None:
    """The copy posted as outbox message ``outbox_id``."""
    return session.scalars(select(CaseCopy).where(CaseCopy.outbox_id == outbox_id)).first()


def open_reported_by(session: Session, user_id: str, limit: int = 10) -> list[Case]:
    """The open cases a user reported (or joined as a duplicate reporter)."""
    reported = select(CaseReporter.case_id).where(CaseReporter.user_id == user_id)
    return list(
        session.scalars(
            select(Case)
            .where(Case.id.in_(reported), Case.status != CaseStatus.RESOLVED)
            .order_by(Case.id.desc())
            .limit(limit)
        )
    )


def open_cases(session: Session) -> list[Case]:
    """Every case not resolved, acknowledged or not, with its copies."""
    return list(
        session.scalars(
            select(Case).where(Case.status != CaseStatus.RESOLVED).options(selectinload(Case.copies)).order_by(Case.id)
        )
    )


def open_by_kind(session: Session) -> dict[str, int]:
    """Cases not yet resolved (open or in progress), per kind: how many, never which."""
    rows = session.execute(
        select(Case.kind, func.count()).where(Case.status != CaseStatus.RESOLVED).group_by(Case.kind)
    )
    return {kind: count for kind, count in rows}
