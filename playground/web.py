"""The playground's page and its JSON API: who you are, what you see, and what you do (as that person).

stdlib only: a ThreadingHTTPServer with one handler. The page (static/) reads ``/api/state`` and refreshes
when ``/api/events`` (server-sent events) says the workspace changed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

from bot.catalog import t
from playground.blockkit import render_message, render_view
from playground.hosts import refuse_other_hosts
from playground.metrics_panel import summary
from playground.session import Answer, Session
from playground.workspace import BOT_USER_ID, Conversation, Message, OpenView, Refused, ViewError

Json = dict[str, Any]
STATIC = resources.files("playground") / "static"
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
# Scripts only from the page's own files: an injected <script> or on* attribute would not run even if unescaped.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
KEEPALIVE_SECONDS = 15.0
REFUSALS_SHOWN = 3  # the latest refused calls shown to a person; older ones are history


@dataclass(frozen=True)
class Setup:
    """What the page needs once: the people to be, the manifest's commands and shortcuts, its strings."""

    people: list[Json]
    commands: list[Json]
    shortcuts: list[Json]
    bot_name: str
    timezone: str
    strings: dict[str, str]

    def to_json(self) -> Json:
        return self.__dict__.copy()


class PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        session: Session,
        setup: Setup,
        sweep: Callable[[datetime], str],
        metrics: Callable[[], str],
    ) -> None:
        self.session = session
        self.setup = setup
        self.sweep = sweep
        self.metrics = metrics  # the bot's GET /metrics text
        self.people = {p["id"] for p in setup.people}
        self.stopping = threading.Event()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def shutdown(self) -> None:
        self.stopping.set()  # ends the event streams, which would otherwise hold their threads
        with self.session.workspace.lock:
            self.session.workspace.lock.notify_all()
        super().shutdown()


