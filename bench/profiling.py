"""Optional profiles (`--profile DIR`): py-spy on the serve process, pyinstrument in-process.
Neither is a dependency of the bench: without them `--profile` says what to install."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

OWN_CODE = ("bot/", "handlers/", "storage/")
GC_MARK = "BENCH-GC-PAUSE"
# Put on a profiled serve process's PYTHONPATH: logs every garbage collection over 5 ms (py-spy cannot see
# them: the collector runs inside whichever thread allocated, holding the GIL).
GC_HOOK = f"""
import gc, sys, time
_started = [0.0]
def _gc_pause(phase, info):
    if phase == "start":
        _started[0] = time.perf_counter()
    elif (seconds := time.perf_counter() - _started[0]) > 0.005:
        sys.stderr.write(f"{GC_MARK} gen%d %.1f ms\\n" % (info["generation"], seconds * 1000))
gc.callbacks.append(_gc_pause)
"""


def py_spy() -> str | None:
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.exists() else shutil.which("py-spy")


class Profiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.spy = py_spy()
        if self.spy is None:
            raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy pyinstrument")
        try:
            import pyinstrument  # noqa: F401
        except ImportError:
            raise SystemExit("--profile needs pyinstrument: .venv/bin/pip install py-spy pyinstrument") from None
        self.written: list[Path] = []
        self.gc_hook = directory / "gc-hook"
        self.gc_hook.mkdir(exist_ok=True)
        (self.gc_hook / "sitecustomize.py").write_text(GC_HOOK, encoding="utf-8")

    def gc_pauses(self, name: str, log: Path) -> None:
        """The garbage collections of more than 5 ms a profiled serve process logged, summarised."""
        pauses: dict[str, list[float]] = {}
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if GC_MARK in line:
                _, generation, millis, _ = line.split(GC_MARK)[1].split(" ")
                pauses.setdefault(generation, []).append(float(millis))
        lines = [f"garbage collections over 5 ms in {log.name}:"]
        for generation, values in sorted(pauses.items()):
            values.sort()
            lines.append(
                f"  {generation}: {len(values)}, median {values[len(values) // 2]:.0f} ms, "
                f"max {values[-1]:.0f} ms, total {sum(values):.0f} ms"
            )
        path = self.directory / f"{name}-gc.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.written.append(path)

    @contextmanager
    def serve(self, name: str, pid: int) -> Iterator[None]:
        """py-spy samples every thread, idle ones too (wall-clock), while the block runs."""
        raw = self.directory / f"{name}.collapsed"
        assert self.spy is not None
        recorder = subprocess.Popen(  # noqa: S603 - py-spy from the virtualenv
            [
                self.spy,
                "record",
                "--pid",
                str(pid),
                "--rate",
                "50",
                "--idle",
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield
        finally:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            try:
                recorder.wait(30)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()
        if raw.exists():
            summary = self.directory / f"{name}.txt"
            summary.write_text(summarise(raw.read_text()), encoding="utf-8")
            self.written += [raw, summary]

    def call(self, name: str, func: Callable[[], Any]) -> Any:
        """pyinstrument around one call, written as text."""
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            return func()
        finally:
            profiler.stop()
            path = self.directory / f"{name}.txt"
            path.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
            self.written.append(path)


# Where a thread waits rather than computes, by the first matching frame of its stack (root first).
WAITS = (
    ("waiting for a pooled connection", "QueuePool._do_get"),
    ("waiting for SQLite's write lock (in turn)", "begin (storage/db.py"),
    ("CaseNumbers.take: the case counter", "take (storage/cases.py"),
    ("lock_urls: a report of the same post", "lock_urls (storage/cases.py"),
    ("commit", "do_commit"),
    ("a Slack Web API call", "BaseClient._perform_urllib_http_request"),
)
# Leaf frames of threads that wait: on a lock or queue, a socket, or Bolt's ack loop (it sleeps 10 ms a turn).
IDLE_LEAVES = (
    "Condition.wait",
    "_worker (concurrent",
    "sleep",
    "poll",
    "select",
    "readinto",
    "Event.wait",
    "accept",
    "ThreadListenerRunner.run",
    "Connection.wait (psycopg",
)
FOCUS = (
    "submit_report (handlers/report/listeners.py",
    "open_report (handlers/report/listeners.py",
    "OutboxWorker._run (bot/delivery.py",
    "OutboxWorker.deliver (bot/delivery.py",
)


def summarise(collapsed: str, top: int = 20) -> str:
    """From py-spy's collapsed stacks (wall-clock, idle threads included): where the listeners' and the
    delivery worker's time goes, and what the busy threads run."""
    stacks: list[tuple[list[str], int]] = []
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            stacks.append((stack.split(";"), int(count_text)))
    lines = [f"{sum(n for _, n in stacks)} samples (all threads, wall-clock)"]
    for focus in FOCUS:
        inside = [(frames, n) for frames, n in stacks if any(focus in f for f in frames)]
        total = sum(n for _, n in inside)
        if not total:
            continue
        split: Counter[str] = Counter()
        for frames, n in inside:
            split[_wait_of(frames)] += n
        lines += ["", f"{focus.split(' (')[0]}: {total} samples"]
        lines += [f"  {100 * n / total:5.1f}%  {what}" for what, n in split.most_common(8)]
    busy = [(frames, n) for frames, n in stacks if not any(word in frames[-1] for word in IDLE_LEAVES)]
    busy_total = sum(n for _, n in busy) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, n in busy:
        own[frames[-1]] += n
        for frame in set(frames):
            if any(part in frame for part in OWN_CODE):
                inclusive[frame] += n
    lines += ["", f"threads not waiting ({busy_total} samples), leaf frames:"]
    lines += [f"  {100 * n / busy_total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "threads not waiting, the bot's own frames (inclusive):"]
    lines += [f"  {100 * n / busy_total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    return "\n".join(lines) + "\n"


def _wait_of(frames: list[str]) -> str:
    for what, marker in WAITS:
        if any(marker in frame for frame in frames):
            return what
    return "running (or waiting elsewhere): " + frames[-1]
