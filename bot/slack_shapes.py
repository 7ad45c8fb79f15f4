"""The shape of what Slack sends, checked at the edge so that Bolt's matchers and our listeners may
index a request without guarding every key.

Only the fields they read are checked, strictly typed; anything else passes through untouched, and
a payload type we do not know is left to Bolt (it answers 404 to what no listener handles).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, TypeAdapter, ValidationError, model_validator


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Id(_Shape):
    id: StrictStr


class _Action(_Shape):
    action_id: StrictStr
    block_id: StrictStr | None = None
    value: StrictStr | None = None


class _Container(_Shape):
    type: StrictStr


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _View(_Shape):
    id: StrictStr
    callback_id: StrictStr = ""
    private_metadata: StrictStr = ""
    hash: StrictStr | None = None
    state: _State | None = None


class _Interaction(_Shape):
    user: _Id
    trigger_id: StrictStr = Field(min_length=1)


class _BlockActions(_Interaction):
    actions: list[_Action] = Field(min_length=1)
    container: _Container | None = None
    channel: _Id | None = None
    response_url: StrictStr | None = None
    view: _View | None = None
    message: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _message_actions_can_be_answered(self) -> _BlockActions:
        # A button on a message is answered through its response_url: Slack always sends one.
        if self.container is not None and self.container.type == "message" and not self.response_url:
            raise ValueError("a block action on a message without a response_url")
        return self


class _ViewSubmission(_Interaction):
    view: _View


class _ViewClosed(_Shape):
    user: _Id
    view: _View


class _MessageAction(_Interaction):
    callback_id: StrictStr
    message: dict[str, Any]
    channel: _Id
    response_url: StrictStr = Field(min_length=1)


class _Shortcut(_Interaction):
    callback_id: StrictStr


class _BlockSuggestion(_Shape):
    user: _Id
    action_id: StrictStr
    block_id: StrictStr
    value: StrictStr
    view: _View | None = None


class _Event(_Shape):
    type: StrictStr
    user: StrictStr | None = None


class _EventCallback(_Shape):
    event: _Event


class _SlashCommand(_Shape):
    command: StrictStr
    user_id: StrictStr = Field(min_length=1)
    trigger_id: StrictStr = Field(min_length=1)
    response_url: StrictStr = Field(min_length=1)
    text: StrictStr = ""


_BY_TYPE: dict[str, TypeAdapter[Any]] = {
    kind: TypeAdapter(model)
    for kind, model in {
        "block_actions": _BlockActions,
        "view_submission": _ViewSubmission,
        "view_closed": _ViewClosed,
        "message_action": _MessageAction,
        "shortcut": _Shortcut,
        "block_suggestion": _BlockSuggestion,
        "event_callback": _EventCallback,
    }.items()
}
_SLASH_COMMAND = TypeAdapter(_SlashCommand)


def shape_problem(body: dict[str, Any]) -> str | None:
    """Why ``body`` (a slash command's form or an interaction's payload) cannot be handled, or None."""
    kind = body.get("type")
    if "command" in body:
        adapter: TypeAdapter[Any] | None = _SLASH_COMMAND
    elif isinstance(kind, str) and kind in _BY_TYPE:
        adapter = _BY_TYPE[kind]
    else:  # Bolt's middleware reads an event whatever the type says
        adapter = _BY_TYPE["event_callback"] if "event" in body else None
    if adapter is None:
        return None
    try:
        adapter.validate_python(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        return f"{where}: {first['msg']}"
    return None
