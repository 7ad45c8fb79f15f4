"""The dry run in words, per department: pure, from the changes and a way to name people."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.catalog import t
from bot.config import Role
from handlers.personnel.changes import DepartmentChanges, Kind, Move
from handlers.personnel.readdress import Readdress, Subject

ROLE_ORDER: tuple[Role, ...] = ("head", "approver", "deputy")
INDENT = "  "

Name = Callable[[str], str]  # a person (address or ID) as shown: 「観光 一郎（kanko.ichiro@…）」


def report(found: Iterable[DepartmentChanges], name: Name) -> str:
    return "\n".join(line for department in found for line in _department(department, name))


def _department(department: DepartmentChanges, name: Name) -> list[str]:
    title = {Kind.CHANGED: "personnel.department", Kind.NEW: "personnel.department_new"}
    lines = [t(title.get(department.kind, "personnel.department_kept"), name=department.name, id=department.id)]
    if department.kind == Kind.KEPT:
        return lines
    body = [
        *(t("personnel.arrives", person=name(m.person), roles=_roles(m.after)) for m in department.arrivals),
        *(t("personnel.leaves", person=name(m.person), roles=_roles(m.before)) for m in department.leavers),
        *(_role_change(m, name) for m in department.role_changes),
        *([t("personnel.route_dropped")] if department.route_dropped else []),
    ]
    if department.readdressed:
        body.append(t("personnel.readdressed"))
        body += [INDENT + _readdress(r, name) for r in department.readdressed]
    return lines + [INDENT + line for line in body or [t("personnel.unchanged")]]


def _role_change(move: Move, name: Name) -> str:
    return t("personnel.role_change", person=name(move.person), before=_roles(move.before), after=_roles(move.after))


def _roles(roles: frozenset[Role]) -> str:
    return "・".join(t(f"personnel.role_{role}") for role in ROLE_ORDER if role in roles) or t("personnel.role_none")


def _readdress(readdress: Readdress, name: Name) -> str:
    leaving, to = "、".join(map(name, readdress.leaving)), "、".join(map(name, readdress.to))
    key = {
        Subject.CASE: "personnel.readdress_case",
        Subject.DRAFT: "personnel.readdress_draft" if to else "personnel.readdress_draft_nobody",
        Subject.ACCOUNT: "personnel.readdress_account" if to else "personnel.readdress_orphan",
    }[readdress.subject]
    return t(key, label=readdress.label, leaving=leaving, to=to)
