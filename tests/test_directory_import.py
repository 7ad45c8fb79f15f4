"""`sns-bot directory import`: the personnel spreadsheet (人事異動) made into app.yaml's departments, the dry run of
April's changes against a real database, and every problem of the file by line with nothing written."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot.config import Config, ConfigError, load_config
from bot.spreadsheet import UTF8_OR_SHIFT_JIS, Problem, read_table
from handlers.personnel import service as personnel
from storage import migrate
from storage.db import SessionFactory, make_engine
from storage.models import (
    Account,
    AccountState,
    Audience,
    Capacity,
    Case,
    CaseCopy,
    CaseKind,
    Draft,
    DraftRequest,
    DraftStatus,
    RequestRole,
)
from tests.support.bot import APP_YAML
from tests.test_cli import clean_environment

SAMPLES = APP_YAML.parent / "docs" / "personnel"
CSV_SAMPLE = SAMPLES / "personnel-2027-04.csv"
XLSX_SAMPLE = SAMPLES / "personnel-2027-04.xlsx"
AT = datetime(2027, 3, 25, 1, 0, tzinfo=UTC)  # a week before April's change

# What April does to the repository's app.yaml, with an open case held by the leaving head, a draft waiting for
# both of the department's approvers, and accounts managed by the member who leaves (with another, or alone).
APRIL = """\
■ 観光プロモーション課（kanko）
  着任: 観光 三郎（kanko.saburo@city.example.jp） — 所属長・決裁権者
  着任: 高梁 みどり（takahashi.midori@city.example.jp） — 職員
  転出: 観光 一郎（kanko.ichiro@city.example.jp） — 所属長・決裁権者
  転出: 吉備 さくら（U0STAFF2） — 職員
  役割の変更: 観光 次郎（kanko.jiro@city.example.jp）: 決裁権者 → 代決者
  再読み込みで宛先が変わるもの:
    事案 SNS-2027-0003: 所属長 観光 一郎（kanko.ichiro@city.example.jp） → 観光 三郎（kanko.saburo@city.example.jp）
    下書き #1: 決裁権者 観光 一郎（kanko.ichiro@city.example.jp）、観光 次郎（kanko.jiro@city.example.jp） が外れ、\
観光 三郎（kanko.saburo@city.example.jp） に依頼します
    アカウント 総社市観光: 管理者 吉備 さくら（U0STAFF2） が外れます（残る管理者: \
総社 太郎（soja.taro@city.example.jp））
    アカウント 総社市の桃: 管理者 吉備 さくら（U0STAFF2） が外れ、管理者がいなくなります（市政情報課に毎日知らせます）
