"""What a reload of the new app.yaml will re-address, read from the database without changing it: open cases
whose head changes (handlers/report/service.py `readdress`), pending drafts whose asked approvers leave
(handlers/draft/route.py `readdress`), accounts whose managers leave (handlers/account/service.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.directory import Directory
from handlers.account.service import current_managers
from handlers.personnel.staffing import Identify, Staffing
from storage import accounts, cases, drafts
from storage.models import Audience, RequestRole


class Subject(StrEnum):
    CASE = "case"
    DRAFT = "draft"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Readdress:
    subject: Subject
    label: str  # the case number, the draft's number, the account's name
    department_id: str
    leaving: tuple[str, ...]  # as the database names them (Slack user IDs)
    to: tuple[str, ...]  # addresses: the new head, the approvers to be asked, the managers who stay


def readdressed(
    session: Session, directory: Directory, new: Mapping[str, Staffing], identify: Identify
) -> list[Readdress]:
    return [
        *_cases(session, new, identify),
        *_drafts(session, new, identify),
        *_accounts(session, directory, new, identify),
    ]


def _cases(session: Session, new: Mapping[str, Staffing], identify: Identify) -> list[Readdress]:
    found = []
    for case in cases.open_cases(session):
        for copy in case.copies:
            department = new.get(copy.department_id or case.department_id or "")
            if copy.audience != Audience.HEAD or copy.handed_to is not None or department is None:
                continue
            if identify(copy.target) != department.head:
                found.append(Readdress(Subject.CASE, case.number, department.id, (copy.target,), (department.head,)))
    return found


def _drafts(session: Session, new: Mapping[str, Staffing], identify: Identify) -> list[Readdress]:
    found = []
    for draft in drafts.pending(session):
        department = new.get(draft.department_id or "")
        if department is None:
            continue
        asked = [
            r.user_id
            for r in draft.requests
            if (r.version, r.step, r.role) == (draft.version, draft.step, RequestRole.APPROVER) and r.answer is None
        ]
        leaving = tuple(user for user in asked if identify(user) not in department.approvers)
        if leaving:
            staying = {identify(user) for user in asked}
            author = identify(draft.author_id)
            to = tuple(a for a in department.approvers if a not in staying and a != author)
            found.append(Readdress(Subject.DRAFT, f"#{draft.id}", department.id, leaving, to))
    return found


def _accounts(
    session: Session, directory: Directory, new: Mapping[str, Staffing], identify: Identify
) -> list[Readdress]:
    found = []
    for account in accounts.live(session):
        department = new.get(account.department_id)
        if department is None:
            continue
        managers = current_managers(directory, account)
        leaving = tuple(m for m in managers if identify(m) not in department.people)
        if leaving:
            staying = tuple(identify(m) for m in managers if m not in leaving)
            found.append(Readdress(Subject.ACCOUNT, account.name, department.id, leaving, staying))
    return found
