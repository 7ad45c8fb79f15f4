"""Running the playground in-process and acting through its page API, as the page's script does."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from playground.runner import Playground
from tests.support.bot import ROOT
from tests.support.flow import unpaced_config
from tests.support.process import eventually

Json = dict[str, Any]
T = TypeVar("T")
STAFF, HEAD, PUBINFO, DEPUTY = "U0STAFF1", "U0HEADKANKO", "U0PUBINFO1", "U0DEPUTYKANKO"
PUBLIC_INFO_CHANNEL = "C0PUBLICINFO"
READY = "The bot is ready."
ADDRESS = re.compile(r"https?://[^\s）)]+")


def dm(user: str) -> str:
    return "D" + user[1:]


@contextmanager
def running_playground(directory: Path) -> Iterator[Playground]:
    """The whole playground (the bot as a `sns-bot serve` process) on free ports, with a fresh database."""
    config = unpaced_config(directory)
    shutil.copy(ROOT / "manifest.yaml", directory / "manifest.yaml")
    database = f"sqlite:///{directory / 'playground.db'}"
    with Playground(config_path=config, database_url=database, port=0) as playground:
        yield playground


class PageClient:
    """The page's JSON API over HTTP."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def request(
        self, method: str, path: str, body: Json | None = None, *, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        """The status and the answer: decoded JSON, or the text of anything else."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            if body is None:
                data = None
            elif content_type == "application/json":
                data = json.dumps(body, ensure_ascii=False).encode()
            else:
                data = urlencode(body).encode()
            connection.request(method, path, body=data, headers={"Content-Type": content_type})
            response = connection.getresponse()
            raw = response.read().decode()
            json_answer = response.getheader("Content-Type", "").startswith("application/json")
            return response.status, json.loads(raw) if json_answer else raw
        finally:
            connection.close()

    def post(self, path: str, **body: Any) -> Json:
        status, answer = self.request("POST", path, body)
        assert status == 200, (path, status, answer)
        return answer

    def state(self, user: str, channel: str | None = None) -> Json:
        status, answer = self.request("GET", "/api/state?" + urlencode({"user": user, "channel": channel or dm(user)}))
        assert status == 200, answer
        return answer


def until(playground: Playground, condition: Callable[[], T | None], timeout: float = 15.0, what: str = "") -> T:
    """Waits for the workspace to change until ``condition`` holds; returns its value."""
    deadline = time.monotonic() + timeout
    version = playground.workspace.version
    while not (value := condition()):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"not within {timeout}s: {what or condition}"
        version = playground.workspace.wait_change(version, remaining)
    return value


@dataclass
class PlaygroundProcess:
    """``sns-bot playground`` (or ``make run``) as an operator starts it, in its own process group."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8") + self.stderr.read_text(encoding="utf-8")

    def wait_until_ready(self, timeout: float = 60.0) -> str:
        """Waits for the ready notice; returns the page's URL (the first address printed)."""

        def ready() -> bool:
            assert self.process.poll() is None, f"exited with {self.process.returncode}:\n{self.output()}"
            return READY in self.stdout.read_text(encoding="utf-8")

        eventually(ready, timeout=timeout, what="the playground's ready notice")
        return ADDRESS.findall(self.stdout.read_text(encoding="utf-8"))[0]

    def interrupt(self, timeout: float = 20.0) -> int:
        """Ctrl-C: SIGINT to the whole foreground group, as a terminal sends it."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=timeout)


@contextmanager
def playground_process(args: list[str], *, cwd: Path, env: dict[str, str]) -> Iterator[PlaygroundProcess]:
    stdout, stderr = cwd / "playground.stdout", cwd / "playground.stderr"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        yield PlaygroundProcess(process, stdout, stderr)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
