from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.common.context import runtime_of
from handlers.common.work import context_of as draft_context
from handlers.draft import queries as draft_queries
from handlers.help.views import guideline_blocks
from handlers.home.views import home_view
from handlers.report.domain import snapshot as case_snapshot
from storage import cases


def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    runtime = runtime_of(context)
    user = event["user"]
    directory = runtime.config.directory
    with runtime.sessions() as session:
        awaiting = draft_queries.awaiting(session, draft_context(runtime), user)
        own = draft_queries.own(session, directory, user)
        reports = [case_snapshot(c) for c in cases.open_reported_by(session, user)]
    guideline = guideline_blocks(directory.config.organization.name, directory.offices)
    client.views_publish(user_id=user, view=home_view(awaiting, own, reports, guideline))
