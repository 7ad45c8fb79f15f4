"""Alembic environment: the engine comes from storage.migrate, never from an ini file."""

from alembic import context

from storage import models  # noqa: F401 - registers the tables on Base.metadata
from storage.base import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
