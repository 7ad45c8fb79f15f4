"""Acting as a person of the workspace: every act becomes the signed request Slack would send the bot, and
the bot's HTTP answer is applied as Slack would (an ephemeral reply, a modal updated, pushed or closed)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from playground import payloads
from playground.signing import signature_headers
from playground.slack_rules import Refusal, check_message, check_view
from playground.workspace import Origin, Workspace

Json = dict[str, Any]
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Answer:
    """The bot's HTTP answer, shown on the page as it came."""

    status: int
    body: str

    def json(self) -> Json:
        try:
            parsed = json.loads(self.body)
        except ValueError:
            return {"text": self.body} if self.body.strip() else {}
        return parsed if isinstance(parsed, dict) else {}

    def to_json(self) -> Json:
        return {"status": self.status, "body": self.body}


class Bot(Protocol):
    def send(self, body: bytes, content_type: str = FORM) -> Answer: ...


class BotLink:
    """Signed POSTs to the bot's /slack/events, as Slack makes them."""

    def __init__(self, url: str, signing_secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self._secret = signing_secret
        self._timeout = timeout

    def send(self, body: bytes, content_type: str = FORM) -> Answer:
        parts = urlsplit(self.url)
        headers = {"Content-Type": content_type, **signature_headers(body, secret=self._secret)}
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self._timeout)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.read().decode("utf-8", errors="replace"))
        finally:
            connection.close()


class Session:
    """What the page's people can do. ``response_url`` turns a response URL name into the stand-in's URL."""

    def __init__(self, workspace: Workspace, bot: Bot, response_url: Callable[[str], str]) -> None:
        self.workspace = workspace
        self.bot = bot
        self._response_url = response_url

    def _actor(self, user: str, *, trigger: bool = True) -> payloads.Actor:
        """The person as payloads name them; a fresh trigger id makes a view they open theirs."""
        trigger_id = self.workspace.trigger(user) if trigger else ""
        return payloads.Actor(user, self.workspace.names.get(user, user), trigger_id)

    def _origin(self, user: str, channel: str, message_ts: str | None = None) -> str:
        return self._response_url(self.workspace.origin_url(Origin(user, channel, message_ts)))

    def _at(self, user: str, channel: str, ts: str) -> payloads.AtMessage:
        conversation = self.workspace.conversation(channel)
        message = conversation.find(ts)
        if message is None:
            raise LookupError(f"no message {ts} in {channel}")
        return payloads.AtMessage(conversation, message, self._origin(user, conversation.id, ts))

    # ----- messages and commands

    def post(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> None:
        """A person's own message (the bot subscribes to no message events: it only appears)."""
        self.workspace.post(channel, {"text": text}, user=user, thread_ts=thread_ts)

    def command(self, user: str, channel: str, line: str) -> Answer:
        """``/sns-report list`` typed in ``channel``; a body in the answer is the reply only the typist sees
        (or everyone, for ``response_type: in_channel``)."""
        command, _, text = line.strip().partition(" ")
        conversation = self.workspace.conversation(channel)
        actor = self._actor(user)
        body = payloads.slash_command(command, text.strip(), actor, conversation, self._origin(user, conversation.id))
        answer = self.bot.send(body)
        reply = answer.json() if answer.status == 200 else {}
        where = {"channel": conversation.id, "user": user}
        if reply and not self._refused(check_message(reply, method="response_url"), "ack", where):
            public = reply.get("response_type") == "in_channel"
            self.workspace.post(conversation.id, reply, visible_to=None if public else user)
        return answer

    # ----- interactions

    def message_action(self, user: str, channel: str, ts: str, actions: list[Json], state: Json) -> Answer:
        payload = payloads.message_actions(actions, self._actor(user), self._at(user, channel, ts), state)
        return self.bot.send(payloads.interactive(payload))

    def view_action(self, user: str, view_id: str, actions: list[Json], state: Json) -> Answer:
        payload = payloads.view_actions(actions, self._actor(user), self._view_with_state(view_id, state))
        return self.bot.send(payloads.interactive(payload))

    def submit(self, user: str, view_id: str, state: Json) -> Answer:
        payload = payloads.view_submission(self._actor(user), self._view_with_state(view_id, state))
        answer = self.bot.send(payloads.interactive(payload))
        if answer.status == 200:
            self._apply_response_action(user, view_id, answer.json())
        return answer

    def _apply_response_action(self, user: str, view_id: str, reply: Json) -> None:
        action = reply.get("response_action")
        if action in ("update", "push"):
            refusal = check_view(reply.get("view") or {})
            if self._refused(refusal, f"response_action {action}", {"user": user}):
                return  # Slack keeps the submitted view open when the view in the ack breaks its rules
        if action == "errors":
            self.workspace.show_errors(view_id, reply.get("errors") or {})
        elif action == "update":
            self.workspace.update_view(reply["view"], view_id=view_id, external_id=None, hash_=None)
        elif action == "push":
            self.workspace.open_view(reply["view"], self.workspace.trigger(user), push=True)
        elif action == "clear":
            self.workspace.clear_views(user)
        else:
            self.workspace.close_view(user, view_id)

    def close(self, user: str, view_id: str) -> Answer | None:
        """The close button: the view goes; the bot hears of it only if the view asked (notify_on_close)."""
        view = self.workspace.view(view_id).view
        self.workspace.close_view(user, view_id)
        if not view.get("notify_on_close"):
            return None
        payload = payloads.view_closed(self._actor(user, trigger=False), view)
        return self.bot.send(payloads.interactive(payload))

    def suggest(self, user: str, view_id: str, action_id: str, block_id: str, value: str, state: Json) -> Json:
        """An external_select's options for what was typed: the bot's answer, or none."""
        view = self._view_with_state(view_id, state)
        actor = self._actor(user, trigger=False)
        payload = payloads.block_suggestion(actor, view, action_id=action_id, block_id=block_id, value=value)
        answer = self.bot.send(payloads.interactive(payload))
        reply = answer.json() if answer.status == 200 else {}
        return {key: reply[key] for key in ("options", "option_groups") if key in reply} or {"options": []}

    def shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> Answer:
        payload = payloads.message_shortcut(callback_id, self._actor(user), self._at(user, channel, ts))
        return self.bot.send(payloads.interactive(payload))

    def open_home(self, user: str) -> Answer:
        home = self.workspace.homes.get(user)
        dm = self.workspace.conversation(user).id
        body = payloads.app_home_opened(user, dm, home.view if home else None)
        return self.bot.send(body, "application/json")

    def _refused(self, refusal: Refusal | None, what: str, where: Json) -> bool:
        """An ack Slack would refuse is kept for the page instead of being applied."""
        if refusal is not None:
            self.workspace.refuse(what, where, refusal.error, refusal.messages)
        return refusal is not None

    # ----- lookups

    def _view_with_state(self, view_id: str, state: Json) -> Json:
        return {**self.workspace.view(view_id).view, "state": {"values": state}}
