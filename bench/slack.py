"""What the benchmark takes from the playground, in one place so it is easy to repoint: the loopback fake
of the Slack Web API and Slack's signed requests."""

from __future__ import annotations

import threading
import time
from typing import Any

from playground.requests import (
    SIGNING_SECRET,
    interactive,
    report_values,
    signature_headers,
    slash_command,
    view_submission,
)
from playground.slack_api import Call, SlackStandIn

BOT_TOKEN = "xoxb-bench-bot-token"  # noqa: S105 - for the fake API only

__all__ = [
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "Call",
    "RecordingSlack",
    "interactive",
    "report_values",
    "signature_headers",
    "slash_command",
    "view_submission",
]


class RecordingSlack(SlackStandIn):
    """The fake Slack API, also remembering the HTTP status and ``ok`` it answered each call with,
    so a 429'd attempt is not mistaken for a delivered message."""

    def __init__(self) -> None:
        super().__init__()
        self._answers: dict[int, tuple[int, bool]] = {}
        self._answers_lock = threading.Lock()

    def _serve(self, method: str, content_type: str, authorization: str, body: bytes, extra: dict[str, Any]) -> Any:
        # The fake's lock is re-entrant: holding it pairs the call it appends with the answer it gives.
        with self._cond:
            answer = super()._serve(method, content_type, authorization, body, extra)
            call = self._calls[-1]
            status, payload = answer[0], answer[1]
            with self._answers_lock:
                self._answers[id(call)] = (status, bool(payload.get("ok")))
        return answer

    def answered_ok(self, call: Call) -> bool:
        with self._answers_lock:
            status, ok = self._answers.get(id(call), (0, False))
        return status == 200 and ok

    def status_of(self, call: Call) -> int:
        with self._answers_lock:
            return self._answers.get(id(call), (0, False))[0]

    def wait_quiet(self, window: float = 0.5, timeout: float = 15.0) -> None:
        """Returns once no call has arrived for ``window`` seconds (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            count = len(self.calls)
            if count == seen:
                return
            seen = count
            time.sleep(window)

    def clear(self) -> None:
        with self._cond:
            super().clear()
            with self._answers_lock:
                self._answers.clear()
