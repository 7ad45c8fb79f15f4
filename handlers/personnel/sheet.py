"""The personnel spreadsheet's rows (所属, 役職, 氏名, メールアドレス) as posts, or every problem with its line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog import t
from bot.config import DirectoryImport, Role
from bot.spreadsheet import UTF8_OR_SHIFT_JIS, Problem, Table, UnreadableFile, read_table

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
    columns, problems = _columns(table, wanted)
    rows = _Rows(
        written={field: columns[label(name)] for field, name in headers.items()},
        departments={label(name): id_ for name, id_ in {**known, **settings.departments}.items()},
        roles={label(title): frozenset(given) for title, given in settings.roles.items()},
        sheet=table.sheet,
    )
    posts: list[Post] = []
    for line, cells in table.rows:
        post, row_problems = rows.post(line, cells)
        problems += row_problems
        posts += [post] if post else []
    return Sheet(posts, problems, table.sheet)


def _columns(table: Table, wanted: set[str]) -> tuple[dict[str, str], list[Problem]]:
    """{label: header as written}; a wanted column written twice is a problem (its first one is read)."""
    columns: dict[str, str] = {}
    problems: list[Problem] = []
    for name in table.header:
        if label(name) in wanted and label(name) in columns:
            message = t("personnel.duplicate_column", column=name)
            problems.append(Problem(table.header_line, name, message, table.sheet))
        columns.setdefault(label(name), name)
    return columns, problems


@dataclass
class _Rows:
    """Checks the rows one by one, remembering who was seen where."""

    written: dict[str, str]  # field -> the column as written
    departments: dict[str, str]  # label -> id
    roles: dict[str, frozenset[Role]]  # label of a 役職 -> roles
    sheet: str | None
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (department, address) -> line

    def post(self, line: int, cells: Mapping[str, str]) -> tuple[Post | None, list[Problem]]:
        values = {name: cells.get(self.written[name], "").strip() for name in FIELDS}
        email, department_id = address(values["email"]), self.departments.get(label(values["department"]))
        found = [(name, t("personnel.required")) for name in ("department", "name", "email") if not values[name]]
        if email and not EMAIL.fullmatch(email):
            found.append(("email", t("personnel.bad_email", value=values["email"])))
        if values["department"] and department_id is None:
            found.append(("department", t("personnel.unknown_department", value=values["department"])))
        if department_id and email and (first := self.seen.setdefault((department_id, email), line)) != line:
            found.append(("email", t("personnel.duplicate_person", first=first)))
        if found or department_id is None:
            return None, [Problem(line, self.written[name], message, self.sheet) for name, message in found]
        roles = self.roles.get(label(values["title"]), frozenset())
        department, title, name = values["department"], values["title"], values["name"]
        return Post(line, department_id, department, title, name, email, roles), []
