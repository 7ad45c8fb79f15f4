"""The running bot the draft tests drive: app.yaml unpaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.slack_api import SlackStandIn
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import unpaced_config


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running
