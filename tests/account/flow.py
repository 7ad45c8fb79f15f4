"""Driving /sns-account's register, reminders and withdrawal end to end in tests on SQLite and PostgreSQL, with time
controlled by a FrozenClock (2026-11-26 09:00 JST, a Thursday). app.yaml: kanko's head U0HEADKANKO,
staff U0STAFF1/U0STAFF2; 市政情報課 C0PUBLICINFO with U0PUBINFO1; password rotation 90 days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers.account import jobs
from playground.slack_api import SlackStandIn
from storage.models import Account, AccountState, Application, ApplicationStatus
from tests.support.bot import RunningBot
from tests.support.clock import FrozenClock
from tests.support.flow import as_opened, delivered, posts, strings
from tests.support.slack_requests import Reply, block_action, interactive, send, view_submission

HEAD, STAFF1, STAFF2, PUBINFO = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1"
JST = timedelta(hours=9)
POLICY = "https://www.city.soja.okayama.jp/sns/"  # a 公開用運用ポリシー: its reminder is tested on its own


def jst(*args: int) -> datetime:
    """A wall-clock time in Tokyo, as the aware UTC instant the clock gives."""
    return datetime(*args, tzinfo=UTC) - JST


def seed_application(bot: RunningBot, status: ApplicationStatus = ApplicationStatus.APPROVED) -> int:
    with bot.service.runtime.sessions.begin() as session:
        application = Application(
            platform="x", status=status, emergency=False, purpose="観光情報の発信", items={}, review_interval_days=180,
            department_id="kanko", department_name="観光プロモーション課", filled_by=HEAD, filled_by_name="観光 一郎",
            head_id=HEAD, created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(application)
        session.flush()
        return application.id


def seed_account(bot: RunningBot, *, changed: date, reviewed: date = date(2026, 11, 1), interval: int = 180,
                 name: str = "総社市観光", policy: str | None = POLICY) -> int:  # fmt: skip
    with bot.service.runtime.sessions.begin() as session:
        account = Account(
            platform="x", name=name, url="https://x.com/soja_kanko", department_id="kanko",
            department_name="観光プロモーション課", managers=[STAFF1, STAFF2], state=AccountState.ACTIVE,
            password_changed_on=changed, review_interval_days=interval, last_review_on=reviewed,
            registered_at=datetime(2026, 1, 1, tzinfo=UTC), registered_by="import",
            public_policy_url=policy,
        )  # fmt: skip
        session.add(account)
        session.flush()
        return account.id


def account(bot: RunningBot) -> Account:
    with bot.service.runtime.sessions() as session:
        found = session.scalars(select(Account)).one()
        session.expunge(found)
        return found


def sweep_at(bot: RunningBot, clock: FrozenClock, at: datetime) -> int:
    clock.advance(seconds=(at - clock.now()).total_seconds())
    sent = jobs.sweep(bot.service.runtime)
    delivered(bot)
    return sent


def press(bot: RunningBot, fake: SlackStandIn, action_id: str, account_id: int, *, user_id: str,
          task: str | None = None, name: str = "press") -> Reply:  # fmt: skip
    payload = block_action(action_id, user_id=user_id, value=json.dumps({"v": 1, "account_id": account_id,
                                                                         "task": task}))  # fmt: skip
    payload["response_url"] = fake.response_url(name)
    return send(bot.url, interactive(payload))


def dms(fake: SlackStandIn, user_id: str, text: str) -> list[Any]:
    return [c for c in posts(fake, user_id) if text in strings(c.args)]


def review_values(decision: str, criteria: list[str]) -> dict[str, Any]:
    values = {
        "account.review.indicators": {"type": "plain_text_input", "value": "フォロワー数 1,200（目標 1,000）"},
        "account.review.goal_reached": {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        "account.review.decision": {"type": "radio_buttons", "selected_option": {"value": decision}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": [{"value": c} for c in criteria]},
        "account.review.note": {"type": "plain_text_input", "value": None},
    }
    return {block: {block: element} for block, element in values.items()}


def submit_review(bot: RunningBot, account_id: int, decision: str, criteria: list[str], user_id: str = HEAD) -> Reply:
    payload = view_submission("account.review.submit", user_id=user_id, values=review_values(decision, criteria))
    payload["view"]["private_metadata"] = json.dumps({"v": 1, "account_id": account_id, "task": None})
    return send(bot.url, interactive(as_opened(bot, payload)))
