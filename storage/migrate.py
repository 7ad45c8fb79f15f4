"""Alembic, driven from code: ``sns-bot db upgrade`` and serve's own upgrade of SQLite."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_alembic_config(engine), revision)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_runtime_role(engine: Engine, role: str) -> None:
    """PostgreSQL: creates (or brings up to date) the role ``serve`` connects as. It reads and writes the
    bot's tables but only reads and appends to the audit log, and owns nothing, so it can neither TRUNCATE
    the log nor ALTER it (DISABLE TRIGGER). Run as the owner after every upgrade: it covers new tables.
    The role logs in without a password until the administrator gives it one."""
    if engine.dialect.name != "postgresql":
        raise ValueError("only PostgreSQL has roles: on SQLite whoever can write the file is an administrator")
    if not ROLE_NAME.match(role):
        raise ValueError(f"{role!r} is not a plain role name (lower-case letters, digits, _)")
    with engine.begin() as connection:
        if connection.scalar(text("SELECT current_user")) == role:
            raise ValueError(f"{role} owns the tables: the runtime role must be another one")
        if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}) is None:
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        schema = connection.dialect.identifier_preparer.quote(connection.scalar(text("SELECT current_schema()")))
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"REVOKE UPDATE, DELETE ON audit_log FROM {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        ):
            connection.execute(text(statement))
