"""Driving every feature over the real HTTP endpoint: fresh objects (a case, a draft, an application, an
account) and the requests their buttons and modals send, as Slack sends them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from handlers.report.metadata import CaseAction
from storage.models import (
    Account,
    AccountState,
    Application,
    ApplicationStatus,
    AuditEntry,
    Case,
    CaseCopy,
    Draft,
    DraftRequest,
    OutboxMessage,
)
from tests.reliability.faults import FaultySlack
from tests.reliability.forms import page_one, page_two, unique
from tests.reliability.world import DEPUTY, HEAD, STAFF1, STAFF2
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, delivered
from tests.support.report import report_values
from tests.support.slack_requests import Reply, block_action, interactive, send, view_submission

# Tables whose row counts tell whether something was created.
ROW_MODELS = {
    "cases": Case,
    "case_copies": CaseCopy,
    "drafts": Draft,
    "draft_requests": DraftRequest,
    "applications": Application,
    "accounts": Account,
    "outbox": OutboxMessage,
}


def updated(reply: Reply) -> Reply:
    """Asserts the modal answered with its next view (``response_action: update``)."""
    assert reply.status == 200, reply.body
    assert reply.json().get("response_action") == "update", reply.body
    return reply


@dataclass(frozen=True)
class Where:
    """A delivered message: its place in Slack (a button is pressed there)."""

    channel: str
    ts: str


def dm(user: str) -> Where:
    """A message in the bot's DM with ``user`` (reminders' buttons: the bot does not check where they are)."""
    return Where("D" + user[1:], "1764115200.000100")


def case_value(case_id: int, copy_id: int, item: str | None = None) -> str:
    """The metadata of a case copy's buttons and of the modals they open; a checklist item's button on
    a fresh case ticks it."""
    return CaseAction(case_id=case_id, copy_id=copy_id, item=item, done=True if item else None).encode()


@dataclass
class World:
    bot: RunningBot
    fake: FaultySlack
    clock: FrozenClock  # dates the reports (the bot may run on another clock)

    # -- sending -------------------------------------------------------------------------------------

    def post(self, body: str, headers: dict[str, str] | None = None) -> Reply:
        return send(self.bot.url, body, headers=headers)

    def click_body(self, action_id: str, value: str, *, user: str, where: Where | None) -> str:
        """A button press; each press has its own action_ts and trigger_id, as Slack's do."""
        n = unique()
        payload = block_action(action_id, user_id=user, value=value)
        payload["actions"][0]["action_ts"] = f"1764115200.{n:06d}"
        payload["trigger_id"] = f"1337.{n}.trigger"
        if where is None:  # App Home
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload.pop("channel")
        else:
            payload["container"] = {"type": "message", "channel_id": where.channel, "message_ts": where.ts}
            payload["channel"] = {"id": where.channel}
            payload["message"] = {"type": "message", "ts": where.ts, "text": ""}
        payload["response_url"] = self.fake.response_url(f"r{n}")
        return interactive(payload)

    def view_body(
        self, callback_id: str, values: dict[str, Any], *, user: str, metadata: str = "", opened: bool = True
    ) -> str:
        """A modal's submission; the view id is the modal's own (a retry or a double submit reuses it), one the
        bot opened for ``user`` unless told otherwise."""
        payload = view_submission(callback_id, user_id=user, values={b: {b: e} for b, e in values.items()})
        payload["view"]["id"] = f"VRELIAB{unique():06d}"
        payload["view"]["private_metadata"] = metadata
        return interactive(as_opened(self.bot, payload) if opened else payload)

    def settle(self) -> None:
        delivered(self.bot, timeout=30)

    # -- reading -------------------------------------------------------------------------------------

    def rows(self) -> dict[str, int]:
        with self.bot.service.runtime.sessions() as session:
            return {name: session.scalar(select(func.count()).select_from(m)) or 0 for name, m in ROW_MODELS.items()}

    def last_audit_id(self) -> int:
        with self.bot.service.runtime.sessions() as session:
            return session.scalar(select(func.max(AuditEntry.id))) or 0

    def audit_since(self, after: int) -> list[AuditEntry]:
        with self.bot.service.runtime.sessions() as session:
            entries = list(session.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)))
            for entry in entries:
                session.expunge(entry)
            return entries

    def where(self, outbox_id: int | None) -> Where:
        assert outbox_id is not None
        with self.bot.service.runtime.sessions() as session:
            message = session.get(OutboxMessage, outbox_id)
            assert message is not None
            assert message.slack_channel, f"message {outbox_id} unsent"
            assert message.slack_ts, f"message {outbox_id} unsent"
            return Where(message.slack_channel, message.slack_ts)

    def get(self, model: type, key: int) -> Any:
        with self.bot.service.runtime.sessions() as session:
            found = session.get(model, key)
            session.expunge(found)
            return found

    # -- reports -------------------------------------------------------------------------------------

    def report(self, *, kind: str = "flame", user: str = STAFF2, **fields: Any) -> tuple[int, dict[str, tuple]]:
        """A fresh case; returns its id and its copies by audience: (copy id, where, target)."""
        n = unique()
        fields.setdefault("urls", f"https://x.com/soja_city/status/{7_000_000_000 + n}")
        values = report_values(kind=kind, discovered_at=int(self.clock.now().timestamp()) - 60, **fields)
        updated(self.post(self.view_body("report.submit", _flat(values), user=user)))
        self.settle()
        with self.bot.service.runtime.sessions() as session:
            case_id = session.scalar(select(func.max(Case.id)))
        return case_id, self.copies(case_id)

    def copies(self, case_id: int) -> dict[str, tuple[int, Where, str]]:
        """A case's delivered copies by audience: (copy id, where it is, its target)."""
        with self.bot.service.runtime.sessions() as session:
            case = session.get(Case, case_id)
            found = {c.audience: (c.id, c.outbox_id, c.target) for c in case.copies}
        return {audience: (cid, self.where(oid), target) for audience, (cid, oid, target) in found.items()}

    def notify_officer(self, case_id: int) -> dict[str, tuple[int, Where, str]]:
        """The head passes a violation to the security officer; returns the copies, the officer's included."""
        copy_id, where, _ = self.copies(case_id)["head"]
        reply = self.post(
            self.click_body("report.case.notify_officer", case_value(case_id, copy_id), user=HEAD, where=where)
        )
        assert reply.status == 200, reply.body
        self.settle()
        return self.copies(case_id)

    def case_state(self, case_id: int) -> dict[str, Any]:
        with self.bot.service.runtime.sessions() as session:
            case = session.get(Case, case_id)
            return {
                "status": case.status,
                "acknowledged": case.acknowledged_by,
                "resolved": case.resolution_reason,
                "officer": case.officer_notified_by,
                "committee": case.committee_reported_by,
                "checklist": sorted((i.item, i.value) for i in case.checklist),
                "copies": len(case.copies),
            }

    # -- drafts --------------------------------------------------------------------------------------

    def draft_values(
        self,
        *,
        kind: str,
        reviewers: Sequence[str] = (),
        approvers: list[str] | None = None,
        text: str | None = None,
        account: str | None = "@soja_kanko",
    ) -> dict[str, Any]:
        n = unique()
        text = text or f"観光イベント第{n}回は予定どおり開催します。"
        values: dict[str, Any] = {
            "draft.account": {"type": "plain_text_input", "value": account},
            "draft.text": {"type": "plain_text_input", "value": text},
            "draft.kind": {"type": "radio_buttons", "selected_option": {"value": kind}},
            "draft.reviewers": {"type": "multi_users_select", "selected_users": list(reviewers)},
            "draft.scheduled_at": {"type": "datetimepicker", "selected_date_time": None},
            "draft.note": {"type": "plain_text_input", "value": None},
            "draft.corrects": {"type": "plain_text_input", "value": None},
            "draft.consent": {"type": "checkboxes", "selected_options": []},
        }
        if approvers is not None:
            values["draft.approvers"] = {
                "type": "multi_static_select",
                "selected_options": [{"value": a} for a in approvers],
            }
        return values

    def draft(
        self,
        *,
        kind: str = "official_view",
        reviewers: Sequence[str] = (),
        approvers: list[str] | None = None,
        author: str = STAFF1,
    ) -> int:
        if kind == "official_view" and approvers is None:
            approvers = [HEAD, DEPUTY]
        values = self.draft_values(kind=kind, reviewers=reviewers, approvers=approvers)
        updated(self.post(self.view_body("draft.submit", values, user=author)))
        self.settle()
        with self.bot.service.runtime.sessions() as session:
            return session.scalar(select(func.max(Draft.id)))

    def requests(self, draft_id: int) -> dict[str, tuple[int, Where, int]]:
        """The draft's latest requests by user: (request id, where its DM is, version)."""
        with self.bot.service.runtime.sessions() as session:
            rows = session.scalars(
                select(DraftRequest).where(DraftRequest.draft_id == draft_id).order_by(DraftRequest.id)
            ).all()
            found = {r.user_id: (r.id, r.outbox_id, r.version) for r in rows}
        return {user: (rid, self.where(oid), version) for user, (rid, oid, version) in found.items()}

    def draft_value(self, draft_id: int, request_id: int | None = None, answer: str | None = None) -> str:
        return json.dumps({"v": 1, "draft_id": draft_id, "request_id": request_id, "answer": answer})

    def decide(self, draft_id: int, user: str, action: str, comment: str | None = None) -> None:
        """Presses ``action`` on ``user``'s request; with a comment, submits the modal it opens."""
        request_id, where, _ = self.requests(draft_id)[user]
        reply = self.post(self.click_body(action, self.draft_value(draft_id, request_id), user=user, where=where))
        assert reply.status == 200, reply.body
        if comment is not None:
            answer = action.rsplit(".", 1)[1]
            values = {"draft.comment.text": {"type": "plain_text_input", "value": comment}}
            metadata = self.draft_value(draft_id, request_id, answer)
            reply = self.post(self.view_body("draft.comment.submit", values, user=user, metadata=metadata))
            assert reply.status == 200, reply.body
        self.settle()

    def draft_state(self, draft_id: int) -> dict[str, Any]:
        with self.bot.service.runtime.sessions() as session:
            draft = session.get(Draft, draft_id)
            return {
                "status": draft.status,
                "version": draft.version,
                "step": draft.step,
                "published": draft.published_url,
                "answers": sorted((r.user_id, r.role, r.version, r.answer or "") for r in draft.requests),
            }

    # -- applications -------------------------------------------------------------------------------------

    def application(self, *, user: str = STAFF1, status: ApplicationStatus | None = None) -> int:
        """A usage application filled by ``user`` through both pages (with the head), or seeded with ``status``."""
        if status is not None:
            with self.bot.service.runtime.sessions.begin() as session:
                application = Application(
                    platform="x",
                    status=status,
                    emergency=False,
                    purpose="観光情報の発信",
                    items={},
                    review_interval_days=180,
                    department_id="kanko",
                    department_name="観光プロモーション課",
                    filled_by=HEAD,
                    filled_by_name="観光 一郎",
                    head_id=HEAD,
                    created_at=self.clock.now(),
                )
                session.add(application)
                session.flush()
                return application.id
        reply = updated(self.post(self.view_body("application.page1.submit", page_one(), user=user)))
        metadata = reply.json()["view"]["private_metadata"]
        updated(self.post(self.view_body("application.page2.submit", page_two(), user=user, metadata=metadata)))
        self.settle()
        with self.bot.service.runtime.sessions() as session:
            return session.scalar(select(func.max(Application.id)))

    def head_applies(self, application_id: int) -> None:
        """The head's 申請する: the application goes on to 市政情報課's channel."""
        where = self.where(self.get(Application, application_id).head_message_id)
        value = self.application_value(application_id)
        assert self.post(self.click_body("application.head.apply", value, user=HEAD, where=where)).status == 200
        self.settle()

    def application_value(self, application_id: int, answer: str | None = None) -> str:
        return json.dumps({"v": 1, "application_id": application_id, "answer": answer})

    def application_state(self, application_id: int) -> dict[str, Any]:
        application = self.get(Application, application_id)
        return {"status": application.status, "decided_by": application.decided_by}

    # -- accounts -------------------------------------------------------------------------------------

    def account(self, *, state: AccountState = AccountState.ACTIVE) -> int:
        n = unique()
        with self.bot.service.runtime.sessions.begin() as session:
            account = Account(
                platform="x",
                name=f"総社市観光{n}",
                url=f"https://x.com/soja_kanko_{n}",
                department_id="kanko",
                department_name="観光プロモーション課",
                managers=[STAFF1, STAFF2],
                state=state,
                password_changed_on=date(2026, 8, 1),
                review_interval_days=180,
                last_review_on=date(2026, 5, 1),
                registered_at=datetime(2026, 1, 1, tzinfo=UTC),
                registered_by="import",
                withdrawal_notice_until=date(2026, 11, 20) if state == AccountState.WITHDRAWING else None,
                withdrawal_reason="no_prospect" if state == AccountState.WITHDRAWING else None,
            )
            session.add(account)
            session.flush()
            return account.id

    def account_value(self, account_id: int, task: str | None = None) -> str:
        return json.dumps({"v": 1, "account_id": account_id, "task": task})

    def account_state(self, account_id: int) -> dict[str, Any]:
        account = self.get(Account, account_id)
        return {
            "state": account.state,
            "password": str(account.password_changed_on),
            "snooze": str(account.password_snooze_on),
            "reviewed": str(account.last_review_on),
            "announced": (account.announced_in_account, account.announced_on_site),
        }


def _flat(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """report_values' {block: {block: element}} as {block: element}."""
    return {block: elements[block] for block, elements in values.items()}
