"""/sns-account's builders: pure, escaped, and within Slack's limits in the worst case."""

from __future__ import annotations

import json
from datetime import date

from handlers.account.service import AccountView, ReviewForm
from handlers.account.views import AccountRenderer, account_list, register_modal, review_modal, withdraw_modal
from storage.models import Account, AccountState, Application
from storage.summary import Figures

RENDER = AccountRenderer()
HOSTILE = "<!channel> & <@U0PUBINFO1>"


def view(**changes: object) -> AccountView:
    fields: dict[str, object] = {
        "id": 1,
        "platform": "x",
        "name": "総社市観光",
        "url": "https://x.com/soja",
        "department_name": "観光プロモーション課",
        "managers": ["U0STAFF1"],
        "state": AccountState.ACTIVE,
        "password_changed_on": date(2026, 8, 30),
        "next_review_on": date(2027, 4, 30),
        "withdrawal_notice_until": date(2026, 12, 26),
        "announced_in_account": False,
        "announced_on_site": False,
    }
    return AccountView(**{**fields, **changes})  # type: ignore[arg-type]


def test_every_reminder_and_notice_fits_and_escapes() -> None:
    hostile = view(name=HOSTILE * 20, url="https://x.com/" + "a" * 1900, department_name=HOSTILE)
    messages = [
        RENDER.reminder(hostile, kind, due_on=date(2026, 11, 28), today=date(2026, 11, 30), days=90,
                        criteria=["security"])
        for kind in ("password", "password_snooze", "password_overdue", "review", "withdrawal", "deletion")
    ] + [
        RENDER.office_notice("registered", account=hostile),
        RENDER.office_notice("orphaned", account=hostile),
        RENDER.office_notice("review", account=hostile, by="市政 花子",
                             review=ReviewForm(HOSTILE * 100, "yes", "withdraw", ["quality"], HOSTILE)),
        RENDER.office_notice("withdrawal", account=hostile, immediate=True, criteria=["security"]),
        RENDER.office_notice("deleted", account=hostile, by="市政 花子"),
        RENDER.office_notice("summary", month="2026年11月", figures=Figures({("flame", "open"): 3}, {"approve": 2},
                                                                           {"active": 4}, 1, 0, None)),
    ]  # fmt: skip
    text = json.dumps(messages, ensure_ascii=False)
    assert "<!channel>" not in text
    assert "<@U0PUBINFO1>" not in text


def test_the_password_reminder_offers_changed_and_one_snooze() -> None:
    message = RENDER.reminder(view(), "password", due_on=date(2026, 11, 28), today=date(2026, 11, 30),
                              days=90)  # fmt: skip
    actions = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["account.password.changed", "account.password.snooze"]
    assert "パスワードはこのボットに入力しないでください" in json.dumps(message, ensure_ascii=False)


def test_modals_fit_slacks_limits() -> None:
    approved = [Application(id=n, platform="x", department_name="観光プロモーション課", purpose="目" * 3000)
                for n in range(1, 120)]  # fmt: skip
    accounts = [Account(id=n, platform="line", name="名" * 200) for n in range(1, 120)]
    for modal in (register_modal(approved, date(2026, 11, 30)), review_modal(view(), "指" * 5000),
                  withdraw_modal(accounts)):  # fmt: skip
        shown = modal.to_dict()
        assert len(shown["title"]["text"]) <= 24


def test_a_long_register_fits_one_message() -> None:
    many = [view(id=n, name=f"アカウント{n}" * 10) for n in range(300)]
    message = account_list(many, [], {3}, lambda user: user)

    assert len(message["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"])
    assert "管理者が全員設定から外れています" in json.dumps(message, ensure_ascii=False)
