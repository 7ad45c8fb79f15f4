"""The HTTP edge: POST /slack/events for Slack, GET /healthz and GET /metrics for the operator's monitor.

Everything Slack sends is checked here before Bolt sees it: size, signature, encoding
and shape. A request that fails gets a 4xx and one log line, never a 5xx or a traceback:
Bolt would answer 500 to a body it cannot parse.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.logs import one_line
from bot.metrics import CONTENT_TYPE, INVALID, Metrics
from bot.slack_shapes import shape_problem

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Slack's deepest payloads (rich text inside blocks inside views) stay far below this.
MAX_JSON_DEPTH = 64

HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


class Rejected(Exception):
    def __init__(self, status: int, reason: str, *, allow: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.allow = allow  # the methods a 405 names


class SlackEndpoint:
    """A WSGI application. Without a Bolt app (Socket Mode) it serves only /healthz and /metrics."""

    def __init__(
        self,
        *,
        bolt: App | None,
        signing_secret: str | None,
        health: HealthCheck,
        max_body_bytes: int,
        metrics: Metrics,
    ) -> None:
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret) if bolt is not None and signing_secret else None
        self.health = health
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            healthy, details = self.health()
            return _respond(start_response, 200 if healthy else 503, json.dumps(details), "application/json")
        try:
            if path == METRICS_PATH:
                return self._metrics(start_response, method)
            response = self._dispatch(environ, path, method)
        except Rejected as rejected:
            where = environ.get("REMOTE_ADDR", "?")
            log.warning("rejected %s %s from %s: %s", one_line(method), one_line(path), where, rejected.reason)
            if path == EVENTS_PATH:
                self.metrics.answered(INVALID, rejected.status)
            allow = [("Allow", rejected.allow)] if rejected.allow else []
            return _respond(start_response, rejected.status, rejected.reason, headers=allow)
        except Exception:
            # Bolt raised outside any listener: the payload tripped its parsing. Not our 500.
            log.exception("request to %s could not be dispatched", one_line(path))
            self.metrics.answered(INVALID, 400)
            return _respond(start_response, 400, "Bad Request")
        return _respond_bolt(start_response, response)

    def _metrics(self, start_response: StartResponse, method: str) -> list[bytes]:
        if method != "GET":
            raise Rejected(405, "Method Not Allowed", allow="GET")
        return _respond(start_response, 200, self.metrics.exposition().decode("utf-8"), CONTENT_TYPE)

    def _dispatch(self, environ: WSGIEnvironment, path: str, method: str) -> BoltResponse:
        if path != EVENTS_PATH or self.bolt is None:
            raise Rejected(404, "Not Found")
        if method != "POST":
            raise Rejected(405, "Method Not Allowed", allow="POST")
        return self.bolt.dispatch(self._bolt_request(environ))

    def _bolt_request(self, environ: WSGIEnvironment) -> BoltRequest:
        raw = self._read_body(environ)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected(400, "body is not UTF-8") from None
        headers = _headers(environ)
        if self.verifier is None or not self._signed(body, headers):
            raise Rejected(401, "invalid or missing Slack signature")
        try:
            request = BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as error:
            raise Rejected(400, f"malformed payload ({type(error).__name__})") from None
        if not isinstance(request.body, dict) or not request.body:
            raise Rejected(400, "payload is not a JSON object")
        if _deeper_than(request.body, MAX_JSON_DEPTH):
            raise Rejected(400, f"payload nested deeper than {MAX_JSON_DEPTH}")
        if problem := shape_problem(request.body):
            raise Rejected(400, f"malformed payload: {problem}")
        return request

    def _read_body(self, environ: WSGIEnvironment) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Rejected(400, "bad Content-Length") from None
        if length > self.max_body_bytes:
            raise Rejected(413, f"body of {length} bytes exceeds {self.max_body_bytes}")
        return environ["wsgi.input"].read(length) if length > 0 else b""

    def _signed(self, body: str, headers: dict[str, str]) -> bool:
        assert self.verifier is not None
        try:
            return self.verifier.is_valid_request(body, headers)
        except ValueError:  # a timestamp that is not a number
            return False
        except TypeError:  # a signature that is not ASCII: hmac.compare_digest refuses to compare it
            return False


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            headers[key.lower().replace("_", "-")] = value
    return headers


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def _respond(
    start_response: StartResponse,
    status: int,
    body: str,
    content_type: str = "text/plain; charset=utf-8",
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", content_type), ("Content-Length", str(len(data))), *(headers or [])],
    )
    return [data]


def _respond_bolt(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    content_type = next((v for n, v in headers if n.lower() == "content-type"), "text/plain; charset=utf-8")
    extra = [(n, v) for n, v in headers if n.lower() not in ("content-type", "content-length")]
    return _respond(start_response, response.status, response.body, content_type, extra)
