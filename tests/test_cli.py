"""The sns-bot command as an operator runs it: a real process, its exit code and what it prints (the whole serve
process: test_cli_serve.py)."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from playground.slack_api import SlackStandIn
from storage.models import Draft, DraftVersion
from tests.playground.support import playground_process
from tests.support.bot import APP_YAML, BOT_TOKEN, ROOT
from tests.support.cli import QUICK_TIMEOUT, SETUP_MESSAGE, assert_clean_failure, broken_config, run, sns_bot
from tests.support.process import clean_environment
from tests.support.slack_requests import SIGNING_SECRET

pytestmark = pytest.mark.slow


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
