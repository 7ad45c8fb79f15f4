"""bench/RESULTS.md: every figure of one run, each target with its verdict, and next to a missed target the
cause found by profiling and the next step (bench/findings.py)."""

from __future__ import annotations

from pathlib import Path

from bench.findings import BEFORE_AND_AFTER
from bench.processes import ARRANGEMENTS
from bench.report_ack import ack_section, routing_section
from bench.report_format import causes, span, table, verdict
from bench.report_load import bursts_section, lint_section, sweeps_section
from bench.results import Check, Results, Section

RSS_TARGET_MB = 150
STARTUP_TARGET = 2.0


def write(results: Results, path: Path) -> None:
    sections: list[Section] = []
    if results.ack:
        sections.append(ack_section(results))
    if results.routing:
        sections.append(routing_section(results))
    if results.bursts:
        sections.append(bursts_section(results))
    if results.sweeps:
        sections.append(sweeps_section(results))
    if results.lint:
        sections.append((lint_section(results.lint), []))
    if results.startups or results.bursts:
        sections.append(_process(results))
    checks = [c for _, section_checks in sections for c in section_checks]
    parts = [_header(results), _summary(checks), _fixes()]
    parts += [text + causes(section_checks) for text, section_checks in sections]
    if results.loads:
        parts.append(_loads(results))
    if results.profiles:
        parts.append("## Profiles written\n\n" + "\n".join(f"- `{p}`" for p in results.profiles) + "\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def _fixes() -> str:
    header = ["Target", "First run, before the fixes", "What changed"]
    return "## Fixes since the first run\n\n" + table(header, [list(row) for row in BEFORE_AND_AFTER])


def _header(r: Results) -> str:
    rows = [
        ["Date", r.started.strftime("%Y-%m-%d %H:%M %Z")],
        ["Command", f"`{r.command}`" + (" (quick: fewer requests)" if r.quick else "")],
        ["Cores (`os.cpu_count()`)", str(r.cores)],
        ["Databases", ", ".join(r.databases)],
        ["How the bot ran", "; ".join(f"{d}: {ARRANGEMENTS[d]}" for d in r.databases)],
        ["Parts run", ", ".join(r.sections)],
        ["Fake Slack API latency", f"{r.api_latency * 1000:.0f} ms per Web API call"],
        ["Python", r.python],
        ["Run time", f"{r.seconds:.0f} s"],
        ["Load average at the start", f"{r.loadavg_start:.2f} (1 minute; see the last table for each part)"],
    ]
    if r.profiles:
        rows.append(["Profiled", "yes (`--profile`): py-spy and pyinstrument slow the figures down"])
    return (
        "# sns-bot benchmark results\n\n"
        "Written by `make bench` (`python -m bench`; `--quick` for a short run, `--databases sqlite,postgresql`, "
        "`--only ack,routing,burst,sweep,lint`, `--profile DIR` to profile with py-spy and pyinstrument). "
        "Every run overwrites this file. Latencies in milliseconds, percentiles nearest-rank. The bot is the real "
        '`sns-bot` processes (see "How the bot ran" below), started for each part on a fresh database, against the '
        "loopback fake Slack API run in the bench process; requests are signed as Slack signs them, one connection "
        "per request. Whatever else runs on the machine meanwhile shows in the figures.\n\n" + table(["", ""], rows)
    )


def _summary(checks: list[Check]) -> str:
    rows = [[c.section, c.what, c.figure, c.target, verdict(c.met)] for c in checks]
    missed = sum(1 for c in checks if not c.met)
    overall = "every target met" if not missed else f"{missed} of {len(checks)} missed: see the cause under each part"
    return f"## Targets ({overall})\n\n" + table(["§", "Target", "Measured", "Target", "Verdict"], rows)


def _process(results: Results) -> Section:
    rows = []
    checks: list[Check] = []
    for database in results.databases:
        starts = [s for s in results.startups if s.database == database]
        rss = [b.peak_rss_mb for b in results.bursts if b.server == database]
        stops = [s for s in results.stops if s.database == database]
        if not starts and not rss:
            continue
        killed = [s.part for s in stops if s.killed]
        stopped = span([s.seconds for s in stops if not s.killed])
        rows.append(
            [
                database,
                span([s.seconds for s in starts if s.label == "fresh database"]),
                span([s.seconds for s in starts if s.label == "restart"]),
                f"{max(rss):.0f} MB" if rss else "–",
                stopped + (f"; **killed** in {', '.join(killed)}" if killed else ""),
            ]
        )
        if starts:
            worst = max(s.seconds for s in starts)
            checks.append(
                Check(
                    "6",
                    "startup",
                    f"start-up to a 200 from /healthz, {database}",
                    f"{worst:.2f} s (slowest of {len(starts)})",
                    "< 2 s",
                    worst < STARTUP_TARGET,
                )
            )
        if rss:
            checks.append(
                Check(
                    "6",
                    "rss",
                    f"peak RSS in the burst, {database}",
                    f"{max(rss):.0f} MB",
                    f"< {RSS_TARGET_MB} MB",
                    max(rss) < RSS_TARGET_MB,
                )
            )
    text = (
        "## 6. The serve process: start-up and memory\n\n"
        "Start-up: from starting `python -m bot serve` to the first 200 from `/healthz` — on a fresh database "
        "for every part of the run (SQLite migrates itself then; PostgreSQL was upgraded before with `sns-bot db "
        "upgrade`), and a restart on the database a burst left. Peak RSS: VmHWM at the end of each burst of the "
        "serve process, or of the scheduler process delivering beside it when that is larger. Stop: SIGTERM to "
        "exit, of each process (a process still running after 20 s is killed, its stacks dumped "
        "into its log with py-spy).\n\n"
        + table(
            ["Database", "Start-up, fresh database", "Start-up, restart", "Peak RSS (VmHWM)", "SIGTERM → exit"],
            rows,
        )
    )
    return text, checks


def _loads(results: Results) -> str:
    cores = results.cores or 1
    rows = []
    for load in results.loads:
        others = max(0.0, load.machine * cores - load.server - load.bench)
        rows.append(
            [
                load.part,
                f"{load.seconds:.0f} s",
                f"{100 * load.machine:.0f} %",
                f"{load.server:.2f}" if load.server else "–",
                f"{load.bench:.2f}",
                f"{others:.2f}",
                f"{load.loadavg:.2f}",
            ]
        )
    return (
        "## Machine load during each part\n\n"
        f"CPU in cores (the machine has {cores}). Server: every process of the server under test (the bot's "
        "serve process, and on PostgreSQL its scheduler process delivering). Others: everything but the server and "
        "the bench process — PostgreSQL's backends serving the bot, and whatever else ran on the machine at the "
        "time.\n\n"
        + table(["Part", "Took", "Machine busy", "Server", "Bench process", "Others", "Load average (end)"], rows)
    )
