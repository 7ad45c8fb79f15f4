"""Slack's request signature (v0): the playground signs every request it sends the bot, and so do the tests."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature_headers(body: bytes, *, secret: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}
