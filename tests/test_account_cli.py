"""The operators' commands: `sns-bot reminders run|list`, `sns-bot export audit`, `sns-bot accounts`."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from playground.slack_api import SlackStandIn
from storage import audit, migrate
from storage.db import make_engine
from storage.models import (
    Account,
    AccountState,
    AuditEntry,
    Capacity,
    Case,
    CaseKind,
    OutboxMessage,
    Reminder,
)
from tests.conftest import POSTGRES_URL
from tests.support.accounts import kanko_account
from tests.support.bot import APP_YAML, BOT_TOKEN
from tests.test_cli import clean_environment

pytestmark = pytest.mark.slow
POLICY = "https://www.city.soja.okayama.jp/sns/"


def sns_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--config", str(APP_YAML)],
        env=clean_environment(**env), cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        account = kanko_account()
        account.public_policy_url = POLICY  # the policy reminder has tests of its own
        session.add(account)
    engine.dispose()
    return url


def listed_reminders(tmp_path: Path, database: str, now: str) -> dict[str, dict[str, str]]:
    result = sns_bot(tmp_path, "reminders", "list", "--json", "--now", now, DATABASE_URL=database)
    assert result.returncode == 0, result.stderr
    return {r["kind"]: r for r in json.loads(result.stdout)["reminders"]}


def test_reminders_list_says_what_is_due_and_when_it_is_sent(tmp_path: Path, database: str) -> None:
    password = listed_reminders(tmp_path, database, "2026-11-26T10:00:00+09:00")["password"]

    assert password["due_on"] == "2026-11-28"  # a Saturday: sent on Monday morning
    assert password["sent_at"] == "2026-11-30T08:30:00+09:00"


def test_reminders_list_gives_an_overdue_reminder_in_the_organisations_zone(tmp_path: Path, database: str) -> None:
    # Tuesday 10:00 in Sōja, asked as UTC: the overdue password reminder goes now, printed as JST.
    password = listed_reminders(tmp_path, database, "2026-12-01T01:00:00+00:00")["password"]

    assert password["due_on"] == "2026-11-28"
    assert password["sent_at"] == "2026-12-01T10:00:00+09:00"


def test_reminders_run_as_of_an_instant_sends_once_and_delivers(
    tmp_path: Path, database: str, fake_slack: SlackStandIn
) -> None:
    env = {"DATABASE_URL": database, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake_slack.api_url}

    first = sns_bot(tmp_path, "reminders", "run", "--now", "2026-11-30T08:30:00+09:00", **env)
    second = sns_bot(tmp_path, "reminders", "run", "--now", "2026-11-30T09:00:00+09:00", **env)

    assert first.returncode == 0, first.stderr
    assert "account.reminders: 1" in first.stdout
    assert "delivered: 1" in first.stdout
    assert "account.reminders: 0" in second.stdout
    (reminder,) = fake_slack.calls_to("chat.postMessage")
    assert reminder.args["channel"] == "U0STAFF1"
    engine = create_engine(database)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 1
    engine.dispose()


def test_reminders_run_on_a_saturday_sends_nothing(tmp_path: Path, database: str) -> None:
    result = sns_bot(tmp_path, "reminders", "run", "--now", "2026-11-28T10:00:00+09:00", DATABASE_URL=database)

    assert result.returncode == 0, result.stderr
    assert "account.reminders: 0" in result.stdout


def test_export_audit_to_csv_and_xlsx_and_the_export_is_audited(tmp_path: Path, database: str) -> None:
    day = "2026-11-26"
    engine = create_engine(database)
    with Session(engine) as session, session.begin():  # 08:30 JST on that day, still 11-25 in UTC
        audit.record(session, at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC), actor=None, action="account.registered",
                     entity_type="account", entity_id=1)  # fmt: skip
    engine.dispose()

    as_csv = subprocess.run(
        [sys.executable, "-m", "bot", "export", "audit", "--from", day, "--to", day, "--format", "csv",
         "--config", str(APP_YAML)],
        env=clean_environment(DATABASE_URL=database), cwd=tmp_path, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(as_csv.stdout.decode("utf-8-sig"))))
    assert rows[0][:3] == ["番号", "日時", "実行者ID"]
    assert [row[4] for row in rows[1:]] == ["account.registered"]

    as_xlsx = sns_bot(tmp_path, "export", "audit", "--from", day, "--to", day, DATABASE_URL=database)
    assert as_xlsx.returncode == 0, as_xlsx.stderr
    sheet = openpyxl.load_workbook(tmp_path / f"audit-{day}-{day}.xlsx").active
    assert sheet.cell(1, 5).value == "操作"
    engine = create_engine(database)
    with Session(engine) as session:
        exported = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.exported")).all()
    engine.dispose()
    assert [e.after["format"] for e in exported] == ["csv", "xlsx"]


def test_export_audit_leaves_private_reports_out_unless_asked_and_says_which(tmp_path: Path, database: str) -> None:
    day = "2026-11-26"
    engine = create_engine(database)
    with Session(engine) as session, session.begin():
        at = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
        session.add(Case(
            number="SNS-2026-0007", kind=CaseKind.FLAME, capacity=Capacity.PRIVATE, summary="私的な概要",
            discovered_at=at, created_at=at, reporter_id="U0STAFF1", reporter_name="観光 一郎",
        ))  # fmt: skip
        audit.record(
            session, at=at, actor=audit.Actor("U0STAFF1", "観光 一郎"), action="case.created", entity_type="case",
            entity_id="SNS-2026-0007", after={"urls": ["https://x.com/p/status/9"]},
        )  # fmt: skip
    engine.dispose()

    def export(*extra: str) -> str:
        result = sns_bot(tmp_path, "export", "audit", "--from", day, "--to", day, "--format", "jsonl", *extra,
                         DATABASE_URL=database)  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    left_out, put_in = export(), export("--include-private")

    assert "SNS-2026-0007" in left_out
    assert "プライベート" not in left_out  # jsonl says it with "private": true
    (row,) = [json.loads(line) for line in left_out.splitlines() if "SNS-2026-0007" in line]
    assert (row["private"], row["actor_id"], row["after"]) == (True, None, None)
    assert "観光 一郎" not in left_out
    assert "x.com/p/status/9" not in left_out
    assert "観光 一郎" in put_in
    assert "x.com/p/status/9" in put_in
    engine = create_engine(database)
    with Session(engine) as session:
        exported = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.exported")).all()
    engine.dispose()
    assert [e.after["include_private"] for e in exported] == [False, True]


def test_accounts_import_then_list(tmp_path: Path, database: str) -> None:
    good = tmp_path / "accounts.csv"
    good.write_text(
        "\ufeff種類,アカウント名,URL,所属,管理者,パスワード変更日,振り返り間隔日数,前回振り返り日,運用ポリシーURL\n"
        "Instagram,soja_gram,https://www.instagram.com/soja_gram/,kanko,U0STAFF1 U0STAFF2,2026-10-01,,,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,name,url,department,managers,password_changed_on\n"
                   "x,a,https://x.com/a,nosuch,U0STAFF1,2026-10-01\n", encoding="utf-8")  # fmt: skip

    refused = sns_bot(tmp_path, "accounts", "import", str(bad), DATABASE_URL=database)
    assert refused.returncode == 1
    assert "2行目 department" in refused.stderr
    imported = sns_bot(tmp_path, "accounts", "import", str(good), DATABASE_URL=database)
    assert imported.returncode == 0, imported.stderr
    again = sns_bot(tmp_path, "accounts", "import", str(good), DATABASE_URL=database)
    assert "変更なし 1 件" in again.stdout

    listed = json.loads(sns_bot(tmp_path, "accounts", "list", "--json", DATABASE_URL=database).stdout)["accounts"]
    assert sorted(a["name"] for a in listed) == ["soja_gram", "総社市観光"]
    # Imported without a 運用ポリシーURL: flagged (4(4)③).
    assert {a["name"]: a["policy_missing"] for a in listed} == {"soja_gram": True, "総社市観光": False}


@pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL does not answer")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_processes_sweeping_one_postgresql_send_each_reminder_once(tmp_path: Path, database_url: str) -> None:
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        for n in range(20):
            session.add(Account(
                platform="x", name=f"a{n}", url=f"https://x.com/a{n}", department_id="kanko",
                department_name="観光プロモーション課", managers=["U0STAFF1"], state=AccountState.ACTIVE,
                password_changed_on=date(2026, 8, 1), review_interval_days=30, last_review_on=date(2026, 10, 1),
                registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
                public_policy_url="https://www.city.soja.okayama.jp/sns/",
            ))  # fmt: skip
    command = [sys.executable, "-m", "bot", "reminders", "run", "--now", "2026-11-30T09:30:00+09:00",
               "--config", str(APP_YAML)]  # fmt: skip
    env = clean_environment(DATABASE_URL=database_url)

    runs = [subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=60) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = [int(out.split("account.reminders: ")[1].split()[0]) for out, _ in outputs]
    assert sum(sent) == 60  # per account: the password reminder, its overdue notice and the review
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 60
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 60
    engine.dispose()


def test_the_scheduler_runs_alone_and_stops_cleanly(tmp_path: Path, database: str, fake_slack: SlackStandIn) -> None:
    env = clean_environment(DATABASE_URL=database, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake_slack.api_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "scheduler", "--config", str(APP_YAML)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        fake_slack.wait_for("auth.test", timeout=30)  # started: the token was checked
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "sns-bot ready" in stderr
    assert "Traceback" not in stderr
