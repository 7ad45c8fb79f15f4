"""bench/RESULTS.md: every figure of one run, each target with its verdict, and next to a missed target the
cause found by profiling and the next step (bench/findings.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.ack import ENDPOINTS, HELP, SLASH, SUBMISSION, AckRun, durable_floor
from bench.ack_cpu import AckCpu
from bench.burst import BurstRun
from bench.directory import OFFICE_CHANNELS
from bench.findings import BEFORE_AND_AFTER, FINDINGS
from bench.linter import LintRun
from bench.machine import Load
from bench.routing import RoutingRun
from bench.stats import ms
from bench.sweep import SweepRun

ACK_P99_TARGET = 0.300
FLOOR_RATIO_TARGET = 1.2
DURABLE_RATIO_TARGET = 2.0  # the submission's p99 against the durable floor's
ROUTING_P95_TARGET = 0.300
SWEEP_TARGET = 1.0
IDLE_SWEEP_TARGET = 0.020
RSS_TARGET_MB = 150
STARTUP_TARGET = 2.0
SLACK_ACK_LIMIT = 3.0  # Slack shows the user an error when an ack takes longer
ACK_CPU_TARGET_MS = 3.0  # CPU per report on the ack path


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


def write(results: Results, path: Path) -> None:
    sections: list[Section] = []
    if results.ack:
        sections.append(_ack(results))
    if results.routing:
        sections.append(_routing(results))
    if results.bursts:
        sections.append(_bursts(results))
    if results.sweeps:
        sections.append(_sweeps(results))
    if results.lint:
        sections.append((_lint(results.lint), []))
    if results.startups or results.bursts:
        sections.append(_process(results))
    checks = [c for _, section_checks in sections for c in section_checks]
    parts = [_header(results), _summary(checks), _fixes()]
    parts += [text + _causes(section_checks) for text, section_checks in sections]
    if results.loads:
        parts.append(_loads(results))
    if results.profiles:
        parts.append("## Profiles written\n\n" + "\n".join(f"- `{p}`" for p in results.profiles) + "\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def _fixes() -> str:
    header = ["Target", "First run, before the fixes", "What changed"]
    return "## Fixes since the first run\n\n" + _table(header, [list(row) for row in BEFORE_AND_AFTER])


# -- building blocks ---------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def _range(values: list[float]) -> str:
    if not values:
        return "–"
    low, high = min(values), max(values)
    return f"{low:.2f} s" if len(values) == 1 else f"{low:.2f}–{high:.2f} s"


def _errors(statuses: dict[int, int]) -> str:
    """{404: 3} as "3 × 404"; 0 is no answer at all."""
    if not statuses:
        return "0"
    return ", ".join(f"{n} × {status or 'no answer'}" for status, n in sorted(statuses.items()))


def _causes(checks: list[Check]) -> str:
    """Below a section's tables: what profiling found behind each target it misses."""
    missed: dict[str, list[Check]] = {}
    for check in checks:
        if not check.met:
            missed.setdefault(check.key, []).append(check)
    text = ""
    for key, items in missed.items():
        figures = "; ".join(f"{c.what}: {c.figure} (target {c.target})" for c in items)
        finding = FINDINGS.get(key, "Not profiled yet: run `python -m bench --profile DIR` and read the profiles.")
        text += f"\n**Missed — {figures}.**\n\n**Cause found, next step.** {finding.strip()}\n"
    return text


# -- the parts --------------------------------------------------------------------------------------


def _header(r: Results) -> str:
    rows = [
        ["Date", r.started.strftime("%Y-%m-%d %H:%M %Z")],
        ["Command", f"`{r.command}`" + (" (quick: fewer requests)" if r.quick else "")],
        ["Cores (`os.cpu_count()`)", str(r.cores)],
        ["Databases", ", ".join(r.databases)],
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
        "`sns-bot serve` process, started for each part on a fresh database, against the loopback fake Slack API "
        "run in the bench process; requests are signed as Slack signs them, one connection per request. Whatever "
        "else runs on the machine meanwhile shows in the figures.\n\n" + _table(["", ""], rows)
    )


