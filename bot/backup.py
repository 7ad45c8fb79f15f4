"""`sns-bot db backup PATH`: a consistent copy of the live database, taken while the bot serves.

SQLite: the online backup API (sqlite3.Connection.backup), page by page under SQLite's own locking.
PostgreSQL: pg_dump in its custom format (one snapshot; pg_restore reads it). README, "Backup and
restore", says how to restore either.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from bot.catalog import bilingual


class BackupError(Exception):
    """The backup was not written; the message says why and what to do."""


def write_backup(engine: Engine, path: Path) -> None:
    if path.exists():
        raise BackupError(bilingual("cli.db.backup_exists", path=path))
    try:
        if engine.dialect.name == "sqlite":
            _sqlite(engine, path)
        else:
            _pg_dump(engine, path)
    except BackupError:
        path.unlink(missing_ok=True)  # never leave half a backup that looks like a whole one
        raise


def _sqlite(engine: Engine, path: Path) -> None:
    source = engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            source.driver_connection.backup(target)
        finally:
            target.close()
    except sqlite3.Error as error:
        raise BackupError(bilingual("cli.db.backup_failed", error=error)) from None
    finally:
        source.close()


def _pg_dump(engine: Engine, path: Path) -> None:
    if (pg_dump := shutil.which("pg_dump")) is None:
        raise BackupError(bilingual("cli.db.no_pg_dump"))
    url = engine.url
    # The password goes by the environment, not the command line that `ps` shows.
    dbname = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    command = [pg_dump, "--format=custom", f"--file={path}", f"--dbname={dbname}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our argv
    if done.returncode != 0:
        problem = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise BackupError(bilingual("cli.db.backup_failed", error=problem[0]))
