"""Writes the sample personnel lists of README's 人事異動 section, as 人事課's Excel would: a Shift_JIS CSV and
the same list as .xlsx with a merged title row (and each 所属 merged down its staff's rows).

    python docs/personnel/make_samples.py   # rewrites docs/personnel/personnel-2027-04.{csv,xlsx}
"""

from __future__ import annotations

import csv
import io
from itertools import groupby
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
TITLE = "令和9年4月1日付 人事異動（SNS運用関係）"
HEADER = ("所属", "役職", "氏名", "メールアドレス")
# April 2027 against the repository's app.yaml: 観光プロモーション課 gets a new 課長 (the old one moves to a new
# department), 課長補佐 becomes 代決者 only, 吉備 さくら leaves (not listed) and 高梁 みどり arrives.
ROWS = (
    ("観光プロモーション課", "課長", "観光 三郎", "kanko.saburo@city.example.jp"),
    ("観光プロモーション課", "課長補佐", "観光 次郎", "kanko.jiro@city.example.jp"),
    ("観光プロモーション課", "主事", "総社 太郎", "soja.taro@city.example.jp"),
    ("観光プロモーション課", "主任", "高梁 みどり", "takahashi.midori@city.example.jp"),
    ("文化スポーツ課", "課長", "観光 一郎", "kanko.ichiro@city.example.jp"),
    ("文化スポーツ課", "主事", "備中 健", "bitchu.ken@city.example.jp"),
)
FIRST_ROW = 3  # the title, a blank line, then the header: the same line numbers in both files


def csv_bytes() -> bytes:
    """Excel's 「CSV（コンマ区切り）」 on Japanese Windows: cp932 with CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([(TITLE,), (), HEADER, *ROWS])
    return out.getvalue().encode("cp932")


def workbook() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "人事異動"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    row = FIRST_ROW + 1
    for _, staff in groupby(ROWS, key=lambda r: r[0]):
        count = len(list(staff))
        if count > 1:  # merged: only the top cell keeps the value, as Excel stores it
            sheet.merge_cells(start_row=row, start_column=1, end_row=row + count - 1, end_column=1)
        row += count
    return book


def main() -> None:
    (HERE / "personnel-2027-04.csv").write_bytes(csv_bytes())
    workbook().save(HERE / "personnel-2027-04.xlsx")


if __name__ == "__main__":
    main()
