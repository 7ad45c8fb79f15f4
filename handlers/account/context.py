"""The service's Context for one unit of work, from the process's Runtime."""

from __future__ import annotations

from datetime import datetime

from bot.runtime import Runtime
from handlers.account.service import Context


def context_of(runtime: Runtime, now: datetime | None = None) -> Context:
    return Context(directory=runtime.config.directory, now=now or runtime.clock.now())
