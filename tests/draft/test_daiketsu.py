"""/sns-draft end to end: the real HTTP endpoint, signed requests, the delivery worker and the fake Slack, on
SQLite and PostgreSQL. 代決 and 後閲: while every approver of a step is away, the department's 代決者 decides.
The rules themselves: tests/test_draft_rules.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.catalog import t
from playground.slack_api import SlackStandIn
from storage.models import AuditEntry, DraftRequest
from tests.draft.flow import (
    AUTHOR,
    DEPUTY,
    HEAD,
    OFFICIAL,
    dm_posts,
    draft,
    press,
    request_of,
    submit,
)
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import audit_actions, delivered, strings, unpaced_config
from tests.support.slack_requests import event_callback, send, slash_command

# -- 代決 and 後閲 ----------------------------------------------------------------------------------

DAIKETSU = "U0DAIKETSU"


@pytest.fixture
def deputy_bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    path = unpaced_config(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["departments"][0]["deputies"] = [DAIKETSU]
    config["people"][DAIKETSU] = "代決 三郎"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with running_bot(fake_slack, database_url, clock=clock, config_path=path) as running:
        yield running


def absent(bot: RunningBot, fake: SlackStandIn, user_id: str, *words: str) -> str:
    name = f"absent-{user_id}-{len(fake.calls)}"
    body = slash_command(
        "/sns-draft", user_id=user_id, text=" ".join(["absent", *words]), response_url=fake.response_url(name)
    )
    assert send(bot.url, body).status == 200
    (reply,) = fake.wait_for("response_url", where=lambda c: c.args["response_url"] == fake.response_url(name))
    return reply.args["text"]


def test_while_every_approver_is_away_a_deputy_decides_and_they_read_it_afterwards(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    assert absent(deputy_bot, fake_slack, HEAD, "on") == t("draft.absent.on")
    assert absent(deputy_bot, fake_slack, DEPUTY, "2026-11-20", "2026-11-30").startswith("2026-11-20 から 2026-11-30")

    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(deputy_bot)
    (ask,) = dm_posts(fake_slack, DAIKETSU)
    assert t("draft.request.deputy") in strings(ask.args)

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)
    delivered(deputy_bot)

    assert draft(deputy_bot).status == "approved"
    for away in (HEAD, DEPUTY):
        notices = [c for c in dm_posts(fake_slack, away) if "【後閲】" in strings(c.args)]
        assert len(notices) == 1
        assert OFFICIAL in strings(notices[0].args)


def submitted_while_both_approvers_are_away(bot: RunningBot, fake: SlackStandIn) -> None:
    """An official view for 決裁 by HEAD and DEPUTY, submitted and delivered while both are away."""
    absent(bot, fake, HEAD, "on")
    absent(bot, fake, DEPUTY, "on")
    submit(bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(bot)


def test_a_deputys_decision_is_recorded_as_daiketsu_on_behalf_of_the_absent_approvers(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)
    delivered(deputy_bot)

    with deputy_bot.service.runtime.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.approve")).one()
        decided = session.scalars(select(DraftRequest).where(DraftRequest.answer == "approve")).one()
    assert (entry.actor_id, entry.after["deputy"], entry.after["on_behalf_of"]) == (DAIKETSU, True, [HEAD, DEPUTY])
    assert (decided.user_id, decided.deputy) == (DAIKETSU, True)
    told = t("draft.deputy_for", name="代決 三郎", approvers="観光 一郎、観光 次郎")
    assert any(told in strings(c.args) for c in dm_posts(fake_slack, AUTHOR))


def test_a_deputy_cannot_decide_once_an_approver_is_back(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)
    assert absent(deputy_bot, fake_slack, DEPUTY, "off") == t("draft.absent.off")
    fake_slack.clear()

    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DAIKETSU), user_id=DAIKETSU)

    (refusal,) = fake_slack.wait_for("response_url")
    assert refusal.args["text"] == t("draft.error.approvers_back")
    assert draft(deputy_bot).status == "pending"
    assert audit_actions(deputy_bot)[-1] == "draft.denied"
    # The approver who came back decides.
    press(deputy_bot, fake_slack, "draft.decision.approve", *request_of(deputy_bot, DEPUTY), user_id=DEPUTY)
    delivered(deputy_bot)
    assert draft(deputy_bot).status == "approved"


def awaiting_in_home(bot: RunningBot, fake: SlackStandIn, user_id: str) -> list[str]:
    """The approve buttons' request ids App Home offers ``user_id``."""
    fake.clear()
    event = event_callback({"type": "app_home_opened", "user": user_id, "tab": "home"})
    assert send(bot.url, event, content_type="application/json").status == 200
    (published,) = fake.wait_for("views.publish")
    blocks = published.args["view"]["blocks"]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return [json.loads(e["value"])["request_id"] for e in buttons if e["action_id"] == "draft.decision.approve"]


def test_app_home_offers_a_deputy_the_draft_only_while_every_approver_is_away(
    deputy_bot: RunningBot, fake_slack: SlackStandIn
) -> None:
    submitted_while_both_approvers_are_away(deputy_bot, fake_slack)
    request, _ = request_of(deputy_bot, DAIKETSU)
    assert awaiting_in_home(deputy_bot, fake_slack, DAIKETSU) == [request.id]

    absent(deputy_bot, fake_slack, HEAD, "off")

    assert awaiting_in_home(deputy_bot, fake_slack, DAIKETSU) == []
    assert awaiting_in_home(deputy_bot, fake_slack, HEAD) == [request_of(deputy_bot, HEAD)[0].id]


def test_no_deputy_is_asked_while_an_approver_is_in(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    absent(deputy_bot, fake_slack, HEAD, "on")

    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[HEAD, DEPUTY])
    delivered(deputy_bot)

    assert dm_posts(fake_slack, DAIKETSU) == []


def test_going_away_offers_waiting_drafts_to_the_deputy(deputy_bot: RunningBot, fake_slack: SlackStandIn) -> None:
    submit(deputy_bot, text=OFFICIAL, kind="official_view", approvers=[DEPUTY])
    delivered(deputy_bot)
    assert dm_posts(fake_slack, DAIKETSU) == []

    reply = absent(deputy_bot, fake_slack, DEPUTY, "on")

    assert t("draft.absent.offered", count=1) in reply
    delivered(deputy_bot)
    assert len(dm_posts(fake_slack, DAIKETSU)) == 1
    assert absent(deputy_bot, fake_slack, DEPUTY, "off") == t("draft.absent.off")
    assert absent(deputy_bot, fake_slack, DEPUTY, "someday") == t("draft.absent.usage")