def _summary(checks: list[Check]) -> str:
    rows = [[c.section, c.what, c.figure, c.target, _verdict(c.met)] for c in checks]
    missed = sum(1 for c in checks if not c.met)
    verdict = "every target met" if not missed else f"{missed} of {len(checks)} missed: see the cause under each part"
    return f"## Targets ({verdict})\n\n" + _table(["§", "Target", "Measured", "Target", "Verdict"], rows)


def _find(runs: list[AckRun], server: str, endpoint: str, concurrency: int) -> AckRun | None:
    return next((r for r in runs if (r.server, r.endpoint, r.concurrency) == (server, endpoint, concurrency)), None)


def _ack(results: Results) -> Section:
    runs = results.ack
    levels = sorted({r.concurrency for r in runs})
    present = {r.server for r in runs}
    durable = [durable_floor(d) for d in results.databases if durable_floor(d) in present]
    servers = ["floor", *durable, *[d for d in results.databases if d in present]]
    checks: list[Check] = []
    text = (
        "## 1. Ack latency (request sent → HTTP response)\n\n"
        "`/sns-report` acks, then opens the report modal with views.open; `/sns-help` answers with the guideline "
        "in its ack; the report's `view_submission` opens a case (every submission a distinct URL) and commits "
        "the case, its audit entry and its outbox rows before the ack. The floor is a bare Bolt app (request "
        "verification on, a 64-thread listener pool, waitress with the bot's thread settings) that acks "
        "`/sns-report` and opens a one-field modal, acks `/sns-help` empty, and acks the submission. The durable "
        "floor on each database is that app committing one INSERT per submission (the bot's engine settings: "
        "SQLite in WAL mode, PostgreSQL) before it acks, then posting four copies: the least a bot can do and "
        "lose nothing; the submission's target is its ratio to that. Each level is a closed loop of that many "
        "clients after a warm-up; every level of the commands runs before the submissions, whose cases the bot "
        "delivers in the background meanwhile (paced per channel, so a backlog builds up during the submission "
        "levels, as it would in a burst). "
        f"Errors: answers other than 200 (Bolt gives up on a listener that has not acked in {SLACK_ACK_LIMIT:.0f} s, "
        "as Slack does). CPU/request: milliseconds of CPU the server process used per request during the level "
        "(its background work, such as delivering the outbox, included).\n\n"
    )
    for endpoint in ENDPOINTS:
        rows = []
        for server in servers:
            rows += _ack_rows(runs, server, endpoint, levels, endpoint == SUBMISSION and bool(durable))
            if server in results.databases:
                checks += _ack_checks(runs, server, endpoint, levels)
        if not rows:
            continue
        header = ["Server", "Concurrency", "Requests", "p50", "p95", "p99", "max", "p99 / floor p99"]
        header += ["p99 / durable floor p99"] if endpoint == SUBMISSION and durable else []
        text += f"### `{endpoint}`\n\n" + _table([*header, "Errors", "CPU/request"], rows) + "\n"
    opened = [r for r in runs if r.cases is not None]
    if opened:
        counts = ", ".join(f"{r.server} c={r.concurrency}: {r.cases}/{r.latency.count}" for r in opened)
        text += f"Cases opened by the measured submissions (distinct case numbers answered): {counts}.\n"
    if results.ack_cpu:
        cpu_text, cpu_checks = _ack_cpu(results.ack_cpu)
        text += cpu_text
        checks += cpu_checks
    return text, checks


def _ack_cpu(runs: list[AckCpu]) -> Section:
    text = (
        "\n### CPU on a report's ack path\n\n"
        "The report's `view_submission` served in-process through the bot's WSGI endpoint (signature, parsing, "
        "Bolt, the listener, the transaction and its commit), one at a time, with no delivery worker running: the "
        "process's CPU (every thread) per submission, and the median wall-clock of the same calls (the disk's "
        "waits added). Every submission opens a case.\n\n"
    )
    rows = [[r.database, str(r.requests), f"{r.cpu_ms:.2f}", f"{r.wall_ms:.2f}", str(r.cases)] for r in runs]
    text += _table(["Database", "Submissions", "CPU/report (ms)", "Wall-clock p50 (ms)", "Cases opened"], rows)
    checks = [
        Check(
            "1",
            "ack.cpu",
            f"CPU per report on the ack path, {r.database}",
            f"{r.cpu_ms:.2f} ms",
            f"≤ {ACK_CPU_TARGET_MS:.0f} ms",
            r.cpu_ms <= ACK_CPU_TARGET_MS and r.cases == r.requests,
        )
        for r in runs
    ]
    return text, checks


