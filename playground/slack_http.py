"""The Slack stand-in's HTTP side: Web API calls (/api/METHOD), response_url posts (/response/NAME) and
file uploads (/upload/ID) on 127.0.0.1, each handed to the stand-in (playground/slack_api.py)."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playground.hosts import refuse_other_hosts

if TYPE_CHECKING:
    from playground.slack_api import SlackStandIn

HOST = "127.0.0.1"
RESPONSE_URL = "response_url"  # method name under which response_url posts are recorded
Answer = tuple[int, dict[str, Any], dict[str, str]]  # HTTP status, JSON body, extra headers


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # listen() backlog: hundreds of simultaneous clients must not be refused

    def __init__(self, fake: SlackStandIn) -> None:
        self.fake = fake
        super().__init__((HOST, 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-request are normal in load tests; the default prints a traceback.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_POST(self) -> None:
        if refuse_other_hosts(self):
            return
        path = urlsplit(self.path).path
        try:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self._send((400, {"ok": False, "error": "invalid_content_length"}, {}))
            return
        fake = self.server.fake
        if path.startswith("/api/"):
            method, extra = path.removeprefix("/api/"), {}
        elif path.startswith("/response/"):
            name = path.removeprefix("/response/")
            method, extra = RESPONSE_URL, {"response_url": fake.response_url(name), "name": name}
        elif path.startswith("/upload/"):
            # files_upload_v2's step 2: the file's bytes, to the URL files.getUploadURLExternal gave out.
            fake.store_upload(path.removeprefix("/upload/"), body)
            self._send((200, {"ok": True}, {}))
            return
        else:
            self._send((404, {"ok": False, "error": "not_found"}, {}))
            return
        try:
            answer = fake._serve(
                method, self.headers.get("Content-Type", ""), self.headers.get("Authorization", ""), body, extra
            )
        except Exception as exc:
            # A bug in the fake must surface in the test as an API error, not as a dropped connection.
            answer = (500, {"ok": False, "error": "fake_slack_error", "detail": repr(exc)}, {})
        time.sleep(fake.latency)
        self._send(answer)

    def _send(self, answer: Answer) -> None:
        status, payload, headers = answer
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
