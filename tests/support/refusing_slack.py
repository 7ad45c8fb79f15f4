"""The stand-in, told to refuse messages as Slack refuses a payload it finds invalid: every
chat.postMessage and chat.update carrying blocks (or, told so, every one) gets ``{"ok": false,
"error": …}``. Unlike ``fail_next``, which fails the next calls whatever they carry, this refuses the
block versions and accepts their plain-text versions, however the worker interleaves them."""

from __future__ import annotations

from typing import Any

from playground.slack_api import SlackStandIn

Json = dict[str, Any]


class RefusingStandIn(SlackStandIn):
    def __init__(self) -> None:
        super().__init__()
        self._refusal: tuple[str, bool] | None = None

    def refuse(self, error: str = "invalid_blocks", *, plain_too: bool = False) -> None:
        """From now on, answer ``error`` to every message with blocks, and to the others if ``plain_too``."""
        self._refusal = (error, plain_too)

    def _chat_post_message(self, args: Json, token: str) -> Json:
        return self._refused(args) or super()._chat_post_message(args, token)

    def _chat_update(self, args: Json, token: str) -> Json:
        return self._refused(args) or super()._chat_update(args, token)

    def _refused(self, args: Json) -> Json | None:
        if self._refusal is None:
            return None
        error, plain_too = self._refusal
        return {"ok": False, "error": error} if args.get("blocks") or plain_too else None
