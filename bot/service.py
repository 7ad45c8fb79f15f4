"""Wiring: everything one serve process runs, the features included, started and stopped in order."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import Engine

import handlers
from bot import catalog, doctor
from bot.app import create_app
from bot.catalog import bilingual
from bot.clock import Clock, SystemClock
from bot.config import load_config
from bot.delivery import OutboxWorker
from bot.environment import Environment
from bot.live_config import LiveConfig
from bot.metrics import DatabaseGauges, Metrics
from bot.runtime import Parts, Runtime
from bot.scheduler import create_scheduler
from bot.slack_names import SlackLookup, SlackNames
from storage import migrate, outbox
from storage.cases import CaseNumbers
from storage.db import SessionFactory, make_engine, make_sessions, ping, reading_sessions
from storage.group_commit import GroupCommit

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message says what to do (it is shown to the operator as is)."""


def required_secrets(env: Environment, *, socket_mode: bool) -> list[str]:
    """The environment variables this mode needs that are not set."""
    needed = {"SLACK_BOT_TOKEN": env.bot_token}
    if socket_mode:
        needed["SLACK_APP_TOKEN"] = env.app_token
    else:
        needed["SLACK_SIGNING_SECRET"] = env.signing_secret
    return [name for name, value in needed.items() if not value]


class BotService:
    def __init__(
        self,
        env: Environment,
        *,
        clock: Clock | None = None,
        scheduler: bool = True,
        delivery: bool = True,
        socket_mode: bool = False,
        checks: bool = True,
    ) -> None:
        self.env = env
        self.clock = clock or SystemClock()
        self.with_scheduler = scheduler
        # Without, another process (`sns-bot scheduler`) delivers, rung by PostgreSQL's NOTIFY at each commit.
        self.with_delivery = delivery
        self.with_checks = checks
        self.socket_mode = socket_mode
        self.ready = threading.Event()
        self.checked = threading.Event()  # the start-up checks are done (tests wait for it; serving does not)
        self._stops: list[Any] = []

    def start(self) -> None:
        """Raises ConfigError for a bad app.yaml, StartupError for anything else the operator must fix."""
        self.runtime = open_runtime(self.env, self.clock)
        self._stops.append(self.runtime.engine.dispose)
        self.app = self._create_app()
        self._stops.append(lambda: self.app.listener_runner.listener_executor.shutdown(wait=True))
        if self.with_delivery:
            self._start_delivery()
        # A restart with a changed app.yaml is a reload: open items follow the directory, then and on SIGHUP.
        self.runtime.config.on_reload = lambda: handlers.readdress(self.runtime)
        handlers.readdress(self.runtime)
        if self.with_scheduler:
            scheduler = create_scheduler(self.runtime, handlers.JOBS)
            scheduler.start()
            self._stops.append(scheduler.shutdown)
        if self.with_checks:
            self._start_checks()
        catalog.keys()  # parsed now, not by the first request
        self.ready.set()
        mode = "Socket Mode" if self.socket_mode else "HTTP"
        delivery = "" if self.with_delivery else ", no delivery: another process delivers the outbox"
        log.info("sns-bot ready (%s%s, database %s)", mode, delivery, self.runtime.engine.url.render_as_string())

    def _start_checks(self) -> None:
        """`sns-bot doctor`'s checks, off the start-up path (a large directory takes many rate-limited calls)."""
        thread = threading.Thread(target=self._log_problems, name="doctor", daemon=True)
        thread.start()
        self._stops.append(lambda: thread.join(timeout=5))

    def _log_problems(self) -> None:
        """What needs fixing is logged; the bot serves anyway."""
        settings = self.runtime.config.current
        client = doctor.slack_client(self.env, settings.delivery.request_timeout_seconds)
        try:
            findings = doctor.diagnose(
                settings, client=client, engine=self.runtime.engine, now=self.runtime.clock.now(), jobs=handlers.JOBS
            )
            for finding in findings:
                if not finding.ok:
                    log.warning("doctor: %s", finding.text())
        except Exception:  # a check's own failure must not go unseen, nor stop the bot
            log.exception("the start-up checks failed; run `sns-bot doctor`")
        finally:
            self.checked.set()

    def _start_delivery(self) -> None:
        self.worker = delivery_worker(self.runtime)
        self._stops.append(outbox.on_commit(self.runtime.sessions, self.worker.wake))
        self.worker.start()
        self._stops.append(self.worker.stop)
        if self.runtime.engine.dialect.name == "postgresql":
            from bot.doorbell import PostgresDoorbell  # psycopg (~20 MB) is loaded where PostgreSQL is used

            doorbell = PostgresDoorbell(self.runtime.engine, self.worker.wake)
            doorbell.start()
            self._stops.append(doorbell.stop)

    def _create_app(self) -> App:
        try:
            return create_app(self.runtime)
        except Exception as error:  # BoltError wrapping auth.test, or Slack unreachable
            raise StartupError(bilingual("cli.startup.slack_refused", api_url=self.env.api_url, error=error)) from None

    def health(self) -> tuple[bool, dict[str, Any]]:
        healthy, details = check_health(self.ready, self.runtime.engine if self.ready.is_set() else None)
        # Which process delivers is part of the answer: a web process without delivery is healthy
        # while the outbox waits for the other one (`sns-bot doctor` checks the outbox itself).
        return healthy, {**details, "delivery": self.with_delivery}

    def stop(self) -> None:
        self.ready.clear()
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()


