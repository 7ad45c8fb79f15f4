"""A loopback stand-in for the Slack Web API (and optionally Socket Mode).

One stand-in serves the tests, the benchmark and the playground. Point ``slack_sdk.WebClient(base_url=api.api_url)``
(or the bot's ``SLACK_API_URL``) at it, drive the bot, then read ``api.calls`` / ``api.wait_for(...)``. Faults and
latency can be injected to exercise retry paths.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from playground.bot_access import BotAccess
from playground.slack_http import HOST, RESPONSE_URL, Answer, StandInServer
from playground.slack_methods import REQUIRED, Json, WebMethods
from playground.slack_rules import MESSAGE_METHODS, Refusal, check_message, check_view
from playground.workspace import APP_ID, Workspace

logger = logging.getLogger(__name__)


_VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})


@dataclass(frozen=True)
class Call:
    """One request the fake received; ``at`` is ``time.monotonic()`` so tests can measure retry spacing."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float


@dataclass(frozen=True)
class _Fault:
    status: int
    error: str
    headers: dict[str, str]


def decode_form(body: bytes) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        args[key] = value
        if value[:1] in ("[", "{"):
            # Form bodies carry blocks/view/attachments as JSON strings; decode so tests see structures.
            # A ValueError means plain text that merely starts with a bracket: keep it as sent.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


