"""Maximal inputs for the view builders' property test (tests/test_builders_property.py): strategies for the
longest texts, URLs and names, and for snapshots of cases, drafts, applications and accounts full of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.mrkdwn import escape
from handlers.account.service import CRITERIA, AccountView, ReviewForm
from handlers.application import views as application_views
from handlers.application.domain import ApplicationSnapshot, Item
from handlers.draft.domain import Answer, DraftSnapshot, RequestView
from handlers.report.domain import Snapshot
from handlers.report.kinds import KINDS
from storage.audit_chain import Head
from storage.models import (
    Account,
    AccountState,
    Application,
    ApplicationStatus,
    Capacity,
    CaseKind,
    CaseStatus,
    DraftKind,
    DraftStatus,
    Platform,
    RequestRole,
)
from storage.summary import Figures
from tests.support.bot import APP_YAML

CONFIG = load_config(APP_YAML)
NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")
# Derandomized: the same examples on every run, so CI cannot turn red by chance (300 random ones passed too).
EXAMPLES = settings(
    max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- maximal inputs ---------------------------------------------------------------------------------

PATTERNS = ["&", "<>", "*_~<>&", "あ", "<!channel> & ", "a"]


def typed(length: int) -> st.SearchStrategy[str]:
    """Text a person may type into a field of ``length``: full, of characters that escape or format."""
    full = st.sampled_from(PATTERNS).map(lambda p: (p * length)[:length].strip() or "a")
    return st.one_of(full, st.text(alphabet="<>&*_~ あa\n", min_size=1, max_size=length))


def or_blank(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """An optional field: left blank (a blank must never make an empty text object) or filled to the brim."""
    return st.one_of(st.just(""), strategy)


def url(length: int = 2000) -> st.SearchStrategy[str]:
    return st.sampled_from(PATTERNS).map(lambda p: ("https://example.jp/?q=" + p * length)[:length])


NAME = st.one_of(typed(80).map(escape), st.integers(0, 9999).map(lambda n: f"<@U{n:08}>"))  # mrkdwn names
PEOPLE = st.lists(NAME, min_size=0, max_size=40)


def case_snapshot() -> st.SearchStrategy[Snapshot]:
    def build(kind: CaseKind, summary: str, urls: list[str], name: str, people: list[str], note: str) -> Snapshot:
        ticked = {item: (name, NOW, "https://example.jp/" + note[:1900]) for item in KINDS[kind].checklist}
        return Snapshot(
            id=1, number="SNS-2026-0001", kind=kind, capacity=Capacity.OFFICIAL, status=CaseStatus.RESOLVED,
            summary=summary, account=note[:200], urls=urls, discovered_at=NOW, created_at=NOW,
            department_name=name, reporter_name=name, reporter_count=20, acknowledged=(name, NOW),
            resolved=(name, NOW, "handled", note[:500]), officer_notified=None, committee_reported=None,
            checklist=ticked, recipients=people or [name],
        )  # fmt: skip

    return st.builds(
        build, st.sampled_from(list(CaseKind)), typed(3000), st.lists(url(), min_size=1, max_size=20), NAME,
        PEOPLE, or_blank(typed(2000)),
    )  # fmt: skip


def draft_snapshot() -> st.SearchStrategy[DraftSnapshot]:
    def build(kind: DraftKind, text: str, name: str, people: list[str], comment: str, link: str) -> DraftSnapshot:
        requests = [
            RequestView(id=i + 1, role=RequestRole.REVIEWER if kind == DraftKind.ANNOUNCEMENT else RequestRole.APPROVER,
                        user_id=f"U{i:08}", name=person, version=1, step=0, answer=Answer.RETURN, comment=comment,
                        answered_at=NOW, deputy=True)
            for i, person in enumerate(people or [name])
        ]  # fmt: skip
        findings = [{"severity": "block", "excerpt": text[:200], "message": name} for _ in range(30)]
        return DraftSnapshot(
            id=1, kind=kind, status=DraftStatus.PENDING, version=1, step=0, steps=3, author_name=name,
            department_name=name, account=text[:200], text=text, note=comment, corrects_url=link, consented=True,
            findings=findings, scheduled_at=NOW, submitted_at=NOW, published_url=link, requests=requests,
        )  # fmt: skip

    return st.builds(
        build, st.sampled_from(list(DraftKind)), typed(3000), NAME, PEOPLE, or_blank(typed(1000)), or_blank(url())
    )


def application_snapshot() -> st.SearchStrategy[ApplicationSnapshot]:
    limits = {**application_views.PAGE_ONE_LIMITS, **application_views.PAGE_TWO_LIMITS}

    def build(
        text: str, name: str, people: list[str], emergency: bool, status: ApplicationStatus
    ) -> ApplicationSnapshot:
        items: dict[str, Any] = {item.value: text[: limits.get(item.value, 1000)] for item in Item}
        items |= {Item.OFF_SITE.value: "allowed", Item.SERVER.value: "abroad", Item.RISK.value: "accepted"}
        return ApplicationSnapshot(
            id=1, platform=Platform.OTHER, status=status, emergency=emergency, purpose=text[:300], items=items,
            review_interval_days=3650, department_name=text[:80], filled_by="U1", filled_by_name=name, head_id="U2",
            head_name=name, staff_names=people[:10], created_at=NOW, submitted_at=NOW, decided_at=NOW,
            decided_by=name, decision_comment=text[:1000],
        )  # fmt: skip

    return st.builds(
        build, or_blank(typed(1000)), NAME, PEOPLE, st.booleans(), st.sampled_from(list(ApplicationStatus))
    )


def account_view() -> st.SearchStrategy[AccountView]:
    def build(name: str, link: str, people: list[str]) -> AccountView:
        return AccountView(
            id=1, platform=Platform.X, name=name[:200], url=link, department_name=name[:80], managers=people,
            state="active", password_changed_on=date(2026, 1, 1), next_review_on=date(2026, 12, 1),
            withdrawal_notice_until=date(2026, 12, 31), announced_in_account=False, announced_on_site=False,
            public_policy_url=link, send_only=True,
        )  # fmt: skip

    return st.builds(build, typed(200), url(), st.lists(st.just("U0HEADKANKO"), max_size=40))


def application_row(text: str) -> Application:
    return Application(
        id=1, platform=Platform.OTHER, department_name=text[:80], purpose=text[:300], status=ApplicationStatus.APPROVED
    )


def account_row(text: str) -> Account:
    return Account(id=1, platform=Platform.X, name=text[:200], state=AccountState.ACTIVE)


REVIEW = st.builds(
    ReviewForm, typed(2000), st.just("partly"), st.just("withdraw"), st.just(list(CRITERIA)), typed(1000)
)
FIGURES = Figures(
    reports={(k, s): 99999 for k in CaseKind for s in CaseStatus},
    decisions={"approve": 9999, "return": 9999, "reject": 9999},
    accounts={"active": 9999, "withdrawing": 9999},
    overdue_passwords=9999,
    overdue_reviews=9999,
    missing_policies=9999,
    audit_head=Head(id=99999999, seq=99999999, hash="f" * 64),
)
