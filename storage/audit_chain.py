"""The audit log's hash chain: every entry holds the previous entry's hash and its own, so a rewritten,
reordered or deleted entry shows when the chain is recomputed (``sns-bot audit verify``).

Entries are chained when their transaction commits, not when they are recorded: ``record`` only adds an
entry to the session; flushes keep it back; at the commit the chain's lock is taken (PostgreSQL: a
transaction-level advisory lock; SQLite already lets one writer in at a time), the head is read and the new
entries follow it in the order they were recorded. The lock is held from there to the end of the commit,
not through the transaction, so a report's ack does not wait for every other audited transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session, SessionTransaction

from storage.models import AuditEntry

GENESIS = "0" * 64  # the previous hash of the first entry
# pg_advisory_xact_lock's two-key form: a key space of its own, apart from the one-key URL locks.
_LOCK_KEYS = (0x534E53, 1)  # "SNS", the audit chain
# session.info keys: [(the transaction an entry was flushed in, the entry)]; the commit under way; the last
# entry chained by it (its lock is held).
_HELD_BACK = "sns_bot_audit_held_back"
_COMMITTING = "sns_bot_audit_committing"
_CHAINED_TO = "sns_bot_audit_chained_to"
_BATCH = 1000

# What the hash covers: every column but the hash itself.
CONTENT = (
    "id",
    "seq",
    "prev_hash",
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
)
# Added later: covered only when set, so the entries written before it keep their hashes.
OPTIONAL_CONTENT = ("actor_email",)


def digest(values: Mapping[str, Any]) -> str:
    """SHA-256 of an entry's canonical JSON (sorted keys, no spaces, ASCII, times as UTC ISO 8601),
    which includes the previous entry's hash."""
    content = {key: values[key] for key in CONTENT}
    content |= {key: values[key] for key in OPTIONAL_CONTENT if values.get(key) is not None}
    content["occurred_at"] = _utc(content["occurred_at"])
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware one (the injected clock gives UTC)")
    return moment.astimezone(UTC).isoformat()


def _values(entry: AuditEntry) -> dict[str, Any]:
    values = {key: getattr(entry, key) for key in (*CONTENT, *OPTIONAL_CONTENT)}
    # As the database gives it back: JSON round-tripped (tuples become lists, enums strings).
    for key in ("before", "after"):
        values[key] = json.loads(json.dumps(values[key]))
    return values


@dataclass(frozen=True)
class Head:
    id: int
    seq: int
    hash: str


# Built once, on the table: every audited commit runs them, and building one costs more CPU than running it.
_ENTRIES = AuditEntry.__table__.c
_HEAD = select(_ENTRIES.id, _ENTRIES.seq, _ENTRIES.hash).order_by(_ENTRIES.seq.desc()).limit(1)
_LOCK = select(func.pg_advisory_xact_lock(*_LOCK_KEYS))
_INSERT = insert(AuditEntry.__table__)
_COLUMNS = (*CONTENT, *OPTIONAL_CONTENT, "hash")


def head(session: Session) -> Head | None:
    """The last committed entry of the chain (with the caller's own already-chained ones)."""
    row = session.execute(_HEAD).first()
    return Head(*row) if row else None


# -- chaining at the commit -------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _hold_back(session: Session, _context: Any, _instances: Any) -> None:
    """New entries wait for the commit: inserted before it, they could not get their place in the chain.
    Once the commit is under way (the chain's lock taken), entries added by then are chained at once."""
    fresh = _unchained(session)
    if not fresh:
        return
    for entry in fresh:
        session.expunge(entry)
    if session.info.get(_COMMITTING):
        _append(session, fresh)
        return
    tag = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_HELD_BACK, []).extend((tag, entry) for entry in fresh)


def _unchained(session: Session) -> list[AuditEntry]:
    entries = [o for o in session.new if isinstance(o, AuditEntry) and o.hash is None]
    return sorted(entries, key=lambda entry: inspect(entry).insert_order)  # the order they were added in


