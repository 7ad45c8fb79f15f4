"""bench/RESULTS.md's sections 1 and 2: ack latency (against the floors, and the CPU on a report's ack
path) and end-to-end routing, with their targets."""

from __future__ import annotations

import math

from bench.ack import ENDPOINTS, HELP, SLASH, SUBMISSION, AckRun, durable_floor
from bench.ack_cpu import AckCpu
from bench.directory import OFFICE_CHANNELS
from bench.report_format import errors, table
from bench.results import Check, Results, Section
from bench.stats import ms

ACK_P99_TARGET = 0.300
FLOOR_RATIO_TARGET = 1.2
DURABLE_RATIO_TARGET = 2.0  # the submission's p99 against the durable floor's
ROUTING_P95_TARGET = 0.300
ROUTING_FAST_P95_TARGET = 0.050  # issue 13's, with 30 ms per Web API call
SLACK_ACK_LIMIT = 3.0  # Slack shows the user an error when an ack takes longer
ACK_CPU_TARGET_MS = 3.0  # CPU per report on the ack path


def _find(runs: list[AckRun], server: str, endpoint: str, concurrency: int) -> AckRun | None:
    return next((r for r in runs if (r.server, r.endpoint, r.concurrency) == (server, endpoint, concurrency)), None)


def ack_section(results: Results) -> Section:
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
        "levels, as it would in a burst): on SQLite in the serve process itself, on PostgreSQL in a scheduler "
        "process beside it (`sns-bot serve --no-delivery`). "
        f"Errors: answers other than 200 (Bolt gives up on a listener that has not acked in {SLACK_ACK_LIMIT:.0f} s, "
        "as Slack does). CPU/request: milliseconds of CPU the serve process used per request during the level "
        "(its background work included: on SQLite delivering the outbox too; on PostgreSQL the scheduler process "
        "delivers it, and its CPU is not counted here but in the machine load table).\n\n"
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
        text += f"### `{endpoint}`\n\n" + table([*header, "Errors", "CPU/request"], rows) + "\n"
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
    text += table(["Database", "Submissions", "CPU/report (ms)", "Wall-clock p50 (ms)", "Cases opened"], rows)
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
        rows.append([*row, errors(run.errors), f"{run.cpu_per_request * 1000:.1f}"])
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
            f"{ms(top.latency.p99)} ms" + (f", errors {errors(top.errors)}" if top.errors else ""),
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


def routing_section(results: Results) -> Section:
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
        checks.append(
            Check(
                "2",
                "routing",
                f"routing p95 with {results.api_latency * 1000:.0f} ms per Web API call, {run.server}",
                f"{ms(run.latency.p95)} ms",
                f"≤ {ROUTING_FAST_P95_TARGET * 1000:.0f} ms",
                run.latency.p95 <= ROUTING_FAST_P95_TARGET and run.missing == 0,
            )
        )
    text = (
        "## 2. End-to-end routing (submit → last of the four routed copies received by the fake API)\n\n"
        "Reports a second apart, each of a new post: the 所属長's DM and the 秘書室, 市政情報課 and 総務課 channels "
        "each get a copy (and 市政情報課 the case's timeline thread). Time: from sending the submission to the "
        "fake's `Call.at` of the copy's chat.postMessage (the fake answers 30 ms later). Per copy: p50–p95.\n\n"
        + table(
            ["Server", "Reports", "Apart", "p50", "p95", "max", "所属長 DM / 市政情報課 / 秘書室 / 総務課", "Missing"],
            rows,
        )
    )
    return text, checks
