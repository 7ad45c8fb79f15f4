"""`sns-bot accounts import FILE`: registers the official accounts the city already runs (the roll-out), in one go.

All or nothing: every row is checked first and every problem is reported with its line and column; one bad row
means no account at all is imported, so a half-imported register never has to be repaired by hand.

A row is one account, identified by its URL (compared as ``bot.urls.normalize`` keys, so
``twitter.com/soja`` and ``x.com/soja`` are the same account). A URL already in the register is never changed:
a row that agrees with the registered account is skipped as unchanged (so re-importing a file does nothing), and
one that disagrees is reported as a conflict. Agreement ignores what the register legitimately moves on by itself:
a registered password change or review date later than the file's, the account's state (撤退予告中, 削除済み), the
department's current name, and optional cells left empty.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.catalog import t
from bot.config import USER_ID, Config, Department
from bot.spreadsheet import Problem, UnreadableFile, read_table
from bot.urls import normalize, parse_urls
from storage import accounts, audit
from storage.models import Account, AccountState, Platform

# -- message templates (Japanese, shown to the operator; to move to the catalog) ---------------------------------

# Account.registered_by of an imported account (the file and line are in its audit entry).
REGISTERED_BY = "一括取り込み"

NAME_LIMIT = 200  # Account.name's column
# Longer would be no review at all, and a huge number overflows the date arithmetic of the reminder sweep.
REVIEW_INTERVAL_LIMIT = 3660
MAX_SHOWN = 80  # a value echoed in a message is cut here

AUDIT_ACCOUNT = "account.imported"
AUDIT_SUMMARY = "accounts.import"


@dataclass(frozen=True)
class ImportResult:
    """What happened; with any problem nothing was imported (imported and unchanged are then 0)."""

    imported: int
    unchanged: int
    problems: list[Problem]


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


# -- reading the file ---------------------------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (line 1) as written and, per non-blank data row, (its line in the file, {column: value}).
    CSV in UTF-8 or .xlsx (the first sheet). Raises UnreadableFile."""
    table = read_table(path)
    return table.header, table.rows


# -- checking the rows --------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A value that cannot be used; its message is the Problem's."""


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


def _one_url(raw: str) -> str:
    urls, invalid = parse_urls(raw)
    if len(urls) != 1 or invalid:
        raise _Invalid(t("account_import.bad_url", value=_shown(raw)))
    return urls[0]


def _url_key(url: str) -> str:
    try:
        return normalize(url)
    except ValueError:
        return url  # a register entry from before URLs were checked: compared as written


class _Checker:
    """Turns one cell's text into its value, or raises _Invalid."""

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
            raise _Invalid(t("account_import.unknown_platform", value=_shown(raw)))
        return platform

    def name(self, raw: str) -> str:
        if len(raw) > NAME_LIMIT:
            raise _Invalid(t("account_import.name_too_long", limit=NAME_LIMIT))
        return raw

    def department(self, raw: str) -> Department:
        if (department := self.departments.get(raw)) is None:
            raise _Invalid(t("account_import.unknown_department", value=_shown(raw)))
        return department

    def managers(self, raw: str) -> list[str]:
        ids = [item for item in _MANAGER_SEPARATOR.split(raw) if item]
        if bad := [item for item in ids if not USER_ID.fullmatch(item)]:
            raise _Invalid("、".join(t("account_import.bad_user_id", value=_shown(item)) for item in bad))
        return list(dict.fromkeys(ids))

    def date(self, raw: str) -> date:
        # Excel re-saves a CSV's dates as 2024/4/1: unambiguous, so accepted besides YYYY-MM-DD.
        match = _DATE.fullmatch(unicodedata.normalize("NFKC", raw))
        try:
            value = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:
            value = None
        if value is None:
            raise _Invalid(t("account_import.bad_date", value=_shown(raw)))
        if value > self.today:
            raise _Invalid(t("account_import.future_date", value=_shown(raw)))
        return value

    def interval(self, raw: str) -> int:
        text = unicodedata.normalize("NFKC", raw)
        # int() alone would also take "+5", "1_000" and "-3"; only plain digits are meant.
        if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= REVIEW_INTERVAL_LIMIT:
            raise _Invalid(t("account_import.bad_interval", value=_shown(raw), limit=REVIEW_INTERVAL_LIMIT))
        return int(text)


@dataclass(frozen=True)
class _Row:
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


def _header_columns(header: list[str]) -> tuple[dict[str, str], list[Problem]]:
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
                Problem(line, written, t("account_import.unknown_column", value=_shown(written), columns=names))
            )
        elif column.field in columns:
            problems.append(Problem(line, written, t("account_import.duplicate_column", first=columns[column.field])))
        else:
            columns[column.field] = written
    for column in COLUMNS:
        if column.required and column.field not in columns:
            problems.append(Problem(line, column.field, t("account_import.missing_column", japanese=column.japanese)))
    return columns, problems


