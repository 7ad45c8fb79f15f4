"""The whole `sns-bot serve` process as an operator runs it: reloads on SIGHUP, stops on SIGTERM, JSON log lines,
and the scheduler process's health and metrics."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, text

from playground.slack_api import SlackStandIn
from tests.support.bot import APP_YAML, BOT_TOKEN
from tests.support.cli import SECRETS, STOP_TIMEOUT, ServeProcess, bot_process, serve_process, write_config
from tests.support.process import clean_environment, eventually
from tests.support.slack_requests import SIGNING_SECRET, send, slash_command

pytestmark = pytest.mark.slow


def config_rows(engine: Engine) -> tuple[list[Any], list[Any]]:
    with engine.connect() as connection:
        revisions = connection.execute(text("SELECT id, sha256 FROM config_revisions ORDER BY id")).all()
        audits = connection.execute(
            text("SELECT entity_id, action FROM audit_log WHERE action = 'config.directory_changed' ORDER BY id")
        ).all()
    return list(revisions), list(audits)


def audit_after(engine: Engine, revision_id: int) -> Any:
    with engine.connect() as connection:
        after = connection.execute(
            text("SELECT after FROM audit_log WHERE action = 'config.directory_changed' AND entity_id = :id"),
            {"id": str(revision_id)},
        ).scalar_one()
    return json.loads(after) if isinstance(after, str) else after  # SQLite answers text, PostgreSQL JSON


def ask_for_help(bot: ServeProcess, fake: SlackStandIn, name: str) -> str:
    """Sends /sns-help; returns the text of the ephemeral answer in its ack."""
    reply = send(bot.url, slash_command("/sns-help", response_url=fake.response_url(name)))
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    blocks = answer["blocks"]
    assert blocks[0]["type"] == "header"
    return json.dumps(blocks, ensure_ascii=False)


def test_serve_answers_reloads_on_sighup_and_stops_on_sigterm(
    tmp_path: Path, database_url: str, fake_slack: SlackStandIn
) -> None:
    config = tmp_path / "app.yaml"
    shutil.copy(APP_YAML, config)
    original = yaml.safe_load(config.read_text(encoding="utf-8"))
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    engine = create_engine(database_url)
    try:
        assert config_rows(engine) == ([], [])
        with serve_process(tmp_path, env, "--no-scheduler", "--config", str(config)) as bot:
            health = bot.wait_until_healthy()
            assert health["status"] == "ok"
            assert health["database"] == "ok"
            assert fake_slack.calls_to("auth.test")[0].token == BOT_TOKEN

            # The configuration it started with is recorded once.
            revisions, audits = config_rows(engine)
            assert len(revisions) == 1
            assert audits == [(str(revisions[0].id), "config.directory_changed")]

            assert "総社市ソーシャルメディア活用ガイドライン" in ask_for_help(bot, fake_slack, "help")

            # A valid edit and SIGHUP: a new revision, audited, and in use.
            changed = yaml.safe_load(yaml.safe_dump(original))
            changed["organization"]["name"] = "吉備市"
            changed["departments"].append(
                {"id": "hisho", "name": "秘書室", "head": "U0HEADHISHO", "members": ["U0STAFF3"]}
            )
            write_config(config, changed)
            bot.process.send_signal(signal.SIGHUP)

            def second_revision() -> tuple[list[Any], list[Any]] | None:
                rows = config_rows(engine)
                return rows if len(rows[0]) >= 2 else None

            revisions, audits = eventually(second_revision, timeout=5, what="a second config revision")
            # Logged once the new configuration is in use (the revision is committed just before).
            eventually(lambda: "configuration reloaded from" in bot.output(), timeout=5, what="the reload log line")
            assert len(revisions) == 2
            assert revisions[1].sha256 != revisions[0].sha256
            assert audits == [
                (str(revisions[0].id), "config.directory_changed"),
                (str(revisions[1].id), "config.directory_changed"),
            ]
            assert audit_after(engine, revisions[1].id) == {
                "sha256": revisions[1].sha256,
                "departments": ["kanko", "hisho"],
            }
            assert "吉備市ソーシャルメディア活用ガイドライン" in ask_for_help(bot, fake_slack, "after-reload")

            # A broken edit and SIGHUP: refused, logged, and the process keeps serving the previous config.
            broken = yaml.safe_load(yaml.safe_dump(changed))
            broken["departments"][0]["head"] = "X123"
            write_config(config, broken)
            bot.process.send_signal(signal.SIGHUP)
            eventually(
                lambda: "still running the previous configuration" in bot.output(),
                timeout=5,
                what="the refused reload to be logged",
            )
            assert bot.process.poll() is None
            assert bot.health() == (200, health)
            assert "吉備市ソーシャルメディア活用ガイドライン" in ask_for_help(bot, fake_slack, "after-broken")
            assert config_rows(engine) == (revisions, audits)

            bot.process.send_signal(signal.SIGTERM)
            assert bot.process.wait(timeout=STOP_TIMEOUT) == 0
        stderr = bot.stderr.read_text(encoding="utf-8")
        assert f"{config}: departments[0].head: 'X123' は Slack のユーザーIDでもメールアドレスでもありません" in stderr
        assert "Traceback" not in bot.output()
        for secret in SECRETS:
            assert secret not in bot.output()
    finally:
        engine.dispose()


def test_serve_writes_json_log_lines_when_app_yaml_asks(
    tmp_path: Path, database_url: str, fake_slack: SlackStandIn
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(APP_YAML.read_text(encoding="utf-8").replace("format: text", "format: json"), encoding="utf-8")
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    with serve_process(tmp_path, env, "--no-scheduler", "--config", str(config)) as bot:
        bot.wait_until_healthy()
        assert send(bot.url, slash_command("/sns-help"), sign=False).status == 401
        bot.process.send_signal(signal.SIGTERM)
        assert bot.process.wait(timeout=STOP_TIMEOUT) == 0

    lines = [json.loads(line) for line in bot.stderr.read_text(encoding="utf-8").splitlines()]
    messages = [(line["level"], line["logger"], line["message"]) for line in lines]
    assert any(m[1] == "bot.service" and m[2].startswith("sns-bot ready (HTTP") for m in messages)
    assert (
        "WARNING",
        "bot.http",
        "rejected POST /slack/events from 127.0.0.1: invalid or missing Slack signature",
    ) in (messages)
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
    for secret in SECRETS:
        assert secret not in bot.output()


def test_the_scheduler_process_serves_health_and_metrics_on_its_port(
    tmp_path: Path, database_url: str, fake_slack: SlackStandIn
) -> None:
    env = clean_environment(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database_url)
    with bot_process(tmp_path, env, "scheduler", "--config", str(APP_YAML)) as scheduler:
        assert scheduler.wait_until_healthy()["delivery"] is True
        metrics = send(scheduler.url, b"", method="GET", path="/metrics", sign=False)
        events = send(scheduler.url, slash_command("/sns-help"))
        scheduler.process.send_signal(signal.SIGTERM)
        assert scheduler.process.wait(timeout=STOP_TIMEOUT) == 0

    assert metrics.status == 200
    assert 'sns_bot_outbox_messages{state="pending"}' in metrics.body.decode()
    assert events.status == 404  # it receives nothing from Slack
