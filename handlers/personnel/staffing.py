"""Departments as the personnel list staffs them, and as app.yaml staffs them now, in the same terms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.catalog import t
from bot.config import Department, Role
from bot.spreadsheet import Problem
from handlers.personnel.sheet import Post, address, label

# A person as app.yaml names them (a Slack user ID or an address) -> their address, or the name itself when
# nothing says. Injected: the stored address↔ID resolutions can answer for IDs the spreadsheet cannot.
Identify = Callable[[str], str]


@dataclass(frozen=True)
class Staffing:
    """One department's people; everyone but the head is a member (so 兼務 and account managers count)."""

    id: str
    name: str
    head: str
    approvers: tuple[str, ...]
    deputies: tuple[str, ...]
    members: tuple[str, ...]

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.head, *self.approvers, *self.deputies, *self.members]))

    def roles(self, person: str) -> frozenset[Role]:
        given: set[Role] = set()
        if person == self.head:
            given.add("head")
        if person in self.approvers:
            given.add("approver")
        if person in self.deputies:
            given.add("deputy")
        return frozenset(given)


def staffed(posts: list[Post], sheet: str | None) -> tuple[list[Staffing], list[Problem]]:
    """One Staffing per department of the file, in the file's order; a department needs exactly one head."""
    by_department: dict[str, list[Post]] = {}
    for post in posts:
        by_department.setdefault(post.department_id, []).append(post)
    departments: list[Staffing] = []
    problems: list[Problem] = []
    for department_id, rows in by_department.items():
        heads = [post for post in rows if "head" in post.roles]
        if not heads:
            message = t("personnel.no_head", department=rows[0].department_name)
            problems.append(Problem(rows[0].line, "", message, sheet))
            continue
        problems += [
            Problem(extra.line, "", t("personnel.second_head", first=heads[0].line), sheet) for extra in heads[1:]
        ]
        head = heads[0].email
        approvers = tuple(post.email for post in rows if "approver" in post.roles) or (head,)
        departments.append(
            Staffing(
                id=department_id,
                name=rows[0].department_name,
                head=head,
                approvers=approvers,
                deputies=tuple(post.email for post in rows if "deputy" in post.roles),
                members=tuple(post.email for post in rows if post.email != head),
            )
        )
    return departments, problems


def as_configured(department: Department, identify: Identify) -> Staffing:
    """app.yaml's department in the same terms, its people identified by address where that is known."""
    return Staffing(
        id=department.id,
        name=department.name,
        head=identify(department.head),
        approvers=tuple(identify(person) for person in department.approvers),
        deputies=tuple(identify(person) for person in department.deputies),
        members=tuple(identify(person) for person in department.members),
    )


def by_name(people: Mapping[str, str], posts: list[Post]) -> Identify:
    """What app.yaml alone can say: an address is itself; a user ID whose `people:` name is the name of exactly
    one address (in the file, or keyed so in `people:`) is that address; anyone else stays their ID."""
    addresses: dict[str, set[str]] = {}
    for post in posts:
        addresses.setdefault(label(post.name), set()).add(post.email)
    for key, name in people.items():
        if "@" in key:
            addresses.setdefault(label(name), set()).add(address(key))
    names = {person: label(name) for person, name in people.items()}

    def identify(person: str) -> str:
        if "@" in person:
            return address(person)
        found = addresses.get(names.get(person, ""), set())
        return next(iter(found)) if len(found) == 1 else person

    return identify
