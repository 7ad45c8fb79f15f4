"""The stand-in's Block Kit rules for messages: one broken message per rule."""

from __future__ import annotations

import pytest

from tests.support.block_json import Json, actions, button, message_error, mrkdwn, option, options, plain, section

# (id, blocks of a message, expected message)
MESSAGE_CASES: list[tuple[str, list[Json], str]] = [
    ("51 blocks", [section()] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
    (
        "block_ids unique",
        [{**section(), "block_id": "x"}, {**section(), "block_id": "x"}],
        "block_id must be unique within a message [json-pointer:/blocks/1/block_id]",
    ),
    (
        "block_id 256",
        [{**section(), "block_id": "x" * 256}],
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    (
        "action_ids unique in a block",
        [section(), section(), actions(button("a"), button("a"))],
        "action_id must be unique within a block [json-pointer:/blocks/2/elements/1/action_id]",
    ),
    (
        "action_id 256",
        [actions(button("a" * 256))],
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    (
        "section text 3001",
        [section("あ" * 3001)],
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    ("empty text", [section("")], "must be more than 0 characters [json-pointer:/blocks/0/text/text]"),
    (
        "text type",
        [{"type": "section", "text": {"type": "html", "text": "x"}}],
        "must be a valid enum value [json-pointer:/blocks/0/text/type]",
    ),
    ("section empty", [{"type": "section"}], "must provide either text or fields [json-pointer:/blocks/0]"),
    (
        "11 fields",
        [{"type": "section", "fields": [mrkdwn("x")] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    (
        "field 2001",
        [{"type": "section", "fields": [mrkdwn("x"), mrkdwn("x" * 2001)]}],
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]",
    ),
    (
        "header 151",
        [{"type": "header", "text": plain("x" * 151)}],
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        "header mrkdwn",
        [{"type": "header", "text": mrkdwn("x")}],
        "must be a valid enum value [json-pointer:/blocks/0/text/type]",
    ),
    (
        "context 11",
        [{"type": "context", "elements": [mrkdwn("x")] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        "actions 26",
        [actions(*(button(f"b{i}") for i in range(26)))],
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
    ),
    ("actions empty", [actions()], "must provide at least 1 items [json-pointer:/blocks/0/elements]"),
    (
        "button text 76",
        [section(), actions(button("a"), {**button("b"), "text": plain("x" * 76)})],
        "must be less than 76 characters [json-pointer:/blocks/1/elements/1/text/text]",
    ),
    (
        "button mrkdwn",
        [actions({**button(), "text": mrkdwn("x")})],
        "must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]",
    ),
    (
        "button value 2001",
        [actions(button(value="x" * 2001))],
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ),
    (
        "button url 3001",
        [actions(button(url="https://" + "x" * 2993))],
        "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]",
    ),
    (
        "button style",
        [actions(button(style="warning"))],
        "must be a valid enum value [json-pointer:/blocks/0/elements/0/style]",
    ),
    (
        "confirm deny 31",
        [
            actions(
                button(
                    confirm={"title": plain("t"), "text": plain("t"), "confirm": plain("c"), "deny": plain("x" * 31)}
                )
            )
        ],
        "must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/deny/text]",
    ),
    (
        "option text 76",
        [actions({"type": "static_select", "action_id": "s", "options": [option("x" * 76)]})],
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]",
    ),
    (
        "option value 151",
        [actions({"type": "static_select", "action_id": "s", "options": [option(value="x" * 151)]})],
        "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]",
    ),
    (
        "101 options",
        [actions({"type": "static_select", "action_id": "s", "options": options(101)})],
        "no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]",
    ),
    (
        "select option mrkdwn",
        [actions({"type": "static_select", "action_id": "s", "options": [{"text": mrkdwn("x"), "value": "v"}]})],
        "must be a valid enum value [json-pointer:/blocks/0/elements/0/options/0/text/type]",
    ),
    (
        "overflow 6",
        [{**section(), "accessory": {"type": "overflow", "action_id": "o", "options": options(6)}}],
        "no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]",
    ),
    (
        "checkboxes 11",
        [actions({"type": "checkboxes", "action_id": "c", "options": options(11)})],
        "no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]",
    ),
    (
        "radio 11",
        [actions({"type": "radio_buttons", "action_id": "r", "options": options(11)})],
        "no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]",
    ),
    (
        "initial option not among options",
        [
            actions(
                {"type": "radio_buttons", "action_id": "r", "options": options(2), "initial_option": option("他", "v9")}
            )
        ],
        "must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]",
    ),
    (
        "initial options not among options",
        [
            actions(
                {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": options(2),
                    "initial_options": [option("選択肢0", "v1")],
                }
            )
        ],
        "must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_options/0]",
    ),
    (
        "datepicker format",
        [actions({"type": "datepicker", "action_id": "d", "initial_date": "2026/12/06"})],
        "must match format YYYY-MM-DD [json-pointer:/blocks/0/elements/0/initial_date]",
    ),
    (
        "timepicker format",
        [actions({"type": "timepicker", "action_id": "t", "initial_time": "9:30"})],
        "must match format HH:mm [json-pointer:/blocks/0/elements/0/initial_time]",
    ),
    (
        "placeholder 151",
        [actions({"type": "users_select", "action_id": "u", "placeholder": plain("x" * 151)})],
        "must be less than 151 characters [json-pointer:/blocks/0/elements/0/placeholder/text]",
    ),
    (
        "image alt 2001",
        [{"type": "image", "image_url": "https://example.jp/a.png", "alt_text": "x" * 2001}],
        "must be less than 2001 characters [json-pointer:/blocks/0/alt_text]",
    ),
    ("unknown block", [{"type": "table_of_doom"}], "unsupported type: table_of_doom [json-pointer:/blocks/0/type]"),
    (
        "unknown element",
        [actions({"type": "slider", "action_id": "s"})],
        "unsupported type: slider [json-pointer:/blocks/0/elements/0/type]",
    ),
]


@pytest.mark.parametrize(("blocks", "expected"), [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES])
def test_a_message_breaking_a_rule_is_refused_with_slacks_pointer(blocks: list[Json], expected: str) -> None:
    refusal = message_error(blocks)

    assert refusal is not None
    assert refusal.error == "invalid_blocks"
    assert expected in refusal.messages
