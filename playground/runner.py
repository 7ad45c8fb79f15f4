"""``sns-bot playground``: the Slack stand-in, the bot's own ``sns-bot serve`` pointed at it, and the page.

The bot runs unchanged in its own process; it gets SLACK_API_URL (the stand-in), a signing secret made up
for this run and a dummy token, and cannot tell the playground from Slack.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.catalog import bilingual, keys, raw, t
from bot.config import Config, load_config
from playground import people
from playground.metrics_panel import fetch_metrics
from playground.session import BotLink, Session
from playground.slack_api import HOST, SlackStandIn
from playground.web import PageServer, Setup
from playground.workspace import Workspace

BOT_TOKEN = "xoxb-playground"  # noqa: S105 - the stand-in accepts any token
STARTUP_TIMEOUT = 60.0
SWEEP_TIMEOUT = 120.0
STRINGS_PREFIX = "playground.page."


class PlaygroundError(Exception):
    """The playground cannot start; the message is for the operator."""


class Playground:
    """The three parts. Constructing binds the page's port (so its URL is known first); ``start`` starts the rest."""

    def __init__(self, *, config_path: Path, database_url: str, host: str = HOST, port: int = 8080) -> None:
        self.config_path = config_path.resolve()
        self.workspace = Workspace()
        config = people.made_up(load_config(config_path), self.workspace)
        self.workspace.names.update(config.people)
        for channel_id, name in people.channels(config).items():
            if channel_id not in self.workspace.conversations:  # one named by #name keeps that name
                self.workspace.add_channel(channel_id, name)
        everyone = people.people(config)
        for person in everyone:
            self.workspace.conversation(person.id)  # each person's DM with the bot, listed from the start
        self.stand_in = SlackStandIn(workspace=self.workspace)
        self._bot_port = _free_port()
        self.bot_url = f"http://{HOST}:{self._bot_port}"
        self._env = _bot_environment(self.stand_in.api_url, database_url, self.config_path)
        link = BotLink(self.bot_url, self._env["SLACK_SIGNING_SECRET"])
        session = Session(self.workspace, link, self.stand_in.response_url)
        setup = _setup(config, everyone, _manifest(self.config_path))
        self.page = PageServer((host, port), session, setup, self.sweep, lambda: fetch_metrics(self.bot_url))
        self._bot: subprocess.Popen[bytes] | None = None
        self._page_thread = threading.Thread(target=self.page.serve_forever, name="playground-page", daemon=True)

    @property
    def url(self) -> str:
        return self.page.url

    def start(self) -> Playground:
        self.stand_in.start()
        self._page_thread.start()
        command = [*_sns_bot("--log-level", "WARNING"), "serve", "--host", HOST, "--port", str(self._bot_port)]
        self._bot = subprocess.Popen(command, env=self._env)  # noqa: S603 - our own interpreter and module
        self._wait_until_healthy()
        return self

    def stop(self) -> None:
        if self._bot is not None and self._bot.poll() is None:
            self._bot.send_signal(signal.SIGTERM)
            try:
                self._bot.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._bot.kill()
                self._bot.wait()
        if self._page_thread.is_alive():
            self.page.shutdown()
        self.page.server_close()
        self.stand_in.stop()

    def __enter__(self) -> Playground:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sweep(self, at: datetime) -> str:
        """``sns-bot reminders run --now AT`` with the bot's environment: every reminder due by then, delivered."""
        command = [*_sns_bot(), "reminders", "run", "--now", at.isoformat()]
        result = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, env=self._env, capture_output=True, text=True, timeout=SWEEP_TIMEOUT, check=False
        )
        return (result.stdout + result.stderr).strip()

    def _healthy(self) -> bool:
        # http.client, not urllib: urllib would send even a loopback request through a configured proxy.
        connection = http.client.HTTPConnection(HOST, self._bot_port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._bot is not None and self._bot.poll() is not None:
                raise PlaygroundError(t("playground.bot_exited", code=self._bot.returncode))
            if self._healthy():
                return
            time.sleep(0.1)
        raise PlaygroundError(t("playground.bot_timeout", seconds=int(STARTUP_TIMEOUT)))


def run(*, config_path: Path, db: str, host: str, port: int, notice: str = "", out: TextIO = sys.stdout) -> int:
    """The command: the page's URL first (then ``notice``), then the bot; runs until SIGINT or SIGTERM."""
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with _database(db) as database_url:
        try:
            playground = Playground(config_path=config_path, database_url=database_url, host=host, port=port)
        except PlaygroundError as error:
            print(error, file=sys.stderr)
            return 2
        except OSError as error:
            print(bilingual("cli.startup.cannot_listen", address=f"{host}:{port}", error=error), file=sys.stderr)
            return 2
        print(bilingual("playground.open", url=playground.url), file=out, flush=True)
        if notice:
            print(notice, file=out, flush=True)
        if not _is_loopback(host):
            print(bilingual("playground.exposed", host=host), file=out, flush=True)
        try:
            playground.start()
            print(bilingual("playground.ready"), file=out, flush=True)
            stopping.wait()
        except PlaygroundError as error:
            print(error, file=sys.stderr)
            return 2
        finally:
            playground.stop()
    return 0


@contextlib.contextmanager
def _database(db: str) -> Iterator[str]:
    """A SQLite URL: ``:memory:`` is a file deleted at exit, since the bot runs in another process."""
    if db != ":memory:":
        yield f"sqlite:///{Path(db).resolve()}"
        return
    directory = tempfile.mkdtemp(prefix="sns-bot-playground-")
    try:
        yield f"sqlite:///{Path(directory) / 'playground.db'}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def environment_without_slack(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without anything that configures the bot: real Slack settings must not leak in, and
    slack_sdk would send even loopback calls through a proxy."""

    def kept(name: str) -> bool:
        upper = name.upper()
        return not (
            upper.startswith("SLACK_") or upper in ("DATABASE_URL", "SNS_BOT_CONFIG") or upper.endswith("_PROXY")
        )

    return {name: value for name, value in environ.items() if kept(name)}


def _bot_environment(api_url: str, database_url: str, config_path: Path) -> dict[str, str]:
    return {
        **environment_without_slack(os.environ),
        "SLACK_API_URL": api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": secrets.token_hex(16),
        "DATABASE_URL": database_url,
        "SNS_BOT_CONFIG": str(config_path),
    }


def _sns_bot(*options: str) -> list[str]:
    return [sys.executable, "-m", "bot", *options]


def _manifest(config_path: Path) -> dict[str, Any]:
    """manifest.yaml beside the configuration, else in the working directory: its commands and shortcuts."""
    for candidate in (config_path.with_name("manifest.yaml"), Path("manifest.yaml")):
        if candidate.is_file():
            return yaml.safe_load(candidate.read_text(encoding="utf-8"))
    raise PlaygroundError(t("playground.no_manifest", path=config_path.with_name("manifest.yaml")))


def _setup(config: Config, everyone: list[people.Person], manifest: dict[str, Any]) -> Setup:
    features = manifest.get("features", {})
    strings = {key.removeprefix(STRINGS_PREFIX): raw(key) for key in keys() if key.startswith(STRINGS_PREFIX)}
    return Setup(
        people=[p.to_json() for p in everyone],
        commands=[
            {"command": c["command"], "description": c.get("description", ""), "usage_hint": c.get("usage_hint", "")}
            for c in features.get("slash_commands", [])
        ],
        shortcuts=[
            {"name": s["name"], "callback_id": s["callback_id"]}
            for s in features.get("shortcuts", [])
            if s.get("type") == "message"
        ],
        bot_name=manifest.get("display_information", {}).get("name", "sns-bot"),
        timezone=config.organization.timezone,
        strings=strings,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
