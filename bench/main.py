"""`python -m bench`: the whole benchmark in one run; the figures go to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import itertools
import os
import shlex
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import ack, ack_cpu, burst, linter, routing, sweep
from bench.directory import Staff, staff, write_config
from bench.machine import watched
from bench.opened import OpenedViews
from bench.processes import (
    LOCAL_POSTGRES,
    Bot,
    Child,
    Database,
    Databases,
    floor,
    postgres_answers,
    running,
    running_bot,
    sns_bot,
)
from bench.profiling import Profiles
from bench.report import write
from bench.results import Results, Startup, Stop
from bench.slack import RecordingSlack
from bot.config import load_config

SECTIONS = ("ack", "routing", "burst", "sweep", "lint")
DATABASES = ("sqlite", "postgresql")
API_LATENCY = 0.030
RESULTS_PATH = Path(__file__).with_name("RESULTS.md")


class Plan:
    """How much of each part to run: the full run, or `--quick` (the same shape, smaller)."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.ack = (
            ack.AckPlan({1: 40, 20: 100, 50: 150}, warmup=10)
            if quick
            else ack.AckPlan({1: 200, 20: 400, 50: 500}, warmup=40)
        )
        self.ack_cpu = 100 if quick else 400
        self.routing_reports = 6 if quick else 30
        self.routing_interval = 1.0
        self.routing_wait = 20.0 if quick else 60.0
        self.burst = (
            burst.BurstPlan(reports=150, posts=15, people=30, seconds=6, drain_wait=6, rate_limit=False)
            if quick
            else burst.BurstPlan(reports=1000, posts=50, people=200, seconds=30, drain_wait=40, rate_limit=False)
        )
        # The quick run bursts once per database, with 429s (which checks the clean run's targets too).
        self.burst_variants = (True,) if quick else (False, True)
        self.sweep_accounts, self.sweep_due, self.idle_repeats = 10_000, 1_000, (3 if quick else 10)
        self.lint_texts = 2_000 if quick else 10_000


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (under two minutes): fewer requests")
    parser.add_argument(
        "--databases",
        help="comma-separated: sqlite,postgresql (default: both, or SQLite alone when PostgreSQL does not answer)",
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated parts: {','.join(SECTIONS)}")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES,
        help="an admin URL of a PostgreSQL database; the run makes (and drops) its own schemas in it",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_PATH, help="where to write the results (Markdown)")
    parser.add_argument("--profile", type=Path, help="also profile (py-spy, pyinstrument) into this directory")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (configs, logs, SQLite files)")
    args = parser.parse_args(argv)
    args.explicit_databases = args.databases is not None
    args.databases = [d.strip() for d in (args.databases or ",".join(DATABASES)).split(",") if d.strip()]
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    for name in args.databases:
        if name not in DATABASES:
            parser.error(f"unknown database {name!r}")
    for name in args.only:
        if name not in SECTIONS:
            parser.error(f"unknown part {name!r}")
    return args


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    # A SIGTERM unwinds like Ctrl-C, so the finally blocks stop the servers and drop the schemas.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    plan = Plan(args.quick)
    if "postgresql" in args.databases and not postgres_answers(args.postgres_url):
        if args.explicit_databases:
            print(f"PostgreSQL does not answer at {args.postgres_url}", file=sys.stderr)
            return 2
        say(f"PostgreSQL does not answer at {args.postgres_url}: SQLite only")
        args.databases.remove("postgresql")
    profiles = Profiles(args.profile) if args.profile else None
    if (load := os.getloadavg()[0]) > 1.0:
        say(f"warning: the machine is busy (1-minute load average {load:.1f}); the figures will show it")
    command = "python -m bench" + "".join(f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv))
    results = Results(
        command=command,
        started=datetime.now().astimezone(),
        cores=os.cpu_count() or 0,
        quick=args.quick,
        databases=args.databases,
        sections=args.only,
        api_latency=API_LATENCY,
        python=sys.version.split()[0],
        loadavg_start=os.getloadavg()[0],
        channel_burst=0,
        channel_interval=1.0,
    )
    begun = time.monotonic()
    workdir_context: AbstractContextManager[Any] = (
        nullcontext(tempfile.mkdtemp(prefix="sns-bench-"))
        if args.keep
        else tempfile.TemporaryDirectory(prefix="sns-bench-")
    )
    with workdir_context as tmp, RecordingSlack() as fake:
        fake.latency = API_LATENCY
        workdir = Path(tmp)
        if args.keep:
            say(f"work directory: {workdir}")
        run = Run(args, plan, results, fake, workdir, profiles)
        try:
            run.everything()
        finally:
            run.databases.close()
    results.seconds = time.monotonic() - begun
    if profiles is not None:
        results.profiles = [str(p) for p in profiles.written]
    write(results, args.output)
    say(f"done in {results.seconds:.0f} s; wrote {args.output}")
    return 0