class SlackStandIn:
    """Thread-safe fake Slack server on 127.0.0.1; use as a context manager or via ``start()``/``stop()``.

    What the calls do is kept in ``workspace`` (messages by conversation, views by person), which the
    playground's page shows."""

    def __init__(self, *, socket_mode: bool = False, workspace: Workspace | None = None) -> None:
        self.latency: float = 0.0
        self.workspace = workspace or Workspace()
        self.users = self.workspace.names  # user id -> real name answered by users.info
        # The token's scopes, the channels the bot can see and is in, the users that exist.
        self.access = BotAccess(self._channel_name)
        self._cond = threading.Condition(threading.RLock())  # RLock: `where` callbacks may read the fake
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._socket_mode = socket_mode
        self._running = False
        self._ws_server: Server | None = None
        self._ws_url = ""
        self._ws_clients: list[ServerConnection] = []
        self._acks: dict[str, Json] = {}
        self._told_refusal: tuple[str, bool] | None = None  # refuse_messages(): Slack's error, plain text too
        self._threads: list[threading.Thread] = []
        self._http = StandInServer(self)
        self._base_url = f"http://{HOST}:{self._http.server_address[1]}"
        self._methods = WebMethods(self.workspace, self.access, self._base_url).table()
        # Uploaded files by id, for tests to open.
        self.uploads: dict[str, bytes] = {}
        if socket_mode:
            self._methods["apps.connections.open"] = self._apps_connections_open

    # ----- lifecycle

    def start(self) -> SlackStandIn:
        self._running = True
        # A short poll interval keeps stop() (and so each test's teardown) fast; the default is 0.5 s.
        self._spawn(lambda: self._http.serve_forever(poll_interval=0.02))
        if self._socket_mode:
            # compression off: Slack's builtin client does not negotiate it. Frequent pings wake the builtin
            # client's blocking recv (3 s timeout, holding the lock close() needs) so it shuts down promptly.
            self._ws_server = serve(
                self._ws_session, HOST, 0, compression=None, ping_interval=0.2, ping_timeout=5, close_timeout=1
            )
            self._ws_url = f"ws://{HOST}:{self._ws_server.socket.getsockname()[1]}/link"
            self._spawn(self._ws_server.serve_forever)
        return self

    def stop(self) -> None:
        if self._ws_server is not None:
            self._ws_server.shutdown()  # closes client connections with 1001 and waits for their handlers
        if self._running:
            self._http.shutdown()  # would block forever if serve_forever() never ran
            self._running = False
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name="fake-slack", daemon=True)
        thread.start()
        self._threads.append(thread)

    # ----- URLs

    @property
    def api_url(self) -> str:
        return f"{self._base_url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self._base_url}/response/{name}"

    # ----- recorded calls

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, where: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        """Block until at least ``count`` calls to ``method`` (matching ``where``) were recorded; return them all."""

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method == method and (where is None or where(c))]

        with self._cond:
            self._cond.wait_for(lambda: len(matching()) >= count, timeout)
            found = matching()
            recorded = [c.method for c in self._calls]
        if len(found) < count:
            condition = " matching `where`" if where is not None else ""
            raise AssertionError(
                f"expected {count} call(s) to {method!r}{condition} within {timeout}s, got {len(found)}; "
                f"recorded methods in order: {recorded} ({dict(Counter(recorded))})"
            )
        return found

    # ----- fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail; 429 defaults to Slack's ``ratelimited`` body."""
        fault = _Fault(status, error or ("ratelimited" if status == 429 else "internal_error"), dict(headers or {}))
        with self._cond:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def refuse_messages(self, error: str = "invalid_blocks", *, plain_too: bool = False) -> None:
        """From now on answer ``error`` to every chat.postMessage and chat.update carrying blocks (to every one if
        ``plain_too``), as Slack refuses a payload it finds invalid. Unlike ``fail_next`` it accepts the plain-text
        versions however the worker interleaves them."""
        with self._cond:
            self._told_refusal = (error, plain_too)

    # ----- request handling (called from server threads)

    def _serve(self, method: str, content_type: str, authorization: str, body: bytes, extra: Json) -> Answer:
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else None
        args: Json | None
        if content_type.startswith("application/json"):
            try:
                parsed = json.loads(body or b"{}")
            except ValueError:
                parsed = None
            args = parsed if isinstance(parsed, dict) else None
        else:
            args = decode_form(body)
            token = token or args.pop("token", None)
        with self._cond:
            recorded = {**(args or {}), **extra}
            recorded.pop("name", None)
            self._calls.append(Call(method, recorded, token, time.monotonic()))
            self._cond.notify_all()
            if args is None:
                return 200, {"ok": False, "error": "invalid_json"}, {}
            queue = self._faults.get(method)
            if queue:
                fault = queue.popleft()
                return fault.status, {"ok": False, "error": fault.error}, fault.headers
            if method == RESPONSE_URL:
                if refusal := self._refusal(method, {**args, **extra}):
                    return 200, refusal.body(), {}
                self.workspace.respond(extra["name"], args)
                return 200, {"ok": True}, {}
            if not token:
                return 200, {"ok": False, "error": "not_authed"}, {}
            handler = self._methods.get(method)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method"}, {}
            scopes = self.access.headers(method)  # Slack names the token's scopes in every answer
            if missing := self.access.missing_scope(method):
                return 200, missing, scopes
            for name, error in REQUIRED.get(method, ()):
                if not args.get(name):
                    return 200, {"ok": False, "error": error}, scopes
            if refusal := self._refusal(method, args):
                return 200, refusal.body(), scopes
            if told := self._told_to_refuse(method, args):
                return 200, {"ok": False, "error": told}, scopes
            return 200, handler(args, token), scopes

    def _told_to_refuse(self, method: str, args: Json) -> str | None:
        if self._told_refusal is None or method not in ("chat.postMessage", "chat.update"):
            return None
        error, plain_too = self._told_refusal
        return error if args.get("blocks") or plain_too else None

    def _refusal(self, method: str, args: Json) -> Refusal | None:
        """Slack's rules before anything is applied: a refused call changes nothing and is kept for the page."""
        if method in MESSAGE_METHODS:
            refusal = check_message(args, method=method)
        elif method in _VIEW_METHODS and isinstance(args.get("view"), dict):
            refusal = check_view(args["view"])
        else:
            return None
        if refusal is not None:
            # The bot sees only Slack's error; a test that fails because of it shows why in its captured log.
            logger.warning("refused %s: %s %s", method, refusal.error, "; ".join(refusal.messages))
            self.workspace.refuse(method, args, refusal.error, refusal.messages)
        return refusal

    def _channel_name(self, channel_id: str) -> str | None:
        conversation = self.workspace.conversations.get(channel_id)
        return conversation.name if conversation is not None else None

    def store_upload(self, file_id: str, data: bytes) -> None:
        with self._cond:
            self.uploads[file_id] = data
            self.workspace.add_file(file_id, data)
            self._calls.append(Call("file_upload", {"file_id": file_id, "size": len(data)}, None, time.monotonic()))
            self._cond.notify_all()

    def _apps_connections_open(self, args: Json, token: str) -> Json:
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self._ws_url}

    # ----- Socket Mode

    def _ws_session(self, ws: ServerConnection) -> None:
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "fake-slack", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        try:
            ws.send(json.dumps(hello))
            with self._cond:
                self._ws_clients.append(ws)
                self._cond.notify_all()
            for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue  # Slack ignores frames it cannot parse
                if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
                    with self._cond:
                        self._acks[message["envelope_id"]] = message
                        self._cond.notify_all()
        except ConnectionClosed:
            pass  # the client went away; that ends the session
        finally:
            with self._cond:
                if ws in self._ws_clients:
                    self._ws_clients.remove(ws)

    def wait_for_socket_client(self, timeout: float = 5.0) -> None:
        """Block until a Socket Mode client is connected and has been sent ``hello``."""
        if self._ws_server is None:
            raise RuntimeError("Socket Mode needs SlackStandIn(socket_mode=True) and start()")
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._ws_clients), timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout}s")

    def send_envelope(self, envelope_type: str, payload: Json, *, accepts_response_payload: bool = True) -> str:
        """Send an envelope to the most recently connected client and return its ``envelope_id``."""
        envelope_id = str(uuid.uuid4())
        envelope: Json = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        with self._cond:
            if not self._ws_clients:
                raise AssertionError("no Socket Mode client connected; call wait_for_socket_client() first")
            ws = self._ws_clients[-1]
        ws.send(json.dumps(envelope, ensure_ascii=False))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Json:
        """Block until the client acknowledged ``envelope_id``; return the ack (with ``payload`` if any)."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(f"envelope {envelope_id} not acknowledged within {timeout}s")
            return self._acks[envelope_id]