def open_runtime(env: Environment, clock: Clock) -> Runtime:
    """Configuration, database (migrated or checked), directory and what the features add: what every
    command that touches the data needs, the Slack connection aside. The caller disposes of the engine."""
    config = load_config(env.config_path)
    engine = make_engine(env.database_url or config.database.url)
    try:
        prepare_database(engine)
        sessions = make_sessions(engine)
        names = slack_names(env, sessions, clock, timeout=config.delivery.request_timeout_seconds)
        resolution = names.resolve(config, env.config_path)
        live = LiveConfig(
            env.config_path,
            resolution.config,
            sessions=sessions,
            clock=clock,
            names=names,
            addresses=resolution.addresses,
        )
        live.record()  # a restart with a changed app.yaml is a reload
    except BaseException:
        engine.dispose()
        raise
    return Runtime(
        env=env,
        config=live,
        engine=engine,
        sessions=sessions,
        reading=reading_sessions(engine),
        clock=clock,
        group_commit=GroupCommit(sessions),
        metrics=Metrics(DatabaseGauges(sessions, clock, handlers.GAUGES)),
        parts=Parts(CaseNumbers(engine)),
    )


def slack_names(env: Environment, sessions: SessionFactory, clock: Clock, *, timeout: float) -> SlackNames:
    """The resolver of app.yaml's addresses and #names: through Slack with the bot token, else from the database.
    users.lookupByEmail is Tier 3 (about 50 a minute): a large app.yaml waits out Slack's Retry-After."""
    if not env.bot_token:
        return SlackNames(None, sessions=sessions, clock=clock)
    retries = [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=10)]
    client = WebClient(token=env.bot_token, base_url=env.api_url, timeout=int(timeout), retry_handlers=retries)
    return SlackNames(SlackLookup(client), sessions=sessions, clock=clock)


def delivery_worker(runtime: Runtime) -> OutboxWorker:
    settings = runtime.config.current.delivery
    client = WebClient(
        token=runtime.env.bot_token,
        base_url=runtime.env.api_url,
        timeout=int(settings.request_timeout_seconds),
        retry_handlers=[],  # the outbox retries, durably
    )
    return OutboxWorker(
        sessions=runtime.sessions,
        client=client,
        settings=settings,
        clock=runtime.clock,
        directory=lambda: runtime.config.directory,
        renderers=handlers.MESSAGES,
        reading=runtime.reading,
        observe=runtime.metrics.delivered,
    )


def check_health(ready: threading.Event, engine: Engine | None) -> tuple[bool, dict[str, Any]]:
    """Healthy when started and the database answers."""
    if not ready.is_set() or engine is None:
        return False, {"status": "unavailable", "ready": False}
    try:
        ping(engine)
    except Exception as error:
        log.warning("health check: the database does not answer: %s", error)
        return False, {"status": "unavailable", "ready": True, "database": "error"}
    return True, {"status": "ok", "ready": True, "database": "ok"}


def prepare_database(engine: Engine) -> None:
    """SQLite creates and upgrades itself; PostgreSQL must have been upgraded with `sns-bot db upgrade`."""
    if engine.dialect.name == "sqlite":
        migrate.upgrade(engine)  # the embedded default creates and upgrades itself
    elif not migrate.is_current(engine):
        raise StartupError(
            bilingual(
                "cli.startup.schema_outdated", current=migrate.current_revision(engine), head=migrate.head_revision()
            )
        )
