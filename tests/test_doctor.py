"""`sns-bot doctor` as an operator runs it against the Slack stand-in and a real database, serve's checks at
start, and the database-side checks (sweeps, outbox) at fixed instants."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

import handlers
from bot.clock import SystemClock
from bot.config import load_config
from bot.configured import people_of
from bot.doctor import Finding, check_people, check_storage
from bot.slack_scopes import BOT_SCOPES
from playground.slack_api import SlackStandIn
from storage import outbox, sweeps
from storage.db import SessionFactory, make_engine, make_sessions
from storage.models import OutboxStatus
from tests.support.bot import APP_YAML, BOT_TOKEN, running_bot
from tests.support.clock import FrozenClock
from tests.support.process import clean_environment

SECRETARIAT, STAFF2, TYPO = "C0SECRETARIAT", "U0STAFF2", "sakura.kibi@city.example.jp"  # an address Slack does not know
ZONE = ZoneInfo("Asia/Tokyo")
JOB_IDS = [job.id for job in handlers.JOBS]


def doctor(fake: SlackStandIn, database_url: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake.api_url, DATABASE_URL=database_url, SNS_BOT_CONFIG=str(config)
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def scheduler_started(database_url: str) -> None:
    """What a serve process's scheduler records when it starts, by the system's clock that doctor reads too."""
    engine = make_engine(database_url)
    with make_sessions(engine).begin() as session:
        sweeps.started(session, JOB_IDS, SystemClock().now())
    engine.dispose()


def problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("NG")]


@pytest.mark.slow
def test_doctor_names_each_problem_with_its_fix_and_passes_once_they_are_fixed(
    fake_slack: SlackStandIn, database_url: str, tmp_path: Path
) -> None:
    scheduler_started(database_url)
    config = tmp_path / "app.yaml"
    config.write_text(APP_YAML.read_text(encoding="utf-8").replace(STAFF2, TYPO), encoding="utf-8")
    fake_slack.access.remove_bot(SECRETARIAT)
    fake_slack.access.grant(BOT_SCOPES - {"channels:join"})

    found = doctor(fake_slack, database_url, config)

    assert found.returncode == 1, found.stdout + found.stderr
    assert "Traceback" not in found.stdout + found.stderr
    channel, person, scopes = sorted(
        problems(found.stdout), key=lambda line: ("チャンネル" not in line, "人" not in line)
    )
    assert "/invite @sns-bot を #秘書室 で実行してください" in channel
    assert "offices.secretariat.channel" in channel
    assert f"departments[0].members[1], people.{TYPO}: {TYPO}" in person
    assert "users_not_found" in person
    assert "channels:join" in scopes
    assert "再インストール" in scopes
    assert "Run /invite @sns-bot in #秘書室" in found.stdout  # each in English too
    assert "3 problems" in found.stdout

    config.write_text(APP_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    fake_slack.access.invite_bot(SECRETARIAT)
    fake_slack.access.grant(BOT_SCOPES)
    fixed = doctor(fake_slack, database_url, config)

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert problems(fixed.stdout) == []
    assert "OK  チャンネル 秘書室" in fixed.stdout
    assert "Every check passed." in fixed.stdout


def test_serve_logs_the_problems_at_start_and_serves_anyway(
    fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.access.remove_bot(SECRETARIAT)
    caplog.set_level(logging.WARNING, logger="bot.service")

    with running_bot(fake_slack, database_url, clock=clock, checks=True) as bot:
        assert bot.service.health()[0]

    logged = [r.getMessage() for r in caplog.records if r.name == "bot.service"]
    assert any("/invite @sns-bot を #秘書室 で実行してください" in line for line in logged), logged
    # Started without a scheduler (the tests' bot), and nothing else has ever swept: said so too.
    assert any("sns-bot scheduler" in line for line in logged), logged
    assert not any("OK" in line.split()[:2] for line in logged)


def test_people_are_checked_through_the_resolver_given_each_named_by_every_key() -> None:
    config = load_config(APP_YAML)
    unknown = {"U0HEADKANKO": "user_not_found"}

    (finding,) = check_people(people_of(config), unknown.get)

    assert not finding.ok
    keys = finding.params["keys"].split(", ")
    assert keys == ["departments[0].head", "departments[0].approvers[0]", "people.U0HEADKANKO"]
    assert check_people(people_of(config), lambda _person: None) == [Finding(True, "person.ok", {"count": 6})]


def storage_findings(engine: Engine, clock: FrozenClock) -> dict[str, Finding]:
    return {f.key: f for f in check_storage(engine, handlers.JOBS, clock.now(), ZONE)}


def test_a_scheduler_just_started_is_healthy_and_a_sweep_past_its_interval_is_named_with_its_error(
    engine: Engine, sessions: SessionFactory, clock: FrozenClock
) -> None:
    assert not storage_findings(engine, clock)["sweeps.never"].ok
    with sessions.begin() as session:
        sweeps.started(session, JOB_IDS, clock.now())

    clock.advance(seconds=30)  # less than any sweep's interval: not swept yet is normal
    assert storage_findings(engine, clock)["sweeps.ok"].ok

    with sessions.begin() as session:
        sweeps.finished(session, "report.escalate", clock.now(), "RuntimeError('boom')")
        for job_id in JOB_IDS:
            if job_id != "report.escalate":
                sweeps.finished(session, job_id, clock.now())
    clock.advance(minutes=3)  # past one minute's interval and the minute tolerated; short of ten minutes
    late = storage_findings(engine, clock)["sweeps.late"]

    assert not late.ok
    named = late.params["sweeps"]
    assert "report.escalate (-, RuntimeError('boom'))" in named
    for job in handlers.JOBS:
        if job.id != "report.escalate" and job.interval <= timedelta(minutes=1):
            assert f"{job.id} (2026-11-26T09:00+09:00)" in named  # when it last swept, in JST
        if job.interval >= timedelta(minutes=10):
            assert job.id not in named


def test_the_outbox_is_unhealthy_when_a_message_waits_too_long_or_one_failed_lately(
    engine: Engine, sessions: SessionFactory, clock: FrozenClock
) -> None:
    with sessions.begin() as session:
        sweeps.started(session, JOB_IDS, clock.now())
        waiting = outbox.post_message(session, channel="C0PUBLICINFO", message={"text": "待ち"}, now=clock.now())
        gone = outbox.post_message(session, channel="C0GONE", message={"text": "失敗"}, now=clock.now())
        gone.status = OutboxStatus.FAILED
    assert storage_findings(engine, clock).keys() >= {"outbox.failed"}
    assert "outbox.stalled" not in storage_findings(engine, clock)

    clock.advance(minutes=16)
    stalled = storage_findings(engine, clock)["outbox.stalled"]
    assert stalled.params == {"unsent": 1, "oldest": "2026-11-26T09:00+09:00"}

    with sessions.begin() as session:
        session.get_one(type(waiting), waiting.id).status = OutboxStatus.SENT
    clock.advance(hours=24)  # the failure is more than a day old
    assert storage_findings(engine, clock)["outbox.ok"].params == {"unsent": 0}
