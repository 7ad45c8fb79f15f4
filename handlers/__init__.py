"""Slack listeners, one package per feature. ``register`` is the only place they meet the app."""

from slack_bolt import App

from bot.runtime import Runtime
from bot.scheduler import ScheduledJob
from bot.sending import Render
from handlers import account, application, draft, home, report
from handlers import help as guideline_help
from handlers.account import service as account_service
from handlers.account.messages import MESSAGES as ACCOUNT_MESSAGES
from handlers.application.messages import MESSAGES as APPLICATION_MESSAGES
from handlers.common import modals
from handlers.common.context import provide_runtime
from handlers.common.failure import handle_error, keep_answers
from handlers.common.work import context_of as account_context
from handlers.common.work import context_of as draft_context
from handlers.draft import route as draft_route
from handlers.draft.messages import MESSAGES as DRAFT_MESSAGES
from handlers.report.context import context_of as report_context
from handlers.report.gauges import OPEN_CASES
from handlers.report.messages import MESSAGES as REPORT_MESSAGES
from handlers.report.service.handover import readdress as readdress_cases

FEATURES = (guideline_help, report, draft, application, account, home)
# Each feature's scheduled sweeps (reminders, escalation).
JOBS: tuple[ScheduledJob, ...] = (*report.JOBS, *draft.JOBS, *account.JOBS, *modals.JOBS)
# What the delivery worker draws when it sends a message queued as an intent, by the intent's kind.
# The features' gauges on /metrics, counted from the database when scraped.
GAUGES = (OPEN_CASES,)
MESSAGES: dict[str, Render] = {**REPORT_MESSAGES, **DRAFT_MESSAGES, **APPLICATION_MESSAGES, **ACCOUNT_MESSAGES}


def register(app: App, runtime: Runtime) -> None:
    provide_runtime(app, runtime)
    keep_answers(app)
    modals.only_opened_views(app)
    app.error(handle_error)
    for feature in FEATURES:
        feature.register(app)


def readdress(runtime: Runtime) -> None:
    """After the directory changed (April's reload, or a restart with a new app.yaml): open items
    whose people left go to the current ones. Idempotent: safe at every start."""
    with runtime.sessions.begin() as session:
        readdress_cases(session, report_context(runtime))
        draft_route.readdress(session, draft_context(runtime))
        account_service.flag_orphans(session, account_context(runtime))
