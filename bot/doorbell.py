"""PostgreSQL's LISTEN/NOTIFY for the outbox: a commit in any process wakes this process's delivery worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine

from storage import outbox

log = logging.getLogger("bot.delivery")  # one logger for the whole delivery, as operators filter it


class PostgresDoorbell:
    """Rings the worker when any process commits outbox rows (PostgreSQL LISTEN/NOTIFY)."""

    def __init__(self, engine: Engine, ring: Callable[[], None]) -> None:
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.ring = ring
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)

    def _run(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as connection:
                    _listen(connection)
                    delay = 1.0
                    self.ring()  # whatever was committed while we were not listening
                    while not self._stopping.is_set():
                        for _ in connection.notifies(timeout=0.1):  # a stop waits for this at most
                            self.ring()
            except psycopg.Error as error:
                log.warning("the outbox's LISTEN was lost (%s); reconnecting in %.0f s", error, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, 60.0)


def _listen(connection: psycopg.Connection[Any]) -> None:
    """LISTEN on the channel of the connection's schema, the one the outbox's writers notify (storage/outbox.py)."""
    (channel,) = connection.execute(f"SELECT {outbox.NOTIFY_CHANNEL}").fetchone() or ("",)
    connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
