"""Who a report goes to: exactly the people the guideline names.

By the kind's route (handlers/report/kinds.py):
- by capacity, 業務 (4(2)③): the reporter's 所属長, and the 秘書室, 市政情報課 and 総務課 channels;
  プライベート (5(2)③): the 所属長 and the 市政情報課 channel only.
- to the account's head (ガイドライン違反の投稿, 6(2)①): the head of the department that runs the account
  concerned; the head then notifies the 情報セキュリティ責任者, who reports to the committee.
Without a known department the report still goes out, to 市政情報課, which forwards it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Department, Offices
from bot.mrkdwn import escape
from handlers.report.kinds import Route, kind_of
from storage.models import Audience, Capacity, CaseKind


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    target: str  # a user ID (DM) or a channel ID
    name: str  # mrkdwn, safe to embed
    department_id: str | None = None  # a head's: the department they head for this case


def _office(audience: Audience, channel: str, name: str) -> Recipient:
    return Recipient(audience, channel, escape(name))


def recipients(
    kind: CaseKind, capacity: Capacity, department: Department | None, offices: Offices, head_name: str
) -> list[Recipient]:
    """The recipients, the one holding the case's timeline thread first."""
    head = [Recipient(Audience.HEAD, department.head, head_name, department.id)] if department else []
    public_info = _office(Audience.PUBLIC_INFO, offices.public_info.channel, offices.public_info.name)
    if kind_of(kind).route == Route.ACCOUNT_HEAD:
        return head or [public_info]
    if capacity == Capacity.PRIVATE:
        return [public_info, *head]
    return [
        public_info,
        *head,
        _office(Audience.SECRETARIAT, offices.secretariat.channel, offices.secretariat.name),
        _office(Audience.GENERAL_AFFAIRS, offices.general_affairs.channel, offices.general_affairs.name),
    ]


def security_officers(offices: Offices, name_of: Callable[[str], str]) -> list[Recipient]:
    return [Recipient(Audience.SECURITY_OFFICER, user, name_of(user)) for user in offices.security_officer.members]


def committee(offices: Offices) -> Recipient:
    office = offices.security_committee
    return _office(Audience.SECURITY_COMMITTEE, office.channel, office.name)


# The office behind each channel audience, for "anyone in that office may act".
CHANNEL_OFFICES = {
    Audience.SECRETARIAT: "secretariat",
    Audience.PUBLIC_INFO: "public_info",
    Audience.GENERAL_AFFAIRS: "general_affairs",
    Audience.SECURITY_COMMITTEE: "security_committee",
}
