"""The sns-bot command as an operator runs it: a real process, its exit code and what it prints."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from playground.slack_api import SlackStandIn
from storage.models import Draft, DraftVersion
from tests.playground.support import playground_process
from tests.support.bot import APP_TOKEN, APP_YAML, BOT_TOKEN, ROOT
from tests.support.process import clean_environment, eventually
from tests.support.slack_requests import SIGNING_SECRET, send, slash_command

pytestmark = pytest.mark.slow

SECRETS = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN)
# One line of each language of the set-up message (bot/catalog/cli.yaml missing_secrets).
SETUP_MESSAGE = ("Slack アプリを作成して", "manifest.yaml", "Create New App", "Create the Slack app")
QUICK_TIMEOUT = 30.0  # a command that fails before serving anything
STOP_TIMEOUT = 10.0


def sns_bot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def run(
    args: list[str], *, env: Mapping[str, str], cwd: Path, timeout: float = QUICK_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    for secret in SECRETS:
        assert secret not in result.stderr + result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(path: Path, data: dict[str, Any]) -> None:
    # Write a sibling and rename it over: a reload never reads a half-written file.
    partial = path.with_suffix(".partial")
    partial.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    partial.replace(path)


def broken_config(tmp_path: Path) -> Path:
    data = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    data["departments"][0]["head"] = "X123"
    path = tmp_path / "broken.yaml"
    write_config(path, data)
    return path


# ----- failures before serving


@pytest.mark.parametrize(
    ("args", "present", "missing"),
    [
        pytest.param(("serve",), {}, "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET", id="http"),
        pytest.param(("serve", "--socket"), {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN", id="socket"),
    ],
)
def test_serve_without_credentials_explains_how_to_create_the_slack_app(
    tmp_path: Path, args: tuple[str, ...], present: dict[str, str], missing: str
) -> None:
    result = run(sns_bot(*args), env=clean_environment(**present), cwd=tmp_path)

    assert_clean_failure(result)
    assert f"Slack の認証情報が設定されていません: {missing}\n" in result.stderr
    assert f"Slack credentials are not set: {missing}\n" in result.stderr
    for expected in SETUP_MESSAGE:
        assert expected in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no database created for a process that cannot start


def test_serve_with_a_broken_config_names_the_key_and_exits(tmp_path: Path) -> None:
    config = broken_config(tmp_path)
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never reached: the config is read first
    )

    result = run(sns_bot("serve", "--config", str(config)), env=env, cwd=tmp_path)

    assert_clean_failure(result)
    assert "設定ファイルに問題があるため起動できません。" in result.stderr
    assert "Cannot start: the configuration has problems." in result.stderr
    assert "  departments[0].head: 'X123' は Slack のユーザーIDでもメールアドレスでもありません" in result.stderr


def test_serve_when_slack_refuses_the_token_exits_with_the_reason(tmp_path: Path, fake_slack: SlackStandIn) -> None:
    fake_slack.fail_next("auth.test", error="invalid_auth")
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'sns-bot.db'}",
    )

    result = run(sns_bot("serve", "--no-scheduler", "--config", str(APP_YAML)), env=env, cwd=tmp_path)

    assert_clean_failure(result)
    assert "invalid_auth" in result.stderr
    assert f"Slack could not be reached or refused the token ({fake_slack.api_url})" in result.stderr
    (call,) = fake_slack.calls_to("auth.test")
    assert call.token == BOT_TOKEN


def test_serve_on_a_port_in_use_exits_with_a_clear_message(tmp_path: Path, fake_slack: SlackStandIn) -> None:
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'sns-bot.db'}",
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = sns_bot("serve", "--no-scheduler", "--config", str(APP_YAML), "--host", "127.0.0.1", "--port", str(port))

        result = run(args, env=env, cwd=tmp_path)

    assert_clean_failure(result)
    assert str(port) in result.stderr


def test_db_upgrade_creates_the_schema_without_a_config(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    env = clean_environment(DATABASE_URL=f"sqlite:///{database}")

    result = run(sns_bot("db", "upgrade"), env=env, cwd=tmp_path)  # no app.yaml in cwd: not needed

    assert result.returncode == 0, result.stderr
    assert "Database upgraded to" in result.stdout
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"audit_log", "outbox", "config_revisions", "alembic_version"} <= tables
    assert revision in result.stdout


def test_make_run_without_credentials_starts_the_playground_and_says_how_to_connect(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists():
        pytest.skip(f"{stamp} does not exist: `make run` would create the virtualenv and install from the network")
    if (ROOT / "pyproject.toml").stat().st_mtime > stamp.stat().st_mtime:
        pytest.skip("pyproject.toml is newer than .venv/.installed: `make run` would reinstall from the network")

    args = [make, "--no-print-directory", "-C", str(ROOT), "run", "ARGS=--port 0 --db :memory:"]
    with playground_process(args, cwd=tmp_path, env=clean_environment()) as playground:
        url = playground.wait_until_ready()
        output = playground.output()
        page = http.client.HTTPConnection("127.0.0.1", int(url.rstrip("/").rsplit(":", 1)[1]), timeout=5)
        page.request("GET", "/")
        assert page.getresponse().status == 200
        page.close()
        playground.interrupt()

    assert "pip install" not in output  # it served from the existing .venv
    assert "Traceback" not in output
    for expected in ("ローカルのお試し環境", "local playground", "manifest.yaml", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        assert expected in output


def test_run_with_a_token_serves_slack(tmp_path: Path) -> None:
    result = run(sns_bot("run"), env=clean_environment(SLACK_BOT_TOKEN=BOT_TOKEN), cwd=tmp_path)

    assert_clean_failure(result)  # serve's own check: the HTTP mode also needs the signing secret
    assert "Slack credentials are not set: SLACK_SIGNING_SECRET" in result.stderr


# ----- the whole serve process


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    port: int
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace") + self.stderr.read_text(
            encoding="utf-8", errors="replace"
        )

    def health(self) -> tuple[int, dict[str, Any]] | None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        except OSError:
            return None
        finally:
            connection.close()

    def wait_until_healthy(self, timeout: float = 20.0) -> dict[str, Any]:
        def healthy() -> dict[str, Any] | None:
            assert self.process.poll() is None, f"serve exited with {self.process.returncode}:\n{self.output()}"
            answer = self.health()
            return answer[1] if answer is not None and answer[0] == 200 else None

        return eventually(healthy, timeout=timeout, what=f"GET {self.url}/healthz = 200")


@contextmanager
def serve_process(tmp_path: Path, env: Mapping[str, str], *args: str) -> Iterator[ServeProcess]:
    port = free_port()
    stdout, stderr = tmp_path / "serve.stdout", tmp_path / "serve.stderr"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            sns_bot("serve", "--host", "127.0.0.1", "--port", str(port), *args),
            env=dict(env),
            cwd=tmp_path,
            stdout=out,
            stderr=err,
        )
    try:
        yield ServeProcess(process, port, stdout, stderr)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=STOP_TIMEOUT)


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


# -- sns-bot lint ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_lint_prints_only_json_and_exits_1_when_something_blocks(tmp_path: Path) -> None:
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    text = "連絡先 ０９０－１２３４－５６７８、○○課長が検討中です"

    result = run(sns_bot("lint", "--json", "--config", str(APP_YAML), text), env=env, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [
        ("personal_info", "block"), ("fuseji", "warn"), ("undecided", "warn"),
    ]  # fmt: skip
    assert all(text[f["start"] : f["end"]] == f["excerpt"] for f in findings)
    assert (tmp_path / "fresh.db").exists()  # a fresh database is created as serve does


@pytest.mark.slow
def test_lint_reads_standard_input_and_remembers_the_accounts_texts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lint.db'}"
    env = clean_environment(DATABASE_URL=url)
    text = "桃太郎まつりは予定どおり開催します。"

    def lint_stdin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            sns_bot("lint", "--config", str(APP_YAML), *args, "-"), input=text, env=env, cwd=tmp_path,
            capture_output=True, text=True, timeout=QUICK_TIMEOUT, check=False,
        )  # fmt: skip

    assert (lint_stdin().returncode, lint_stdin().stdout) == (0, "")
    # The same text submitted for the account last week makes it a repetition (4(3)②).
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        draft = Draft(
            kind="announcement",
            status="published",
            version=1,
            step=0,
            author_id="U0STAFF1",
            author_name="総社 太郎",
            account="@soja_kanko",
            account_key="@soja_kanko",
            chosen_approvers=[],
            created_at=datetime(2026, 11, 19, 1, 0, tzinfo=UTC),
            submitted_at=datetime(2026, 11, 19, 1, 0, tzinfo=UTC),
        )
        draft.versions.append(DraftVersion(version=1, text=text, findings=[], submitted_at=draft.submitted_at))
        session.add(draft)
    engine.dispose()
    repeated = lint_stdin("--account", "@SOJA_kanko", "--now", "2026-11-26T10:00:00+09:00")
    assert repeated.returncode == 0  # a warning, not a block
    assert "repetition" in repeated.stdout
    # Three weeks on, the 14-day memory (4(3)②) has let it go.
    assert lint_stdin("--account", "@soja_kanko", "--now", "2026-12-10T10:00:00+09:00").stdout == ""


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
    port = free_port()
    stderr = tmp_path / "scheduler.stderr"
    args = sns_bot("scheduler", "--config", str(APP_YAML), "--port", str(port))
    with stderr.open("wb") as err:
        process = subprocess.Popen(args, env=dict(env), cwd=tmp_path, stdout=err, stderr=err)
    scheduler = ServeProcess(process, port, stderr, stderr)
    try:
        scheduler.wait_until_healthy()
        metrics = send(scheduler.url, b"", method="GET", path="/metrics", sign=False)
        events = send(scheduler.url, slash_command("/sns-help"))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)

    assert metrics.status == 200
    assert 'sns_bot_outbox_messages{state="pending"}' in metrics.body.decode()
    assert events.status == 404  # it receives nothing from Slack
