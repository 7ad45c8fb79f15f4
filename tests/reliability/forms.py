"""The values of the modals the reliability scenarios submit (applications, account reviews and registrations),
block by block as view.state.values carries them, and numbers unique in a run for ids and URLs."""

from __future__ import annotations

import itertools
from typing import Any

from tests.reliability.world import STAFF1, STAFF2

_ids = itertools.count(1)


def unique() -> int:
    """A number never used before in this run: ids of views, URLs, timestamps."""
    return next(_ids)


def page_one(**overrides: Any) -> dict[str, Any]:
    texts = {
        "purpose": "観光イベントと季節の見どころを市外の若い世代に届けるため。",
        "audience": "市外に住む20〜30代",
        "content": "イベント案内（決裁不要）。市の方針に関わる発信は決裁を受ける。",
        "setup": "通常時は担当2名で相互確認。",
        **overrides,
    }
    values: dict[str, Any] = {f"application.{k}": {"type": "plain_text_input", "value": v} for k, v in texts.items()}
    values["application.platform"] = {"type": "static_select", "selected_option": {"value": "x"}}
    values["application.platform_other"] = {"type": "plain_text_input", "value": None}
    values["application.staff"] = {"type": "multi_users_select", "selected_users": [STAFF1, STAFF2]}
    values["application.emergency"] = {"type": "checkboxes", "selected_options": []}
    return values


def page_two(**overrides: Any) -> dict[str, Any]:
    texts = {
        "frequency": "週2回",
        "method": "予約投稿を使い、平日の勤務時間内に投稿",
        "responses": "原則として個別の返信はしない",
        "policy_place": "市ホームページの観光ページ",
        "account_name": "総社市観光プロモーション課",
        "account_info": "課の共用メールアドレス",
        "passwords": "課長と担当者のみが知り、90日ごとに変更",
        "risk_reason": "公開情報のみ発信するため許容できる",
        "indicators": "フォロワー数、投稿ごとの閲覧数",
        **overrides,
    }
    values: dict[str, Any] = {f"application.{k}": {"type": "plain_text_input", "value": v} for k, v in texts.items()}
    values["application.off_site"] = {"type": "radio_buttons", "selected_option": {"value": "emergency_only"}}
    values["application.server"] = {"type": "radio_buttons", "selected_option": {"value": "abroad"}}
    values["application.risk"] = {"type": "radio_buttons", "selected_option": {"value": "accepted"}}
    values["application.interval"] = {"type": "number_input", "value": "90"}
    return values


def review_values(note: str | None = None, indicators: str = "フォロワー数 1,200") -> dict[str, Any]:
    return {
        "account.review.indicators": {"type": "plain_text_input", "value": indicators},
        "account.review.goal_reached": {"type": "radio_buttons", "selected_option": {"value": "yes"}},
        "account.review.decision": {"type": "radio_buttons", "selected_option": {"value": "continue"}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": []},
        "account.review.note": {"type": "plain_text_input", "value": note},
    }


def withdraw_values(account_id: int) -> dict[str, Any]:
    return {
        "account.withdraw.account": {"type": "static_select", "selected_option": {"value": str(account_id)}},
        "account.review.criteria": {"type": "checkboxes", "selected_options": [{"value": "no_prospect"}]},
        "account.withdraw.mode": {"type": "radio_buttons", "selected_option": {"value": "notice"}},
    }


def register_values(
    application_id: int,
    *,
    name: str = "総社市観光",
    url: str | None = None,
    policy: str = "https://www.city.soja.okayama.jp/sns",
) -> dict[str, Any]:
    return {
        "account.register.application": {"type": "static_select", "selected_option": {"value": str(application_id)}},
        "account.register.name": {"type": "plain_text_input", "value": name},
        "account.register.url": {"type": "plain_text_input", "value": url or f"https://x.com/kanko_{unique()}"},
        "account.register.managers": {"type": "multi_users_select", "selected_users": [STAFF1, STAFF2]},
        "account.register.policy_url": {"type": "plain_text_input", "value": policy},
        "account.register.send_only": {"type": "checkboxes", "selected_options": []},
        "account.register.links": {"type": "checkboxes", "selected_options": [{"value": "to_site"}]},
        "account.register.password_changed_on": {"type": "datepicker", "selected_date": "2026-11-20"},
    }


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}
