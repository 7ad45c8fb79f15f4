"""app.yaml: loading, defaults, and problems reported with their key path and Japanese text."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog import bilingual, t
from bot.cli import main
from bot.config import Config, ConfigError, key_path, load_config
from tests.support.process import clean_environment

ROOT = Path(__file__).resolve().parents[1]
APP_YAML = ROOT / "app.yaml"

# The smallest complete app.yaml: only the three required sections.
MINIMAL: dict[str, Any] = {
    "organization": {"name": "総社市"},
    "offices": {
        "secretariat": {"name": "秘書室", "channel": "C0SEC"},
        "public_info": {"name": "市政情報課", "channel": "C0PUB", "members": ["U0PUB"]},
        "general_affairs": {"name": "総務課", "channel": "C0GEN"},
        "security_officer": {"name": "情報セキュリティ責任者", "members": ["U0SECOFF"]},
        "security_committee": {"name": "情報セキュリティ委員会", "channel": "C0SECCOM"},
    },
    "departments": [{"id": "kanko", "name": "観光プロモーション課", "head": "U0HEADKANKO"}],
}


def minimal() -> dict[str, Any]:
    """A fresh deep copy of MINIMAL that a test may change."""
    return copy.deepcopy(MINIMAL)


def write(tmp_path: Path, data: dict[str, Any] | str, name: str = "app.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == path
    return caught.value.problems


def three_departments() -> dict[str, Any]:
    data = minimal()
    data["departments"] = [
        {"id": "kanko", "name": "観光プロモーション課", "head": "U0HEADKANKO"},
        {"id": "somu", "name": "総務課", "head": "U0HEADSOMU"},
        {"id": "kikaku", "name": "企画課", "head": "U0HEADKIKAKU"},
    ]
    return data


# --- loading and defaults ---------------------------------------------------------------------


def test_repository_app_yaml_loads() -> None:
    config = load_config(APP_YAML)

    assert config.organization.name == "総社市"
    assert config.organization.timezone == "Asia/Tokyo"
    assert [d.id for d in config.departments] == ["kanko"]
    kanko = config.departments[0]
    assert kanko.head == "U0HEADKANKO"
    assert kanko.approvers == ["U0HEADKANKO", "U0DEPUTYKANKO"]
    assert kanko.members == ["U0STAFF1", "U0STAFF2"]
    assert config.offices.public_info.members == ["U0PUBINFO1"]
    assert config.people["U0HEADKANKO"] == "観光 一郎"


def test_load_config_accepts_a_string_path() -> None:
    assert load_config(str(APP_YAML)).organization.name == "総社市"


def test_department_without_approvers_is_approved_by_its_head(tmp_path: Path) -> None:
    data = three_departments()
    data["departments"][1]["approvers"] = ["U0DEPUTYSOMU"]
    data["departments"][2]["approvers"] = []

    config = load_config(write(tmp_path, data))

    assert config.departments[0].approvers == ["U0HEADKANKO"]
    # Approvers that are given are kept as written, without the head added.
    assert config.departments[1].approvers == ["U0DEPUTYSOMU"]
    # An empty list means "not given": the head approves.
    assert config.departments[2].approvers == ["U0HEADKIKAKU"]
    assert config.departments[0].members == []


def test_minimal_config_is_complete_and_gets_the_documented_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, minimal()))

    assert config.organization.timezone == "Asia/Tokyo"
    reminders = config.reminders
    assert (
        reminders.password_rotation_days,
        reminders.effectiveness_review_days,
        reminders.withdrawal_notice_days,
        reminders.incident_ack_escalation_minutes,
        reminders.approval_reminder_hours,
    ) == (90, 180, 30, 30, 24)
    assert config.people == {}
    assert config.database.url == "sqlite:///./sns-bot.db"
    assert config.server.host == "127.0.0.1"
    assert config.server.port == 3000
    assert config.server.listener_threads == 64
    assert config.server.http_threads == 32
    assert config.delivery.workers == 8


def test_partial_section_keeps_the_other_defaults(tmp_path: Path) -> None:
    data = minimal()
    data["reminders"] = {"password_rotation_days": 60}
    data["server"] = {"port": 8080}

    config = load_config(write(tmp_path, data))

    assert config.reminders.password_rotation_days == 60
    assert config.reminders.effectiveness_review_days == 180
    assert config.server.port == 8080
    assert config.server.listener_threads == 64


def test_repository_app_yaml_states_the_defaults_it_claims_to_show() -> None:
    # app.yaml says "Optional below this line; the defaults are shown": they must be the real defaults.
    config = load_config(APP_YAML)
    defaults = Config.model_validate(MINIMAL)

    assert config.database == defaults.database
    assert config.server == defaults.server
    assert config.delivery == defaults.delivery


# --- problems: key path and Japanese text ------------------------------------------------------


def test_bad_user_id_is_reported_with_its_key_path_in_japanese(tmp_path: Path) -> None:
    data = three_departments()
    data["departments"][2]["head"] = "X123"

    problems = problems_of(write(tmp_path, data))

    assert len(problems) == 1
    assert problems[0].startswith("departments[2].head: 'X123' は Slack のユーザーID")
    assert "U012AB3CD" in problems[0]


def test_config_error_message_is_the_problem_lines(tmp_path: Path) -> None:
    data = three_departments()
    data["departments"][2]["head"] = "X123"
    data["departments"][0]["head"] = "x0lower"

    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, data))

    assert str(caught.value) == "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 2


def test_several_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    data = three_departments()
    data["offices"]["general_affairs"]["channel"] = "総務課チャンネル"
    data["departments"][1]["members"] = ["U0OK", "bob"]
    data["reminders"] = {"approval_reminder_hours": "soon"}

    problems = problems_of(write(tmp_path, data))

    assert [problem.split(": ", 1)[0] for problem in problems] == [
        "offices.general_affairs.channel",
        "departments[1].members[1]",
        "reminders.approval_reminder_hours",
    ]
    # One line each.
    assert all("\n" not in problem for problem in problems)


def test_a_channel_is_an_id_or_a_hash_name(tmp_path: Path) -> None:
    data = minimal()
    data["offices"]["secretariat"]["channel"] = "#秘書室"
    assert load_config(write(tmp_path, data)).offices.secretariat.channel == "#秘書室"  # resolved at start
    data["offices"]["secretariat"]["channel"] = "koho"

    problems = problems_of(write(tmp_path, data))

    assert len(problems) == 1
    assert problems[0].startswith(
        "offices.secretariat.channel: 'koho' は Slack のチャンネルIDでもチャンネル名でもありません"
    )
    assert "# を付けた名前" in problems[0]


def test_unknown_key_is_named(tmp_path: Path) -> None:
    data = minimal()
    data["departmens"] = data.pop("departments")

    problems = problems_of(write(tmp_path, data))

    assert "departmens: " + t("config.error.extra_forbidden") in problems
    assert any(p.startswith("departmens: ") and "知らない項目" in p for p in problems)
    # The real key is now missing too.
    assert "departments: 必須の項目がありません。" in problems


def test_unknown_key_inside_a_section(tmp_path: Path) -> None:
    data = minimal()
    data["server"] = {"prot": 3000}

    assert problems_of(write(tmp_path, data)) == ["server.prot: " + t("config.error.extra_forbidden")]


def test_missing_required_key(tmp_path: Path) -> None:
    data = minimal()
    del data["offices"]["public_info"]["members"]

    assert problems_of(write(tmp_path, data)) == ["offices.public_info.members: 必須の項目がありません。"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["offices"]["public_info"].update(members=[]), "offices.public_info.members: "),
        (lambda d: d["offices"]["security_officer"].update(members=[]), "offices.security_officer.members: "),
        (lambda d: d.update(departments=[]), "departments: "),
    ],
    ids=["public_info", "security_officer", "departments"],
)
def test_empty_list_that_needs_an_entry(tmp_path: Path, change: Any, expected: str) -> None:
    data = minimal()
    change(data)

    assert problems_of(write(tmp_path, data)) == [expected + "少なくとも 1 件指定してください。"]


def test_non_integer_reminder(tmp_path: Path) -> None:
    data = minimal()
    data["reminders"] = {"password_rotation_days": "abc"}

    assert problems_of(write(tmp_path, data)) == [
        "reminders.password_rotation_days: 整数を指定してください（'abc' が書かれています）。"
    ]


def test_zero_reminder(tmp_path: Path) -> None:
    data = minimal()
    data["reminders"] = {"password_rotation_days": 0}

    assert problems_of(write(tmp_path, data)) == [
        "reminders.password_rotation_days: 0 より大きい値を指定してください（0 が書かれています）。"
    ]


def test_port_out_of_range(tmp_path: Path) -> None:
    data = minimal()
    data["server"] = {"port": 70000}

    assert problems_of(write(tmp_path, data)) == [
        "server.port: 65535 以下の値を指定してください（70000 が書かれています）。"
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Asia", "../etc/passwd", "JST+9"])
def test_bad_timezone(tmp_path: Path, zone: str) -> None:
    data = minimal()
    data["organization"]["timezone"] = zone

    assert problems_of(write(tmp_path, data)) == [
        f"organization.timezone: {zone!r} はタイムゾーン名ではありません（例: Asia/Tokyo）。"
    ]


@pytest.mark.parametrize("department_id", ["観光課", "Kanko", "-kanko", "kan ko", ""])
def test_bad_department_id(tmp_path: Path, department_id: str) -> None:
    data = minimal()
    data["departments"][0]["id"] = department_id

    problems = problems_of(write(tmp_path, data))

    assert problems == [
        f"departments[0].id: {department_id!r} は部署IDに使えません（英小文字・数字・-・_ のみ。例: kanko）。"
    ]


def test_duplicate_department_id_names_both_indexes(tmp_path: Path) -> None:
    data = three_departments()
    data["departments"][2]["id"] = "kanko"

    problems = problems_of(write(tmp_path, data))

    assert len(problems) == 1
    assert problems[0].startswith("departments[2].id: ")
    assert "'kanko'" in problems[0]
    assert "departments[0]" in problems[0]
    assert "重複" in problems[0]


def test_a_third_copy_of_a_department_id_points_at_the_first(tmp_path: Path) -> None:
    data = three_departments()
    for department in data["departments"]:
        department["id"] = "somu"

    problems = problems_of(write(tmp_path, data))

    assert [p.split(": ", 1)[0] for p in problems] == ["departments[1].id", "departments[2].id"]
    assert all("departments[0]" in p for p in problems)


def test_bad_people_key_is_marked_as_a_key(tmp_path: Path) -> None:
    data = minimal()
    data["people"] = {"U0PUB": "市政 花子", "hanako": "市政 花子"}

    assert problems_of(write(tmp_path, data)) == [
        "people.hanako (key): 'hanako' は Slack のユーザーIDでもメールアドレスでもありません"
        "（U または W で始まる英大文字と数字。例: U012AB3CD、または kanko@city.example.jp）。"
    ]


def test_wrong_type_for_a_section(tmp_path: Path) -> None:
    data = minimal()
    data["offices"]["secretariat"] = "秘書室"

    assert problems_of(write(tmp_path, data)) == ["offices.secretariat: 「キー: 値」の形で指定してください。"]


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