def _ratio(runs: list[AckRun], run: AckRun, floor_server: str) -> float:
    """``run``'s p99 over that of ``floor_server`` at the same endpoint and level (nan: not measured)."""
    floor = _find(runs, floor_server, run.endpoint, run.concurrency)
    return run.latency.p99 / floor.latency.p99 if floor and floor is not run else math.nan


def _times(ratio: float) -> str:
    return "–" if math.isnan(ratio) else f"{ratio:.2f}×"


def _ack_rows(runs: list[AckRun], server: str, endpoint: str, levels: list[int], durable: bool) -> list[list[str]]:
    """A server's rows of an endpoint's table; ``durable``: with the column of the ratio to the durable floor."""
    is_bot = server != "floor" and not server.startswith(durable_floor(""))
    rows = []
    for level in levels:
        run = _find(runs, server, endpoint, level)
        if run is None:
            continue
        row = [
            f"sns-bot, {server}" if is_bot else "floor (bare Bolt)" if server == "floor" else server,
            str(level),
            str(run.latency.count),
            ms(run.latency.p50),
            ms(run.latency.p95),
            ms(run.latency.p99),
            ms(run.latency.max),
            _times(_ratio(runs, run, "floor")),
        ]
        if durable:
            row.append(_times(_ratio(runs, run, durable_floor(server))) if is_bot else "–")
        rows.append([*row, _errors(run.errors), f"{run.cpu_per_request * 1000:.1f}"])
    return rows


def _ack_checks(runs: list[AckRun], server: str, endpoint: str, levels: list[int]) -> list[Check]:
    """For the bot on ``server``: p99 at the highest level, and its ratio to the floor that bounds it (the
    durable floor for the submission when it ran; the bare floor otherwise)."""
    measured = [r for level in levels if (r := _find(runs, server, endpoint, level))]
    if not measured:
        return []
    key = {SLASH: "ack.slash", HELP: "ack.help", SUBMISSION: "ack.submission"}[endpoint]
    top = measured[-1]
    checks = [
        Check(
            "1",
            key,
            f"`{endpoint}` p99 at c={top.concurrency}, {server}",
            f"{ms(top.latency.p99)} ms" + (f", errors {_errors(top.errors)}" if top.errors else ""),
            f"< {ACK_P99_TARGET * 1000:.0f} ms",
            top.latency.p99 < ACK_P99_TARGET and not top.errors,
        )
    ]
    levels_shown = " / ".join(str(r.concurrency) for r in measured)
    if endpoint == SUBMISSION and _find(runs, durable_floor(server), endpoint, top.concurrency):
        ratios = [_ratio(runs, r, durable_floor(server)) for r in measured]
        what, target, met = "durable floor p99", f"≤ {DURABLE_RATIO_TARGET:.0f}× at c={top.concurrency}", ratios[-1]
        checks.append(
            Check(
                "1",
                key,
                f"`{endpoint}` p99 / {what} at c={levels_shown}, {server}",
                " / ".join(map(_times, ratios)),
                target,
                met <= DURABLE_RATIO_TARGET,
            )
        )
        return checks
    ratios = [_ratio(runs, r, "floor") for r in measured]
    if not any(math.isnan(r) for r in ratios):
        checks.append(
            Check(
                "1",
                key,
                f"`{endpoint}` p99 / floor p99 at c={levels_shown}, {server}",
                " / ".join(map(_times, ratios)),
                f"≤ {FLOOR_RATIO_TARGET}× at each",
                all(r <= FLOOR_RATIO_TARGET for r in ratios),
            )
        )
    return checks


