"""The service's Context for one unit of work, from the process's Runtime."""

from __future__ import annotations

from bot.runtime import Runtime
from handlers.draft.domain import Context


def context_of(runtime: Runtime) -> Context:
    return Context(directory=runtime.config.directory, now=runtime.clock.now())
