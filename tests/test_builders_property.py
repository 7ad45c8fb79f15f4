"""Every view and message builder of every feature, driven with the longest legal input (3,000-character
texts, 2,000-character URLs, 80-character names full of ``*_~<>&``, 40 people, 20 reports on a case,
every checklist item ticked), stays inside Slack's rules (playground/slack_rules.py) and our own
10,000-character budget of block text per message (tests/support/limits.py).

BUILDERS lists each builder with a strategy for its arguments; test_every_builder_is_driven fails when a
builder is added to a feature's views without one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block, PlainTextInputElement, SectionBlock
from slack_sdk.models.views import View

from bot.directory import Directory
from bot.mrkdwn import escape
from handlers.account import reminders as account_reminders
from handlers.account import views as account_views
from handlers.account.service import CRITERIA
from handlers.application import renderer as application_renderer
from handlers.application import views as application_views
from handlers.application.domain import ApplicationAction, FirstPage
from handlers.common import views as common_views
from handlers.draft import renderer as draft_renderer
from handlers.draft import views as draft_views
from handlers.draft.domain import Answer
from handlers.draft.metadata import DraftAction
from handlers.help import views as help_views
from handlers.home import views as home_views
from handlers.report.domain import Event, Submission
from handlers.report.ids import ReportIds
from handlers.report.metadata import CaseAction
from handlers.report.views import blocks as report_blocks
from handlers.report.views import case_list as report_list
from handlers.report.views import case_modals as report_modals
from handlers.report.views import messages as report_messages
from handlers.report.views import report_modal as report_form
from playground.slack_rules import check_message, check_view
from storage.models import Audience, DraftKind, Platform, RequestRole
from tests.support.limits import BLOCK_TEXT_BUDGET, block_text_length
from tests.support.maximal import (
    CONFIG,
    EXAMPLES,
    FIGURES,
    NAME,
    NOW,
    PEOPLE,
    REVIEW,
    TOKYO,
    account_row,
    account_view,
    application_row,
    application_snapshot,
    case_snapshot,
    draft_snapshot,
    typed,
    url,
)

# -- the builders --------------------------------------------------------------------------------------

REPORT = report_messages.SlackRenderer(TOKYO)
DRAFT = draft_renderer.DraftRenderer(TOKYO)
APPLICATION = application_renderer.ApplicationRenderer(TOKYO, escape("市政情報課"))
ACCOUNT = account_views.AccountRenderer()
CASE_ACTION = CaseAction(case_id=2**31, copy_id=2**31, item="official_view_judged", done=True)
DEPARTMENTS = CONFIG.departments
DIRECTORY = Directory(CONFIG)

Build = Callable[[], Any]
BUILDERS: dict[str, st.SearchStrategy[list[Build]]] = {
    "report.views.report_modal": st.builds(
        lambda text, urls: [lambda: report_form.report_modal(
            DEPARTMENTS, DEPARTMENTS[0], CONFIG.offices, NOW, report_form.Prefill(text, tuple(urls))
        )],
        typed(5000), st.lists(url(), max_size=40),
    ),
    "report.views.report_modal_for": st.builds(
        lambda text, urls: [lambda: report_form.report_modal_for(
            DIRECTORY, DEPARTMENTS[0], NOW, report_form.Prefill(text, tuple(urls))
        )],
        typed(5000), st.lists(url(), max_size=40),
    ),
    "report.views.received_view": st.builds(
        lambda people, attached: [lambda: report_form.received_view(
            Submission("SNS-2026-0001", attached, people, True), escape("市政情報課")
        )],
        PEOPLE, st.booleans(),
    ),
    "report.views.CopyRenderer.case_copy": st.builds(
        lambda case: [lambda audience=a: REPORT.case_copy(case, audience, 2**31) for a in Audience], case_snapshot()
    ),
    "report.views.SlackRenderer.full_text": st.builds(
        lambda case, text: [lambda: REPORT.full_text(case), lambda: REPORT.full_text(case, (text, text))],
        case_snapshot(), typed(2000),
    ),
    "report.views.SlackRenderer.timeline": st.builds(
        lambda case, name, text: [lambda: REPORT.timeline(case, Event("comment", NOW, {"name": name, "text": text}))],
        case_snapshot(), NAME, typed(1000),
    ),
    "report.views.SlackRenderer.confirmation": st.builds(
        lambda case: [lambda: REPORT.confirmation(case)], case_snapshot()
    ),
    "report.views.SlackRenderer.escalation": st.builds(
        lambda case, people: [lambda audience=a: REPORT.escalation(case, audience, 99999, people) for a in Audience],
        case_snapshot(), PEOPLE,
    ),
    "report.views.SlackRenderer.committee_report": st.builds(
        lambda case, text, name: [lambda: REPORT.committee_report(case, text, text, name)],
        case_snapshot(), typed(2000), NAME,
    ),
    "report.views.context": st.builds(lambda text: [lambda: report_blocks.context([text] * 3)], typed(5000)),
    "report.views.text_input": st.builds(
        lambda text: [lambda: common_views.modal("x", submit="y", blocks=[report_blocks.text_input(
            ReportIds.SUMMARY, "report.summary.label", 3000, multiline=True, initial_value=text[:3000]
        )])],
        typed(3000),
    ),
    "report.views.resolve_modal": st.just([lambda: report_modals.resolve_modal(CASE_ACTION, "SNS-2026-0001")]),
    "report.views.comment_modal": st.just([lambda: report_modals.comment_modal(CASE_ACTION, "SNS-2026-0001")]),
    "report.views.correction_modal": st.just([lambda: report_modals.correction_modal(CASE_ACTION, "SNS-2026-0001")]),
    "report.views.committee_modal": st.just([lambda: report_modals.committee_modal(CASE_ACTION, "SNS-2026-0001")]),
    "report.views.case_list": st.builds(
        lambda cases: [lambda: report_list.case_list(True, cases, NOW)], st.lists(case_snapshot(), max_size=3)
        .map(lambda cases: cases * 100)
    ),
    "draft.views.draft_modal": st.builds(
        lambda people, text, link: [lambda: draft_views.draft_modal(
            [(f"U{i:08}", p) for i, p in enumerate(people * 5)], None, NOW,
            draft_views.DraftPrefill(2**31, text[:200], text, DraftKind.OFFICIAL_VIEW, text[:1000], link),
        ), lambda: draft_views.draft_modal([], [p for p in people] or ["x"], NOW)],
        PEOPLE, typed(3000), url(),
    ),
    "draft.views.findings_block": st.builds(
        lambda draft: [lambda: draft_views.findings_block(draft.findings)], draft_snapshot()
    ),
    "draft.views.submitted_view": st.builds(
        lambda kind, people, draft: [lambda: draft_views.submitted_view(kind, people, draft.findings)],
        st.sampled_from(list(DraftKind)), PEOPLE, draft_snapshot(),
    ),
    "draft.views.check_result": st.builds(
        lambda draft: [lambda: draft_views.check_result(draft.text, draft.findings)], draft_snapshot()
    ),
    "draft.renderer.answer_buttons": st.just([
        lambda: draft_renderer.answer_buttons(2**31, 2**31, draft_renderer.DECISION_BUTTONS),
        lambda: draft_renderer.answer_buttons(2**31, 2**31, draft_renderer.REVIEW_BUTTONS),
    ]),
    "draft.renderer.DraftRenderer.request": st.builds(
        lambda draft: [lambda role=r: DRAFT.request(draft, 1, role, "U1")
                       for r in (RequestRole.REVIEWER, RequestRole.APPROVER)],
        draft_snapshot(),
    ),
    "draft.renderer.DraftRenderer.author_status": st.builds(
        lambda draft: [lambda: DRAFT.author_status(draft, 1)], draft_snapshot()
    ),
    "draft.renderer.DraftRenderer.full_text": st.builds(
        lambda draft: [lambda: DRAFT.full_text(draft)], draft_snapshot()
    ),
    "draft.renderer.DraftRenderer.notice": st.builds(
        lambda draft, name, text: [
            lambda: DRAFT.notice(draft, "decided", answer=Answer.RETURN, name=name, comment=text),
            lambda: DRAFT.notice(draft, "expired"),
            lambda: DRAFT.notice(draft, "kouetsu", answer=Answer.APPROVE, name=name),
            lambda: DRAFT.notice(draft, "reminder", hours=99999),
        ],
        draft_snapshot(), NAME, typed(1000),
    ),
    "draft.views.comment_modal": st.sampled_from(list(Answer)).map(
        lambda answer: [lambda: draft_views.comment_modal(DraftAction(draft_id=2**31, request_id=2**31, answer=answer))]
    ),
    "draft.views.published_modal": st.just(
        [lambda: draft_views.published_modal(DraftAction(draft_id=2**31, request_id=2**31))]
    ),
    "application.views.no_department_modal": st.just([application_views.no_department_modal]),
    "application.views.page_one_modal": st.builds(
        lambda name, by_head: [lambda: application_views.page_one_modal(name, name, by_head)], NAME, st.booleans()
    ),
    "application.views.page_two_modal": st.builds(
        lambda text: [lambda: application_views.page_two_modal(
            FirstPage(platform=Platform.OTHER, platform_other=text[:40], purpose=text[:300], audience=text[:200],
                      content=text[:450], staff=[f"U{i:010}" for i in range(10)], setup=text[:300]),
            3650,
        )],
        typed(450),
    ),
    "application.views.submitted_view": st.builds(
        lambda name, to_head: [lambda: application_views.submitted_view(to_head, name, name)], NAME, st.booleans()
    ),
    "application.views.comment_modal": st.sampled_from(["head_return", "return", "reject"]).map(
        lambda answer: [lambda: application_views.comment_modal(
            ApplicationAction(application_id=2**31, answer=answer)
        )]
    ),
    "application.renderer.answer_buttons": st.just([
        lambda: application_renderer.answer_buttons(2**31, application_renderer.HEAD_BUTTONS),
        lambda: application_renderer.answer_buttons(2**31, application_renderer.DECISION_BUTTONS),
    ]),
    "application.renderer.ApplicationRenderer.head_request": st.builds(
        lambda app: [lambda: APPLICATION.head_request(app)], application_snapshot()
    ),
    "application.renderer.ApplicationRenderer.office_post": st.builds(
        lambda app: [lambda: APPLICATION.office_post(app)], application_snapshot()
    ),
    "application.renderer.ApplicationRenderer.full_text": st.builds(
        lambda app: [lambda: APPLICATION.full_text(app)], application_snapshot()
    ),
    "application.renderer.ApplicationRenderer.notice": st.builds(
        lambda app, text: [
            lambda: APPLICATION.notice(app, "decided", answer="return", comment=text),
            lambda: APPLICATION.notice(app, "head_applied"),
            lambda: APPLICATION.notice(app, "head_returned", comment=text),
        ],
        application_snapshot(), typed(1000),
    ),
    "account.views.AccountRenderer.reminder": st.builds(
        lambda account, left: [
            lambda kind=k: ACCOUNT.reminder(
                account, kind, days=90, today=date(2026, 12, 1), due_on=date(2026, 1, 1),
                criteria=list(CRITERIA), left=left,
            )
            for k in account_reminders.KINDS
        ],
        account_view(), st.lists(typed(120), max_size=40),  # managers who left, named in the flag
    ),
    "account.views.AccountRenderer.office_notice": st.builds(
        lambda account, review, name: [
            lambda: ACCOUNT.office_notice("summary", month="2026-11", figures=FIGURES),
            *(lambda kind=k: ACCOUNT.office_notice(kind, account=account, review=review, by=name,
                                                   criteria=list(CRITERIA), immediate=True, policy_url=name)
              for k in ("registered", "review", "orphaned", "withdrawal", "deleted", "policy")),
        ],
        account_view(), REVIEW, NAME,
    ),
    "account.views.summary_message": st.just([lambda: account_views.summary_message("2026-11", FIGURES)]),
    "account.views.register_modal": st.builds(
        lambda text: [lambda: account_views.register_modal([application_row(text)] * 150, date(2026, 12, 1))],
        typed(300),
    ),
    "account.views.review_modal": st.builds(
        lambda account, text: [lambda: account_views.review_modal(account, text)], account_view(), typed(3000)
    ),
    "account.views.policy_modal": st.builds(
        lambda account: [lambda: account_views.policy_modal(account)], account_view()
    ),
    "account.views.policy_recorded": st.builds(
        lambda text, link: [lambda: account_views.policy_recorded(text, link)], typed(200), url()
    ),
    "account.views.withdraw_modal": st.builds(
        lambda text: [lambda: account_views.withdraw_modal([account_row(text)] * 150)], typed(200)
    ),
    "account.views.account_list": st.builds(
        lambda accounts, text, name: [lambda: account_views.account_list(
            accounts * 60, [application_row(text)] * 60, {1}, lambda _: name
        )],
        st.lists(account_view(), min_size=1, max_size=2), typed(300), NAME,
    ),
    "common.views.comment_modal": st.just([lambda: common_views.comment_modal(
        callback_id="x" * 255, block_id="y" * 255, title="題" * 24, submit="送" * 24, label="ラ" * 2000,
        metadata="m" * 3000, max_length=3000,
    )]),
    "common.views.notice_modal": st.just([lambda: common_views.notice_modal("題" * 24, "本" * 3000)]),
    "common.views.not_opened_modal": st.just([common_views.not_opened_modal]),
    "common.views.modal": st.just([lambda: common_views.modal("題" * 24, [SectionBlock(text="本" * 3000)])]),
    "common.views.input_block": st.just([lambda: common_views.modal("題" * 24, [common_views.input_block(
        "block", "report.summary.label", PlainTextInputElement(action_id="block", max_length=3000)
    )], submit="送")]),
    "common.views.button_row": st.just([lambda: [common_views.button_row(
        [(f"{action}{'x' * 200}", answer, style) for action, answer, style in draft_renderer.DECISION_BUTTONS],
        "v" * 2000,
        "draft.button",
    )]]),
    "home.views.home_view": st.builds(
        lambda drafts, cases: [lambda: home_views.home_view(
            [(d, 1) for d in drafts * 20], drafts * 20, cases * 20,
            help_views.guideline_blocks(CONFIG.organization.name, CONFIG.offices),
        )],
        st.lists(draft_snapshot(), min_size=1, max_size=2), st.lists(case_snapshot(), max_size=2),
    ),
    "help.views.guideline_blocks": st.just(
        [lambda: help_views.guideline_blocks(CONFIG.organization.name, CONFIG.offices)]
    ),
    "help.views.help_message": st.just([lambda: help_views.help_message(CONFIG.organization.name, CONFIG.offices)]),
}  # fmt: skip


def refusals(result: Any) -> list[str]:
    """What Slack would refuse in ``result`` (a View, blocks or a message's arguments), and our own budget."""
    if result is None:  # full_text: nothing was cut
        return []
    if isinstance(result, View) or (isinstance(result, dict) and result.get("type") == "modal"):
        refusal = check_view(result.to_dict() if isinstance(result, View) else result)
        return [] if refusal is None else [refusal.error, *refusal.messages]
    if isinstance(result, Block):
        result = [result]
    if isinstance(result, list):
        result = {"text": "fallback", "blocks": [b.to_dict() for b in result]}
    problems = []
    for method in ("chat.postMessage", "chat.update", "response_url"):
        refusal = check_message(result, method=method)
        if refusal is not None and not (method == "chat.update" and "blocks" not in result):
            problems += [method, refusal.error, *refusal.messages]
    if block_text_length(result.get("blocks", [])) > BLOCK_TEXT_BUDGET:
        problems.append(f"block text {block_text_length(result['blocks'])} > {BLOCK_TEXT_BUDGET}")
    return problems


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_stays_inside_slacks_rules_with_maximal_input(name: str) -> None:
    @EXAMPLES
    @given(BUILDERS[name])
    def check(builds: list[Build]) -> None:
        for build in builds:
            problems = refusals(build())
            assert not problems, problems

    check()


def _builders_of(module: Any, prefix: str) -> set[str]:
    """Public functions and renderer methods of ``module`` that return a view, blocks or a message."""
    found = set()
    returns = ("View", "Block", "dict[str, Any]", "ActionsBlock", "SectionBlock")
    for name, member in inspect.getmembers(module):
        if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(member) and any(r in str(member.__annotations__.get("return")) for r in returns):
            found.add(f"{prefix}.{name}")
        elif inspect.isclass(member) and name.endswith("Renderer"):
            found |= {f"{prefix}.{name}.{method}" for method in vars(member) if not method.startswith("_")
                      and method != "when"}  # fmt: skip
    return found


def _modules(name: str) -> list[Any]:
    """The module ``name``, or a package's modules (a feature's views split by surface)."""
    module = importlib.import_module(name)
    if not hasattr(module, "__path__"):
        return [module]
    return [importlib.import_module(f"{name}.{m.name}") for m in pkgutil.iter_modules(module.__path__)]


def test_every_builder_is_driven() -> None:
    expected = set()
    for feature in ("report", "draft", "application", "account", "common", "home", "help"):
        for module in _modules(f"handlers.{feature}.views"):
            expected |= _builders_of(module, f"{feature}.views")
    for feature in ("draft", "application"):  # their messages' builders
        expected |= _builders_of(importlib.import_module(f"handlers.{feature}.renderer"), f"{feature}.renderer")

    assert expected - set(BUILDERS) == set(), "a builder without a strategy in BUILDERS"
    assert set(BUILDERS) - expected == set(), "BUILDERS names a builder that is gone"
