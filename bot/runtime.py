"""The long-lived objects a serve process shares with its listeners and jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, cast

from sqlalchemy import Engine

from bot.clock import Clock
from bot.environment import Environment
from bot.live_config import LiveConfig
from bot.metrics import Metrics
from storage.db import SessionFactory
from storage.group_commit import GroupCommit

T = TypeVar("T")


class Parts:
    """What features add to the runtime at wiring time (the report feature's case numbers), one object per
    type: the kernel holds them without knowing them, a feature finds its own by its type."""

    def __init__(self, *parts: object) -> None:
        self._by_type = {type(part): part for part in parts}

    def __getitem__(self, kind: type[T]) -> T:
        return cast(T, self._by_type[kind])


@dataclass(frozen=True)
class Runtime:
    env: Environment
    config: LiveConfig
    engine: Engine
    sessions: SessionFactory
    # For reads on a hot path (a modal's provenance, drawing a message): on SQLite, not queued behind writers.
    reading: SessionFactory
    clock: Clock
    # For small writes many requests make at once (the record of each modal opened).
    group_commit: GroupCommit
    # A process's own counters (and gauges read from the database at scrape time): served at /metrics.
    metrics: Metrics = field(default_factory=Metrics)
    parts: Parts = field(default_factory=Parts)
