"""What the author does with a draft: submit it, resubmit a returned or expired one, and report it
published (「投稿しました」). Only the author may; anyone else is refused and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config import Department
from bot.lint import Finding
from handlers.common.work import Context, audit, found
from handlers.draft.changes import lock, refresh
from handlers.draft.checks import account_key
from handlers.draft.domain import REVISABLE, DraftForm, Outcome
from handlers.draft.route import ask, asked_names
from storage import drafts
from storage.models import Draft, DraftKind, DraftStatus, DraftVersion


@dataclass(frozen=True)
class Submitted:
    draft_id: int
    version: int
    asked: list[str]  # names of the reviewers or approvers asked


def submit(
    session: Session,
    ctx: Context,
    form: DraftForm,
    author_id: str,
    findings: list[Finding],
    department: Department | None,
) -> Submitted:
    author = ctx.directory.actor(author_id)
    draft = Draft(
        kind=form.kind,
        status=DraftStatus.CHECKING if form.kind == DraftKind.ANNOUNCEMENT else DraftStatus.PENDING,
        version=1,
        step=0,
        author_id=author_id,
        author_name=author.name,
        department_id=department.id if department else None,
        department_name=department.name if department else None,
        account=form.account,
        account_key=account_key(form.account),
        chosen_approvers=form.approvers,
        created_at=ctx.now,
        submitted_at=ctx.now,
        scheduled_at=form.scheduled_at,
    )
    session.add(draft)
    _add_version(draft, form, findings, ctx.now)
    session.flush()
    asked = asked_names(ask(session, ctx, draft, form.reviewers))
    audit(session, ctx, ("draft", draft.id), author_id, "draft.submitted", {"kind": draft.kind, "asked": asked})
    return Submitted(draft.id, draft.version, asked)


def resubmit(
    session: Session, ctx: Context, draft_id: int, form: DraftForm, author_id: str, findings: list[Finding]
) -> Submitted | None:
    """A new version of a returned or expired draft, asked again from its first step; None when the
    draft may not be resubmitted (not the author's, or not returned or expired)."""
    draft = lock(session, draft_id)
    if not _by_author(session, ctx, draft, author_id, "resubmit") or draft.status not in REVISABLE:
        return None
    draft.version += 1
    draft.step, draft.status, draft.reminded_at = 0, DraftStatus.PENDING, None
    draft.submitted_at, draft.scheduled_at, draft.account = ctx.now, form.scheduled_at, form.account
    draft.account_key, draft.chosen_approvers = account_key(form.account), form.approvers
    _add_version(draft, form, findings, ctx.now)
    session.flush()
    asked = asked_names(ask(session, ctx, draft, []))
    audit(session, ctx, ("draft", draft.id), author_id, "draft.resubmitted", {"version": draft.version, "asked": asked})
    return Submitted(draft.id, draft.version, asked)


def _add_version(draft: Draft, form: DraftForm, findings: list[Finding], now: datetime) -> None:
    draft.versions.append(
        DraftVersion(
            version=draft.version,
            text=form.text,
            note=form.note,
            corrects_url=form.corrects_url,
            consented=form.consented,
            findings=[f.to_dict() for f in findings],
            submitted_at=now,
        )
    )


def publish(session: Session, ctx: Context, draft_id: int, user_id: str, url: str) -> Outcome:
    """「投稿しました」: links the published post to the draft in the audit trail."""
    draft = lock(session, draft_id)
    if not _by_author(session, ctx, draft, user_id, "publish"):
        return Outcome.DENIED
    if draft.status not in (DraftStatus.APPROVED, DraftStatus.CHECKING):
        return Outcome.UNCHANGED
    draft.status, draft.published_at, draft.published_url = DraftStatus.PUBLISHED, ctx.now, url
    refresh(session, ctx, draft, version=draft.version)
    audit(session, ctx, ("draft", draft.id), user_id, "draft.published", {"url": url, "version": draft.version})
    return Outcome.DONE


def may_revise(session: Session, ctx: Context, draft_id: int, user_id: str) -> Draft | None:
    """The draft to prefill 「修正して再提出」 with, when the user wrote it and it was returned or expired."""
    draft = _existing(session, draft_id)
    revisable = _by_author(session, ctx, draft, user_id, "revise") and draft.status in REVISABLE
    return draft if revisable else None


def may_publish(session: Session, ctx: Context, draft_id: int, user_id: str) -> bool:
    """「投稿しました」 is the author's to report."""
    return _by_author(session, ctx, _existing(session, draft_id), user_id, "publish")


def _existing(session: Session, draft_id: int) -> Draft:
    return found(drafts.get(session, draft_id), f"draft {draft_id}")


def _by_author(session: Session, ctx: Context, draft: Draft, user_id: str, action: str) -> bool:
    """Only the author revises, resubmits or reports publication; anyone else is refused and audited."""
    if draft.author_id == user_id:
        return True
    audit(session, ctx, ("draft", draft.id), user_id, "draft.denied", {"action": action})
    return False