class BadRequest(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the page polls nothing, but every click would print a line

    # ----- GET: the page, its state and its event stream

    def do_GET(self) -> None:
        if refuse_other_hosts(self):
            return
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/":
            self._static("index.html")
        elif parts.path.startswith("/static/"):
            self._static(parts.path.removeprefix("/static/"))
        elif parts.path == "/api/setup":
            self._json(self.server.setup.to_json())
        elif parts.path == "/api/state":
            self._guarded(lambda: self._json(self._state(self._user(query), query.get("channel"))))
        elif parts.path == "/api/metrics":
            self._guarded(lambda: self._json({"rows": summary(self.server.metrics())}))
        elif parts.path == "/api/events":
            self._events(int(query.get("since") or 0))
        elif parts.path.startswith("/api/files/"):
            self._file(parts.path.removeprefix("/api/files/"))
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def _static(self, name: str) -> None:
        resource = STATIC / name
        if "/" in name or name.startswith(".") or not resource.is_file():
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        suffix = "." + name.rsplit(".", 1)[-1]
        self._send(HTTPStatus.OK, resource.read_bytes(), CONTENT_TYPES.get(suffix, "application/octet-stream"))

    def _file(self, file_id: str) -> None:
        stored = self.server.session.workspace.files.get(file_id)
        if not stored or "data" not in stored:
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        disposition = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored['name'])}"}
        self._send(HTTPStatus.OK, stored["data"], "application/octet-stream", disposition)

    def _events(self, since: int) -> None:
        workspace = self.server.session.workspace
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version = since
        try:
            while not self.server.stopping.is_set():
                current = workspace.wait_change(version, KEEPALIVE_SECONDS)
                self.wfile.write(f"data: {current}\n\n".encode() if current != version else b": keepalive\n\n")
                self.wfile.flush()
                version = current
        except OSError:
            pass  # the page went away

    # ----- POST: acting as a person

    def do_POST(self) -> None:
        if refuse_other_hosts(self):
            return
        path = urlsplit(self.path).path
        routes: dict[str, Callable[[Json], Json]] = {
            "/api/post": self._post,
            "/api/command": self._command,
            "/api/action": self._action,
            "/api/submit": self._submit,
            "/api/close": self._close,
            "/api/suggest": self._suggest,
            "/api/shortcut": self._shortcut,
            "/api/home": self._home,
            "/api/time-travel": self._time_travel,
        }
        route = routes.get(path)
        if route is None:
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        self._guarded(lambda: self._json(route(self._body())))

    def _guarded(self, act: Callable[[], None]) -> None:
        try:
            act()
        except (BadRequest, KeyError, TypeError, ValueError) as error:
            self._error(HTTPStatus.BAD_REQUEST, str(error))
        except (LookupError, ViewError) as error:
            self._error(HTTPStatus.NOT_FOUND, str(error))
        except OSError as error:  # the bot did not answer
            self._error(HTTPStatus.BAD_GATEWAY, str(error))

    def _body(self) -> Json:
        # JSON only: a form on another site cannot post here without a CORS preflight this server never allows.
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            raise BadRequest("Content-Type must be application/json")
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if not isinstance(body, dict):
            raise BadRequest("a JSON object is expected")
        return body

    def _user(self, body: Json) -> str:
        user = body.get("user")
        if user not in self.server.people:
            raise BadRequest(f"unknown user {user!r}")
        return str(user)

    def _post(self, body: Json) -> Json:
        self.server.session.post(self._user(body), body["channel"], str(body["text"]), body.get("thread_ts"))
        return {"ok": True}

    def _command(self, body: Json) -> Json:
        return _answer(self.server.session.command(self._user(body), body["channel"], str(body["text"])))

    def _action(self, body: Json) -> Json:
        session, user, state = self.server.session, self._user(body), body.get("state") or {}
        if body.get("view_id"):
            return _answer(session.view_action(user, body["view_id"], body["actions"], state))
        return _answer(session.message_action(user, body["channel"], body["ts"], body["actions"], state))

    def _submit(self, body: Json) -> Json:
        return _answer(self.server.session.submit(self._user(body), body["view_id"], body.get("state") or {}))

    def _close(self, body: Json) -> Json:
        return _answer(self.server.session.close(self._user(body), body["view_id"]))

    def _suggest(self, body: Json) -> Json:
        args = (body["view_id"], body["action_id"], body["block_id"], str(body.get("value", "")))
        return self.server.session.suggest(self._user(body), *args, body.get("state") or {})

    def _shortcut(self, body: Json) -> Json:
        user = self._user(body)
        return _answer(self.server.session.shortcut(user, body["channel"], body["ts"], body["callback_id"]))

    def _home(self, body: Json) -> Json:
        return _answer(self.server.session.open_home(self._user(body)))

    def _time_travel(self, body: Json) -> Json:
        """The reminder sweep as of ``at`` (the organisation's local time), and what it sent."""
        at = datetime.fromisoformat(str(body["at"]))
        if at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo(self.server.setup.timezone))
        workspace = self.server.session.workspace
        marker = workspace.next_ts()
        output = self.server.sweep(at)
        names = workspace.names
        sent = [
            {
                "channel": c.id,
                "channel_name": t("playground.dm_of", name=names.get(c.user, c.user)) if c.user else c.name,
                "text": m.fields.get("text", ""),
                "html": render_message(m.to_json(), names=names),
            }
            for c, m in workspace.messages_since(marker)
        ]
        return {"at": at.isoformat(), "output": output, "sent": sent}

    # ----- what a person sees

    def _state(self, user: str, channel: str | None) -> Json:
        workspace = self.server.session.workspace
        names = workspace.names
        with workspace.lock:
            visible = workspace.visible(user)
            current = workspace.conversations.get(channel or "")
            top, home = workspace.top_view(user), workspace.homes.get(user)
            return {
                "version": workspace.version,
                "conversations": [
                    {"id": c.id, "name": self._conversation_name(c), "dm": c.user is not None} for c in visible
                ],
                "messages": [self._message(m) for m in current.messages if m.visible_to in (None, user)]
                if current in visible
                else [],
                "modal": _view(top, names, depth=len(workspace.stacks.get(user, []))) if top else None,
                "home": _view(home, names, depth=0) if home else None,
                "refusals": [
                    _refused(r)
                    for r in workspace.refusals_for(user, current.id if current in visible else None)[-REFUSALS_SHOWN:]
                ],
            }

    def _conversation_name(self, conversation: Conversation) -> str:
        return self.server.setup.bot_name if conversation.user else conversation.name

    def _message(self, message: Message) -> Json:
        author = self.server.setup.bot_name if message.user == BOT_USER_ID else message.user
        return {
            "ts": message.ts,
            "thread_ts": message.thread_ts,
            "author": self.server.session.workspace.names.get(author, author),
            "bot": message.user == BOT_USER_ID,
            "ephemeral": message.visible_to is not None,
            "edited": message.edited,
            "html": render_message(message.to_json(), names=self.server.session.workspace.names),
            "files": [{"id": f["id"], "name": f.get("name"), "title": f.get("title")} for f in message.files],
        }

    # ----- answers

    def _json(self, value: Json) -> None:
        self._send(HTTPStatus.OK, json.dumps(value, ensure_ascii=False).encode(), "application/json")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, json.dumps({"error": message}, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _answer(answer: Answer | None) -> Json:
    return answer.to_json() if answer else {}


def _refused(refused: Refused) -> Json:
    return {
        "seq": refused.seq,
        "method": refused.method,
        "error": refused.error,
        "messages": list(refused.messages),
        "where": "channel" if refused.conversation else "view",
    }


def _view(open_view: OpenView, names: dict[str, str], *, depth: int) -> Json:
    view = open_view.view
    html = render_view(view, names=names, errors=open_view.errors)
    return {"id": view["id"], "hash": view["hash"], "depth": depth, "html": html}
