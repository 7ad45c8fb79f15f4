"""The reminder sweep over a large register: 10,000 accounts, 1,000 of them due, swept in-process with
`handlers.account.jobs.sweep` as the scheduler calls it, on a weekday at 10:00 JST; the queries of one
sweep captured and EXPLAINed."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, insert, text, update

from bench.directory import DEPARTMENTS, Staff
from bench.processes import Database
from bot.clock import FixedClock
from bot.environment import Environment
from bot.runtime import Runtime
from bot.service import open_runtime
from handlers.account import jobs
from storage.models import Account

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday, not a holiday
ROTATION_DAYS = 90  # app.yaml's reminders.password_rotation_days
SEED = 4242


@dataclass(frozen=True)
class Query:
    statement: str
    executions: int
    plan: list[str]


@dataclass
class SweepRun:
    database: str
    accounts: int
    due: int
    idle: list[float] = field(default_factory=list)  # seconds per sweep with nothing due
    due_sweep: float = 0.0  # the sweep that sends every due reminder
    sent: int = 0  # reminders it sent
    repeat: float = 0.0  # the next sweep, everything already sent
    queries: list[Query] = field(default_factory=list)
    setup_seconds: float = 0.0


def run(
    database: Database,
    config: Path,
    staff: list[Staff],
    *,
    accounts: int,
    due: int,
    idle_repeats: int,
    profile: Callable[[str, Callable[[], Any]], Any] | None = None,
) -> SweepRun:
    result = SweepRun(database.kind, accounts, due)
    env = Environment(database_url=database.url, config_path=config)
    runtime = open_runtime(env, FixedClock(NOW))
    try:
        started = time.perf_counter()
        _register(runtime.engine, staff, accounts)
        result.setup_seconds = time.perf_counter() - started
        jobs.sweep(runtime)  # warm: imports, the directory, connections; nothing is due yet
        for _ in range(idle_repeats):
            result.idle.append(_timed(lambda: jobs.sweep(runtime)))
        if profile is not None:
            profile(f"sweep-idle-{database.kind}", lambda: jobs.sweep(runtime))
        _make_due(runtime.engine, accounts, due)
        with _Captured(runtime.engine) as statements:
            started = time.perf_counter()
            if profile is not None:  # it can run only once: profiled, it is measured slower
                result.sent = profile(f"sweep-due-{database.kind}", lambda: jobs.sweep(runtime))
            else:
                result.sent = jobs.sweep(runtime)
            result.due_sweep = time.perf_counter() - started
        result.repeat = _timed(lambda: jobs.sweep(runtime))
        result.queries = _explain(runtime, statements)
    finally:
        runtime.engine.dispose()
    return result


def _timed(func: Callable[[], Any]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def _register(engine: Engine, staff: list[Staff], count: int) -> None:
    """``count`` active accounts, none due today: passwords changed 0–80 days ago, reviews 0–170 days ago."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not secrets
    today = NOW.date()
    names = dict(DEPARTMENTS)
    rows = []
    for n in range(count):
        owner = staff[n % len(staff)]
        reviewed = today - timedelta(days=rng.randint(0, 170))
        rows.append(
            {
                "platform": rng.choice(("x", "facebook", "instagram", "line", "youtube")),
                "name": f"{names[owner.department]} 公式 {n:05d}",
                "url": f"https://x.com/soja_bench_{n:05d}",
                # Published, as 4(4)③ asks: an account without one is due for the policy reminder, not idle.
                "public_policy_url": f"https://www.city.soja.example.jp/sns/policy/{n:05d}",
                "department_id": owner.department,
                "department_name": names[owner.department],
                "managers": [owner.user_id, staff[(n + 7) % len(staff)].user_id][: 1 + n % 2],
                "state": "active",
                "send_only": False,
                "links_to_site": True,
                "linked_from_site": True,
                "password_changed_on": today - timedelta(days=rng.randint(0, ROTATION_DAYS - 10)),
                "review_interval_days": 180,
                "last_review_on": reviewed,
                "review_due_on": reviewed + timedelta(days=180),  # a Core insert skips the ORM hook
                "registered_at": NOW - timedelta(days=400),
                "registered_by": "U0PUBINFO1",
                "announced_in_account": True,
                "announced_on_site": True,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Account), rows)
    _analyze(engine)


def _make_due(engine: Engine, accounts: int, due: int) -> None:
    """Every (accounts/due)-th account's password falls due today."""
    step = accounts // due
    today: date = NOW.date()
    with engine.begin() as connection:
        connection.execute(
            update(Account)
            .where(Account.id % step == 0)
            .values(password_changed_on=today - timedelta(days=ROTATION_DAYS))
        )
    _analyze(engine)


def _analyze(engine: Engine) -> None:
    # Fresh statistics, as autovacuum (or SQLite's optimize) would have them in a running system.
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


class _Captured:
    """The statements run on ``engine`` meanwhile: (statement, first parameters, executions)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: dict[str, list[Any]] = {}

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        # executemany passes a list of parameter sets; SQLAlchemy's batched INSERT one flattened set.
        batch = many and isinstance(parameters, list | tuple) and parameters and isinstance(parameters[0], dict | tuple)
        entry = self.seen.setdefault(statement, [parameters[0] if batch else parameters, 0])
        entry[1] += len(parameters) if batch else 1

    def __enter__(self) -> dict[str, list[Any]]:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def _explain(runtime: Runtime, statements: dict[str, list[Any]]) -> list[Query]:
    sqlite = runtime.engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    queries = []
    raw = runtime.engine.raw_connection()
    try:
        for statement, (parameters, executions) in statements.items():
            if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", statement, re.IGNORECASE):
                continue
            cursor = raw.cursor()
            try:
                cursor.execute(prefix + statement, parameters)
                rows = cursor.fetchall()
            except Exception as error:  # a plan we cannot get is reported, not fatal
                rows = [(f"(no plan: {type(error).__name__}: {error})",)]
            finally:
                cursor.close()
            raw.rollback()
            plan = [str(row[-1]) for row in rows]
            queries.append(Query(" ".join(statement.split()), executions, plan))
    finally:
        raw.close()
    return queries
