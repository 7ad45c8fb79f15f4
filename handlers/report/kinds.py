"""The rules of each report kind, in one table: whom it reaches, its checklist, whether its escalation
waits for office hours, and the steps its status goes through. The service and the views read it;
a kind's texts are the catalog's report.kind.<kind>, report.checklist.<item> and report.stage.<stage>."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from handlers.report.domain import Snapshot
from storage.models import CaseKind, CaseStatus


class Route(StrEnum):
    # 4(2)③ / 5(2)③: the 所属長 and, by the report's capacity, the offices; a later report may widen it.
    BY_CAPACITY = "by_capacity"
    # 6(2)①: the head of the department running the account alone; the chain goes on by its own steps.
    ACCOUNT_HEAD = "account_head"


class Stage(StrEnum):
    """A case's status as staff think of it; a kind's ladder lists the stages it goes through, in order."""

    UNACKNOWLEDGED = "unacknowledged"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    OFFICER_NOTIFIED = "officer_notified"  # 6(2)②
    COMMITTEE_REPORTED = "committee_reported"  # 6(2)③
    RESOLVED = "resolved"


LADDER = (Stage.UNACKNOWLEDGED, Stage.ACKNOWLEDGED, Stage.IN_PROGRESS, Stage.RESOLVED)
# 6(2): the head notifies the officer at once and handles the case on their advice; the officer reports the
# facts, the measures and their progress to the committee. Each step says more than the one before it.
VIOLATION_LADDER = (*LADDER[:-1], Stage.OFFICER_NOTIFIED, Stage.COMMITTEE_REPORTED, Stage.RESOLVED)

# Checklist items the service handles by name.
CORRECTION = "correction_posted"  # ticked with the correcting post's URL (4(5)③), from a modal
CONFIDENTIAL = "confidential"  # mirrored on the case: its content may be deleted (4(5)③ ただし書き)
NEEDS_URL = frozenset({CORRECTION})


@dataclass(frozen=True)
class Kind:
    route: Route = Route.BY_CAPACITY
    checklist: tuple[str, ...] = ()
    checklist_note: str | None = None  # a catalog key shown above the checklist
    unlocked_by: Mapping[str, str] = field(default_factory=dict)  # item -> the item it is offered after
    urgent: bool = False  # escalated at any hour; the others wait for office hours
    ladder: tuple[Stage, ...] = LADDER

    def visible_items(self, done: set[str]) -> tuple[str, ...]:
        """The checklist as offered now: an item waiting for another appears once that one is ticked."""
        return tuple(i for i in self.checklist if i not in self.unlocked_by or self.unlocked_by[i] in done)

    def locked_by(self, item: str) -> set[str]:
        """The items that go when ``item`` is unticked."""
        return {locked for locked, key in self.unlocked_by.items() if key == item}


KINDS: dict[CaseKind, Kind] = {
    CaseKind.FLAME: Kind(
        checklist=("facts_checked", "policy_decided", "official_view_judged"),
        checklist_note="report.checklist.flame_note",
        urgent=True,
    ),
    CaseKind.IMPERSONATION: Kind(  # 4(5)②
        checklist=("takedown_requested", "public_warning", "mutual_links_checked"),
        urgent=True,
    ),
    CaseKind.IMPORTANT: Kind(),
    CaseKind.MISTAKE: Kind(  # 4(5)③: corrected, not deleted; deleted only when it should never have been sent
        checklist=(CORRECTION, CONFIDENTIAL, "deleted"),
        checklist_note="report.checklist.mistake_note",
        unlocked_by={"deleted": CONFIDENTIAL},
    ),
    CaseKind.VIOLATION: Kind(route=Route.ACCOUNT_HEAD, ladder=VIOLATION_LADDER),
}


def kind_of(kind: str) -> Kind:
    return KINDS[CaseKind(kind)]


def reached(case: Snapshot) -> Stage:
    """The furthest stage of the case's ladder that it has reached."""
    done = {
        Stage.UNACKNOWLEDGED: True,
        Stage.ACKNOWLEDGED: case.acknowledged is not None,
        Stage.IN_PROGRESS: case.status != CaseStatus.OPEN,
        Stage.OFFICER_NOTIFIED: case.officer_notified is not None,
        Stage.COMMITTEE_REPORTED: case.committee_reported is not None,
        Stage.RESOLVED: case.status == CaseStatus.RESOLVED,
    }
    return [stage for stage in kind_of(case.kind).ladder if done[stage]][-1]
