"""The long-lived objects a serve process shares with its listeners and jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.clock import Clock
from bot.environment import Environment
from bot.live_config import LiveConfig
from bot.metrics import Metrics
from storage.cases import CaseNumbers
from storage.db import SessionFactory
from storage.group_commit import GroupCommit


@dataclass(frozen=True)
class Runtime:
    env: Environment
    config: LiveConfig
    engine: Engine
    sessions: SessionFactory
    # For reads on a hot path (a modal's provenance, drawing a message): on SQLite, not queued behind writers.
    reading: SessionFactory
    clock: Clock
    case_numbers: CaseNumbers
    # For small writes many requests make at once (the record of each modal opened).
    group_commit: GroupCommit
    # A process's own counters (and gauges read from the database at scrape time): served at /metrics.
    metrics: Metrics = field(default_factory=Metrics)
