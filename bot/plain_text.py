"""What goes to Slack when it refuses a message's payload itself (invalid_blocks, msg_too_long…): the same
message as text only, saying what it is about and where to act without its buttons, and the one notice
to 市政情報課 per subject. Built from what the outbox row holds: its payload and its subject."""

from __future__ import annotations

from typing import Any

from bot.catalog import t
from bot.mrkdwn import escape, fit

# Slack's answers that refuse the payload rather than the destination or the moment: sending the same
# again cannot help, a plainer payload can (chat.postMessage and chat.update reference, "Errors").
REFUSALS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "invalid_arguments",
        "invalid_attachments",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
    }
)
# Room for the body: with the first and last lines, well inside chat.update's 4,000 characters.
BODY_LIMIT = 3000
# Where to act, by the subject's kind ("case:12" → case); anything else asks 市政情報課.
WHERE = {
    "case": "outbox.plain.where.case",
    "draft": "outbox.plain.where.draft",
    "account": "outbox.plain.where.account",
    "application": "outbox.plain.where.application",
}


def plain_version(payload: dict[str, Any], subject: str | None, *, update: bool) -> dict[str, Any] | None:
    """The message as text only, or None when the payload already was (nothing plainer to send).
    An update passes ``blocks=[]``: chat.update keeps the old blocks of a message otherwise."""
    blocks = payload.get("blocks") or []
    text = str(payload.get("text") or "")
    if not blocks and len(text) <= BODY_LIMIT:
        return None
    body = "\n".join(line for block in blocks for line in _readable(block)) or text
    kind = (subject or "").split(":", 1)[0]
    lines = [t("outbox.plain.intro"), fit(body, BODY_LIMIT), t(WHERE.get(kind, "outbox.plain.where.other"))]
    return {"text": "\n\n".join(lines), **({"blocks": []} if update else {})}


def _readable(block: dict[str, Any]) -> list[str]:
    """What a person reads in a block: headers, sections with their fields, context lines (not buttons)."""
    objects = [block.get("text"), *(block.get("elements", []) if block.get("type") == "context" else [])]
    lines = [_as_mrkdwn(o) for o in objects if isinstance(o, dict) and o.get("text")]
    # A field is a label over its value ("*種類*\n炎上"): one line each reads better without the grid.
    return lines + [_as_mrkdwn(o).replace("\n", " ", 1) for o in block.get("fields", []) if o.get("text")]


def _as_mrkdwn(text_object: dict[str, Any]) -> str:
    text = str(text_object["text"])
    return text if text_object.get("type") == "mrkdwn" else escape(text)


def notice(payload: dict[str, Any], destination: str, error: str) -> dict[str, Any]:
    """The 市政情報課 channel's notice: which message went as text only, to whom, and Slack's error."""
    about = fit(" ".join(str(payload.get("text") or "").split()), 300)
    return {"text": t("outbox.plain.notice", about=about, destination=destination, error=escape(error))}
