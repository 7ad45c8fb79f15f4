"""The application's messages, drawn by the delivery worker when it sends them (bot/sending.py Render):
the head's DM, 市政情報課's post and their full texts from the application as it is then; an outcome
notice with its event's parameters. The service queues only intents (domain.Message)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.directory import Directory
from bot.mrkdwn import escape
from bot.sending import Render
from handlers.application.domain import ApplicationSnapshot, Message, snapshot
from handlers.application.renderer import ApplicationRenderer
from storage import applications
from storage.outbox_claims import Claimed

Drawn = dict[str, Any] | None


def head_request(session: Session, directory: Directory, message: Claimed) -> Drawn:
    shown = _shown(session, directory, message)
    return _draw(directory).head_request(shown) if shown else None


def office_post(session: Session, directory: Directory, message: Claimed) -> Drawn:
    shown = _shown(session, directory, message)
    return _draw(directory).office_post(shown) if shown else None


def full_text(session: Session, directory: Directory, message: Claimed) -> Drawn:
    """Every item whole, under a message that cut one; nothing when nothing was cut."""
    shown = _shown(session, directory, message)
    return _draw(directory).full_text(shown) if shown else None


def notice(session: Session, directory: Directory, message: Claimed) -> Drawn:
    shown, facts = _shown(session, directory, message), message.intent or {}
    return _draw(directory).notice(shown, facts["notice"], **facts["params"]) if shown else None


MESSAGES: dict[str, Render] = {
    Message.HEAD_REQUEST: head_request,
    Message.OFFICE_POST: office_post,
    Message.FULL_TEXT: full_text,
    Message.NOTICE: notice,
}


def _draw(directory: Directory) -> ApplicationRenderer:
    return ApplicationRenderer(directory.timezone, escape(directory.offices.public_info.name))


def _shown(session: Session, directory: Directory, message: Claimed) -> ApplicationSnapshot | None:
    """The application the intent names, as it is now."""
    application = applications.get(session, (message.intent or {})["application"])
    return snapshot(application, directory) if application else None
