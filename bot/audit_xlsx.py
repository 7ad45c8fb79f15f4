"""The audit export as an Excel workbook, for the 情報セキュリティ委員会 (see ``bot.audit_export``).

A module of its own so that openpyxl is imported by the first xlsx export, not at every start of the bot."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.audit_export import COLUMNS, FORMULA_STARTS, ExportRow, json_escape, row_values

# Excel widths are in characters of the default font; Japanese characters take about two.
_WIDTHS = {
    "id": 8,
    "occurred_at": 20,
    "actor_id": 14,
    "actor_name": 22,
    "actor_email": 28,
    "action": 24,
    "entity_type": 14,
    "entity_id": 16,
    "before": 60,
    "after": 60,
    "private": 14,
    "hash": 66,
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHEET_TITLE = "監査ログ"

# Excel refuses more than 32,767 characters (UTF-16 units) in a cell; openpyxl would cut silently.
_XLSX_CELL_LIMIT = 32767
_TRUNCATED = "…（32,767文字を超えるため省略。全文はCSV/JSONL出力にあります）"
# Characters XML 1.0 cannot carry (openpyxl refuses the controls; lone surrogates cannot be encoded).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write_xlsx(entries: Iterable[ExportRow], path: Path | BinaryIO, timezone: tzinfo) -> int:
    """An Excel workbook with one sheet: a bold, frozen heading row with an autofilter over the data,
    times as Excel datetimes in ``timezone`` (naive: Excel has no zones), text never read as a formula.

    Written in openpyxl's write-only mode, so rows stream to a temporary file; ``path`` is only
    written when every entry has been read."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Column widths and panes go at the top of the sheet's XML: they must be set before any row.
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.key]
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    for entry in entries:
        values = row_values(entry)
        values["occurred_at"] = _excel_datetime(sheet, entry.occurred_at.astimezone(timezone))
        sheet.append([_excel_value(sheet, values[column.key]) for column in COLUMNS])
        rows += 1
    # The autofilter is written after the rows, so it can cover exactly the rows written.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    workbook.save(path)
    return rows


def _excel_datetime(sheet: WriteOnlyWorksheet, local: datetime) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
    cell.number_format = DATETIME_FORMAT
    return cell


def _excel_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _fit_cell(_XML_ILLEGAL.sub(json_escape, value))
    if not value.startswith(FORMULA_STARTS):
        return value
    # openpyxl stores a string starting with "=" as a formula: force a plain string. quotePrefix keeps it
    # text even when someone edits the cell in Excel.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _fit_cell(value: str) -> str:
    if len(value) * 2 <= _XLSX_CELL_LIMIT:  # cannot be over the limit even if every character takes two units
        return value
    encoded = value.encode("utf-16-le")
    if len(encoded) // 2 <= _XLSX_CELL_LIMIT:
        return value
    # "ignore" drops half a surrogate pair cut at the end.
    kept = encoded[: (_XLSX_CELL_LIMIT - len(_TRUNCATED)) * 2].decode("utf-16-le", "ignore")
    return kept + _TRUNCATED
