"""What one benchmark run measured, and the checks of its figures against their targets: the data
bench/report.py writes into bench/RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bench.ack import AckRun
from bench.ack_cpu import AckCpu
from bench.burst import BurstRun
from bench.linter import LintRun
from bench.machine import Load
from bench.routing import RoutingRun
from bench.sweep import SweepRun


@dataclass(frozen=True)
class Startup:
    database: str
    label: str  # "fresh database" or "restart"
    seconds: float


@dataclass(frozen=True)
class Stop:
    database: str
    part: str
    seconds: float  # SIGTERM → exit
    killed: bool  # not exited within the bench's wait: killed, its stacks dumped into its log


@dataclass
class Results:
    command: str
    started: datetime
    cores: int
    quick: bool
    databases: list[str]
    sections: list[str]
    api_latency: float
    python: str
    channel_burst: int  # app.yaml's delivery pacing: a burst of this many, then one per interval
    channel_interval: float
    loadavg_start: float
    seconds: float = 0.0
    ack: list[AckRun] = field(default_factory=list)
    ack_cpu: list[AckCpu] = field(default_factory=list)
    routing: list[RoutingRun] = field(default_factory=list)
    bursts: list[BurstRun] = field(default_factory=list)
    sweeps: list[SweepRun] = field(default_factory=list)
    lint: LintRun | None = None
    startups: list[Startup] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    section: str
    key: str  # names the finding in bench/findings.py that explains a miss
    what: str
    figure: str
    target: str
    met: bool


Section = tuple[str, list[Check]]