def _routing(results: Results) -> Section:
    rows = []
    checks = []
    for run in results.routing:
        parts = " / ".join(f"{ms(run.by_target[k].p50)}–{ms(run.by_target[k].p95)}" for k in ("head", *OFFICE_CHANNELS))
        rows.append(
            [
                f"sns-bot, {run.server}",
                str(run.reports),
                f"{run.interval:.1f} s",
                ms(run.latency.p50),
                ms(run.latency.p95),
                ms(run.latency.max),
                parts,
                str(run.missing),
            ]
        )
        checks.append(
            Check(
                "2",
                "routing",
                f"routing p95, {run.server}",
                f"{ms(run.latency.p95)} ms" + (f", {run.missing} copies missing" if run.missing else ""),
                f"< {ROUTING_P95_TARGET * 1000:.0f} ms",
                run.latency.p95 < ROUTING_P95_TARGET and run.missing == 0,
            )
        )
    text = (
        "## 2. End-to-end routing (submit → last of the four routed copies received by the fake API)\n\n"
        "Reports a second apart, each of a new post: the 所属長's DM and the 秘書室, 市政情報課 and 総務課 channels "
        "each get a copy (and 市政情報課 the case's timeline thread). Time: from sending the submission to the "
        "fake's `Call.at` of the copy's chat.postMessage (the fake answers 30 ms later). Per copy: p50–p95.\n\n"
        + _table(
            ["Server", "Reports", "Apart", "p50", "p95", "max", "所属長 DM / 市政情報課 / 秘書室 / 総務課", "Missing"],
            rows,
        )
    )
    return text, checks


