"""Lenient where Excel gets in the way: labels, full-width text and Excel's dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import Config
from storage.db import SessionFactory
from storage.models import Platform
from tests.account_import.rows import EN, LINE_ROW, NOTE_ROW, X_ROW, registered, run, with_cell, write_csv


def test_labels_and_excel_dates_are_accepted(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    rows = [
        with_cell(with_cell(X_ROW, "platform", "x"), "password_changed_on", "2026/1/5"),
        with_cell(with_cell(LINE_ROW, "platform", "ＬＩＮＥ"), "managers", "U0STAFF1, U0STAFF2　U0STAFF1"),
        with_cell(NOTE_ROW, "platform", "note"),
    ]

    result = run(sessions, config, write_csv(tmp_path / "accounts.csv", EN, rows))

    assert result.problems == []
    accounts = registered(sessions)
    assert accounts["https://x.com/soja_kanko"].password_changed_on == date(2026, 1, 5)
    assert accounts["https://lin.ee/soja"].platform == Platform.LINE
    assert accounts["https://lin.ee/soja"].managers == ["U0STAFF1", "U0STAFF2"]
    assert accounts["https://note.com/soja"].platform == Platform.NOTE


PLATFORM_LABELS = [
    ("X", "x"),
    ("twitter", "x"),
    ("Facebook", "facebook"),
    ("INSTAGRAM", "instagram"),
    ("YouTube", "youtube"),
    ("その他", "other"),
]


@pytest.mark.parametrize(("label", "platform"), PLATFORM_LABELS)
def test_platform_labels(sessions: SessionFactory, config: Config, tmp_path: Path, label: str, platform: str) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, [with_cell(X_ROW, "platform", label)])

    assert run(sessions, config, path).imported == 1
    assert registered(sessions)["https://x.com/soja_kanko"].platform == platform
