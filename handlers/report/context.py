"""The report service's Context for one unit of work, from the process's Runtime."""

from __future__ import annotations

from datetime import datetime

from bot.runtime import Runtime
from handlers.common import work
from handlers.report.domain import Context
from storage.cases import CaseNumbers


def context_of(runtime: Runtime, now: datetime | None = None) -> Context:
    base = work.context_of(runtime, now)
    return Context(directory=base.directory, now=base.now, numbers=runtime.parts[CaseNumbers])
