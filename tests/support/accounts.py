"""A registered account of the sample app.yaml's department, for tests of what is due on it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.models import Account, AccountState


def kanko_account() -> Account:
    """観光プロモーション課's X account, managed by U0STAFF1: password changed 2026-08-30, reviewed 2026-11-01."""
    return Account(
        platform="x", name="総社市観光", url="https://x.com/soja_kanko", department_id="kanko",
        department_name="観光プロモーション課", managers=["U0STAFF1"], state=AccountState.ACTIVE,
        password_changed_on=date(2026, 8, 30), review_interval_days=180, last_review_on=date(2026, 11, 1),
        registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
    )  # fmt: skip