def _check_row(
    line: int, cells: dict[str, str], header: list[str], columns: dict[str, str], checker: _Checker
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
        except _Invalid as error:
            problems.append(Problem(line, written, str(error)))
    return values, problems


def _differences(row: _Row, account: Account, columns: dict[str, str]) -> list[str]:
    """The columns in which a row disagrees with the account registered under its URL."""
    differs = {
        "platform": account.platform != row.platform,
        "name": account.name != row.name,
        "department": account.department_id != row.department.id,
        "managers": set(account.managers) != set(row.managers),
        # Dates move on after registration (a password change, a review): only an earlier register is a conflict.
        "password_changed_on": account.password_changed_on < row.password_changed_on,
        "review_interval_days": row.review_interval_days not in (None, account.review_interval_days),
        "last_review_on": row.last_review_on is not None and account.last_review_on < row.last_review_on,
        "public_policy_url": row.public_policy_url is not None
        and _url_key(account.public_policy_url or "") != _url_key(row.public_policy_url),
    }
    return [columns[field] for field, different in differs.items() if different]


# -- importing ----------------------------------------------------------------------------------------------------


def import_accounts(session: Session, config: Config, path: Path, *, now: datetime, timezone: ZoneInfo) -> ImportResult:
    """Checks every row of ``path``; without any problem, adds its new accounts (運用中) and their audit rows to
    the session (the caller commits). With a problem, adds nothing and returns all the problems."""
    try:
        header, rows = read_rows(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except UnreadableFile as error:
        return ImportResult(0, 0, [error.problem])
    except OSError as error:  # the file vanished between the two reads
        return ImportResult(0, 0, [Problem(0, "", t("spreadsheet.unreadable", file=path.name, error=error.strerror))])
    if not header:
        return ImportResult(0, 0, [Problem(1, "", t("account_import.no_header"))])
    today = now.astimezone(timezone).date()
    checker = _Checker(config, today)
    columns, problems = _header_columns(header)
    registered = {_url_key(account.url): account for account in accounts.register(session)}

    first_line: dict[str, int] = {}
    new: list[_Row] = []
    unchanged = 0
    for line, cells in rows:
        values, row_problems = _check_row(line, cells, header, columns, checker)
        if "url" in values:
            url_key = _url_key(values["url"])
            if url_key in first_line:
                message = t("account_import.duplicate_url", value=_shown(values["url"]), first=first_line[url_key])
                row_problems.append(Problem(line, columns["url"], message))
            first_line.setdefault(url_key, line)
        problems += row_problems
        if row_problems or any(column.required and column.field not in values for column in COLUMNS):
            continue
        row = _Row(
            line=line,
            platform=values["platform"],
            name=values["name"],
            url=values["url"],
            url_key=_url_key(values["url"]),
            department=values["department"],
            managers=values["managers"],
            password_changed_on=values["password_changed_on"],
            review_interval_days=values.get("review_interval_days"),
            last_review_on=values.get("last_review_on"),
            public_policy_url=values.get("public_policy_url"),
        )
        if (account := registered.get(row.url_key)) is None:
            new.append(row)
        elif different := _differences(row, account, columns):
            message = t("account_import.conflict", value=_shown(row.url), columns=", ".join(different))
            problems.append(Problem(line, columns["url"], message))
        else:
            unchanged += 1
    if problems:
        return ImportResult(0, 0, problems)

    default_interval = config.reminders.effectiveness_review_days
    created = [(row, _account(row, default_interval, today, now)) for row in new]
    session.add_all(account for _, account in created)
    session.flush()  # the ids, for the audit rows
    for row, account in created:
        after = {"file": path.name, "line": row.line, **_audit_values(account)}
        audit.record(
            session, at=now, actor=None, action=AUDIT_ACCOUNT, entity_type="account", entity_id=account.id, after=after
        )
    summary = {
        "file": path.name,
        "imported": len(created),
        "unchanged": unchanged,
        "accounts": [account.id for _, account in created],
    }
    # The file's digest names the import: re-importing the same file lands under the same entity.
    audit.record(
        session, at=now, actor=None, action=AUDIT_SUMMARY, entity_type="import", entity_id=digest, after=summary
    )
    return ImportResult(len(created), unchanged, [])


def _account(row: _Row, default_interval: int, today: date, now: datetime) -> Account:
    return Account(
        application_id=None,  # in use before the bot: there is no application on record
        platform=row.platform,
        name=row.name,
        url=row.url,
        department_id=row.department.id,
        department_name=row.department.name,
        managers=row.managers,
        state=AccountState.ACTIVE,
        public_policy_url=row.public_policy_url,
        send_only=False,
        links_to_site=False,
        linked_from_site=False,
        password_changed_on=row.password_changed_on,
        password_snooze_on=None,
        review_interval_days=row.review_interval_days or default_interval,
        last_review_on=row.last_review_on or today,
        registered_at=now,
        registered_by=REGISTERED_BY,
    )


def _audit_values(account: Account) -> dict[str, Any]:
    return {
        "platform": str(account.platform),
        "name": account.name,
        "url": account.url,
        "department": account.department_id,
        "managers": list(account.managers),
        "password_changed_on": account.password_changed_on.isoformat(),
        "review_interval_days": account.review_interval_days,
        "last_review_on": account.last_review_on.isoformat(),
        "public_policy_url": account.public_policy_url,
    }
