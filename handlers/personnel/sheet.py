"""The personnel spreadsheet's rows (所属, 役職, 氏名, メールアドレス) as posts, or every problem with its line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.catalog import t
from bot.config import DirectoryImport, Role
from bot.spreadsheet import UTF8_OR_SHIFT_JIS, Problem, UnreadableFile, read_table

# Whatever Slack's users.lookupByEmail will make of it: one @, no spaces, a dotted domain.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
FIELDS = ("department", "title", "name", "email")


@dataclass(frozen=True)
class Post:
    """One row: one person's post in one department (兼務: one row per department)."""

    line: int
    department_id: str
    department_name: str
    title: str
    name: str
    email: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Sheet:
    posts: list[Post]
    problems: list[Problem]
    sheet: str | None  # the .xlsx sheet read, for the messages about departments


def label(text: str) -> str:
    """How names and titles compare: full-width folded, spaces (全角 too) ignored, as people type them."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def address(text: str) -> str:
    """An e-mail address as compared and written: full-width folded, lower case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def read_posts(path: Path, settings: DirectoryImport, known: Mapping[str, str]) -> Sheet:
    """The file's posts; ``known`` maps department names to ids (app.yaml's, then ``settings.departments``)."""
    headers = {field: getattr(settings.columns, field) for field in FIELDS}
    wanted = {label(name) for name in headers.values()}
    try:
        table = read_table(
            path, encodings=UTF8_OR_SHIFT_JIS, is_header=lambda cells: wanted <= {label(c) for c in cells}
        )
    except UnreadableFile as error:
        return Sheet([], [error.problem], None)
    if not table.header:
        return Sheet([], [Problem(0, "", t("personnel.no_header", columns=", ".join(headers.values())))], None)
    columns: dict[str, str] = {}
    problems: list[Problem] = []
    for name in table.header:
        if label(name) in wanted and label(name) in columns:
            message = t("personnel.duplicate_column", column=name)
            problems.append(Problem(table.header_line, name, message, table.sheet))
        columns.setdefault(label(name), name)
    written = {field: columns[label(name)] for field, name in headers.items()}
    departments = {label(name): id_ for name, id_ in {**known, **settings.departments}.items()}
    roles = {label(title): frozenset(given) for title, given in settings.roles.items()}
    posts: list[Post] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.rows:
        values = {field: cells.get(written[field], "").strip() for field in FIELDS}
        row_problems = [
            Problem(line, written[field], t("personnel.required"), table.sheet)
            for field in ("department", "name", "email")
            if not values[field]
        ]
        email = address(values["email"])
        if email and not EMAIL.fullmatch(email):
            row_problems.append(
                Problem(line, written["email"], t("personnel.bad_email", value=values["email"]), table.sheet)
            )
        department_id = departments.get(label(values["department"]))
        if values["department"] and department_id is None:
            message = t("personnel.unknown_department", value=values["department"])
            row_problems.append(Problem(line, written["department"], message, table.sheet))
        if department_id and email and (first := seen.setdefault((department_id, email), line)) != line:
            message = t("personnel.duplicate_person", first=first)
            row_problems.append(Problem(line, written["email"], message, table.sheet))
        problems += row_problems
        if not row_problems:
            title = values["title"]
            role = roles.get(label(title), frozenset())
            posts.append(Post(line, department_id or "", values["department"], title, values["name"], email, role))
    return Sheet(posts, problems, table.sheet)
