"""The real serve path, in-process: BotService started, served by waitress on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.environment import Environment
from bot.server import serving
from bot.service import BotService
from playground.slack_api import SlackStandIn
from tests.support.slack_requests import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]
APP_YAML = ROOT / "app.yaml"
BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"


def environment_for(fake: SlackStandIn, database_url: str, config_path: Path = APP_YAML) -> Environment:
    return Environment(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        app_token=APP_TOKEN,
        api_url=fake.api_url,
        database_url=database_url,
        config_path=config_path,
    )


@dataclass(frozen=True)
class RunningBot:
    service: BotService
    url: str


@contextmanager
def running_bot(
    fake: SlackStandIn,
    database_url: str,
    *,
    config_path: Path = APP_YAML,
    clock: Clock | None = None,
    socket_mode: bool = False,
    checks: bool = False,
) -> Iterator[RunningBot]:
    """The bot as served, without a scheduler; without the start-up checks unless asked for, as their Slack
    calls would mix with what each test records (tests/test_doctor.py runs them)."""
    service = BotService(
        environment_for(fake, database_url, config_path),
        clock=clock,
        scheduler=False,
        socket_mode=socket_mode,
        checks=checks,
    )
    service.start()
    try:
        if checks:
            assert service.checked.wait(30), "the start-up checks did not finish"
        with serving(service, host="127.0.0.1", port=0, socket_mode=socket_mode) as http:
            yield RunningBot(service, http.url)
    finally:
        service.stop()
