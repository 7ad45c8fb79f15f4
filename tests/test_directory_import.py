"""`sns-bot directory import`: the personnel spreadsheet (人事異動) made into app.yaml's departments, and the dry
run of April's changes against a real database (the file's problems and the command:
test_directory_import_problems.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import Config, load_config
from bot.spreadsheet import UTF8_OR_SHIFT_JIS, read_table
from handlers.personnel import service as personnel
from storage.db import SessionFactory
from tests.support.bot import APP_YAML
from tests.support.personnel import APRIL, CSV_SAMPLE, XLSX_SAMPLE, add_april_subjects, dry_run, samples_script, written


@pytest.fixture
def config() -> Config:
    return load_config(APP_YAML)


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
