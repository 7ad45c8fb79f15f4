"""app.yaml: problems of the file itself (YAML, encoding), key paths, and sns-bot check-config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog import bilingual, t
from bot.cli import main
from bot.config import key_path, load_config
from tests.support.bot import APP_YAML, ROOT
from tests.support.config_files import minimal, problems_of, three_departments, write
from tests.support.process import clean_environment

# --- problems before validation: the file itself -------------------------------------------------


def test_yaml_key_written_twice_in_one_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "organization:\n  name: 総社市\n  timezone: Asia/Tokyo\n  name: 吉備市\n")

    assert problems_of(path) == [
        f"{path}:4:3: YAML の書き方に誤りがあります（キー 'name' が同じ階層に二度書かれています）。"
    ]


def test_yaml_key_written_twice_at_the_top_level(tmp_path: Path) -> None:
    text = yaml.safe_dump(minimal(), allow_unicode=True, sort_keys=False) + "departments: []\n"
    path = write(tmp_path, text)
    line = text.count("\n")  # the appended key is on the last line

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}:1: ")
    assert "'departments'" in problems[0]


def test_yaml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "organization:\n  name: 総社市\n  timezone: Asia: Tokyo\n")

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:3:17: YAML の書き方に誤りがあります（")
    assert "mapping values are not allowed here" in problems[0]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    problems = problems_of(path)

    assert problems == [t("config.error.not_found", path=path)]
    assert str(path) in problems[0]
    assert "SNS_BOT_CONFIG" in problems[0]


@pytest.mark.parametrize("text", ["- organization\n- offices\n", "総社市\n", ""], ids=["list", "scalar", "empty"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)

    assert problems_of(path) == [t("config.error.not_mapping", path=path)]


def test_file_not_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_bytes(yaml.safe_dump(minimal(), allow_unicode=True).encode("shift_jis"))

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith(f"設定ファイル {path} を読めません（")
    assert "UTF-8 で保存されているか確認してください" in problems[0]


def test_file_with_a_byte_order_mark_and_crlf_loads(tmp_path: Path) -> None:
    # Windows editors save UTF-8 with a BOM and CRLF line ends; both must be accepted.
    path = tmp_path / "app.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + APP_YAML.read_bytes().replace(b"\n", b"\r\n"))

    assert load_config(path).departments[0].id == "kanko"


def test_unhashable_yaml_key_is_a_config_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "organization: {name: 総社市}\n? [a, b]\n: 1\n")

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:")


def test_yaml_merge_key_is_accepted(tmp_path: Path) -> None:
    text = """\
organization: {name: 総社市}
offices:
  secretariat: &office {name: 秘書室, channel: C0SEC}
  public_info: {name: 市政情報課, channel: C0PUB, members: [U0PUB]}
  general_affairs:
    <<: *office
    name: 総務課
  security_officer: {name: 情報セキュリティ責任者, members: [U0SECOFF]}
  security_committee: {name: 情報セキュリティ委員会, channel: C0SECCOM}
departments:
  - {id: kanko, name: 観光プロモーション課, head: U0HEADKANKO}
"""
    config = load_config(write(tmp_path, text))

    assert config.offices.general_affairs.name == "総務課"
    assert config.offices.general_affairs.channel == "C0SEC"


# --- key_path -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("departments", 2, "head"), "departments[2].head"),
        (("departments", 0, "approvers", 1), "departments[0].approvers[1]"),
        (("offices", "secretariat", "channel"), "offices.secretariat.channel"),
        (("people", "X1", "[key]"), "people.X1 (key)"),
        (("people", "U0A"), "people.U0A"),
        (("departments",), "departments"),
        ((), "(top)"),
    ],
)
def test_key_path(loc: tuple[Any, ...], expected: str) -> None:
    assert key_path(loc) == expected


# --- sns-bot check-config -------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_logging")
def test_check_config_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check-config", "--config", str(APP_YAML)])

    out, err = capsys.readouterr()
    assert code == 0
    assert out == bilingual("config.check.ok", path=APP_YAML, departments=1) + "\n"
    assert "設定に問題はありません" in out
    assert err == ""


@pytest.mark.usefixtures("restore_logging")
def test_check_config_reports_problems_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = three_departments()
    data["departments"][2]["head"] = "X123"
    data["offices"]["secretariat"]["channel"] = "koho"
    path = write(tmp_path, data)

    code = main(["check-config", "--config", str(path)])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[:2] == bilingual("config.check.failed", path=path, count=2).splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("  offices.secretariat.channel: 'koho' は Slack のチャンネルID")
    assert lines[3].startswith("  departments[2].head: 'X123' は Slack のユーザーID")


@pytest.mark.usefixtures("restore_logging")
def test_check_config_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.yaml"

    code = main(["check-config", "--config", str(path)])

    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        *bilingual("config.check.failed", path=path, count=1).splitlines(),
        "  " + t("config.error.not_found", path=path),
    ]


def test_module_entry_point_check_config(tmp_path: Path) -> None:
    data = three_departments()
    data["departments"][2]["head"] = "X123"
    path = write(tmp_path, data)
    env = clean_environment()

    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "--config", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert "  departments[2].head: 'X123' は Slack のユーザーID" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
