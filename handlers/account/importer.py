"""`sns-bot accounts import FILE`: registers the official accounts the city already runs (the roll-out), in one go.

All or nothing: every row is checked first and every problem is reported with its line and column; one bad row
means no account at all is imported, so a half-imported register never has to be repaired by hand.

A row is one account, identified by its URL (compared as ``bot.urls.normalize`` keys, so
``twitter.com/soja`` and ``x.com/soja`` are the same account). A URL already in the register is never changed:
a row that agrees with the registered account is skipped as unchanged (so re-importing a file does nothing), and
one that disagrees is reported as a conflict. Agreement ignores what the register legitimately moves on by itself:
a registered password change or review date later than the file's, the account's state (撤退予告中, 削除済み), the
department's current name, and optional cells left empty. One change is made: a 運用ポリシーURL for an account
registered without one is recorded (4(4)③), which ends its policy reminders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.catalog import t
from bot.config import Config
from bot.spreadsheet import Problem, UnreadableFile, read_table
from handlers.account.import_rows import (
    COLUMNS,
    REVIEW_INTERVAL_LIMIT,
    Checker,
    Row,
    check_row,
    header_columns,
    shown,
    url_key,
)
from storage import accounts, audit
from storage.models import Account, AccountState

# Account.registered_by of an imported account (the file and line are in its audit entry).
REGISTERED_BY = "一括取り込み"

AUDIT_ACCOUNT = "account.imported"
AUDIT_SUMMARY = "accounts.import"
AUDIT_POLICY = "account.policy_recorded"  # as when recorded with /sns-account


@dataclass(frozen=True)
class ImportResult:
    """What happened; with any problem nothing was imported (imported and unchanged are then 0)."""

    imported: int
    unchanged: int
    problems: list[Problem]
    policies: int = 0  # registered accounts given the 運用ポリシーURL they lacked


# -- reading the file ---------------------------------------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (line 1) as written and, per non-blank data row, (its line in the file, {column: value}).
    CSV in UTF-8 or .xlsx (the first sheet). Raises UnreadableFile."""
    table = read_table(path)
    return table.header, table.rows


def _differences(row: Row, account: Account, columns: dict[str, str]) -> list[str]:
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
        # None registered is filled in (_record_policies); another URL is a conflict.
        "public_policy_url": bool(row.public_policy_url and account.public_policy_url)
        and url_key(account.public_policy_url or "") != url_key(row.public_policy_url or ""),
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
    checker = Checker(config, today)
    columns, problems = header_columns(header)
    registered = {url_key(account.url): account for account in accounts.register(session)}

    first_line: dict[str, int] = {}
    new: list[Row] = []
    policies: list[tuple[Row, Account]] = []
    unchanged = 0
    for line, cells in rows:
        values, row_problems = check_row(line, cells, header, columns, checker)
        if "url" in values:
            key = url_key(values["url"])
            if key in first_line:
                message = t("account_import.duplicate_url", value=shown(values["url"]), first=first_line[key])
                row_problems.append(Problem(line, columns["url"], message))
            first_line.setdefault(key, line)
        problems += row_problems
        if row_problems or any(column.required and column.field not in values for column in COLUMNS):
            continue
        row = Row(
            line=line,
            platform=values["platform"],
            name=values["name"],
            url=values["url"],
            url_key=url_key(values["url"]),
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
            message = t("account_import.conflict", value=shown(row.url), columns=", ".join(different))
            problems.append(Problem(line, columns["url"], message))
        elif row.public_policy_url and not account.public_policy_url:
            policies.append((row, account))
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
    _record_policies(session, policies, path.name, now)
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
    return ImportResult(len(created), unchanged, [], len(policies))


def _record_policies(session: Session, filled: list[tuple[Row, Account]], file: str, now: datetime) -> None:
    """4(4)③: the accounts registered without a public policy get the URL their row has, audited."""
    for row, account in filled:
        account.public_policy_url = row.public_policy_url
        after = {"before": None, "after": row.public_policy_url, "file": file, "line": row.line}
        audit.record(
            session, at=now, actor=None, action=AUDIT_POLICY, entity_type="account", entity_id=account.id, after=after
        )


def _account(row: Row, default_interval: int, today: date, now: datetime) -> Account:
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


__all__ = ["REVIEW_INTERVAL_LIMIT", "ImportResult", "Problem", "import_accounts", "read_rows"]
