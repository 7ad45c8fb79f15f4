"""The Runtime travels to listeners in Bolt's context, set by one global middleware."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.runtime import Runtime

_KEY = "sns_bot_runtime"


def provide_runtime(app: App, runtime: Runtime) -> None:
    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context[_KEY] = runtime
        next()

    app.middleware(middleware)


def runtime_of(context: BoltContext) -> Runtime:
    return context[_KEY]
