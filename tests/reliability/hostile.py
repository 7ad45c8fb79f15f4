"""Hypothesis strategies of hostile and malformed requests for tests/reliability/test_bad_input.py: every real
action id, callback and command, with tampered metadata, values and fields, and bodies that are not Slack's."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from handlers.account.ids import AccountIds
from handlers.application.ids import ApplicationIds
from handlers.draft.ids import DraftIds
from handlers.help.ids import HelpIds
from handlers.report.ids import ReportIds
from tests.support.slack_requests import slash_command

FEATURES: tuple[type[StrEnum], ...] = (ReportIds, DraftIds, AccountIds, ApplicationIds)
EVERY_ID = sorted(
    {str(member) for enum in FEATURES for member in enum}
    - {ReportIds.COMMAND, DraftIds.COMMAND, DraftIds.CHECK_COMMAND, AccountIds.COMMAND}
)
CALLBACKS = [i for i in EVERY_ID if i.endswith(".submit")]
COMMANDS = [
    str(ReportIds.COMMAND),
    str(DraftIds.COMMAND),
    str(DraftIds.CHECK_COMMAND),
    str(AccountIds.COMMAND),
    str(HelpIds.COMMAND),
    "/sns-unknown",
]
OUTSIDERS = ["U0OUTSIDER", "W0GUEST01", "U0NOBODY"]
# Channels a click may claim to come from: DMs, a random channel, 市政情報課 (it lists its members), never
# 秘書室 or 総務課 (anyone there may act).
CHANNELS = ["C0RANDOM", "C0PUBLICINFO", "D0HEADKANKO", "D0STAFF1", "D0OUTSIDER", "C0SECCOMMITTEE"]


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
METADATA_KEYS = [
    "v",
    "case_id",
    "copy_id",
    "item",
    "draft_id",
    "request_id",
    "answer",
    "account_id",
    "task",
    "application_id",
]
user_field = st.one_of(
    st.sampled_from(OUTSIDERS).map(lambda u: {"id": u, "team_id": "T0TEST"}),
    json_value,
    st.fixed_dictionaries({"id": json_value}),
)


@st.composite
def metadata(draw: st.DrawFn, references: list[dict[str, Any]]) -> str:
    """Garbage, or metadata with wrong types or unknown ids, or a real object's reference (tampered)."""
    kind = draw(st.sampled_from(["text", "json", "shaped", "tampered"]))
    if kind == "text":
        return draw(st.text(max_size=60))
    if kind == "json":
        return json.dumps(draw(json_value))
    if kind == "shaped":
        keys = draw(st.lists(st.sampled_from(METADATA_KEYS), min_size=1, max_size=5, unique=True))
        values = st.one_of(st.integers(min_value=-5, max_value=10**12), st.text(max_size=12), st.none(), json_value)
        shaped = {k: draw(values) for k in keys}
        if draw(st.booleans()):
            shaped["v"] = 1
        return json.dumps(shaped)
    reference = dict(draw(st.sampled_from(references)))
    if draw(st.booleans()):  # a nearby id that does not exist, or another field changed
        key = draw(st.sampled_from(sorted(reference)))
        reference[key] = draw(st.one_of(st.integers(min_value=-1, max_value=10**6), st.text(max_size=8), st.none()))
    return json.dumps(reference)


def element(draw: st.DrawFn) -> Any:
    return draw(
        st.one_of(
            json_value,
            st.fixed_dictionaries({"type": st.text(max_size=12), "value": json_value}),
            st.fixed_dictionaries(
                {"selected_option": st.one_of(json_value, st.fixed_dictionaries({"value": json_value}))}
            ),
            st.fixed_dictionaries({"selected_options": json_value}),
            st.fixed_dictionaries(
                {"selected_users": json_value, "selected_date_time": json_value, "selected_date": json_value}
            ),
        )
    )


