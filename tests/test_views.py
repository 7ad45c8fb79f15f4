"""Block Kit builders: pure, within Slack's limits (slack_sdk validates them on to_dict)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import HeaderBlock

from bot.config import load_config
from handlers.common.failure import failure_modal
from handlers.help.views import guideline_blocks, help_message
from handlers.home.views import home_view
from tests.support.bot import APP_YAML
from tests.test_report_views import snapshot

CONFIG = load_config(APP_YAML)


def test_the_guideline_summary_fits_slacks_limits() -> None:
    blocks = [b.to_dict() for b in guideline_blocks(CONFIG.organization.name, CONFIG.offices)]

    assert len(blocks) <= 50  # a message's limit
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_the_summary_names_the_offices_from_app_yaml() -> None:
    offices = CONFIG.offices.model_copy(
        update={"general_affairs": CONFIG.offices.general_affairs.model_copy(update={"name": "総務課（新）"})}
    )
    text = str([b.to_dict() for b in guideline_blocks("総社市", offices)])

    assert "総務課（新）" in text
    assert "総社市の代表" in text


def test_help_is_ephemeral_with_a_text_fallback() -> None:
    message = help_message(CONFIG.organization.name, CONFIG.offices)

    assert message["response_type"] == "ephemeral"
    assert message["text"] == "SNS活用ガイドライン（要点）"


def test_home_view_is_a_valid_home_tab_with_the_guideline_last() -> None:
    guideline = guideline_blocks(CONFIG.organization.name, CONFIG.offices)
    view = home_view([], [], [], guideline).to_dict()

    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    assert view["blocks"][-len(guideline) :] == [b.to_dict() for b in guideline]
    assert "決裁待ちの下書きはありません" in str(view)


def test_failure_modal_quotes_the_reference() -> None:
    view = failure_modal("ab12cd34").to_dict()

    assert view["title"]["text"] == "エラーが発生しました"
    assert "ab12cd34" in view["blocks"][0]["text"]["text"]


def test_slack_sdk_rejects_a_too_long_japanese_header() -> None:
    # The guard the builders rely on: a limit broken in a builder fails in the tests, not in Slack.
    with pytest.raises(SlackObjectFormationError):
        HeaderBlock(text="長" * 151).to_dict()


def test_home_shows_a_reported_case_at_the_stage_its_copies_show() -> None:
    acknowledged = snapshot(acknowledged=("観光 一郎", datetime(2026, 11, 26, 0, 30, tzinfo=UTC)))
    view = str(home_view([], [], [acknowledged, snapshot(number="SNS-2026-0002")], []).to_dict())

    assert "SNS-2026-0001 炎上・受領済み" in view
    assert "SNS-2026-0002 炎上・未受領" in view
