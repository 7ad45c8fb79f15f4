"""The stand-in's Block Kit rules: one broken view per rule (messages: test_slack_rules_messages.py), and payloads
Slack accepts."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from playground.slack_rules import LIMITS, Refusal, check_message, check_view, input_block_ids
from tests.support.block_json import (
    Json,
    actions,
    button,
    field,
    message_error,
    modal,
    mrkdwn,
    option,
    options,
    plain,
    section,
    text_input,
)
from tests.support.slack_requests import check_ack

FIXTURES = Path(__file__).parent / "fixtures" / "slack_rules"
PLAYGROUND_FIXTURES = Path(__file__).parent / "playground" / "fixtures"


# (id, view, expected message)
VIEW_CASES: list[tuple[str, Json, str]] = [
    ("101 blocks", modal(*[section()] * 101), "no more than 100 items allowed [json-pointer:/view/blocks]"),
    (
        "title 25",
        modal(section(), title=plain("あ" * 25)),
        "must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    (
        "submit 25",
        modal(section(), submit=plain("x" * 25)),
        "must be less than 25 characters [json-pointer:/view/submit/text]",
    ),
    (
        "close 25",
        modal(section(), close=plain("x" * 25)),
        "must be less than 25 characters [json-pointer:/view/close/text]",
    ),
    ("no title", {"type": "modal", "blocks": [section()]}, "missing required field: text [json-pointer:/view/title]"),
    ("view type", {"type": "dialog", "blocks": []}, "must be a valid enum value [json-pointer:/view/type]"),
    (
        "private_metadata 3001",
        modal(section(), private_metadata="x" * 3001),
        "must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    (
        "callback_id 256",
        modal(section(), callback_id="x" * 256),
        "must be less than 256 characters [json-pointer:/view/callback_id]",
    ),
    (
        "external_id 256",
        modal(section(), external_id="x" * 256),
        "must be less than 256 characters [json-pointer:/view/external_id]",
    ),
    (
        "block_ids unique in a view",
        modal({**section(), "block_id": "a"}, field(text_input()), {**section(), "block_id": "in"}),
        "block_id must be unique within a view [json-pointer:/view/blocks/2/block_id]",
    ),
    (
        "label 2001",
        modal(field(text_input(), label=plain("x" * 2001))),
        "must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]",
    ),
    (
        "hint 2001",
        modal(field(text_input(), hint=plain("x" * 2001))),
        "must be less than 2001 characters [json-pointer:/view/blocks/0/hint/text]",
    ),
    (
        "label mrkdwn",
        modal(field(text_input(), label=mrkdwn("x"))),
        "must be a valid enum value [json-pointer:/view/blocks/0/label/type]",
    ),
    (
        "input placeholder 151",
        modal(field(text_input(placeholder=plain("x" * 151)))),
        "must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]",
    ),
    (
        "max_length 3001",
        modal(field(text_input(max_length=3001))),
        "must be between 1 and 3000 [json-pointer:/view/blocks/0/element/max_length]",
    ),
    (
        "initial_value above 3000",
        modal(field(text_input(initial_value="x" * 3001))),
        "must be between 0 and 3000 characters [json-pointer:/view/blocks/0/element/initial_value]",
    ),
    (
        "initial_value above max_length",
        modal(field(text_input(max_length=10, initial_value="x" * 11))),
        "must be between 0 and 10 characters [json-pointer:/view/blocks/0/element/initial_value]",
    ),
    (
        "initial_value below min_length",
        modal(field(text_input(min_length=5, initial_value="abc"))),
        "must be between 5 and 3000 characters [json-pointer:/view/blocks/0/element/initial_value]",
    ),
    (
        "input without element",
        modal({"type": "input", "label": plain("x")}),
        "missing required field: element [json-pointer:/view/blocks/0]",
    ),
    (
        "input needs submit",
        {"type": "modal", "title": plain("報告"), "blocks": [field(text_input())]},
        "must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0]",
    ),
    (
        "initial option of a select",
        modal(field({"type": "static_select", "action_id": "s", "options": options(3), "initial_option": option()})),
        "must match one of the provided options [json-pointer:/view/blocks/0/element/initial_option]",
    ),
    (
        "250 kB",
        {"type": "home", "blocks": [section("x" * 3000)] * 90, "private_metadata": ""},
        "must be no larger than 250000 bytes [json-pointer:/view]",
    ),
]


@pytest.mark.parametrize(("view", "expected"), [c[1:] for c in VIEW_CASES], ids=[c[0] for c in VIEW_CASES])
def test_a_view_breaking_a_rule_is_refused_with_slacks_pointer(view: Json, expected: str) -> None:
    refusal = check_view(view)

    assert refusal is not None
    assert refusal.error == "invalid_arguments"
    assert expected in refusal.messages


def test_limits_at_their_bound_are_accepted() -> None:
    at_bounds = modal(
        {"type": "header", "text": plain("見" * 150)},
        {**section("x" * 3000), "block_id": "b" * 255, "fields": [mrkdwn("y" * 2000)] * 10},
        actions(
            *(button(f"b{i}", value="v" * 2000) for i in range(24)), {**button("a" * 255), "text": plain("t" * 75)}
        ),
        field(text_input(max_length=3000, initial_value="z" * 3000), hint=plain("h" * 2000)),
        {**field({"type": "checkboxes", "action_id": "c", "options": options(10)}), "block_id": "in2"},
        {
            **field({"type": "static_select", "action_id": "s", "options": [option("o" * 75, "v" * 150)] * 100}),
            "block_id": "in3",
        },
        title=plain("題" * 24),
        submit=plain("送" * 24),
        close=plain("閉" * 24),
        private_metadata="m" * 3000,
        callback_id="c" * 255,
    )

    assert check_view(at_bounds) is None
    assert message_error([section()] * 50) is None


def test_every_problem_is_listed_not_only_the_first() -> None:
    refusal = message_error([section(""), {"type": "header", "text": plain("x" * 151)}])

    assert refusal is not None
    assert refusal.messages == (
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
        "must be less than 151 characters [json-pointer:/blocks/1/text/text]",
    )


def test_text_lengths_answer_msg_too_long() -> None:
    posted = check_message({"channel": "C1", "text": "x" * 40_001}, method="chat.postMessage")
    updated = check_message({"channel": "C1", "ts": "1.2", "text": "x" * 4_001}, method="chat.update")

    assert posted is not None
    assert posted.error == "msg_too_long"
    assert updated is not None
    assert updated.error == "msg_too_long"
    assert check_message({"channel": "C1", "text": "x" * 40_000}, method="chat.postMessage") is None
    assert check_message({"channel": "C1", "ts": "1.2", "text": "x" * 4_000}, method="chat.update") is None


def test_too_much_block_text_in_one_message_answers_msg_blocks_too_long() -> None:
    high = LIMITS["message.block_text"].high
    blocks = [section("x" * 3000) for _ in range(high // 3000)] + [section("x" * (high % 3000 + 1))]

    refusal = message_error(blocks)

    assert refusal == Refusal("msg_blocks_too_long")
    assert message_error(blocks[:-1]) is None


def test_blocks_sent_as_a_json_string_and_in_attachments_are_checked() -> None:
    as_string = check_message({"channel": "C1", "blocks": json.dumps([section("")])}, method="chat.postMessage")
    attached = check_message(
        {"channel": "C1", "attachments": [{"color": "#f00", "blocks": [actions(button("a"), button("a"))]}]},
        method="chat.postEphemeral",
    )
    malformed = check_message({"channel": "C1", "blocks": "[not json"}, method="chat.postMessage")

    assert as_string is not None
    assert as_string.messages == ("must be more than 0 characters [json-pointer:/blocks/0/text/text]",)
    assert attached is not None
    assert attached.messages == (
        "action_id must be unique within a block [json-pointer:/attachments/0/blocks/0/elements/1/action_id]",
    )
    assert malformed == Refusal("invalid_blocks_format")


def test_a_post_with_nothing_to_show_answers_no_text_but_a_response_url_may_only_delete() -> None:
    assert check_message({"channel": "C1"}, method="chat.postMessage") == Refusal("no_text")
    assert check_message({"delete_original": True}, method="response_url") is None


def test_bodies_have_slacks_shapes() -> None:
    message = message_error([section(""), actions(button("a"), button("a"))])
    view = check_view(modal(section(), title=plain("x" * 25)))

    assert message is not None
    assert view is not None
    assert message.body() == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": [
            "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
            "action_id must be unique within a block [json-pointer:/blocks/1/elements/1/action_id]",
        ],
        "response_metadata": {
            "messages": [
                "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]",
                "[ERROR] action_id must be unique within a block [json-pointer:/blocks/1/elements/1/action_id]",
            ]
        },
    }
    assert view.body() == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]},
    }
    assert Refusal("msg_too_long", ("must be less than 40001 characters [json-pointer:/text]",)).body() == {
        "ok": False,
        "error": "msg_too_long",
    }


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("view_*.json")), ids=lambda p: p.stem)
def test_python_slack_sdk_fixture_views_are_accepted(path: Path) -> None:
    view = json.loads(path.read_text(encoding="utf-8"))

    assert check_view(view) is None
    if len(view["blocks"]) <= LIMITS["message.blocks"].high and view["type"] == "home":
        assert check_message({"channel": "C1", "blocks": view["blocks"]}, method="chat.postMessage") is None


@pytest.mark.parametrize("path", sorted(PLAYGROUND_FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_every_block_and_element_the_playground_renders_is_accepted(path: Path) -> None:
    assert check_view(json.loads(path.read_text(encoding="utf-8"))) is None


def test_errors_may_name_only_the_views_input_blocks() -> None:
    view = modal(
        {**section(), "block_id": "s"},
        field(text_input()),
        {"type": "input", "label": plain("x"), "element": text_input()},
    )

    assert input_block_ids(view) == {"in"}


def test_every_limit_names_its_source() -> None:
    assert all(limit.source and limit.low <= limit.high for limit in LIMITS.values())


def submitted(view: Json) -> bytes:
    return urlencode({"payload": json.dumps({"type": "view_submission", "view": view})}).encode()


@pytest.mark.parametrize(
    ("ack", "problem"),
    [
        pytest.param({"response_action": "update", "view": modal(title=plain("x" * 25))}, "Slack refuses", id="update"),
        pytest.param({"response_action": "push", "view": {"type": "modal"}}, "Slack refuses", id="push"),
        pytest.param({"response_action": "errors", "errors": {"other": "x"}}, "not input blocks", id="errors key"),
        pytest.param({"response_action": "errors", "errors": {}}, "at least one", id="no errors"),
        pytest.param({"response_action": "errors", "errors": {"in": ""}}, "empty error", id="empty message"),
        pytest.param({"text": "x", "blocks": [section("")]}, "Slack refuses", id="command answer"),
    ],
)
def test_the_harness_fails_a_test_whose_ack_slack_would_refuse(ack: Json, problem: str) -> None:
    request = submitted(modal(field(text_input())))

    with pytest.raises(AssertionError, match=problem):
        check_ack(request, json.dumps(ack).encode())


def test_the_harness_passes_acks_slack_accepts() -> None:
    request = submitted(modal(field(text_input())))

    for ack in (b"", b"ok", b'{"response_action": "errors", "errors": {"in": "\\u5165\\u529b"}}', b'{"text": "x"}'):
        check_ack(request, ack)
    check_ack(b"payload=%7B%7D", json.dumps({"response_action": "update", "view": modal(section())}).encode())