def _bursts(results: Results) -> Section:
    rows = []
    checks: list[Check] = []
    burst_cap = results.channel_burst
    sustained_cap = burst_cap + math.ceil(60 / results.channel_interval)
    for b in results.bursts:
        plan = b.plan
        label = f"{b.server}, {'429s' if plan.rate_limit else 'clean'}"
        rows.append(
            [
                label,
                f"{b.accepted}/{b.sent}" + (f" ({_errors(b.refused)})" if b.refused else ""),
                f"{b.sent_within:.1f} s",
                f"{ms(b.ack.p50)} / {ms(b.ack.p99)} / {ms(b.ack.max)}" if b.ack else "–",
                f"{b.cases}: {b.opened} opened, {b.attached} attached",
                str(b.lost),
                "/".join(str(b.office_copies.get(ch, 0)) for ch in OFFICE_CHANNELS),
                f"{b.head_copies} of {b.head_copy_rows}",
                f"{b.duplicate_posts} ({b.posts_ok} accepted, {b.posts_sent_rows} rows sent)",
                f"{b.peak_1s} ({b.peak_1s_channel}) / {b.peak_60s}",
                _seconds(b.fanout_done) if b.fanout_done is not None else "**not yet**",
                ", ".join(f"{k} {v}" for k, v in sorted(b.outbox.items())),
                (
                    f"{b.rate_limited}, {b.retried_delivered} of them delivered since; next post on the channel "
                    f"≤ {_seconds(b.resumed_after)} later"
                    + (f"; **stuck**: {', '.join(b.not_resumed)}" if b.not_resumed else "")
                )
                if plan.rate_limit
                else "–",
            ]
        )
        name = f"burst{' with 429s' if plan.rate_limit else ''}, {b.server}"
        checks += [
            Check(
                "3", "burst.ack", f"{name}: reports answered 200", f"{b.accepted}/{b.sent}", "all", b.accepted == b.sent
            ),
            Check(
                "3",
                "burst.fanout",
                f"{name}: fan-outs (cases opened)",
                str(b.cases),
                str(plan.posts),
                b.cases == plan.posts and b.opened == plan.posts,
            ),
            Check("3", "burst.lost", f"{name}: lost reports", str(b.lost), "0", b.lost == 0 and b.unknown_numbers == 0),
            Check(
                "3",
                "burst.duplicates",
                f"{name}: duplicate messages",
                str(b.duplicate_posts),
                "0",
                b.duplicate_posts == 0 and b.posts_ok <= b.posts_sent_rows,
            ),
            Check(
                "3",
                "burst.pace",
                f"{name}: most chat.postMessage per channel in 1 s / 60 s",
                f"{b.peak_1s} / {b.peak_60s}",
                f"≤ {burst_cap + 1} / ≤ {sustained_cap}",
                b.peak_1s <= burst_cap + 1 and b.peak_60s <= sustained_cap,
            ),
            Check(
                "3",
                "burst.delivery",
                f"{name}: every fan-out copy delivered",
                _seconds(b.fanout_done) if b.fanout_done is not None else "not all by the end",
                f"within {plan.seconds + plan.drain_wait:.0f} s",
                b.fanout_done is not None,
            ),
        ]
        if plan.rate_limit:
            checks.append(
                Check(
                    "3",
                    "burst.resume",
                    f"{name}: each 429'd channel's next post accepted within; messages failed",
                    f"{_seconds(b.resumed_after)}; {b.outbox.get('failed', 0)}",
                    "≤ 3 s; 0",
                    b.resumed_after is not None
                    and b.resumed_after <= 3.0
                    and not b.not_resumed
                    and not b.outbox.get("failed"),
                )
            )
    plan = results.bursts[0].plan
    text = (
        f"## 3. Flame-up burst ({plan.reports:,} reports of {plan.posts} posts by {plan.people} people in "
        f"{plan.seconds:.0f} s)\n\n"
        "Each person reports different posts, pasted in different forms (http/https, www., twitter.com, tracking "
        "parameters), for their own department (a case reported from another department reaches that 所属長 "
        "too); the reports arrive at random moments (open loop, up to 100 in flight). **Lost**: 200 answers "
        "without a `case.created` or `case.attached` audit entry, counted in the database after the bot stopped. "
        "**Duplicates**: identical chat.postMessage (channel, thread, text, blocks) accepted twice, or more "
        "accepted than outbox rows marked sent. **Pace**: the most chat.postMessage accepted for one channel in "
        f"any 1-second / 60-second window; app.yaml allows a burst of {burst_cap}, then one per "
        f"{results.channel_interval:g} s. **429s**: while the reports arrive, two chat.postMessage calls in "
        f"every three seconds are answered 429 Retry-After: 1. Delivery is followed for {plan.drain_wait:.0f} s "
        "after the last report. Ack: p50 / p99 / max.\n\n"
        + _table(
            [
                "Run",
                "200 / sent",
                "Sent within",
                "Ack (ms)",
                "Cases",
                "Lost",
                "Copies 市政情報課/秘書室/総務課",
                "所属長 copies (of rows)",
                "Duplicates",
                "Most per channel 1 s / 60 s",
                "Fan-out delivered",
                "Outbox at the end",
                "429s",
            ],
            rows,
        )
    )
    backlog = [
        f"- {b.server}, {'429s' if b.plan.rate_limit else 'clean'}: "
        + ", ".join(f"{channel} {count}" for channel, count in b.backlog.items())
        for b in results.bursts
        if b.backlog
    ]
    if backlog:
        text += "\nUnsent when the bench stopped following delivery (the five longest queues):\n\n"
        text += "\n".join(backlog) + "\n"
    queues = [
        f"- {b.server}, {'429s' if b.plan.rate_limit else 'clean'}: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(b.public_info.items()))
        + f" (of {sum(b.outbox.values()):,} outbox rows for {b.accepted:,} reports)"
        for b in results.bursts
        if b.public_info
    ]
    if queues:
        text += "\nWhat the bot queued for the 市政情報課 channel (delivered one at a time, in order):\n\n"
        text += "\n".join(queues) + "\n"
    return text, checks


