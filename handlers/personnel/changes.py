"""What April changes, per department: who arrives, who leaves, whose role changes (people compared by address)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.config import Config, Role
from handlers.personnel.readdress import Readdress
from handlers.personnel.staffing import Identify, Staffing, as_configured


class Kind(StrEnum):
    CHANGED = "changed"  # in app.yaml and in the file
    NEW = "new"  # only in the file: a department app.yaml does not have yet
    KEPT = "kept"  # only in app.yaml: left as it is


@dataclass(frozen=True)
class Move:
    person: str  # an address, or app.yaml's name for someone it cannot tell the address of
    before: frozenset[Role]
    after: frozenset[Role]


@dataclass(frozen=True)
class DepartmentChanges:
    id: str
    name: str
    kind: Kind
    arrivals: list[Move] = field(default_factory=list)
    leavers: list[Move] = field(default_factory=list)
    role_changes: list[Move] = field(default_factory=list)
    readdressed: list[Readdress] = field(default_factory=list)
    route_dropped: bool = False  # its approval_route names people: it is not carried into the new app.yaml


def changes(
    config: Config, staffing: Sequence[Staffing], identify: Identify, readdressed: Sequence[Readdress]
) -> list[DepartmentChanges]:
    """Every department, app.yaml's first in its order, then the file's new ones."""
    new = {department.id: department for department in staffing}
    found: list[DepartmentChanges] = []
    for department in config.departments:
        now = as_configured(department, identify)
        after = new.pop(department.id, None)
        if after is None:
            found.append(DepartmentChanges(department.id, department.name, Kind.KEPT))
            continue
        moved = [r for r in readdressed if r.department_id == department.id]
        found.append(_compared(now, after, moved, route_dropped=bool(department.approval_route)))
    for after in new.values():
        arrivals = [Move(person, frozenset(), after.roles(person)) for person in after.people]
        found.append(DepartmentChanges(after.id, after.name, Kind.NEW, arrivals=arrivals))
    return found


def _compared(
    now: Staffing, after: Staffing, readdressed: list[Readdress], *, route_dropped: bool
) -> DepartmentChanges:
    before_people, after_people = set(now.people), set(after.people)
    return DepartmentChanges(
        after.id,
        after.name,
        Kind.CHANGED,
        arrivals=[Move(p, frozenset(), after.roles(p)) for p in after.people if p not in before_people],
        leavers=[Move(p, now.roles(p), frozenset()) for p in now.people if p not in after_people],
        role_changes=[
            Move(p, now.roles(p), after.roles(p))
            for p in after.people
            if p in before_people and now.roles(p) != after.roles(p)
        ],
        readdressed=readdressed,
        route_dropped=route_dropped,
    )
