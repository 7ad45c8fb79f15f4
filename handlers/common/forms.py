"""Reading a submitted modal's ``view.state.values``.

Slack sends what our own modal asked for; anything else (a missing block, a value of the
wrong shape) means the request was not made by that modal: BadRequest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.errors import BadRequest


def view_id_of(view: dict[str, Any]) -> str:
    """Slack's id of a submitted view: the key that makes a repeated submission a no-op."""
    view_id = view.get("id")
    if not isinstance(view_id, str) or not view_id:
        raise BadRequest("a submitted view without its id")
    return view_id


class FormValues:
    def __init__(self, view: dict[str, Any]) -> None:
        values = (view.get("state") or {}).get("values")
        if not isinstance(values, dict):
            raise BadRequest("view has no state.values")
        self._values = values

    def _element(self, block_id: str) -> dict[str, Any]:
        # Our inputs use the block id as the action id too.
        element = (self._values.get(block_id) or {}).get(block_id)
        if not isinstance(element, dict):
            raise BadRequest(f"no input {block_id} in the submitted view")
        return element

    def text(self, block_id: str) -> str:
        """The typed text, stripped; empty when left blank."""
        value = self._element(block_id).get("value")
        if value is not None and not isinstance(value, str):
            raise BadRequest(f"{block_id} is not text")
        return (value or "").strip()

    def selected(self, block_id: str) -> str | None:
        """The value of the chosen option of a select or radio group, if any."""
        option = self._element(block_id).get("selected_option")
        if option is None:
            return None
        value = option.get("value") if isinstance(option, dict) else None
        if not isinstance(value, str):
            raise BadRequest(f"{block_id} has a malformed option")
        return value

    def moment(self, block_id: str) -> datetime | None:
        """A datetimepicker's choice, as an aware UTC datetime."""
        seconds = self._element(block_id).get("selected_date_time")
        if seconds is None:
            return None
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise BadRequest(f"{block_id} is not a time")
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise BadRequest(f"{block_id} is out of range") from None

    def users(self, block_id: str) -> list[str]:
        """A users select's choice (multi or single), in order."""
        element = self._element(block_id)
        users = element.get("selected_users")
        if users is None:
            single = element.get("selected_user")
            users = [single] if single else []
        if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
            raise BadRequest(f"{block_id} has malformed users")
        return users

    def options(self, block_id: str) -> list[str]:
        """The values of a multi-select's or checkboxes' chosen options."""
        chosen = self._element(block_id).get("selected_options") or []
        values = [o.get("value") for o in chosen if isinstance(o, dict)] if isinstance(chosen, list) else None
        if values is None or not all(isinstance(v, str) for v in values):
            raise BadRequest(f"{block_id} has malformed options")
        return values

    def day(self, block_id: str) -> date | None:
        """A datepicker's choice."""
        value = self._element(block_id).get("selected_date")
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BadRequest(f"{block_id} is not a date") from None
