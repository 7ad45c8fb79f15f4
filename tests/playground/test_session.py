"""The session against a scripted bot: the payloads it sends and how it applies the bot's answers to views.

The bot itself has no external_select, view stack or notify_on_close today; these prove the playground
handles them as Slack does for when it will."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from playground.session import FORM, Answer, Session
from playground.workspace import Workspace

Json = dict[str, Any]
USER = "U0STAFF1"
MODAL = {"type": "modal", "callback_id": "x.submit", "title": {"type": "plain_text", "text": "申請"}, "blocks": []}


class ScriptedBot:
    """Answers each request with the next scripted body and keeps the payloads it was sent."""

    def __init__(self, *answers: Json) -> None:
        self.answers = list(answers)
        self.sent: list[Json] = []

    def send(self, body: bytes, content_type: str = FORM) -> Answer:
        form = parse_qs(body.decode())
        self.sent.append(json.loads(form["payload"][0]) if "payload" in form else form)
        answer = self.answers.pop(0) if self.answers else {}
        return Answer(200, json.dumps(answer) if answer else "")


def session_with(*answers: Json) -> tuple[Session, ScriptedBot, Workspace]:
    workspace = Workspace()
    workspace.names[USER] = "総社 太郎"
    bot = ScriptedBot(*answers)
    return Session(workspace, bot, lambda name: f"http://stand-in/response/{name}"), bot, workspace


def opened(workspace: Workspace, view: Json = MODAL) -> str:
    return workspace.open_view(view, workspace.trigger(USER))["id"]


def test_push_stacks_a_view_and_closing_it_shows_the_one_below() -> None:
    session, _, workspace = session_with({"response_action": "push", "view": {**MODAL, "callback_id": "x.second"}})
    first = opened(workspace)

    session.submit(USER, first, {})
    second = workspace.top_view(USER)
    session.close(USER, second.view["id"])

    assert second.view["callback_id"] == "x.second"
    assert workspace.top_view(USER).view["id"] == first


@pytest.mark.parametrize(
    ("answer", "left"),
    [
        pytest.param({"response_action": "clear"}, 0, id="clear"),
        pytest.param({}, 1, id="empty ack closes only the top view"),
    ],
)
def test_clear_closes_every_view_and_an_empty_ack_only_the_top(answer: Json, left: int) -> None:
    session, _, workspace = session_with(answer)
    opened(workspace)
    top = workspace.open_view(MODAL, workspace.trigger(USER), push=True)["id"]

    session.submit(USER, top, {})

    assert len(workspace.stacks[USER]) == left


def test_errors_stay_on_the_view_and_an_update_replaces_it_under_the_same_id() -> None:
    errors = {"x.name": "入力してください"}
    updated = {**MODAL, "callback_id": "x.done"}
    session, bot, workspace = session_with(
        {"response_action": "errors", "errors": errors}, {"response_action": "update", "view": updated}
    )
    view_id = opened(workspace)

    session.submit(USER, view_id, {"x.name": {"x.name": {"type": "plain_text_input", "value": ""}}})
    shown = workspace.view(view_id).errors
    session.submit(USER, view_id, {})

    assert shown == errors
    assert bot.sent[0]["type"] == "view_submission"
    assert bot.sent[0]["view"]["state"]["values"]["x.name"]["x.name"]["value"] == ""
    assert bot.sent[0]["user"] == {"id": USER, "username": "u0staff1", "name": "総社 太郎", "team_id": "T0TEST"}
    assert workspace.top_view(USER).view["callback_id"] == "x.done"
    assert workspace.top_view(USER).view["id"] == view_id
    assert workspace.view(view_id).errors == {}


def test_block_suggestion_passes_the_query_and_returns_the_options() -> None:
    options = [{"text": {"type": "plain_text", "text": "観光課"}, "value": "kanko"}]
    session, bot, workspace = session_with({"options": options})
    view_id = opened(workspace)

    answer = session.suggest(USER, view_id, "x.dept", "x.dept.block", "観光", {})

    [sent] = bot.sent
    assert answer == {"options": options}
    assert (sent["type"], sent["action_id"], sent["block_id"], sent["value"]) == (
        "block_suggestion",
        "x.dept",
        "x.dept.block",
        "観光",
    )
    assert sent["container"] == {"type": "view", "view_id": view_id}
    assert "trigger_id" not in sent


def test_closing_tells_the_bot_only_when_the_view_asked() -> None:
    session, bot, workspace = session_with()
    quiet = opened(workspace)
    session.close(USER, quiet)
    noisy = opened(workspace, {**MODAL, "notify_on_close": True})
    session.close(USER, noisy)

    assert [(p["type"], p["view"]["id"]) for p in bot.sent] == [("view_closed", noisy)]


def test_a_button_in_a_message_sends_block_actions_about_that_message() -> None:
    session, bot, workspace = session_with()
    _, message = workspace.post(USER, {"text": "事案", "blocks": [{"type": "actions", "elements": []}]})
    action = {"type": "button", "action_id": "report.case.ack", "block_id": "b1", "value": "{}"}

    session.message_action(USER, "D0STAFF1", message.ts, [action], {})

    [sent] = bot.sent
    assert sent["container"] == {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": "D0STAFF1",
        "is_ephemeral": False,
    }
    assert sent["message"]["blocks"][0]["block_id"]  # as Slack stores it
    assert sent["response_url"].startswith("http://stand-in/response/")
    assert sent["trigger_id"]
    assert sent["actions"] == [action]


TOO_LONG_TITLE = {**MODAL, "title": {"type": "plain_text", "text": "長" * 25}}


@pytest.mark.parametrize("action", ["update", "push"])
def test_a_view_in_an_ack_slack_would_refuse_leaves_the_submitted_view_and_is_shown(action: str) -> None:
    session, _, workspace = session_with({"response_action": action, "view": TOO_LONG_TITLE})
    view_id = opened(workspace)

    session.submit(USER, view_id, {})

    assert workspace.stacks[USER] == [view_id]
    assert workspace.view(view_id).view["title"]["text"] == "申請"
    [refused] = workspace.refusals_for(USER, None)
    assert (refused.method, refused.error) == (f"response_action {action}", "invalid_arguments")
    assert refused.messages == ("must be less than 25 characters [json-pointer:/view/title/text]",)


def test_a_command_answer_slack_would_refuse_is_not_shown_but_its_refusal_is() -> None:
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "一覧"}}
    session, _, workspace = session_with({"text": "一覧", "blocks": [header]})

    session.command(USER, "C0PLAYGROUND", "/sns-report list")

    assert workspace.conversation("C0PLAYGROUND").messages == []
    [refused] = workspace.refusals_for(USER, "C0PLAYGROUND")
    assert (refused.method, refused.error, refused.user) == ("ack", "invalid_blocks", USER)
    assert workspace.refusals_for("U0OTHER", "C0PLAYGROUND") == []
