"""Persistence: SQLAlchemy models, engine and sessions, data functions, Alembic migrations.

Data functions take a ``session`` and never commit: the caller owns the transaction
(one ``with sessions.begin()`` per Slack interaction or job run).
"""