@event.listens_for(Session, "before_commit")
def _chain(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its entries wait for the real commit
    # Everything else is written first, so every row lock the transaction needs is held before the chain's
    # lock is waited for: a transaction holding the chain's lock never waits for one waiting for it.
    session.flush()
    session.info[_COMMITTING] = True
    if held := [entry for _tag, entry in session.info.pop(_HELD_BACK, [])]:
        _append(session, held)


def _append(session: Session, entries: list[AuditEntry]) -> None:
    """Chains ``entries`` after the head, under the chain's lock (taken the first time, held to the end)."""
    previous = session.info.get(_CHAINED_TO)
    with session.no_autoflush:  # entries added meanwhile are chained by the next flush, after these
        if previous is None:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(_LOCK)
            previous = head(session) or Head(id=0, seq=0, hash=GENESIS)
        for entry in entries:
            entry.id, entry.seq, entry.prev_hash = previous.id + 1, previous.seq + 1, previous.hash
            entry.hash = digest(_values(entry))
            previous = Head(entry.id, entry.seq, entry.hash)
        session.info[_CHAINED_TO] = previous
        # Complete here, the entries are written as rows (they stay outside the session): the ORM's unit of
        # work would cost an audited commit more CPU than the INSERT itself.
        session.execute(_INSERT, [{key: getattr(entry, key) for key in _COLUMNS} for entry in entries])


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, rolled_back: SessionTransaction) -> None:
    """Entries flushed in a transaction (or savepoint) that rolled back were never written."""
    held = session.info.get(_HELD_BACK)
    if held:
        held[:] = [(tag, entry) for tag, entry in held if rolled_back not in _ancestry(tag)]


@event.listens_for(Session, "after_transaction_end")
def _end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (chained already) or closed without a commit
        for key in (_HELD_BACK, _COMMITTING, _CHAINED_TO):
            session.info.pop(key, None)


def _ancestry(transaction: SessionTransaction | None) -> Iterator[SessionTransaction]:
    while transaction is not None:
        yield transaction
        transaction = transaction.parent


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    count: int  # entries that matched
    head: str  # the hash of the last entry that matched (GENESIS when none)
    problem: str | None = None  # the first mismatch, naming the entry

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, anchors: Mapping[int, str] | None = None) -> Verdict:
    """Recomputes the chain in ``seq`` order; stops at the first entry whose content, order or presence
    does not match. ``anchors`` (seq -> hash, e.g. from the monthly summaries) must match too: a chain
    recomputed after a change, or cut short, does not match the hashes kept outside the database."""
    anchors = anchors or {}
    statement = select(AuditEntry).order_by(AuditEntry.seq, AuditEntry.id).execution_options(yield_per=_BATCH)
    count, previous = 0, GENESIS
    for entry in session.scalars(statement):
        problem = _mismatch(entry, count + 1, previous, anchors.get(count + 1, entry.hash))
        if problem:
            return Verdict(count, previous, problem)
        count, previous = count + 1, entry.hash
    if beyond := [seq for seq in anchors if seq > count]:
        return Verdict(count, previous, f"entry {min(beyond)} is missing: the chain ends at entry {count}")
    return Verdict(count, previous)


def _mismatch(entry: AuditEntry, seq: int, previous: str, anchored: str) -> str | None:
    name = f"entry {entry.seq} (id {entry.id})"
    if entry.seq != seq:
        return f"{name}: expected entry {seq} here: an entry is missing or out of order"
    if entry.prev_hash != previous:
        return f"{name}: does not follow entry {seq - 1}: an entry is missing or out of order"
    if digest(_values(entry)) != entry.hash:
        return f"{name}: its content does not match its hash: it was rewritten"
    if entry.hash != anchored:
        return f"{name}: its hash is not {anchored}, kept outside the database: the chain was rewritten up to here"
    return None
