"""/sns-draft end to end: the real HTTP endpoint, signed requests, the delivery worker and the fake Slack, on
SQLite and PostgreSQL. Bad input, the linter's findings, /sns-check, App Home and retried submissions.
The rules themselves: tests/test_draft_rules.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import Draft, OutboxMessage
from tests.draft.flow import (
    ANNOUNCEMENT,
    AUTHOR,
    DEPUTY,
    OFFICIAL,
    STAFF2,
    dm_posts,
    draft,
    press,
    request_of,
    submit,
    values,
)
from tests.support.bot import RunningBot
from tests.support.flow import as_opened, audit_actions, count, delivered, strings
from tests.support.slack_requests import event_callback, interactive, send, slash_command
from tests.support.slack_requests import view_submission as submission

# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "block", "message"),
    [
        ({"text": ""}, "draft.text", t("draft.error.text.required")),
        ({"text": "あ" * 10_001}, "draft.text", t("draft.error.text.too_long", limit=3000, length=10_001)),
        (
            {"kind": "official_view", "approvers": ["U0GONE"]},
            "draft.approvers",
            t("draft.error.approvers.unknown", names="<@U0GONE>"),
        ),
        ({"kind": "official_view", "approvers": []}, "draft.approvers", t("draft.error.approvers.required")),
        ({"reviewers": [AUTHOR]}, "draft.reviewers", t("draft.error.reviewers.self")),
        ({"corrects": "javascript:alert(1)"}, "draft.corrects", t("draft.error.corrects.invalid")),
    ],
    ids=[
        "empty text",
        "over 10,000 characters",
        "an approver who left",
        "no approver",
        "self review",
        "bad correction URL",
    ],
)
def test_bad_input_is_answered_in_the_modal_and_nothing_is_stored(
    bot: RunningBot, fake_slack: SlackStandIn, fields: dict[str, Any], block: str, message: str
) -> None:
    reply = submit(bot, **fields)

    assert reply.json() == {"response_action": "errors", "errors": {block: message}}
    assert (count(bot, Draft), count(bot, OutboxMessage)) == (0, 0)
    assert [a for a in audit_actions(bot) if a.startswith("draft.")] == []


def test_personal_information_blocks_until_consent_is_ticked(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    text = "お問い合わせは担当の山田（090-1234-5678）まで。"

    refused = submit(bot, text=text)
    assert refused.json()["response_action"] == "errors"
    assert "「090-1234-5678」" in refused.json()["errors"]["draft.text"]
    assert count(bot, Draft) == 0

    accepted = submit(bot, text=text, consent=True)
    assert accepted.json()["response_action"] == "update"
    assert "個人情報の可能性（電話番号）" in strings(accepted.json()["view"])


def test_repeating_the_same_text_for_an_account_is_a_finding(bot: RunningBot) -> None:
    submit(bot)
    again = submit(bot, text="  " + ANNOUNCEMENT.replace("11", "１１") + "  ")

    assert "繰り返し" in strings(again.json()["view"])


# -- /sns-check and App Home -----------------------------------------------------------------------


def test_sns_check_answers_with_the_findings_only_to_the_asker(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    body = slash_command(
        "/sns-check", user_id=STAFF2, text="××さんの噂、拡散希望", response_url=fake_slack.response_url("c")
    )

    assert send(bot.url, body).status == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    shown = strings(answer.args)
    assert "「××」" in shown
    assert "「噂」" in shown
    assert count(bot, Draft) == 0


def test_app_home_shows_what_waits_for_the_users_decision(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(bot)

    home = send(
        bot.url,
        event_callback({"type": "app_home_opened", "user": DEPUTY, "tab": "home"}),
        content_type="application/json",
    )

    assert home.status == 200
    (published,) = fake_slack.wait_for("views.publish")
    view = published.args["view"]
    assert OFFICIAL in strings(view)
    approve = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == "draft.decision.approve")  # fmt: skip

    # Deciding from App Home works like the DM (there is no channel to compare there).
    request, _ = request_of(bot, DEPUTY)
    assert json.loads(approve["value"])["request_id"] == request.id
    assert press(bot, fake_slack, "draft.decision.approve", request, None, user_id=DEPUTY).status == 200
    assert draft(bot).status == "approved"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("連絡先は０９０－１２３４－５６７８です", "「０９０－１２３４－５６７８」"),
        ("問い合わせ: yamada@example.jp", "「yamada@example.jp」"),
        ("○○課長が来ます", "「○○」"),
        ("詳細は未発表です", "「未発表」"),
        ("拡散希望！", "「拡散希望」"),
        ("詳しくは http://example.jp/ へ", "「http://example.jp/」"),
        ("あ" * 141, "X の上限を超えています"),
        ("2026-04-01 10:00〜12:00 入場料1,200円 第12回 予定どおり開催", t("draft.findings.clean")),
    ],
    ids=["phone", "email", "fuseji", "undecided", "flashpoint", "http", "length", "clean"],
)
def test_sns_check_finds_each_kind_of_problem_and_passes_clean_text(
    bot: RunningBot, fake_slack: SlackStandIn, text: str, found: str
) -> None:
    assert (
        send(bot.url, slash_command("/sns-check", text=text, response_url=fake_slack.response_url("c"))).status == 200
    )

    (answer,) = fake_slack.wait_for("response_url")
    assert found in strings(answer.args)


def test_a_retried_submission_makes_one_draft(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    payload = submission("draft.submit", user_id=AUTHOR, values=values(kind="official_view", approvers=[DEPUTY],
                                                                          text=OFFICIAL))  # fmt: skip
    payload["view"]["private_metadata"] = ""
    body = interactive(as_opened(bot, payload))

    first = send(bot.url, body)
    retried = send(bot.url, body, headers={"X-Slack-Retry-Num": "1"})
    delivered(bot)

    assert first.json() == retried.json()
    assert "繰り返し" not in strings(retried.json())  # its own first submission is no repetition
    assert count(bot, Draft) == 1
    assert len(dm_posts(fake_slack, DEPUTY)) == 1
