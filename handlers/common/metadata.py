"""Versioned metadata carried in button values and private_metadata.

Slack hands these strings back to us, but anyone can send us anything: a value that does
not parse, or names a version we do not know, is a BadRequest (400 and a log line).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import BadRequest


class Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1

    def encode(self) -> str:
        return self.model_dump_json()

    @classmethod
    def decode(cls, raw: str | None) -> Self:
        try:
            return cls.model_validate_json(raw or "")
        except ValidationError:
            raise BadRequest(f"{cls.__name__} metadata does not parse") from None


def button_channel(body: dict[str, Any]) -> str | None:
    """The channel of the message whose button was pressed, as Slack's container (or channel) tells it."""
    return (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