■ 文化スポーツ課（bunka）— 新しい部署
  着任: 観光 一郎（kanko.ichiro@city.example.jp） — 所属長・決裁権者
  着任: 備中 健（bitchu.ken@city.example.jp） — 職員"""


@pytest.fixture
def config() -> Config:
    return load_config(APP_YAML)


def samples_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_april_subjects(session: Session) -> None:
    case = Case(
        number="SNS-2027-0003", kind=CaseKind.FLAME, capacity=Capacity.OFFICIAL, summary="炎上", discovered_at=AT,
        created_at=AT, department_id="kanko", department_name="観光プロモーション課", reporter_id="U0STAFF1",
        reporter_name="総社 太郎",
    )  # fmt: skip
    case.copies.append(CaseCopy(audience=Audience.HEAD, target="U0HEADKANKO", name="観光 一郎", department_id="kanko"))
    case.copies.append(CaseCopy(audience=Audience.PUBLIC_INFO, target="C0PUBLICINFO", name="市政情報課"))
    resolved = Case(
        number="SNS-2027-0002", kind=CaseKind.FLAME, capacity=Capacity.OFFICIAL, summary="解決済み", status="resolved",
        discovered_at=AT, created_at=AT, department_id="kanko", reporter_id="U0STAFF1", reporter_name="総社 太郎",
    )  # fmt: skip
    resolved.copies.append(CaseCopy(audience=Audience.HEAD, target="U0HEADKANKO", name="観光 一郎"))
    draft = Draft(
        kind="official_view", status=DraftStatus.PENDING, author_id="U0STAFF1", author_name="総社 太郎",
        department_id="kanko", account_key="@soja_kanko", chosen_approvers=["U0HEADKANKO", "U0DEPUTYKANKO"],
        created_at=AT, submitted_at=AT,
    )  # fmt: skip
    for approver in ("U0HEADKANKO", "U0DEPUTYKANKO"):
        draft.requests.append(DraftRequest(version=1, role=RequestRole.APPROVER, user_id=approver, user_name=approver))
    session.add_all(
        [case, resolved, draft, account("総社市観光", ["U0STAFF1", "U0STAFF2"]), account("総社市の桃", ["U0STAFF2"])]
    )


def account(name: str, managers: list[str]) -> Account:
    return Account(
        platform="x", name=name, url=f"https://x.com/{len(managers)}", department_id="kanko",
        department_name="観光プロモーション課", managers=managers, state=AccountState.ACTIVE,
        password_changed_on=date(2027, 1, 5), review_interval_days=180, last_review_on=date(2027, 1, 5),
        registered_at=AT, registered_by="import",
    )  # fmt: skip


def dry_run(sessions: SessionFactory, config: Config, path: Path) -> str:
    plan = personnel.plan(config, path)
    assert plan.problems == []
    with sessions() as session:
        return personnel.dry_run(session, config, plan, personnel.identify_by_name(config, plan))


# -- the samples ------------------------------------------------------------------------------------------------------


def test_the_samples_are_what_their_script_writes(tmp_path: Path) -> None:
    script = samples_script()
    assert CSV_SAMPLE.read_bytes() == script.csv_bytes()
    script.workbook().save(tmp_path / "fresh.xlsx")
    assert read_table(XLSX_SAMPLE) == read_table(tmp_path / "fresh.xlsx")


def test_the_shift_jis_csv_and_the_merged_xlsx_read_the_same() -> None:
    with pytest.raises(UnicodeDecodeError):
        CSV_SAMPLE.read_bytes().decode("utf-8")  # really Shift_JIS
    is_header = {"所属", "役職", "氏名", "メールアドレス"}.issubset

    csv_table = read_table(CSV_SAMPLE, encodings=UTF8_OR_SHIFT_JIS, is_header=is_header)
    xlsx_table = read_table(XLSX_SAMPLE, is_header=is_header)

    assert (csv_table.header_line, xlsx_table.header_line) == (3, 3)  # below the (merged) title
    assert csv_table.rows == xlsx_table.rows  # each 所属 merged down its rows reads on every row
    assert csv_table.rows[1] == (5, {"所属": "観光プロモーション課", "役職": "課長補佐", "氏名": "観光 次郎",
                                     "メールアドレス": "kanko.jiro@city.example.jp"})  # fmt: skip
    assert (csv_table.sheet, xlsx_table.sheet) == (None, "人事異動")


def test_a_utf8_csv_with_a_bom_reads_as_the_shift_jis_one(tmp_path: Path) -> None:
    path = tmp_path / "personnel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_SAMPLE.read_bytes().decode("cp932").encode("utf-8"))

    assert read_table(path, encodings=UTF8_OR_SHIFT_JIS) == read_table(CSV_SAMPLE, encodings=UTF8_OR_SHIFT_JIS)


# -- the dry run ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", [CSV_SAMPLE, XLSX_SAMPLE], ids=["shift_jis", "xlsx"])
def test_the_dry_run_shows_aprils_changes_and_what_a_reload_readdresses(
    sessions: SessionFactory, config: Config, sample: Path
) -> None:
    with sessions.begin() as session:
        add_april_subjects(session)

    assert dry_run(sessions, config, sample) == APRIL


def test_without_open_items_the_dry_run_readdresses_nothing(sessions: SessionFactory, config: Config) -> None:
    assert dry_run(sessions, config, XLSX_SAMPLE) == "\n".join(
        line for line in APRIL.splitlines() if not line.startswith("  再読み込み") and not line.startswith("    ")
    )


def test_people_are_compared_by_what_the_injected_identify_knows(
    sessions: SessionFactory, config: Config, tmp_path: Path
) -> None:
    # 吉備 さくら stays, written under another name than app.yaml's `people:`: by name she cannot be told.
    path = tmp_path / "personnel.csv"
    stays = "観光プロモーション課,主事,吉備 桜,kibi.sakura@city.example.jp\r\n"
    path.write_bytes(CSV_SAMPLE.read_bytes() + stays.encode("cp932"))
    plan = personnel.plan(config, path)
    by_name = personnel.identify_by_name(config, plan)

    def stored(person: str) -> str:  # as the stored address↔ID resolutions would answer
        return "kibi.sakura@city.example.jp" if person == "U0STAFF2" else by_name(person)

    with sessions() as session:
        guessed = personnel.dry_run(session, config, plan, by_name)
        known = personnel.dry_run(session, config, plan, stored)

    assert "転出: 吉備 さくら（U0STAFF2） — 職員" in guessed
    assert "着任: 吉備 桜（kibi.sakura@city.example.jp） — 職員" in guessed
    assert "吉備" not in known


# -- the new app.yaml ---------------------------------------------------------------------------------------------


def written(config: Config, path: Path = CSV_SAMPLE) -> str:
    plan = personnel.plan(config, path)
    return personnel.written(plan, APP_YAML.read_text(encoding="utf-8"), personnel.identify_by_name(config, plan))


def test_the_new_app_yaml_names_the_files_people_by_address_and_keeps_the_rest(config: Config) -> None:
    new, old = yaml.safe_load(written(config)), yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))

    assert new["departments"] == [
        {
            "id": "kanko", "name": "観光プロモーション課", "head": "kanko.saburo@city.example.jp",
            "approvers": ["kanko.saburo@city.example.jp"],
            "members": ["kanko.jiro@city.example.jp", "soja.taro@city.example.jp", "takahashi.midori@city.example.jp"],
            "deputies": ["kanko.jiro@city.example.jp"],
        },
        {
            "id": "bunka", "name": "文化スポーツ課", "head": "kanko.ichiro@city.example.jp",
            "approvers": ["kanko.ichiro@city.example.jp"], "members": ["bitchu.ken@city.example.jp"],
        },
    ]  # fmt: skip
    assert new["people"] == {
        "U0PUBINFO1": "市政 花子",  # named by 市政情報課's members
        "U0SECOFFICER": "情報 守",
        "U0STAFF2": "吉備 さくら",  # not in the file: nothing says who she is now
        "kanko.saburo@city.example.jp": "観光 三郎",
        "kanko.jiro@city.example.jp": "観光 次郎",
        "soja.taro@city.example.jp": "総社 太郎",
        "takahashi.midori@city.example.jp": "高梁 みどり",
        "kanko.ichiro@city.example.jp": "観光 一郎",
        "bitchu.ken@city.example.jp": "備中 健",
    }
    assert {k: v for k, v in new.items() if k not in ("departments", "people")} == {
        k: v for k, v in old.items() if k not in ("departments", "people")
    }
    assert "# sns-bot configuration" in written(config)  # comments kept
    assert "\n\nreminders:\n" in written(config)  # and the blank line after the departments


def test_the_new_app_yaml_is_a_valid_configuration_naming_people_by_address(config: Config, tmp_path: Path) -> None:
    text = written(config, XLSX_SAMPLE)
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")

    new = load_config(path)

    assert [d.id for d in new.departments] == ["kanko", "bunka"]
    assert all("@" in d.head for d in new.departments)
    assert new.directory_import == config.directory_import


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
