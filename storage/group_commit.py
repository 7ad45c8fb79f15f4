"""Group commit: small independent writes from many threads, committed together.

SQLite commits one transaction at a time, each waiting for the disk; under a burst (fifty people opening
/sns-report at once) a write per request queues the listeners behind each other's fsync. Here the first
writer to arrive leads: it commits every write queued by then in one transaction, wakes their writers,
and hands the lead to the first write queued meanwhile. Each write is still committed before ``write``
returns; a write that fails is retried alone, so it fails no other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.db import SessionFactory

T = TypeVar("T")
Change = Callable[[Session], Any]


@dataclass(eq=False)
class _Write:
    change: Change
    woken: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    done: bool = False
    result: Any = None  # what ``change`` returned in the transaction that committed
    error: Exception | None = None


class GroupCommit:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._queue: list[_Write] = []
        self._leading = False

    def write(self, change: Callable[[Session], T]) -> T:
        """Runs ``change`` in a transaction shared with the writes queued meanwhile; once committed, returns
        what it returned (a change may run twice, when another of its round failed: its last run counts)."""
        mine = _Write(change)
        with self._lock:
            self._queue.append(mine)
            mine.lead, self._leading = not self._leading, True
        while not mine.done:
            if mine.lead:
                self._round()
            else:
                mine.woken.wait()
                mine.woken.clear()
        if mine.error is not None:
            raise mine.error
        return mine.result  # type: ignore[no-any-return]

    def _round(self) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self._commit(batch)
        except BaseException:  # interrupted: none of them may pass for committed
            for write in batch:
                write.error = write.error or RuntimeError("the group commit was interrupted")
            raise
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                if successor is not None:
                    successor.lead = True
                self._leading = successor is not None
            for write in batch:
                write.done = True
                write.woken.set()
            if successor is not None:
                successor.woken.set()

    def _commit(self, batch: list[_Write]) -> None:
        try:
            with self._sessions.begin() as session:
                for write in batch:
                    write.result = write.change(session)
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
                return
            for write in batch:  # one of them failed: each alone, so only that one fails
                try:
                    with self._sessions.begin() as session:
                        write.result = write.change(session)
                except Exception as alone:
                    write.error = alone