class Run:
    def __init__(
        self,
        args: argparse.Namespace,
        plan: Plan,
        results: Results,
        fake: RecordingSlack,
        workdir: Path,
        profiles: Profiles | None,
    ) -> None:
        self.args = args
        self.plan = plan
        self.results = results
        self.fake = fake
        self.workdir = workdir
        self.profiles = profiles
        self.config = write_config(workdir)
        pacing = load_config(self.config).delivery
        results.channel_burst, results.channel_interval = pacing.channel_burst, pacing.channel_interval_seconds
        self.staff: list[Staff] = staff()
        self.databases = Databases(workdir, self.config, args.postgres_url)
        self.posts: Iterator[int] = itertools.count(1)  # every report of the run names a post of its own

    def everything(self) -> None:
        sections = self.args.only
        if "ack" in sections:
            self.floor_ack()
        for kind in self.args.databases:
            if "ack" in sections:
                self.durable_floor_ack(kind)
                self.bot_ack(kind)
                self.ack_cpu(kind)
            if "routing" in sections:
                self.routing(kind)
            if "burst" in sections:
                for n, rate_limit in enumerate(self.plan.burst_variants):
                    self.burst(kind, rate_limit=rate_limit, then_restart=n == 0)
            if "sweep" in sections:
                self.sweep(kind)
        if "lint" in sections:
            say(f"linter: {self.plan.lint_texts} drafts")
            with self._watched("linter", None):
                self.results.lint = linter.run(self.config, self.plan.lint_texts, self._call_profile())

    # -- parts -------------------------------------------------------------------------------

    def floor_ack(self) -> None:
        say("ack latency: the bare Bolt floor")
        with running(floor(self.workdir, self.fake.api_url)) as child, self._watched("ack: floor", child.cpu_seconds):
            self._measure_ack("floor", child, is_bot=False, opened=OpenedViews())  # the floor checks no provenance

    def durable_floor_ack(self, kind: str) -> None:
        say(f"ack latency: the durable floor on {kind} (one INSERT committed per submission)")
        database = self.databases.fresh(kind)
        with (
            running(floor(self.workdir, self.fake.api_url, database)) as child,
            self._watched(f"ack: durable floor, {kind}", child.cpu_seconds),
        ):
            self._measure_ack(
                ack.durable_floor(kind), child, is_bot=False, opened=OpenedViews(), endpoints=(ack.SUBMISSION,)
            )

    def bot_ack(self, kind: str) -> None:
        say(f"ack latency: sns-bot on {kind}")
        database = self.databases.fresh(kind)
        with (
            closing(OpenedViews(database.url)) as opened,
            self._bot(kind, "ack", database) as bot,
            self._spy(f"ack-{kind}", bot.serve),
            self._watched(f"ack: sns-bot, {kind}", bot.cpu_seconds),
        ):
            # The ack figures and their CPU/request are the serve process's, whichever process delivers.
            self._measure_ack(kind, bot.serve, is_bot=True, opened=opened)

    def ack_cpu(self, kind: str) -> None:
        say(f"CPU on the ack path: sns-bot in-process on {kind}, {self.plan.ack_cpu} submissions one at a time")
        database = self.databases.fresh(kind)
        with self._watched(f"ack CPU: {kind}", None):
            measured = ack_cpu.measure(
                self.config,
                database,
                self.fake.api_url,
                self.staff,
                requests=self.plan.ack_cpu,
                warmup=self.plan.ack.warmup,
                profile=self._call_profile(),
            )
        self.results.ack_cpu.append(measured)
        say(f"  {kind}: {measured.cpu_ms:.2f} ms of CPU per report, wall-clock p50 {measured.wall_ms:.2f} ms")
        self.fake.clear()

    def _measure_ack(
        self,
        server: str,
        child: Child,
        *,
        is_bot: bool,
        opened: OpenedViews,
        endpoints: Sequence[str] = ack.ENDPOINTS,
    ) -> None:
        runs = ack.measure(
            server,
            child.url,
            self.plan.ack,
            self.staff,
            self.posts,
            is_bot=is_bot,
            settle=self.fake.wait_quiet,
            cpu=child.cpu_seconds,
            opened=opened,
            response_url=self.fake.response_url("help"),
            endpoints=endpoints,
        )
        self.results.ack += runs
        for r in runs:
            say(
                f"  {r.server:<10} {r.endpoint:<15} c={r.concurrency:<3} p50 {r.latency.p50 * 1000:6.1f} "
                f"p95 {r.latency.p95 * 1000:6.1f} p99 {r.latency.p99 * 1000:6.1f} ms  errors {r.errors or 0}"
            )
        self.fake.clear()

    def routing(self, kind: str) -> None:
        say(f"end-to-end routing: sns-bot on {kind}, {self.plan.routing_reports} reports a second apart")
        self.fake.clear()
        database = self.databases.fresh(kind)
        with (
            closing(OpenedViews(database.url)) as opened,
            self._bot(kind, "routing", database) as bot,
            self._watched(f"routing: {kind}", bot.cpu_seconds),
        ):
            measured = routing.measure(
                kind,
                bot.url,
                self.fake,
                self.staff,
                self.posts,
                reports=self.plan.routing_reports,
                interval=self.plan.routing_interval,
                wait=self.plan.routing_wait,
                opened=opened,
            )
        self.results.routing.append(measured)
        say(
            f"  p50 {measured.latency.p50 * 1000:.0f} ms p95 {measured.latency.p95 * 1000:.0f} ms, "
            f"missing {measured.missing}"
        )
        self.fake.clear()

    def burst(self, kind: str, *, rate_limit: bool, then_restart: bool) -> None:
        plan = burst.BurstPlan(**{**self.plan.burst.__dict__, "rate_limit": rate_limit})
        label = "429" if rate_limit else "clean"
        say(f"burst ({label}): sns-bot on {kind}, {plan.reports} reports of {plan.posts} posts in {plan.seconds:.0f} s")
        database = self.databases.fresh(kind)
        first_post = next(self.posts)
        for _ in range(plan.posts):
            next(self.posts)
        with (
            self._bot(kind, f"burst-{label}", database) as bot,
            self._spy(f"burst-{label}-{kind}", bot.serve),
            self._watched(f"burst ({label}): {kind}", bot.cpu_seconds),
        ):
            measured = burst.run(
                kind,
                bot.url,
                self.fake,
                database.url,
                self.staff,
                plan,
                first_post,
                peak_rss=bot.peak_rss_mb,
                stop=bot.stop,
            )
        self.results.bursts.append(measured)
        say(
            f"  accepted {measured.accepted}/{measured.sent}, cases {measured.cases}, lost {measured.lost}, "
            f"duplicates {measured.duplicate_posts}, most {measured.peak_1s}/s ({measured.peak_1s_channel}), "
            f"fan-out delivered {measured.fanout_done}, rss {measured.peak_rss_mb:.0f} MB"
        )
        if then_restart:
            # A restart on the database the burst left behind: the start-up an operator sees.
            with self._bot(kind, "restart", database, label="restart"):
                pass
        self.fake.clear()

    def sweep(self, kind: str) -> None:
        say(f"reminder sweep: {self.plan.sweep_accounts} accounts, {self.plan.sweep_due} due, on {kind}")
        database = self.databases.fresh(kind)
        with self._watched(f"sweep: {kind}", None):
            measured = sweep.run(
                database,
                self.config,
                self.staff,
                accounts=self.plan.sweep_accounts,
                due=self.plan.sweep_due,
                idle_repeats=self.plan.idle_repeats,
                profile=self._call_profile(),
            )
        self.results.sweeps.append(measured)
        say(
            f"  due sweep {measured.due_sweep * 1000:.0f} ms ({measured.sent} sent), idle p50 "
            f"{sorted(measured.idle)[len(measured.idle) // 2] * 1000:.0f} ms, repeat {measured.repeat * 1000:.0f} ms"
        )

    # -- helpers -------------------------------------------------------------------------------

    @contextmanager
    def _bot(
        self, kind: str, name: str, database: Database | None = None, label: str = "fresh database"
    ) -> Iterator[Bot]:
        """The bot on ``database`` (a fresh one unless given; see ARRANGEMENTS), its serve process's start-up
        time recorded, and each process's stop."""
        database = database or self.databases.fresh(kind)
        bot = sns_bot(self.workdir, self.config, database, self.fake.api_url, f"sns-bot-{kind}-{name}")
        if self.profiles is not None:  # log the garbage collector's pauses too
            for child in bot.processes():
                child.env["PYTHONPATH"] = f"{self.profiles.gc_hook}{os.pathsep}{child.env['PYTHONPATH']}"
        with running_bot(bot):
            self.results.startups.append(Startup(kind, label, bot.serve.startup_seconds))
            yield bot
        for child, part in zip(bot.processes(), (name, f"{name}, scheduler"), strict=False):
            self.results.stops.append(Stop(kind, part, child.stop_seconds, child.killed))
        if self.profiles is not None:
            self.profiles.gc_pauses(f"{name}-{kind}", bot.serve.log_path)

    def _watched(self, part: str, server_cpu: Callable[[], float] | None) -> AbstractContextManager[None]:
        """The machine's, the server's (every process of the bot) and the bench's CPU use over a part."""
        return watched(part, server_cpu or (lambda: 0.0), self.results.loads)

    def _spy(self, name: str, child: Child) -> AbstractContextManager[None]:
        return self.profiles.serve(name, child.pid) if self.profiles is not None else nullcontext()

    def _call_profile(self) -> Callable[[str, Callable[[], Any]], Any] | None:
        return self.profiles.call if self.profiles is not None else None
