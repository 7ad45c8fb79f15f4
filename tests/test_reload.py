"""Reloading app.yaml (人事異動): a good file replaces the directory, a bad one is refused."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_config
from bot.live_config import LiveConfig
from storage.db import SessionFactory
from storage.models import AuditEntry, ConfigRevision
from tests.support.bot import APP_YAML
from tests.support.clock import FrozenClock


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    shutil.copy(APP_YAML, path)
    return path


@pytest.fixture
def live(config_file: Path, sessions: SessionFactory, clock: FrozenClock) -> LiveConfig:
    live = LiveConfig(config_file, load_config(config_file), sessions=sessions, clock=clock)
    live.record()
    return live


def revisions(sessions: SessionFactory) -> list[ConfigRevision]:
    with sessions() as session:
        return list(session.scalars(select(ConfigRevision).order_by(ConfigRevision.id)))


def test_start_records_the_directory_once(live: LiveConfig, sessions: SessionFactory) -> None:
    live.record()  # a restart with the same app.yaml

    (revision,) = revisions(sessions)
    assert revision.directory["departments"][0]["head"] == "U0HEADKANKO"


def test_a_new_head_in_april_is_reloaded_and_recorded(
    live: LiveConfig, config_file: Path, sessions: SessionFactory, clock: FrozenClock
) -> None:
    clock.advance(days=126)
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("head: U0HEADKANKO", "head: U0NEWHEAD"), encoding="utf-8"
    )

    assert live.reload() is True

    assert live.current.departments[0].head == "U0NEWHEAD"
    old, new = revisions(sessions)
    assert (old.directory["departments"][0]["head"], new.directory["departments"][0]["head"]) == (
        "U0HEADKANKO",
        "U0NEWHEAD",
    )
    with sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "config.directory_changed")).all()
    assert [e.entity_id for e in entries] == [str(old.id), str(new.id)]
    assert entries[1].before == {"sha256": old.sha256, "revision": old.id}
    assert entries[1].occurred_at == clock.now()


def test_a_broken_file_is_refused_and_the_running_directory_kept(
    live: LiveConfig, config_file: Path, sessions: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("head: U0HEADKANKO", "head: X123"), encoding="utf-8"
    )

    with caplog.at_level(logging.ERROR):
        assert live.reload() is False

    assert live.current.departments[0].head == "U0HEADKANKO"
    assert len(revisions(sessions)) == 1
    assert "departments[0].head: 'X123'" in caplog.text


def test_settings_changes_alone_are_no_new_directory(
    live: LiveConfig, config_file: Path, sessions: SessionFactory
) -> None:
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("workers: 8", "workers: 4"), encoding="utf-8"
    )

    assert live.reload() is True
    assert live.current.delivery.workers == 4
    assert len(revisions(sessions)) == 1
