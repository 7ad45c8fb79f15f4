"""The running configuration: app.yaml, swapped whole on reload (SIGHUP or restart).

A reload that fails validation keeps the running configuration and logs each problem, so
a typo made in April never takes the bot down. Each distinct directory is recorded with an
audit entry; records elsewhere keep the IDs and names of their own time, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bot.catalog import bilingual
from bot.clock import Clock
from bot.config import Config, ConfigError, load_config
from bot.directory import Directory
from bot.slack_names import Resolution, SlackNames
from storage import audit, revisions
from storage.db import SessionFactory

log = logging.getLogger(__name__)


def directory_of(config: Config) -> dict[str, Any]:
    """The organisational part of the configuration: who is where and who decides."""
    return config.model_dump(mode="json", include={"organization", "offices", "departments", "people"})


def _restart_settings(config: Config) -> tuple[Any, ...]:
    """Settings fixed when the process starts (thread pools, the engine, the worker)."""
    return config.server, config.database, config.delivery


class LiveConfig:
    def __init__(
        self,
        path: Path,
        config: Config,
        *,
        sessions: SessionFactory,
        clock: Clock,
        names: SlackNames | None = None,
        addresses: Mapping[str, str] | None = None,
    ) -> None:
        """``config`` already resolved (IDs only) with the ``addresses`` it was named by; ``names``
        resolves each reload's e-mail addresses and #channel names."""
        self.path = path
        # One reference, swapped whole: a reader never sees one file's config with another's directory.
        self._directory = Directory(config, addresses)
        self._names = names
        # Called after each successful reload (the April personnel change re-addresses open items).
        self.on_reload: Callable[[], None] | None = None
        self._sessions = sessions
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def current(self) -> Config:
        return self._directory.config

    @property
    def directory(self) -> Directory:
        return self._directory

    def reload(self) -> bool:
        """Re-reads app.yaml; True when the new configuration is now in use."""
        with self._lock:
            try:
                resolution = self._load()
            except ConfigError as error:
                for problem in error.problems:
                    log.error("%s: %s", self.path, problem)
                log.error("%s", bilingual("cli.reload.refused", path=self.path))
                return False
            config = resolution.config
            self.record(config)
            if _restart_settings(config) != _restart_settings(self.current):
                log.warning("server, database and delivery settings in %s take effect at restart", self.path)
            self._directory = Directory(config, resolution.addresses)
            log.info("configuration reloaded from %s (%d departments)", self.path, len(config.departments))
        if self.on_reload is not None:
            self.on_reload()
        return True

    def _load(self) -> Resolution:
        config = load_config(self.path)
        return self._names.resolve(config, self.path) if self._names else Resolution(config)

    def record(self, config: Config | None = None) -> None:
        """Records ``config`` (default: the current one) when its directory differs from the last recorded."""
        directory = directory_of(config or self.current)
        digest = hashlib.sha256(json.dumps(directory, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        now = self._clock.now()
        with self._sessions.begin() as session:
            previous = revisions.latest(session)
            if previous is not None and previous.sha256 == digest:
                return
            revision = revisions.record(session, sha256=digest, source=str(self.path), directory=directory, at=now)
            session.flush()
            audit.record(
                session,
                at=now,
                actor=None,
                action="config.directory_changed",
                entity_type="config",
                entity_id=revision.id,
                before={"sha256": previous.sha256, "revision": previous.id} if previous else None,
                after={"sha256": digest, "departments": [d["id"] for d in directory["departments"]]},
            )
