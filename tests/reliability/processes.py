"""Processes the scenarios start and always stop: `sns-bot serve` and a private PostgreSQL instance."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.bot import BOT_TOKEN, ROOT
from tests.support.process import clean_environment
from tests.support.slack_requests import SIGNING_SECRET

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(api_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The operator's clean environment (the shifted clock of make test-dates included), plus the bot's settings."""
    return clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        **extra,
    )


def health(port: int) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


@dataclass
class Serve:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 30.0) -> float:
        started = time.monotonic()
        while health(self.port) != 200:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            if time.monotonic() - started > timeout:
                raise AssertionError(f"serve not healthy within {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.05)
        return time.monotonic() - started

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serve(workdir: Path, env: Mapping[str, str], config: Path, *, name: str = "serve") -> Iterator[Serve]:
    """`python -m bot serve` on a free port; killed (and reaped) however the block ends."""
    port = free_port()
    log = workdir / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--no-scheduler", "--config", str(config), "--port", str(port)],
            env=dict(env),
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Serve(process, port, log)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> int:
    """SIGTERM, as systemd would: the bot finishes what it is sending and exits."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


# -- a private PostgreSQL ---------------------------------------------------------------------------


def postgres_missing() -> str | None:
    """Why a private PostgreSQL cannot be started here, or None."""
    for tool in ("initdb", "pg_ctl"):
        if not (PG_BIN / tool).exists() and shutil.which(tool) is None:
            return f"{tool} is not installed (looked in {PG_BIN} and PATH)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop privileges for initdb"
    return None


def _tool(name: str) -> str:
    path = PG_BIN / name
    return str(path) if path.exists() else str(shutil.which(name))


@dataclass
class PrivatePostgres:
    """A throwaway cluster on a free port of 127.0.0.1, its data and socket in a temporary directory."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def _ctl(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        return self._run(_tool("pg_ctl"), "-D", str(self.directory / "data"), *args, timeout=timeout)

    def init(self) -> None:
        result = self._run(
            _tool("initdb"),
            "-D",
            str(self.directory / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        result = self._ctl("-l", str(self.directory / "postgres.log"), "-w", "-t", "30", "-o", options, "start")
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{self.log()}")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-w", "-t", "30", "-m", mode, "stop")

    def running(self) -> bool:
        return self._ctl("status").returncode == 0

    def log(self) -> str:
        path = self.directory / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """initdb, start; always stopped (immediate) and its directory removed at the end."""
    directory = Path(tempfile.mkdtemp(prefix="sns-reliability-pg-"))
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)
    instance = PrivatePostgres(directory, free_port())
    try:
        instance.init()
        instance.start()
        yield instance
    finally:
        if (directory / "data" / "postmaster.pid").exists():
            instance.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


def upgrade(database_url: str) -> None:
    """`sns-bot db upgrade`, as the operator runs it before starting serve on PostgreSQL."""
    env = bot_environment("http://127.0.0.1:9/api/", database_url)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"sns-bot db upgrade failed:\n{result.stdout}\n{result.stderr}")
