"""The report service with its context and a session per call, as a listener or a job runs it, and what the
rules' tests read back: the copies, the outbox intents, the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.directory import Directory
from handlers.report.domain import Context, CopyRef, Message, ReportForm, Submission
from handlers.report.service.submission import submit
from storage.models import Capacity, Case, CaseCopy, CaseKind, OutboxMessage, OutboxMethod, OutboxStatus
from tests.support.bot import APP_YAML
from tests.support.desk import ServiceDesk
from tests.support.flow import dm

THURSDAY = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 10:00 JST
MONDAY_OPENING = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 2026-11-30 08:30 JST
URL = "https://x.com/soja_city/status/1234567890"
PUBLIC_INFO, SECRETARIAT, GENERAL, COMMITTEE = "C0PUBLICINFO", "C0SECRETARIAT", "C0GENERAL", "C0SECCOMMITTEE"
HEAD, STAFF1, STAFF2, PUBINFO1, OFFICER = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1", "U0SECOFFICER"
OTHER_HEAD, OTHER_STAFF, OUTSIDER = "U0HEADKIKAKU", "U0STAFFKIKAKU", "U0NOBODY"
ESCALATION_MINUTES = 30  # app.yaml's reminders.incident_ack_escalation_minutes


def directory() -> Directory:
    """app.yaml as shipped, with a second department (企画課) to report from."""
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OTHER_HEAD, "members": [OTHER_STAFF]})
    assert config["reminders"]["incident_ack_escalation_minutes"] == ESCALATION_MINUTES
    return Directory(Config.model_validate(config))


@dataclass
class Desk(ServiceDesk):
    """The report service at a desk, with what its rules' tests file and read back."""

    ctx: Context

    def report(
        self,
        reporter: str = STAFF1,
        *,
        kind: CaseKind = CaseKind.FLAME,
        capacity: Capacity = Capacity.OFFICIAL,
        urls: tuple[str, ...] = (URL,),
        department: str | None = "kanko",
    ) -> Submission:
        form = ReportForm(kind, capacity, list(urls), "概要", self.ctx.now - timedelta(minutes=5), department, None)
        return self.run(submit, form, reporter)

    def read(self, query: Callable[[Session], Any]) -> Any:
        with self.sessions() as session:
            return query(session)

    def copies(self, number: str = "SNS-2026-0001") -> list[tuple[str, str, str | None, bool]]:
        """(audience, target, department, primary) of the case's copies, in the order they were made."""
        rows = self.read(
            lambda s: s.execute(
                select(CaseCopy.audience, CaseCopy.target, CaseCopy.department_id, CaseCopy.primary)
                .join(Case, Case.id == CaseCopy.case_id)
                .where(Case.number == number)
                .order_by(CaseCopy.id)
            ).all()
        )
        return [tuple(row) for row in rows]

    def ref(self, target: str, *, channel: str | None = None, number: str = "SNS-2026-0001") -> CopyRef:
        """The copy ``target`` holds, clicked in ``channel`` (None: from a modal, judged by role alone)."""
        copy_id, case_id = self.read(
            lambda s: s.execute(
                select(CaseCopy.id, CaseCopy.case_id)
                .join(Case, Case.id == CaseCopy.case_id)
                .where(Case.number == number, CaseCopy.target == target)
            ).one()
        )
        return CopyRef(case_id, copy_id, channel)

    def case(self, number: str = "SNS-2026-0001") -> Case:
        def load(session: Session) -> Case:
            found = session.scalars(select(Case).where(Case.number == number)).one()
            found.checklist  # noqa: B018 - loaded before the session closes
            session.expunge(found)
            return found

        return self.read(load)

    def intents(self, after: int = 0) -> list[tuple[str, str, str, bool]]:
        """(method, channel, intent kind, about an earlier message: a reply in its thread or its update) of
        the outbox rows queued after row ``after``."""
        rows = self.read(
            lambda s: s.scalars(select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)).all()
        )
        return [(r.method, r.channel, (r.intent or {}).get("kind"), r.parent_id is not None) for r in rows]

    def sent(self) -> None:
        """Everything queued marked sent, as the worker records Slack's answers."""
        with self.sessions.begin() as session:
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)):
                row.status, row.sent_at, row.slack_ts = OutboxStatus.SENT, self.ctx.now, f"{row.id}.000100"
                row.slack_channel = dm(row.channel) if row.channel.startswith("U") else row.channel

    def last_outbox_id(self) -> int:
        return self.read(lambda s: s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))) or 0

    def checklist(self, number: str = "SNS-2026-0001") -> dict[str, str | None]:
        return {i.item: i.value for i in self.case(number).checklist}


POST, UPDATE = OutboxMethod.POST, OutboxMethod.UPDATE
# An update of each copy of an official report, once they are sent.
REDRAWN = [(UPDATE, target, Message.COPY, True) for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1)]
# The thread's line and full text when a report joins the case.
JOINED = [(POST, PUBLIC_INFO, Message.TIMELINE, True), (POST, PUBLIC_INFO, Message.FULL_TEXT, True)]
