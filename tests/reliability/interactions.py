"""Every interaction of the retry scenarios, prepared on fresh objects: how to make its request again (a new
press each time) and what state it changes; for tests/reliability/test_retries.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select

from storage.models import AccountState, Application, ApplicationStatus, Case, CaseUrl
from tests.reliability.drive import World, case_value, dm
from tests.reliability.forms import page_one, page_two, register_values, text_input, unique
from tests.reliability.world import DEPUTY, HEAD, PUBINFO, STAFF1
from tests.support.report import report_values

Make = Callable[[], str]


@dataclass
class Prepared:
    make: Make  # a fresh request each call (a new press); the first one is what Slack retries
    view: bool  # a modal submission: a double submit sends the same view again
    state: Callable[[], Any]


def case_click(
    action: str,
    *,
    user: str = PUBINFO,
    audience: str = "public_info",
    kind: str = "flame",
    item: str | None = None,
    notified: bool = False,
) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        case_id, value, where = _fresh_copy(world, kind=kind, audience=audience, item=item, notified=notified)
        return Prepared(
            partial(world.click_body, action, value, user=user, where=where), False, partial(world.case_state, case_id)
        )

    return prepare


def case_modal(
    callback: str,
    values: dict[str, Any],
    *,
    user: str = PUBINFO,
    audience: str = "public_info",
    kind: str = "flame",
    item: str | None = None,
    notified: bool = False,
) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        case_id, metadata, _ = _fresh_copy(world, kind=kind, audience=audience, item=item, notified=notified)
        body = world.view_body(callback, values, user=user, metadata=metadata)
        return Prepared(lambda: body, True, partial(world.case_state, case_id))

    return prepare


def _fresh_copy(world: World, *, kind: str, audience: str, item: str | None, notified: bool) -> tuple[int, str, str]:
    """A new case's copy for ``audience`` (once the officer is notified, if asked): the case, the value its buttons
    carry, and where the copy is."""
    case_id, copies = world.report(kind=kind)
    if notified:
        copies = world.notify_officer(case_id)
    copy_id, where, _ = copies[audience]
    return case_id, case_value(case_id, copy_id, item), where


def report_submit(world: World) -> Prepared:
    url = f"https://x.com/soja_city/status/{8_000_000_000 + unique()}"
    values = report_values(urls=url, discovered_at=int(world.clock.now().timestamp()) - 60)
    body = world.view_body("report.submit", {b: e[b] for b, e in values.items()}, user=STAFF1)

    def state() -> Any:
        with world.bot.service.runtime.sessions() as session:
            cases = session.scalars(select(Case).join(CaseUrl).where(CaseUrl.url == url)).all()
            return [(c.reporter_count, c.status) for c in cases]

    return Prepared(lambda: body, True, state)


def draft_click(
    action: str, user: str, *, kind: str = "official_view", returned: bool = False, approved: bool = False
) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        draft_id = world.draft(kind=kind, reviewers=[HEAD] if kind == "announcement" else [])
        if returned:
            world.decide(draft_id, DEPUTY, "draft.decision.return", comment="根拠を加えてください")
        if approved:
            world.decide(draft_id, DEPUTY, "draft.decision.approve")
        request_id, where, _ = world.requests(draft_id)[user]
        value = world.draft_value(draft_id, request_id)
        return Prepared(
            partial(world.click_body, action, value, user=user, where=where),
            False,
            partial(world.draft_state, draft_id),
        )

    return prepare


def draft_comment(answer: str, user: str, *, kind: str = "official_view") -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        draft_id = world.draft(kind=kind, reviewers=[HEAD] if kind == "announcement" else [])
        request_id, _, _ = world.requests(draft_id)[user]
        values = {"draft.comment.text": text_input("日付の曜日が違います")}
        metadata = world.draft_value(draft_id, request_id, answer)
        body = world.view_body("draft.comment.submit", values, user=user, metadata=metadata)
        return Prepared(lambda: body, True, partial(world.draft_state, draft_id))

    return prepare


def draft_submit(world: World) -> Prepared:
    body = world.view_body("draft.submit", world.draft_values(kind="official_view", approvers=[DEPUTY]), user=STAFF1)
    before = world.rows()["drafts"]
    return Prepared(lambda: body, True, lambda: world.rows()["drafts"] - before)


def draft_resubmit(world: World) -> Prepared:
    draft_id = world.draft(approvers=[DEPUTY])
    world.decide(draft_id, DEPUTY, "draft.decision.return", comment="根拠を加えてください")
    values = world.draft_values(kind="official_view", approvers=[DEPUTY])
    body = world.view_body("draft.submit", values, user=STAFF1, metadata=world.draft_value(draft_id))
    return Prepared(lambda: body, True, partial(world.draft_state, draft_id))


def published_submit(world: World) -> Prepared:
    draft_id = world.draft(approvers=[DEPUTY])
    world.decide(draft_id, DEPUTY, "draft.decision.approve")
    values = {"draft.published.url": text_input("https://x.com/soja_kanko/status/99")}
    body = world.view_body("draft.published.submit", values, user=STAFF1, metadata=world.draft_value(draft_id))
    return Prepared(lambda: body, True, partial(world.draft_state, draft_id))


def application_page_two(world: World) -> Prepared:
    reply = world.post(world.view_body("application.page1.submit", page_one(), user=STAFF1))
    metadata = reply.json()["view"]["private_metadata"]
    body = world.view_body("application.page2.submit", page_two(), user=STAFF1, metadata=metadata)
    before = world.rows()["applications"]
    return Prepared(lambda: body, True, lambda: world.rows()["applications"] - before)


def application_click(action: str, user: str, *, submitted: bool = False) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        application_id = world.application()
        message = world.get(Application, application_id).head_message_id
        if submitted:
            world.head_applies(application_id)
            message = world.get(Application, application_id).office_message_id
        value, where = world.application_value(application_id), world.where(message)
        return Prepared(
            partial(world.click_body, action, value, user=user, where=where),
            False,
            partial(world.application_state, application_id),
        )

    return prepare


def application_comment(world: World) -> Prepared:
    application_id = world.application()
    world.head_applies(application_id)
    values = {"application.comment.text": text_input("目的をもう少し具体的に")}
    metadata = world.application_value(application_id, "return")
    body = world.view_body("application.comment.submit", values, user=PUBINFO, metadata=metadata)
    return Prepared(lambda: body, True, partial(world.application_state, application_id))


def account_click(
    action: str, user: str = STAFF1, *, state: AccountState = AccountState.ACTIVE, task: str | None = None
) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        account_id = world.account(state=state)
        value = world.account_value(account_id, task)
        return Prepared(
            partial(world.click_body, action, value, user=user, where=dm(user)),
            False,
            partial(world.account_state, account_id),
        )

    return prepare


def account_modal(
    callback: str, values: Callable[[int], dict[str, Any]], user: str = HEAD
) -> Callable[[World], Prepared]:
    def prepare(world: World) -> Prepared:
        account_id = world.account()
        body = world.view_body(callback, values(account_id), user=user, metadata=world.account_value(account_id))
        return Prepared(lambda: body, True, partial(world.account_state, account_id))

    return prepare


def register_submit(world: World) -> Prepared:
    application_id = world.application(status=ApplicationStatus.APPROVED)
    body = world.view_body("account.register.submit", register_values(application_id), user=HEAD)
    before = world.rows()["accounts"]
    return Prepared(
        lambda: body, True, lambda: (world.rows()["accounts"] - before, world.application_state(application_id))
    )
