"""Our own rule on top of Slack's documented ones: a message's block text stays well under the
~12,000 characters at which Slack has been seen to answer msg_blocks_too_long (undocumented;
slackapi/bolt-js issues #2509 and #2867)."""

from __future__ import annotations

from typing import Any

BLOCK_TEXT_BUDGET = 10_000


def block_text_length(blocks: list[dict[str, Any]]) -> int:
    """The characters of every text object in ``blocks`` (section text and fields, context, buttons…)."""

    def count(node: Any) -> int:
        if isinstance(node, dict):
            own = len(node["text"]) if isinstance(node.get("text"), str) else 0
            return own + sum(count(value) for value in node.values())
        if isinstance(node, list):
            return sum(count(item) for item in node)
        return 0

    return count(blocks)
