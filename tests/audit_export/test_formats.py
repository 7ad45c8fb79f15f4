"""Audit exports as CSV, jsonl and xlsx that open as intended in Excel and elsewhere."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.audit_export import write_csv
from bot.audit_xlsx import write_xlsx
from tests.audit_export.rows import HEADERS, KEYS, TOKYO, csv_rows, entry, jsonl_lines, jst

# -- CSV ---------------------------------------------------------------------------------------


def test_csv_opens_in_excel_with_japanese_headings_and_offset_times() -> None:
    bot_entry = entry(2, jst(2026, 11, 1, 0, 0), actor_id=None, actor_name=None, before=None)
    guest = entry(3, actor_id="U123", actor_name="<@U123>")
    raw, rows, count = csv_rows([entry(1), bot_entry, guest])

    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: without it Excel reads the file as Shift_JIS
    assert b"\r\n" in raw
    assert rows[0] == HEADERS
    assert count == 3
    assert len(rows) == 4
    first = dict(zip(KEYS, rows[1], strict=True))
    assert first["id"] == "1"
    assert first["occurred_at"] == "2026-11-30T23:59:00+09:00"
    assert first["actor_name"] == "観光 一郎"
    assert json.loads(first["before"]) == {"status": "open"}
    assert json.loads(first["after"]) == {"status": "resolved", "note": "削除済み"}
    assert '"削除済み"' in first["after"]  # readable, not \u escapes
    assert " " not in first["after"]  # compact
    by_bot = dict(zip(KEYS, rows[2], strict=True))
    assert by_bot["occurred_at"] == "2026-11-01T00:00:00+09:00"
    assert (by_bot["actor_id"], by_bot["actor_name"], by_bot["before"]) == ("", "", "")
    assert rows[3][3] == "<@U123>"  # stored display text, shown as it is


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"])
def test_csv_values_that_excel_would_evaluate_get_a_leading_quote(dangerous: str) -> None:
    _, rows, _ = csv_rows([entry(actor_name=dangerous, entity_id=dangerous, action=dangerous)])
    row = dict(zip(KEYS, rows[1], strict=True))
    for key in ("actor_name", "entity_id", "action"):
        assert row[key] == "'" + dangerous
    assert row["entity_type"] == "case"  # ordinary text untouched


def test_csv_of_an_empty_range_is_only_the_heading() -> None:
    raw, rows, count = csv_rows([])
    assert count == 0
    assert rows == [HEADERS]
    assert raw == "\ufeff".encode() + ",".join(HEADERS).encode() + b"\r\n"


def test_csv_leaves_the_callers_stream_open() -> None:
    out = io.BytesIO()
    write_csv([entry()], out, TOKYO)
    assert not out.closed
    out.write(b"more")


# -- jsonl -------------------------------------------------------------------------------------


def test_jsonl_round_trips_every_value() -> None:
    tricky = entry(
        2,
        jst(2026, 11, 2, 9, 30, 15),
        actor_name="=1+1\u2028名前\x85",
        before=None,
        after={"n": [1, None], "half": "\ud83d"},
    )
    text, count = jsonl_lines([entry(1), tricky])

    lines = text.splitlines()  # U+2028 and NEL, raw, would split a line here
    assert count == len(lines) == 2
    assert text.endswith("\n")
    first, second = (json.loads(line) for line in lines)
    assert list(first) == KEYS
    assert first == {
        "id": 1,
        "occurred_at": "2026-11-30T23:59:00+09:00",
        "actor_id": "U1",
        "actor_name": "観光 一郎",
        "actor_email": None,
        "action": "case.resolved",
        "entity_type": "case",
        "entity_id": "SNS-2026-0001",
        "before": {"status": "open"},
        "after": {"status": "resolved", "note": "削除済み"},
        "private": False,
        "hash": "ab" * 32,
    }
    assert second["actor_name"] == "=1+1\u2028名前\x85"  # machines get the value exactly: no quote prefix
    assert second["occurred_at"] == "2026-11-02T09:30:15+09:00"
    # A lone surrogate (half an emoji from a Slack payload) cannot be UTF-8: it stays a JSON escape.
    assert (second["before"], second["after"]) == (None, {"n": [1, None], "half": "\ud83d"})


def test_jsonl_of_an_empty_range_is_empty() -> None:
    assert jsonl_lines([]) == ("", 0)


# -- xlsx --------------------------------------------------------------------------------------


def test_xlsx_has_a_frozen_filtered_heading_and_real_local_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    entries = [entry(1), entry(2, jst(2026, 11, 1, 0, 0), actor_id=None, actor_name=None, before=None)]
    assert write_xlsx(entries, path, TOKYO) == 2

    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.title == "監査ログ"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L3"
    assert sheet.max_row == 3

    when = sheet["B2"]
    assert when.is_date
    assert when.value == datetime(2026, 11, 30, 23, 59)  # Tokyo wall-clock time, naive
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["B3"].value == datetime(2026, 11, 1, 0, 0)
    assert sheet["A2"].value == 1
    assert sheet["D2"].value == "観光 一郎"
    assert json.loads(sheet["H2"].value) == {"status": "open"}
    assert json.loads(sheet["I2"].value) == {"status": "resolved", "note": "削除済み"}
    assert (sheet["C3"].value, sheet["D3"].value, sheet["H3"].value) == (None, None, None)


def test_xlsx_columns_are_wide_enough_to_read(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx([entry()], path, TOKYO)
    dimensions = load_workbook(path).active.column_dimensions
    widths = {key: dimensions[letter].width for key, letter in zip(KEYS, "ABCDEFGHIJKL", strict=True)}
    assert widths["occurred_at"] >= len("2026-11-30 23:59:59")
    assert widths["before"] >= 40
    assert widths["after"] >= 40
    assert all(width > 8 for key, width in widths.items() if key != "id")


def test_xlsx_keeps_formula_looking_text_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx([entry(actor_name='=HYPERLINK("http://x","押して")', entity_id="@SUM(A1)", action="+1")], path, TOKYO)
    sheet = load_workbook(path).active
    for ref, expected in (("D2", '=HYPERLINK("http://x","押して")'), ("G2", "@SUM(A1)"), ("E2", "+1")):
        assert sheet[ref].data_type == "s"  # a formula would be "f"
        assert sheet[ref].value == expected  # no visible quote: the cell is text
        assert sheet[ref].quotePrefix


def test_xlsx_survives_characters_and_lengths_excel_refuses(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    long_text = "あ" * 40000
    write_xlsx([entry(actor_name="ベル\x07\ud83d", after={"text": long_text})], path, TOKYO)
    sheet = load_workbook(path).active
    assert sheet["D2"].value == "ベル\\u0007\\ud83d"  # visible escapes, not a crash
    after = sheet["I2"].value
    assert len(after) == 32767
    assert after.startswith('{"text":"あああ')
    assert after.endswith("全文はCSV/JSONL出力にあります）")


def test_xlsx_of_an_empty_range_is_only_the_heading(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    assert write_xlsx([], path, TOKYO) == 0
    sheet = load_workbook(path).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [HEADERS]
    assert sheet.auto_filter.ref == "A1:L1"
    assert sheet.freeze_panes == "A2"
