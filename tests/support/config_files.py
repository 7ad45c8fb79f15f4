"""app.yaml files for the tests of its loading: the smallest complete one, and writing and checking a variant."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, load_config

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
