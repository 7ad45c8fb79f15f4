"""bench/RESULTS.md's sections 3 to 5: bursts through Slack's pace, the reminder sweep and its plans,
and the linter, with their targets."""

from __future__ import annotations

import math

from bench.directory import OFFICE_CHANNELS
from bench.linter import LintRun
from bench.report_format import errors, seconds, table
from bench.results import Check, Results, Section
from bench.stats import ms
from bench.sweep import SweepRun

SWEEP_TARGET = 1.0
# Issue 13's burst: every ack within 150 ms at p99; every copy and update out within 40 s of the last report.
BURST_ACK_P99_TARGET = 0.150
BURST_SETTLED_TARGET = 40.0
# The first run's target: every fan-out copy out within 20 s of the burst's end.
FANOUT_AFTER = 20.0
IDLE_SWEEP_TARGET = 0.020


def bursts_section(results: Results) -> Section:
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
                f"{b.accepted}/{b.sent}" + (f" ({errors(b.refused)})" if b.refused else ""),
                f"{b.sent_within:.1f} s",
                f"{ms(b.ack.p50)} / {ms(b.ack.p99)} / {ms(b.ack.max)}" if b.ack else "–",
                f"{b.cases}: {b.opened} opened, {b.attached} attached",
                str(b.lost),
                "/".join(str(b.office_copies.get(ch, 0)) for ch in OFFICE_CHANNELS),
                f"{b.head_copies} of {b.head_copy_rows}",
                f"{b.duplicate_posts} ({b.posts_ok} accepted, {b.posts_sent_rows} rows sent)",
                f"{b.peak_1s} ({b.peak_1s_channel}) / {b.peak_60s}",
                seconds(b.fanout_done) if b.fanout_done is not None else "**not yet**",
                seconds(b.copies_and_updates_done)
                if b.copies_and_updates_done is not None
                else f"**{b.copies_and_updates_unsent} unsent**",
                ", ".join(f"{k} {v}" for k, v in sorted(b.outbox.items())),
                (
                    f"{b.rate_limited}, {b.retried_delivered} of them delivered since; next post on the channel "
                    f"≤ {seconds(b.resumed_after)} later"
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
                seconds(b.fanout_done) if b.fanout_done is not None else "not all by the end",
                f"within {plan.seconds + FANOUT_AFTER:.0f} s",
                b.fanout_done is not None and b.fanout_done <= plan.seconds + FANOUT_AFTER,
            ),
            Check(
                "3",
                "burst.ack",
                f"{name}: ack p99",
                f"{ms(b.ack.p99)} ms" if b.ack else "–",
                f"< {BURST_ACK_P99_TARGET * 1000:.0f} ms",
                b.ack is not None and b.ack.p99 < BURST_ACK_P99_TARGET,
            ),
            Check(
                "3",
                "burst.delivery",
                f"{name}: every copy and chat.update delivered, after the last report",
                seconds(b.copies_and_updates_done)
                if b.copies_and_updates_done is not None
                else f"{b.copies_and_updates_unsent} unsent {plan.drain_wait:.0f} s after it",
                f"within {BURST_SETTLED_TARGET:.0f} s",
                b.copies_and_updates_done is not None and b.copies_and_updates_done <= BURST_SETTLED_TARGET,
            ),
        ]
        if plan.rate_limit:
            checks.append(
                Check(
                    "3",
                    "burst.resume",
                    f"{name}: each 429'd channel's next post accepted within; messages failed",
                    f"{seconds(b.resumed_after)}; {b.outbox.get('failed', 0)}",
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
        "after the last report. Ack: p50 / p99 / max. **Fan-out delivered**: from the first report to the last "
        "copy for an office or a 所属長. **Copies and updates delivered**: from the last report sent to the last "
        "top-level message (copies and confirmations) or chat.update accepted, once none is left unsent (thread "
        "lines not counted).\n\n"
        + table(
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
                "Copies and updates delivered",
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


def sweeps_section(results: Results) -> Section:
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
        + table(
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


def lint_section(run: LintRun) -> str:
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
        + table(["Drafts", "Characters", "Texts/s", "p50", "p99", "max", "With findings", "Findings by rule"], rows)
    )
