"""storage/summary.py on a real database: what the monthly summary counts as overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from storage import summary
from storage.db import SessionFactory
from storage.models import Account, AccountState

TODAY = date(2026, 12, 1)
MONTH = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def _account(url: str, *, changed: date, reviewed: date, state: AccountState = AccountState.ACTIVE) -> Account:
    return Account(
        platform="x", name=url, url=url, department_id="kanko", department_name="観光プロモーション課",
        managers=["U0STAFF01"], state=state, password_changed_on=changed, review_interval_days=180,
        last_review_on=reviewed, registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
    )  # fmt: skip


@pytest.fixture
def register(sessions: SessionFactory) -> SessionFactory:
    with sessions.begin() as session:
        session.add_all([
            _account("https://x.com/a", changed=date(2026, 9, 1), reviewed=date(2026, 6, 1)),  # review due 11-28
            _account("https://x.com/b", changed=date(2026, 11, 1), reviewed=date(2026, 6, 4)),  # due 12-01: not yet
            _account("https://x.com/c", changed=date(2026, 1, 1), reviewed=date(2025, 1, 1),
                     state=AccountState.DELETED),
        ])  # fmt: skip
    return sessions


@pytest.mark.parametrize(("rotation_days", "overdue"), [(90, 1), (91, 0), (29, 2)])
def test_a_password_is_overdue_once_the_rotation_days_have_passed(
    register: SessionFactory, rotation_days: int, overdue: int
) -> None:
    with register() as session:
        figures = summary.month(session, *MONTH, rotation_days, TODAY)

    assert figures.overdue_passwords == overdue


def test_reviews_past_their_due_day_are_overdue_and_deleted_accounts_count_only_by_state(
    register: SessionFactory,
) -> None:
    with register() as session:
        figures = summary.month(session, *MONTH, 90, TODAY)

    assert figures.overdue_reviews == 1
    assert figures.accounts == {AccountState.ACTIVE: 2, AccountState.DELETED: 1}
