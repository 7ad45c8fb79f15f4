"""Running the sns-bot command as an operator does: a clean environment, and waiting on what it prints."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from playground.runner import environment_without_slack


def clean_environment(**extra: str) -> dict[str, str]:
    """os.environ without anything that configures the bot (or routes loopback HTTP through a proxy)."""
    return {**environment_without_slack(os.environ), **extra}


def eventually(condition: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = "") -> Any:
    """Polls ``condition`` until it returns something truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what or condition}")
        time.sleep(interval)
