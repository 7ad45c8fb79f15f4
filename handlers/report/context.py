"""The service's Context for one unit of work, from the process's Runtime."""

from __future__ import annotations

from datetime import datetime

from bot.runtime import Runtime
from handlers.report.domain import Context


def context_of(runtime: Runtime, now: datetime | None = None) -> Context:
    directory = runtime.config.directory
    return Context(
        directory=directory,
        now=now or runtime.clock.now(),
        timezone=directory.timezone,
        numbers=runtime.case_numbers,
    )