def _drop(payload: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """Removes a random top-level or second-level key: a missing field."""
    if draw(st.booleans()) and payload:
        key = draw(st.sampled_from(sorted(payload)))
        if isinstance(payload[key], dict) and payload[key] and draw(st.booleans()):
            inner = dict(payload[key])
            inner.pop(draw(st.sampled_from(sorted(inner))))
            payload[key] = inner
        else:
            payload.pop(key)
    return payload


@st.composite
def block_actions(draw: st.DrawFn, references: list[dict[str, Any]], response_url: str) -> tuple[str, str]:
    action_id = draw(st.one_of(st.sampled_from(EVERY_ID), st.text(max_size=30)))
    channel = draw(st.one_of(st.sampled_from(CHANNELS), json_value))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "user": draw(user_field),
        "api_app_id": "A0TEST",
        "trigger_id": draw(st.one_of(st.just("1337.42.abcd"), json_value)),
        "container": {"type": "message", "channel_id": channel, "message_ts": "1700000000.000100"},
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": draw(
            st.one_of(
                st.just(
                    [
                        {
                            "type": "button",
                            "action_id": action_id,
                            "block_id": "b",
                            "action_ts": "1",
                            "value": draw(metadata(references)),
                        }
                    ]
                ),
                json_value,
            )
        ),
    }
    return "block_actions " + str(action_id)[:30], "payload=" + quote(_drop(payload, draw))


@st.composite
def view_submissions(draw: st.DrawFn, references: list[dict[str, Any]]) -> tuple[str, str]:
    """A submission of a view the bot never opened: random view id, random or tampered metadata, and a state
    with at least one field of the wrong shape."""
    callback = draw(st.one_of(st.sampled_from(CALLBACKS), st.text(max_size=30)))
    blocks = draw(st.lists(st.sampled_from(EVERY_ID), max_size=12, unique=True))
    values = {b: {b: element(draw)} for b in blocks}
    broken = draw(st.sampled_from(EVERY_ID))
    values[broken] = {
        broken: {
            "value": draw(st.one_of(st.integers(), st.lists(st.text(max_size=3), min_size=1))),
            "selected_option": "x",
            "selected_users": "x",
            "selected_options": "x",
            "selected_date_time": "x",
            "selected_date": 12,
        }
    }
    view: dict[str, Any] = {
        "id": draw(st.one_of(st.text(max_size=20).map(lambda s: "VNEVER" + s), json_value)),
        "type": "modal",
        "callback_id": callback,
        "private_metadata": draw(st.one_of(metadata(references), json_value)),
        "state": draw(st.one_of(st.just({"values": values}), json_value)),
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": draw(user_field),
        "api_app_id": "A0TEST",
        "trigger_id": "1337.42.abcd",
        "view": _drop(view, draw),
    }
    return "view_submission " + str(callback)[:30], "payload=" + quote(_drop(payload, draw))


@st.composite
def commands(draw: st.DrawFn, response_url: str) -> tuple[str, str]:
    command = draw(st.sampled_from(COMMANDS))
    text = draw(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(["list", "absent on", "apply", "register", "withdraw", "export", "export 2026-01-01 x"]),
        )
    )
    body = slash_command(command, user_id=draw(st.sampled_from(OUTSIDERS)), text=text, response_url=response_url)
    if draw(st.booleans()):  # a missing field
        fields = dict(pair.split("=", 1) for pair in body.split("&"))
        fields.pop(draw(st.sampled_from(sorted(fields))))
        body = "&".join(f"{k}={v}" for k, v in fields.items())
    return "command " + command, body


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, str | bytes]:
    kind = draw(st.sampled_from(["payload text", "payload json", "raw", "bytes", "events json"]))
    if kind == "payload text":
        return kind, "payload=" + quote_text(draw(st.text(max_size=200)))
    if kind == "payload json":
        return kind, "payload=" + quote(draw(json_value))
    if kind == "raw":
        return kind, draw(st.text(max_size=200))
    if kind == "bytes":
        return kind, draw(st.binary(max_size=200))
    event = {
        "type": draw(st.one_of(st.sampled_from(["event_callback", "url_verification"]), json_value)),
        "event": draw(
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["app_home_opened", "message", "app_mention"]),
                        "user": json_value,
                        "tab": json_value,
                    }
                ),
                json_value,
            )
        ),
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
    }
    return kind, json.dumps(event)


def quote(value: Any) -> str:
    return quote_text(json.dumps(value, ensure_ascii=False))


def quote_text(text: str) -> str:
    return urlencode({"x": text})[2:]
