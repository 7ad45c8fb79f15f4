"""The running bot the application tests drive: app.yaml unpaced, with a second 市政情報課 member."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import handlers
from handlers import application as feature
from playground.slack_api import SlackStandIn
from tests.application.flow import PUBINFO, PUBINFO2
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import unpaced_config


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    path = unpaced_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["offices"]["public_info"]["members"] = [PUBINFO, PUBINFO2]
    config["people"][PUBINFO2] = "市政 二郎"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with running_bot(fake_slack, database_url, clock=clock, config_path=path) as running:
        if feature not in handlers.FEATURES:  # until handlers/__init__.py lists the feature
            feature.register(running.service.app)
        yield running
