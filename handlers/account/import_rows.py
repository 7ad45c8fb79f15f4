"""`sns-bot accounts import`'s rows checked: the columns a file may have, and each cell turned into its value
or a Problem saying why not (with its line and column)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.catalog import t
from bot.config import USER_ID, Config, Department
from bot.spreadsheet import Problem
from bot.urls import normalize, parse_urls
from storage.models import Platform

NAME_LIMIT = 200  # Account.name's column
# Longer would be no review at all, and a huge number overflows the date arithmetic of the reminder sweep.
REVIEW_INTERVAL_LIMIT = 3660
MAX_SHOWN = 80  # a value echoed in a message is cut here


@dataclass(frozen=True)
class _Column:
    field: str
    japanese: str
    required: bool


COLUMNS = (
    _Column("platform", "種類", True),
    _Column("name", "アカウント名", True),
    _Column("url", "URL", True),
    _Column("department", "所属", True),
    _Column("managers", "管理者", True),
    _Column("password_changed_on", "パスワード変更日", True),
    _Column("review_interval_days", "振り返り間隔日数", False),
    _Column("last_review_on", "前回振り返り日", False),
    _Column("public_policy_url", "運用ポリシーURL", False),
)


def _key(text: str) -> str:
    """How labels compare: full-width and case folded, so ＬＩＮＥ, line and LINE are one."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


_HEADERS = {_key(name): column for column in COLUMNS for name in (column.field, column.japanese)}
_PLATFORMS = {
    **{_key(platform.value): platform for platform in Platform},
    _key("Twitter"): Platform.X,
    _key("その他"): Platform.OTHER,
}
_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
# Spaces (ASCII or full-width) as asked; commas too, since a pasted list often has them.
_MANAGER_SEPARATOR = re.compile(r"[\s,、，]+")

# -- checking the rows --------------------------------------------------------------------------------------------


class Invalid(Exception):
    """A value that cannot be used; its message is the Problem's."""


def shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


def _one_url(raw: str) -> str:
    urls, invalid = parse_urls(raw)
    if len(urls) != 1 or invalid:
        raise Invalid(t("account_import.bad_url", value=shown(raw)))
    return urls[0]


def url_key(url: str) -> str:
    try:
        return normalize(url)
    except ValueError:
        return url  # a register entry from before URLs were checked: compared as written


class Checker:
    """Turns one cell's text into its value, or raises Invalid."""

    def __init__(self, config: Config, today: date) -> None:
        self.departments = {department.id: department for department in config.departments}
        self.today = today
        self.by_field: dict[str, Callable[[str], Any]] = {
            "platform": self.platform,
            "name": self.name,
            "url": _one_url,
            "department": self.department,
            "managers": self.managers,
            "password_changed_on": self.date,
            "review_interval_days": self.interval,
            "last_review_on": self.date,
            "public_policy_url": _one_url,
        }

    def platform(self, raw: str) -> Platform:
        if (platform := _PLATFORMS.get(_key(raw))) is None:
            raise Invalid(t("account_import.unknown_platform", value=shown(raw)))
        return platform

    def name(self, raw: str) -> str:
        if len(raw) > NAME_LIMIT:
            raise Invalid(t("account_import.name_too_long", limit=NAME_LIMIT))
        return raw

    def department(self, raw: str) -> Department:
        if (department := self.departments.get(raw)) is None:
            raise Invalid(t("account_import.unknown_department", value=shown(raw)))
        return department

    def managers(self, raw: str) -> list[str]:
        ids = [item for item in _MANAGER_SEPARATOR.split(raw) if item]
        if bad := [item for item in ids if not USER_ID.fullmatch(item)]:
            raise Invalid("、".join(t("account_import.bad_user_id", value=shown(item)) for item in bad))
        return list(dict.fromkeys(ids))

    def date(self, raw: str) -> date:
        # Excel re-saves a CSV's dates as 2024/4/1: unambiguous, so accepted besides YYYY-MM-DD.
        match = _DATE.fullmatch(unicodedata.normalize("NFKC", raw))
        try:
            value = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:
            value = None
        if value is None:
            raise Invalid(t("account_import.bad_date", value=shown(raw)))
        if value > self.today:
            raise Invalid(t("account_import.future_date", value=shown(raw)))
        return value

    def interval(self, raw: str) -> int:
        text = unicodedata.normalize("NFKC", raw)
        # int() alone would also take "+5", "1_000" and "-3"; only plain digits are meant.
        if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= REVIEW_INTERVAL_LIMIT:
            raise Invalid(t("account_import.bad_interval", value=shown(raw), limit=REVIEW_INTERVAL_LIMIT))
        return int(text)


@dataclass(frozen=True)
class Row:
    line: int
    platform: Platform
    name: str
    url: str
    url_key: str
    department: Department
    managers: list[str]
    password_changed_on: date
    # None: the cell was empty (the default applies, and a registered account's value is not compared).
    review_interval_days: int | None
    last_review_on: date | None
    public_policy_url: str | None


def header_columns(header: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """{field: column as written} for the known columns, and the header's problems (on line 1)."""
    line = 1
    columns: dict[str, str] = {}
    problems: list[Problem] = []
    for written in header:
        if not written.strip():
            continue  # a blank header cell only matters when values sit under it
        column = _HEADERS.get(_key(written))
        if column is None:
            names = ", ".join(f"{c.field}（{c.japanese}）" for c in COLUMNS)
            problems.append(
                Problem(line, written, t("account_import.unknown_column", value=shown(written), columns=names))
            )
        elif column.field in columns:
            problems.append(Problem(line, written, t("account_import.duplicate_column", first=columns[column.field])))
        else:
            columns[column.field] = written
    for column in COLUMNS:
        if column.required and column.field not in columns:
            problems.append(Problem(line, column.field, t("account_import.missing_column", japanese=column.japanese)))
    return columns, problems


def check_row(
    line: int, cells: dict[str, str], header: list[str], columns: dict[str, str], checker: Checker
) -> tuple[dict[str, Any], list[Problem]]:
    """The row's valid values by field, and its problems (values under an unknown column are the header's)."""
    problems = [
        Problem(line, name, t("account_import.unnamed_value"))
        for name, value in cells.items()
        if name not in header and value
    ]
    values: dict[str, Any] = {}
    for column in COLUMNS:
        written = columns.get(column.field)
        if written is None:
            continue  # a missing column is reported once, on the header's line
        raw = cells.get(written, "").strip()
        if not raw:
            if column.required:
                problems.append(Problem(line, written, t("account_import.required")))
            continue
        try:
            values[column.field] = checker.by_field[column.field](raw)
        except Invalid as error:
            problems.append(Problem(line, written, str(error)))
    return values, problems
