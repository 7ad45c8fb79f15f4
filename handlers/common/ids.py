"""Action ids for a row of like buttons (checklist items, announcement tasks): Slack refuses a block
whose buttons share an action_id, so each gets ``<prefix>.<item>``; the item also travels in the value."""

from __future__ import annotations

import re


def item_action(prefix: str, item: str) -> str:
    return f"{prefix}.{item}"


def item_actions(prefix: str) -> re.Pattern[str]:
    """Every button of the row, and the bare ``prefix`` that messages posted before one id per item
    carry (their value names the item), so those buttons keep working."""
    return re.compile(rf"^{re.escape(prefix)}(\.[a-z_]+)?$")
