"""The processes under test (`sns-bot serve`, the bare Bolt floor) and the databases they run on."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from bench.load import get_status
from bench.machine import process_cpu
from bench.slack import BOT_TOKEN, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(**extra: str) -> dict[str, str]:
    """os.environ without anything that configures the bot or proxies loopback HTTP."""

    def kept(name: str) -> bool:
        upper = name.upper()
        return not (
            upper.startswith("SLACK_") or upper in ("DATABASE_URL", "SNS_BOT_CONFIG") or upper.endswith("_PROXY")
        )

    return {**{k: v for k, v in os.environ.items() if kept(k)}, "PYTHONPATH": str(ROOT), **extra}


# -- databases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    kind: str  # sqlite or postgresql
    url: str


class Databases:
    """Fresh, migrated databases for each part of the run: a file in the work directory for SQLite, a private
    schema in the server's database for PostgreSQL (upgraded with `sns-bot db upgrade`, as an operator
    does; serve refuses an old schema). Every schema made is dropped by ``close``."""

    def __init__(self, workdir: Path, config: Path, postgres_url: str) -> None:
        self.workdir = workdir
        self.config = config
        self.postgres_url = postgres_url
        self._schemas: list[str] = []
        self._count = 0

    def fresh(self, kind: str) -> Database:
        self._count += 1
        if kind == "sqlite":
            return Database(kind, f"sqlite:///{self.workdir / f'bench-{self._count}.db'}")
        schema = f"sns_bench_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(self.postgres_url)
        try:
            with admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            self._schemas.append(schema)
        finally:
            admin.dispose()
        url = make_url(self.postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        database = Database(kind, url.render_as_string(hide_password=False))
        self._upgrade(database)
        return database

    def _upgrade(self, database: Database) -> None:
        result = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bot", "db", "upgrade", "--config", str(self.config)],
            env=clean_environment(DATABASE_URL=database.url),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"sns-bot db upgrade failed:\n{result.stdout}\n{result.stderr}")

    def close(self) -> None:
        if not self._schemas:
            return
        admin = create_engine(self.postgres_url)
        try:
            with admin.begin() as connection:
                for schema in self._schemas:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            self._schemas.clear()
        finally:
            admin.dispose()


def postgres_answers(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


# -- processes -----------------------------------------------------------------------------------


class Child:
    """A server process on a free loopback port, ready once GET /healthz answers 200."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.command = [*command, "--port", str(self.port)]
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = float("nan")
        self.stop_seconds = float("nan")  # SIGTERM → exit
        self.killed = False  # it did not exit within STOP_TIMEOUT after SIGTERM
        self._final_cpu: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Child:
        with self.log_path.open("ab") as log:
            started = time.monotonic()
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
                self.command, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )
        while get_status(self.url, "/healthz", timeout=1.0) != 200:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            if time.monotonic() - started > START_TIMEOUT:
                raise RuntimeError(f"{self.name} not healthy within {START_TIMEOUT} s; see {self.log_path}")
            time.sleep(0.005)
        self.startup_seconds = time.monotonic() - started
        return self

    def peak_rss_mb(self) -> float:
        """VmHWM: the most memory the process has held resident so far."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far (until it was told to stop)."""
        if self._final_cpu is not None:
            return self._final_cpu
        return process_cpu(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self._final_cpu = process_cpu(self.pid)
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.killed = True
            self._dump_stacks()
            self.process.kill()
            self.process.wait()
        self.stop_seconds = time.monotonic() - started

    def _dump_stacks(self) -> None:
        """Where a process that ignores SIGTERM is stuck, into its log (when py-spy is installed)."""
        spy = Path(sys.executable).with_name("py-spy")
        if not spy.exists():
            return
        with self.log_path.open("ab") as log:
            log.write(f"\n--- not stopped {STOP_TIMEOUT:.0f} s after SIGTERM; py-spy dump:\n".encode())
            log.flush()
            subprocess.run(  # noqa: S603 - py-spy from the virtualenv
                [str(spy), "dump", "--pid", str(self.pid)],
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=30,
                check=False,
            )


@contextmanager
def running(child: Child) -> Iterator[Child]:
    try:
        yield child.start()
    finally:
        child.stop()


# How the bot runs on each database: as an operator would run it under load (README, "Two processes").
ARRANGEMENTS = {
    "sqlite": "one `sns-bot serve` process answers Slack and delivers the outbox",
    "postgresql": "`sns-bot serve --no-delivery` answers Slack; a `sns-bot scheduler` process delivers the outbox, "
    "rung by PostgreSQL's NOTIFY at each commit",
}


def delivers_apart(database: Database) -> bool:
    """On PostgreSQL a second process delivers; on SQLite nothing could ring it (serve refuses --no-delivery)."""
    return database.kind == "postgresql"


@dataclass
class Bot:
    """The bot under test: the serve process (the one Slack talks to) and, when delivery runs apart, the
    scheduler process that delivers."""

    serve: Child
    delivery: Child | None = None

    @property
    def url(self) -> str:
        return self.serve.url

    def processes(self) -> list[Child]:
        return [self.serve, *([self.delivery] if self.delivery is not None else [])]

    def cpu_seconds(self) -> float:
        """Every process of the bot (the serve process's own: ``serve.cpu_seconds``)."""
        return sum(child.cpu_seconds() for child in self.processes())

    def peak_rss_mb(self) -> float:
        return max(child.peak_rss_mb() for child in self.processes())

    def stop(self) -> None:
        """The serve process first (nothing new is queued), then the delivering one (what it sends settles)."""
        for child in self.processes():
            child.stop()


def sns_bot(workdir: Path, config: Path, database: Database, api_url: str, name: str) -> Bot:
    """The bot as ARRANGEMENTS says for ``database``'s kind (not started)."""
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database.url,
    )
    bot = [sys.executable, "-m", "bot"]
    common = ["--config", str(config), "--host", "127.0.0.1"]
    if not delivers_apart(database):
        return Bot(Child(name, [*bot, "serve", *common], env, workdir))
    return Bot(
        Child(name, [*bot, "serve", "--no-delivery", *common], env, workdir),
        Child(f"{name}-scheduler", [*bot, "scheduler", *common], dict(env), workdir),  # --port: /healthz
    )


@contextmanager
def running_bot(bot: Bot) -> Iterator[Bot]:
    """The delivering process first, listening before the serve process commits anything; stopped after it."""
    with ExitStack() as stack:
        for child in reversed(bot.processes()):
            stack.enter_context(running(child))
        yield bot


def floor(workdir: Path, api_url: str, database: Database | None = None) -> Child:
    """The bare floor, or with ``database`` the durable one (see bench/floor.py)."""
    env = clean_environment(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url)
    command = [sys.executable, "-m", "bench.floor"]
    if database is None:
        return Child("floor", command, env, workdir)
    return Child(f"floor-durable-{database.kind}", [*command, "--database", database.url], env, workdir)
