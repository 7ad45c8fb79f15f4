"""The service's Context for one unit of work, from the process's Runtime."""

from __future__ import annotations

from bot.runtime import Runtime
from handlers.draft.domain import Context
from handlers.draft.views import DraftRenderer


def context_of(runtime: Runtime) -> Context:
    directory = runtime.config.directory
    return Context(directory=directory, render=DraftRenderer(directory.timezone), now=runtime.clock.now())
