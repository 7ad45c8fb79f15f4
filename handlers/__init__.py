"""Slack listeners, one package per feature. ``register`` is the only place they meet the app."""

from slack_bolt import App

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from handlers import account, application, draft, home, report
from handlers import help as guideline_help
from handlers.common.context import provide_runtime
from handlers.common.failure import handle_error

FEATURES = (guideline_help, report, draft, application, account, home)
# Each feature's scheduled sweeps (reminders, escalation).
JOBS: tuple[ScheduledJob, ...] = (*report.JOBS, *draft.JOBS, *account.JOBS)


def register(app: App, runtime: Runtime) -> None:
    provide_runtime(app, runtime)
    app.error(handle_error)
    for feature in FEATURES:
        feature.register(app)
