"""What each Web API method of the stand-in does to its workspace, once the call got past Slack's checks
(token, scopes, required arguments, Slack's rules: playground/slack_api.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from playground import directory_api
from playground.bot_access import BotAccess
from playground.workspace import BOT_ID, BOT_USER_ID, TEAM_ID, ViewError, Workspace, dm_id

TEAM_NAME = "総社市"
Json = dict[str, Any]
Method = Callable[[Json, str], Json]

# Arguments Slack rejects a call without, with the error it answers.
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "chat.postMessage": (("channel", "channel_not_found"),),
    "chat.update": (("channel", "channel_not_found"), ("ts", "message_not_found")),
    "chat.postEphemeral": (("channel", "channel_not_found"), ("user", "user_not_found")),
    "chat.delete": (("channel", "channel_not_found"), ("ts", "message_not_found")),
    "conversations.open": (("users", "users_list_not_supplied"),),
    "users.info": (("user", "user_not_found"),),
    "users.lookupByEmail": (("email", "invalid_arguments"),),
    "conversations.info": (("channel", "channel_not_found"),),
    "conversations.join": (("channel", "channel_not_found"),),
    "views.open": (("view", "invalid_arguments"),),
    "views.update": (("view", "invalid_arguments"),),
    "views.push": (("view", "invalid_arguments"),),
    "views.publish": (("view", "invalid_arguments"), ("user_id", "invalid_arguments")),
}


class WebMethods:
    """The workspace's side of each call: messages by conversation, views by person, uploaded files."""

    def __init__(self, workspace: Workspace, access: BotAccess, base_url: str) -> None:
        self.workspace = workspace
        self.access = access
        self._base_url = base_url

    def table(self) -> dict[str, Method]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.info": lambda args, _token: self.access.info(args),
            "conversations.join": lambda args, _token: self.access.join(args),
            "users.info": self._users_info,
            "users.lookupByEmail": lambda args, token: directory_api.lookup_by_email(self.workspace, args),
            "conversations.list": lambda args, token: directory_api.conversations_list(self.workspace, args),
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    def _upload_url(self, args: Json, token: str) -> Json:
        file_id = f"F{self.workspace.next_seq():08d}"
        self.workspace.files[file_id] = {"name": args.get("filename") or file_id}
        return {"ok": True, "file_id": file_id, "upload_url": f"{self._base_url}/upload/{file_id}"}

    def _complete_upload(self, args: Json, token: str) -> Json:
        files = args.get("files")
        listed = json.loads(files) if isinstance(files, str) else files or []
        shared = [{"id": f["id"], "title": f.get("title"), **self._file_fields(f["id"])} for f in listed]
        if args.get("channel_id"):
            fields = {"text": args.get("initial_comment") or ""}
            self.workspace.post(args["channel_id"], fields, thread_ts=args.get("thread_ts"), files=shared)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}

    def _file_fields(self, file_id: str) -> Json:
        stored = self.workspace.files.get(file_id, {})
        return {"name": stored.get("name", file_id), "size": len(stored.get("data", b""))}

    def _auth_test(self, args: Json, token: str) -> Json:
        return {
            "ok": True,
            "url": "https://example.slack.com/",
            "team": TEAM_NAME,
            "user": "sns-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: Json, token: str) -> Json:
        if error := self.access.post_refusal(str(args["channel"])):
            return {"ok": False, "error": error}
        conversation, message = self.workspace.post(args["channel"], args, thread_ts=args.get("thread_ts"))
        return {"ok": True, "channel": conversation.id, "ts": message.ts, "message": message.to_json()}

    def _chat_post_ephemeral(self, args: Json, token: str) -> Json:
        user = str(args["user"])
        _, message = self.workspace.post(args["channel"], args, thread_ts=args.get("thread_ts"), visible_to=user)
        return {"ok": True, "message_ts": message.ts}

    def _chat_update(self, args: Json, token: str) -> Json:
        message = self.workspace.update(args["channel"], args["ts"], args)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        text = message.fields.get("text", "")
        return {
            "ok": True,
            "channel": dm_id(args["channel"]),
            "ts": args["ts"],
            "text": text,
            "message": message.to_json(),
        }

    def _chat_delete(self, args: Json, token: str) -> Json:
        if not self.workspace.delete(args["channel"], args["ts"]):
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": dm_id(args["channel"]), "ts": args["ts"]}

    def _conversations_open(self, args: Json, token: str) -> Json:
        users = str(args["users"]).split(",")
        if len(users) == 1:
            return {"ok": True, "channel": {"id": self.workspace.conversation(users[0]).id}}
        digest = hashlib.sha1(",".join(sorted(users)).encode(), usedforsecurity=False).hexdigest()[:10].upper()
        return {"ok": True, "channel": {"id": f"G{digest}", "is_mpim": True}}

    def _users_info(self, args: Json, token: str) -> Json:
        user_id = str(args["user"])
        if error := self.access.user_refusal(user_id):
            return {"ok": False, "error": error}
        return {"ok": True, "user": directory_api.user_object(self.workspace, user_id)}

    def _views_open(self, args: Json, token: str) -> Json:
        return self._view_call(lambda view: self.workspace.open_view(view, args.get("trigger_id")), args)

    def _views_push(self, args: Json, token: str) -> Json:
        return self._view_call(lambda view: self.workspace.open_view(view, args.get("trigger_id"), push=True), args)

    def _views_update(self, args: Json, token: str) -> Json:
        ids = {"view_id": args.get("view_id"), "external_id": args.get("external_id"), "hash_": args.get("hash")}
        return self._view_call(lambda view: self.workspace.update_view(view, **ids), args)

    def _views_publish(self, args: Json, token: str) -> Json:
        user = str(args["user_id"])
        return self._view_call(lambda view: self.workspace.publish_home(user, view, args.get("hash")), args)

    def _view_call(self, act: Callable[[Json], Json], args: Json) -> Json:
        if not isinstance(args["view"], dict):
            return {"ok": False, "error": "invalid_arguments"}
        try:
            return {"ok": True, "view": act(args["view"])}
        except ViewError as error:
            return {"ok": False, "error": error.args[0]}
