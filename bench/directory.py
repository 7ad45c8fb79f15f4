"""The bench's app.yaml: the shipped one with ten departments of twenty staff each (200 reporters)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.processes import ROOT

APP_YAML = ROOT / "app.yaml"
DEPARTMENTS = (
    ("kanko", "観光プロモーション課"),
    ("hisho", "秘書広報課"),
    ("somu", "総務課"),
    ("seisaku", "政策調整課"),
    ("kenko", "健康医療課"),
    ("kodomo", "こども夢づくり課"),
    ("toshi", "都市計画課"),
    ("kankyo", "環境課"),
    ("shimin", "市民活動推進課"),
    ("kyoiku", "学校教育課"),
)
STAFF_PER_DEPARTMENT = 20
SURNAMES = ("総社", "吉備", "高梁", "清音", "山手", "昭和", "秦", "服部", "池田", "岡田")
GIVEN = ("太郎", "花子", "一郎", "さくら", "健", "由美", "翔", "美咲", "大輔", "陽菜")
PUBLIC_INFO, SECRETARIAT, GENERAL = "C0PUBLICINFO", "C0SECRETARIAT", "C0GENERAL"
OFFICE_CHANNELS = (PUBLIC_INFO, SECRETARIAT, GENERAL)


@dataclass(frozen=True)
class Staff:
    user_id: str
    department: str
    head: str  # the department's head: the copy a report of theirs is routed to


def staff() -> list[Staff]:
    """Everyone who reports: twenty per department, none of them a head."""
    return [
        Staff(f"U0S{d:02d}{n:02d}", department_id, f"U0HEAD{d:02d}")
        for n in range(1, STAFF_PER_DEPARTMENT + 1)
        for d, (department_id, _) in enumerate(DEPARTMENTS, start=1)
    ]


def write_config(directory: Path) -> Path:
    data = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    people = dict(data.get("people") or {})
    departments = []
    for d, (department_id, name) in enumerate(DEPARTMENTS, start=1):
        head, deputy = f"U0HEAD{d:02d}", f"U0DEPUTY{d:02d}"
        members = [f"U0S{d:02d}{n:02d}" for n in range(1, STAFF_PER_DEPARTMENT + 1)]
        departments.append(
            {"id": department_id, "name": name, "head": head, "approvers": [head, deputy], "members": members}
        )
        people[head] = f"{SURNAMES[d - 1]} 課長"
        people[deputy] = f"{SURNAMES[d - 1]} 課長補佐"
        for n, member in enumerate(members):
            people[member] = f"{SURNAMES[(d + n) % len(SURNAMES)]} {GIVEN[n % len(GIVEN)]}{n // len(GIVEN) or ''}"
    data["departments"] = departments
    data["people"] = people
    path = directory / "bench.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
