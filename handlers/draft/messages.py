"""The draft's DMs, drawn by the delivery worker when it sends them (bot/sending.py Render). A request DM
(or the author's status) and its full text show the draft as it is then, at the version the DM is about; a
notice shows the version and status of its event, with the event's parameters. The service queues only
intents (domain.Message); a request is found by the outbox message it was posted as."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.sending import Render
from handlers.draft.domain import DraftSnapshot, Message, snapshot
from handlers.draft.renderer import DraftRenderer
from handlers.draft.route import route_of
from storage import drafts
from storage.models import Draft, DraftRequest, DraftStatus, OutboxMethod, RequestRole
from storage.outbox_claims import Claimed

Drawn = dict[str, Any] | None


def request(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """A request to answer, or the author's status, posted or updated."""
    posted_as = message.parent_id if message.method == OutboxMethod.UPDATE else message.id
    found = _request_sent_as(session, message, posted_as)
    if found is None:
        return None
    draft, asked = found
    shown = _snapshot(directory, draft, asked.version)
    if asked.role == RequestRole.AUTHOR:
        return _draw(directory).author_status(shown, asked.id)
    return _draw(directory).request(shown, asked.id, RequestRole(asked.role), asked.user_id)


def full_text(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """What the request DM above it cut; nothing when it cut nothing."""
    found = _request_sent_as(session, message, message.parent_id)
    if found is None:
        return None
    draft, asked = found
    return _draw(directory).full_text(_snapshot(directory, draft, asked.version))


def notice(session: Session, directory: Directory, message: Claimed) -> Drawn:
    facts = message.intent or {}
    draft = drafts.get(session, facts["draft"])
    if draft is None:
        return None
    shown = replace(_snapshot(directory, draft, facts["version"]), status=DraftStatus(facts["status"]))
    return _draw(directory).notice(shown, facts["notice"], **facts["params"])


MESSAGES: dict[str, Render] = {
    Message.REQUEST: request,
    Message.FULL_TEXT: full_text,
    Message.NOTICE: notice,
}


def _draw(directory: Directory) -> DraftRenderer:
    return DraftRenderer(directory.timezone)


def _snapshot(directory: Directory, draft: Draft, version: int) -> DraftSnapshot:
    return snapshot(draft, len(route_of(directory, draft)), version)


def _request_sent_as(session: Session, message: Claimed, outbox_id: int | None) -> tuple[Draft, DraftRequest] | None:
    """The draft the intent names, and its request posted as outbox message ``outbox_id``."""
    draft = drafts.get(session, (message.intent or {})["draft"])
    asked = next((r for r in draft.requests if r.outbox_id == outbox_id), None) if draft else None
    return (draft, asked) if draft and asked else None
