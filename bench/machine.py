"""What else the machine was doing: CPU use of the whole machine, of the server under test and of the bench
process, per part of the run (from /proc), so a figure taken while something else ran can be told apart."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Load:
    part: str
    seconds: float
    machine: float  # busy share of all cores, 0–1
    server: float  # the server process's CPU, in cores
    bench: float  # this process's CPU (load generator, fake Slack API), in cores
    loadavg: float  # the 1-minute load average at the end


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of all cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # user … steal; guest time is already counted in user
    return total - idle, total


def process_cpu(pid: int | str = "self") -> float:
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def watched(part: str, server_cpu: Callable[[], float], loads: list[Load]) -> Iterator[None]:
    busy0, total0 = _machine()
    server0, bench0, started = server_cpu(), process_cpu(), time.monotonic()
    try:
        yield
    finally:
        busy1, total1 = _machine()
        seconds = time.monotonic() - started
        server = server_cpu() - server0
        loads.append(
            Load(
                part,
                seconds,
                (busy1 - busy0) / max(1, total1 - total0),
                server / seconds,
                (process_cpu() - bench0) / seconds,
                os.getloadavg()[0],
            )
        )
