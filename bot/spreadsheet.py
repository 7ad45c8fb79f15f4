"""Reading a table that staff keep in Excel: a CSV (UTF-8, or Shift_JIS where the caller allows it) or an .xlsx.

Shared by the imports (accounts, the personnel list): each row comes with the line where it starts in the file
(for an .xlsx, the sheet's row number), so that every problem can say where to look.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.catalog import t

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

UTF8 = ("utf-8",)
# Excel's 「CSV（コンマ区切り）」 on a Japanese Windows writes cp932, Microsoft's superset of Shift_JIS.
UTF8_OR_SHIFT_JIS = ("utf-8", "cp932")

Line = tuple[int, list[str]]


@dataclass(frozen=True)
class Problem:
    """One problem, at a line of the file (0: the file as a whole) and a column as written in its header;
    ``sheet`` names an .xlsx sheet when the reader of the message needs it to find the row."""

    line: int
    column: str
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        where = t("spreadsheet.sheet_line", sheet=self.sheet, line=self.line) if self.sheet else None
        where = where or t("spreadsheet.line", line=self.line)
        where = f"{where} {self.column}" if self.column else where
        return f"{where}: {self.message}"


class UnreadableFile(Exception):
    """The file cannot be read at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Table:
    """The header as written (its line: ``header_line``, 0 when there is none) and, per non-blank data row,
    (its line, {column: value}). A value under a blank header cell or beyond the header is keyed "N列目"."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, dict[str, str]]]
    sheet: str | None  # the .xlsx sheet read; None for a CSV


def read_table(
    path: Path,
    *,
    encodings: Sequence[str] = UTF8,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    """CSV in one of ``encodings`` (a UTF-8 BOM is dropped) or .xlsx (its first sheet, a value merged down
    several rows read on each). The header is line 1, or with ``is_header`` the first line it accepts
    (title rows above a real list's header). Raises UnreadableFile."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UnreadableFile(Problem(0, "", t("spreadsheet.xls", file=path.name)))
    sheet, lines = _xlsx_lines(path) if suffix in (".xlsx", ".xlsm") else (None, _csv_lines(path, encodings))
    start = next((index for index, (_, cells) in enumerate(lines) if is_header(cells)), None) if is_header else 0
    if start is None or not lines:
        return Table([], 0, [], sheet)
    header_line, header = lines[start][0], list(lines[start][1])
    while header and not header[-1].strip():
        header.pop()  # Excel's trailing blank cells
    return Table(header, header_line, _rows(header, lines[start + 1 :]), sheet)


def _rows(header: list[str], lines: list[Line]) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue  # blank rows (Excel's trailing ones included) are no data
        row: dict[str, str] = {}
        # Short rows (a CSV's, or an xlsx row without its empty trailing cells) hold every column all the same.
        for index, value in enumerate([*cells, *[""] * (len(header) - len(cells))]):
            name = header[index] if index < len(header) and header[index].strip() else f"{index + 1}列目"
            if index < len(header) or value.strip():
                row.setdefault(name, value)  # a header name written twice: its first column (callers say so)
        rows.append((line, row))
    return rows


def _csv_lines(path: Path, encodings: Sequence[str]) -> list[Line]:
    text = _decode(_read_bytes(path).removeprefix(codecs.BOM_UTF8), encodings)
    reader = csv.reader(io.StringIO(text, newline=""))
    lines: list[Line] = []
    try:
        # A quoted value may span lines: a row is numbered by the line it starts on.
        start = 1
        for cells in reader:
            lines.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFile(Problem(reader.line_num, "", t("spreadsheet.bad_csv", error=error))) from None
    return lines


def _decode(data: bytes, encodings: Sequence[str]) -> str:
    """The text in the first of ``encodings`` that decodes all of it; else the first one's failing line."""
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    key = "spreadsheet.not_utf8" if tuple(encodings) == UTF8 else "spreadsheet.not_text"
    raise UnreadableFile(Problem(data.count(b"\n", 0, first_error.start) + 1, "", t(key)))


def _xlsx_lines(path: Path) -> tuple[str, list[Line]]:
    # openpyxl weighs ~13 MB and 0.1 s: imported by the first import of a workbook, not at every start.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _read_bytes(path)  # the same message as for a CSV when it is missing or unreadable
    try:
        # Not read-only: only a full sheet knows its merged cells. data_only: a formula's value, not its text.
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UnreadableFile(Problem(0, "", t("spreadsheet.not_xlsx", file=path.name))) from None
    try:
        sheet = workbook.worksheets[0]
        merged = _merged_values(sheet)
        rows = sheet.iter_rows(min_row=1, min_col=1, max_row=sheet.max_row, max_col=sheet.max_column)
        return sheet.title, [
            (number, [cell_text(merged.get((number, cell.column), cell.value)) for cell in cells])
            for number, cells in enumerate(rows, start=1)
        ]
    finally:
        workbook.close()


def _merged_values(sheet: Worksheet) -> dict[tuple[int, int], Any]:
    """{(row, column): value} down the first column of every merged range: one 所属 merged down its staff's rows
    is every row's. Across columns the value stays in the first cell only, as a CSV would hold it: a header cell
    merged over two columns is one column, not two of the same name."""
    values: dict[tuple[int, int], Any] = {}
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            values[(row, merged.min_col)] = value
    return values


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFile(
            Problem(0, "", t("spreadsheet.unreadable", file=path.name, error=error.strerror or error))
        ) from None


def cell_text(value: Any) -> str:
    """An xlsx cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
