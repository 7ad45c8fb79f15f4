"""Running sns-bot as a real process: its command line, a clean failure, a free port, app.yaml written atomically,
and a serve (or scheduler) process to talk to and stop."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.bot import APP_TOKEN, APP_YAML, BOT_TOKEN
from tests.support.process import eventually
from tests.support.slack_requests import SIGNING_SECRET

SECRETS = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN)
# One line of each language of the set-up message (bot/catalog/cli.yaml missing_secrets).
SETUP_MESSAGE = ("Slack アプリを作成して", "manifest.yaml", "Create New App", "Create the Slack app")
QUICK_TIMEOUT = 30.0  # a command that fails before serving anything
STOP_TIMEOUT = 10.0


def sns_bot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def run(
    args: list[str], *, env: Mapping[str, str], cwd: Path, timeout: float = QUICK_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    for secret in SECRETS:
        assert secret not in result.stderr + result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(path: Path, data: dict[str, Any]) -> None:
    # Write a sibling and rename it over: a reload never reads a half-written file.
    partial = path.with_suffix(".partial")
    partial.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    partial.replace(path)


def broken_config(tmp_path: Path) -> Path:
    data = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    data["departments"][0]["head"] = "X123"
    path = tmp_path / "broken.yaml"
    write_config(path, data)
    return path


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    port: int
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace") + self.stderr.read_text(
            encoding="utf-8", errors="replace"
        )

    def health(self) -> tuple[int, dict[str, Any]] | None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        except OSError:
            return None
        finally:
            connection.close()

    def wait_until_healthy(self, timeout: float = 20.0) -> dict[str, Any]:
        def healthy() -> dict[str, Any] | None:
            assert self.process.poll() is None, f"serve exited with {self.process.returncode}:\n{self.output()}"
            answer = self.health()
            return answer[1] if answer is not None and answer[0] == 200 else None

        return eventually(healthy, timeout=timeout, what=f"GET {self.url}/healthz = 200")


@contextmanager
def serve_process(tmp_path: Path, env: Mapping[str, str], *args: str) -> Iterator[ServeProcess]:
    with bot_process(tmp_path, env, "serve", *args) as process:
        yield process


@contextmanager
def bot_process(tmp_path: Path, env: Mapping[str, str], command: str, *args: str) -> Iterator[ServeProcess]:
    """`sns-bot serve` or `sns-bot scheduler` on a free loopback port, its output in tmp_path/COMMAND.std*."""
    port = free_port()
    stdout, stderr = tmp_path / f"{command}.stdout", tmp_path / f"{command}.stderr"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            sns_bot(command, "--host", "127.0.0.1", "--port", str(port), *args),
            env=dict(env),
            cwd=tmp_path,
            stdout=out,
            stderr=err,
        )
    try:
        yield ServeProcess(process, port, stdout, stderr)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=STOP_TIMEOUT)
