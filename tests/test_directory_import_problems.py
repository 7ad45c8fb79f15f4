"""`sns-bot directory import`: every problem of the file by line with nothing written, and the command itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.config import Config, ConfigError, load_config
from bot.spreadsheet import Problem
from handlers.personnel import service as personnel
from storage import migrate
from storage.db import SessionFactory, make_engine
from tests.support.bot import APP_YAML
from tests.support.personnel import APRIL, CSV_SAMPLE, XLSX_SAMPLE, add_april_subjects, samples_script
from tests.support.process import clean_environment


@pytest.fixture
def config() -> Config:
    return load_config(APP_YAML)


# -- problems ---------------------------------------------------------------------------------------------------------

BAD = """\
令和9年4月1日付 人事異動
所属,役職,氏名,メールアドレス
観光プロモーション課,課長,観光 三郎,kanko.saburo@city.example.jp
観光プロモーション課,課長,観光 四郎,kanko.shiro@city.example.jp
観光プロモーション課,主事,,soja.taro@city.example.jp
観光プロモーション課,主事,総社 太郎,soja.taro at city
観光プロモーション課,主任,高梁 みどり,kanko.saburo@city.example.jp
企画課,課長,企画 一,kikaku@city.example.jp
文化スポーツ課,主事,備中 健,bitchu.ken@city.example.jp
"""


def test_every_problem_is_told_with_its_line(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "personnel.csv"
    path.write_bytes(BAD.encode("cp932"))

    problems = [str(problem) for problem in personnel.plan(config, path).problems]

    assert problems == [
        "4行目: 所属長が3行目にもいます。所属長は1つの所属に1人です",
        "5行目 氏名: 値がありません",
        "6行目 メールアドレス: 'soja.taro at city' はメールアドレスとして使えません",
        "7行目 メールアドレス: 3行目と同じ所属・同じ人です",
        "8行目 所属: 所属 '企画課' の部署IDが分かりません。"
        "app.yaml の directory_import.departments に「企画課: 部署ID」を書いてください",
        "9行目: 所属 '文化スポーツ課' に所属長がいません（directory_import.roles で head になる役職の人が必要です）",
    ]  # fmt: skip


def test_an_xlsx_problem_names_its_sheet_and_row(config: Config, tmp_path: Path) -> None:
    book = samples_script().workbook()
    book.active["D5"] = "次郎"
    path = tmp_path / "personnel.xlsx"
    book.save(path)

    assert personnel.plan(config, path).problems == [
        Problem(5, "メールアドレス", "'次郎' はメールアドレスとして使えません", "人事異動")
    ]
    assert str(personnel.plan(config, path).problems[0]).startswith("シート「人事異動」5行目 メールアドレス: ")


def test_a_file_without_the_columns_says_which_it_needs(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "personnel.csv"
    path.write_text("所属,氏名\n観光プロモーション課,観光 三郎\n", encoding="utf-8")

    [problem] = personnel.plan(config, path).problems

    assert problem.line == 0
    assert "所属, 役職, 氏名, メールアドレス" in problem.message


def test_a_file_neither_utf8_nor_shift_jis(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "personnel.csv"
    path.write_bytes("所属,役職,氏名,メールアドレス\n".encode() + b"\x82\xa0\xff\xfe\n")

    [problem] = personnel.plan(config, path).problems

    assert (problem.line, "Shift_JIS" in problem.message) == (2, True)


def test_an_unknown_role_in_app_yaml_is_a_configuration_problem(tmp_path: Path) -> None:
    text = APP_YAML.read_text(encoding="utf-8").replace("課長補佐: [deputy]", "課長補佐: [boss]")
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert raised.value.problems == [
        "directory_import.roles.課長補佐[0]: 'head', 'approver' or 'deputy' のいずれかを指定してください"
        "（'boss' が書かれています）。"
    ]


# -- the command --------------------------------------------------------------------------------------------------


def sns_bot(tmp_path: Path, *args: str, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "directory", "import", *args, "--config", str(APP_YAML)],
        env=clean_environment(DATABASE_URL=database), cwd=tmp_path, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_the_command_dry_runs_writes_and_refuses_a_bad_file(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'april.db'}"
    engine = make_engine(database)
    migrate.upgrade(engine)
    engine.dispose()
    engine = create_engine(database)
    with Session(engine) as session, session.begin():
        add_april_subjects(session)
    engine.dispose()

    dry = sns_bot(tmp_path, str(XLSX_SAMPLE), "--dry-run", database=database)
    assert (dry.returncode, dry.stdout) == (0, APRIL + "\n"), dry.stderr

    output = tmp_path / "new-app.yaml"
    wrote = sns_bot(tmp_path, str(CSV_SAMPLE), "--output", str(output), database=database)
    assert (wrote.returncode, wrote.stdout) == (0, "")
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["departments"][1]["id"] == "bunka"

    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD.encode("cp932"))
    refused = sns_bot(tmp_path, str(bad), "--output", str(tmp_path / "never.yaml"), database=database)
    assert refused.returncode == 1
    assert "4行目: 所属長が3行目にもいます" in refused.stderr
    assert "6 件の問題があります。何も書き出していません。" in refused.stderr
    assert not (tmp_path / "never.yaml").exists()

    nowhere = sns_bot(tmp_path, str(CSV_SAMPLE), "--output", str(tmp_path / "no" / "dir.yaml"), database=database)
    assert (nowhere.returncode, nowhere.stdout) == (2, "")
    assert "dir.yaml を読み書きできません" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr


def test_a_header_merged_over_two_columns_is_one_column_and_a_repeated_one_a_problem(
    config: Config, tmp_path: Path
) -> None:
    book = samples_script().workbook()
    sheet = book.active
    sheet.insert_cols(5)  # an empty column E, under メールアドレス merged over D:E
    sheet.merge_cells("D3:E3")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    assert personnel.plan(config, path).staffing == personnel.plan(config, XLSX_SAMPLE).staffing

    sheet.unmerge_cells("D3:E3")
    sheet["E3"] = "メールアドレス"
    book.save(path)
    [problem] = personnel.plan(config, path).problems
    assert (
        str(problem) == "シート「人事異動」3行目 メールアドレス: 列「メールアドレス」が2つあります。1つにしてください"
    )


def test_a_department_not_in_the_file_is_kept_as_written(sessions: SessionFactory, tmp_path: Path) -> None:
    extra = "  - id: somu  # kept\n    name: 総務課\n    head: U0SOMUHEAD\n    members: [U0STAFF1]\n"
    text = APP_YAML.read_text(encoding="utf-8").replace("\nreminders:", extra + "\nreminders:", 1)
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    plan = personnel.plan(config, CSV_SAMPLE)
    identify = personnel.identify_by_name(config, plan)

    with sessions() as session:
        report = personnel.dry_run(session, config, plan, identify)
    new = personnel.written(plan, text, identify)

    assert "■ 総務課（somu）— ファイルにないため変更しません\n■ 文化スポーツ課（bunka）" in report
    assert "  - id: somu  # kept\n    name: 総務課\n    head: U0SOMUHEAD\n    members: [U0STAFF1]\n" in new
    assert yaml.safe_load(new)["people"]["U0STAFF1"] == "総社 太郎"  # still named by 総務課
