"""app.yaml: loading, defaults, and problems reported with their key path and Japanese text (the file itself and
check-config: test_config_files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.catalog import t
from bot.config import Config, ConfigError, load_config
from tests.support.bot import APP_YAML
from tests.support.config_files import MINIMAL, minimal, problems_of, three_departments, write

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