def _sweeps(results: Results) -> Section:
    rows = []
    plans = []
    checks: list[Check] = []
    for s in results.sweeps:
        idle = sorted(s.idle)
        idle_p50 = idle[len(idle) // 2] if idle else math.nan
        rows.append(
            [
                s.database,
                f"{s.accounts:,}",
                f"{s.due:,}",
                f"{s.due_sweep * 1000:.0f} ({s.sent} sent)",
                f"{idle_p50 * 1000:.1f} (max {max(idle) * 1000:.1f})" if idle else "–",
                f"{s.repeat * 1000:.0f}",
                f"{sum(q.executions for q in s.queries):,}",
            ]
        )
        checks += [
            Check(
                "4",
                "sweep",
                f"sweep with {s.due:,} due, {s.database}",
                f"{s.due_sweep * 1000:.0f} ms",
                "< 1 s",
                s.due_sweep < SWEEP_TARGET and s.sent == s.due,
            ),
            Check(
                "4",
                "sweep",
                f"idle sweep, {s.database}",
                f"{idle_p50 * 1000:.1f} ms",
                "< 20 ms",
                idle_p50 < IDLE_SWEEP_TARGET,
            ),
        ]
        plans.append(_plans(s))
    text = (
        "## 4. Reminder sweep\n\n"
        "`handlers.account.jobs.sweep(runtime)` in-process (`bot.service.open_runtime`, a `FixedClock` at "
        "2026-06-10 10:00 JST, a Wednesday) over accounts inserted in bulk, then ANALYZE. **Idle**: nothing due "
        "(median of the repeats). **Due**: every tenth account's password falls due; one sweep sends them all. "
        "**Repeat**: the next sweep at the same instant, every reminder already sent (what each minute's sweep "
        "does until the passwords are changed). Statements: executed by the due sweep (captured with "
        "`before_cursor_execute`).\n\n"
        + _table(
            ["Database", "Accounts", "Due", "Due sweep (ms)", "Idle sweep (ms)", "Repeat sweep (ms)", "Statements"],
            rows,
        )
        + "\n"
        + "\n".join(plans)
    )
    return text, checks


def _plans(s: SweepRun) -> str:
    word = "EXPLAIN QUERY PLAN" if s.database == "sqlite" else "EXPLAIN"
    text = f"<details><summary>{word} of each statement of the due sweep, {s.database}</summary>\n\n"
    for q in s.queries:
        statement = q.statement if len(q.statement) <= 240 else q.statement[:240] + " …"
        text += f"- ×{q.executions:,} `{statement}`\n\n  ```\n"
        text += "".join(f"  {line}\n" for line in q.plan or ["(no plan rows)"]) + "  ```\n"
    return text + "\n</details>\n"


def _lint(run: LintRun) -> str:
    shortest, longest, mean = run.characters
    rows = [
        [
            f"{run.texts:,}",
            f"{shortest}–{longest} (mean {mean:.0f})",
            f"{run.per_second:,.0f}",
            ms(run.latency.p50),
            ms(run.latency.p99),
            ms(run.latency.max),
            f"{run.with_findings:,}",
            ", ".join(f"{k} {v}" for k, v in run.findings.items()),
        ]
    ]
    return (
        "## 5. The linter\n\n"
        "`bot.lint.lint` in-process, one thread, on generated announcements (events, shelters, calls for "
        "applications; a quarter with a phone number, an e-mail address, an address, 伏せ字, an undecided or "
        "flashpoint word or an http:// link; 3 % repeating the account's last post), each with its account's "
        "last 20 texts as the repetition check's memory and its platform's length limit (X weighted 280, "
        "Facebook, Instagram, LINE). No target; for scale, `/sns-check` and a draft submission lint one text.\n\n"
        + _table(["Drafts", "Characters", "Texts/s", "p50", "p99", "max", "With findings", "Findings by rule"], rows)
    )


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
        stopped = _range([s.seconds for s in stops if not s.killed])
        rows.append(
            [
                database,
                _range([s.seconds for s in starts if s.label == "fresh database"]),
                _range([s.seconds for s in starts if s.label == "restart"]),
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
        "upgrade`), and a restart on the database a burst left. Peak RSS: VmHWM of the serve process at the end "
        "of each burst. Stop: SIGTERM to exit (a process still running after 20 s is killed, its stacks dumped "
        "into its log with py-spy).\n\n"
        + _table(
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
        f"CPU in cores (the machine has {cores}). Others: everything but the server under test and the bench "
        "process — PostgreSQL's backends serving the bot, and whatever else ran on the machine at the time.\n\n"
        + _table(["Part", "Took", "Machine busy", "Server", "Bench process", "Others", "Load average (end)"], rows)
    )
