"""The playground end to end, in-process: its page API acting as people, the real bot in its own process."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog import t
from playground.runner import Playground
from tests.playground.support import (
    HEAD,
    PUBINFO,
    PUBLIC_INFO_CHANNEL,
    STAFF,
    Json,
    PageClient,
    dm,
    running_playground,
    until,
)
from tests.support.report import report_values

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    with running_playground(tmp_path_factory.mktemp("playground")) as running:
        yield running


@pytest.fixture(scope="module")
def page(playground: Playground) -> PageClient:
    return PageClient(playground.url)


def block_html(html: str, block_id: str) -> str:
    """The part of a rendered view from ``block_id``'s block up to the next block."""
    _, _, rest = html.partition(f'data-block-id="{block_id}"')
    return rest.split("data-block-id=", 1)[0]


def button(playground: Playground, channel: str, action_id: str) -> tuple[str, Json]:
    """The newest message in ``channel`` with a button ``action_id``, and the action a click sends."""
    for message in reversed(playground.workspace.conversations[channel].messages):
        for block in message.fields.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == action_id:
                    action = {**element, "block_id": block["block_id"], "action_ts": f"{time.time():.6f}"}
                    return message.ts, action
    raise AssertionError(f"no {action_id} button in {channel}")


def open_report(page: PageClient, playground: Playground, user: str) -> Json:
    before = page.state(user)["modal"]
    page.post("/api/command", user=user, channel=dm(user), text="/sns-report")
    return until(playground, lambda: (m := page.state(user)["modal"]) and m != before and m, what="the report modal")


def submit(page: PageClient, user: str, modal: Json, values: dict[str, Any]) -> Json:
    return page.post("/api/submit", user=user, view_id=modal["id"], state=values)


def report(summary: str = "観光イベントの投稿に批判的な返信が急増", **fields: Any) -> dict[str, Any]:
    """A report's form values: two URLs of their own, or a report of the same posts would join the first case."""
    post = time.monotonic_ns()
    urls = f"https://x.com/soja_city/status/{post}\nhttps://x.com/soja_city/status/{post + 1}"
    discovered = int(time.time()) - 600
    return report_values(summary=summary, discovered_at=discovered, **{"urls": urls, **fields})


def test_the_page_and_its_setup_are_served(page: PageClient) -> None:
    status, setup = page.request("GET", "/api/setup")
    index_status, index = page.request("GET", "/")

    assert status == index_status == 200
    assert '<script type="module" src="/static/app.js">' in index
    assert {c["command"] for c in setup["commands"]} >= {"/sns-report", "/sns-draft", "/sns-account", "/sns-help"}
    assert setup["shortcuts"] == [{"name": "SNS事案として報告", "callback_id": "report.shortcut"}]
    people = {p["id"]: p for p in setup["people"]}
    assert people[HEAD]["name"] == "観光 一郎"
    assert "所属長（観光プロモーション課）" in people[HEAD]["roles"]
    assert people[PUBINFO]["roles"] == ["市政情報課"]
    assert people["U0SECOFFICER"]["roles"] == ["情報セキュリティ責任者"]


def test_requests_are_refused_for_unknown_people_and_non_json_bodies(page: PageClient) -> None:
    unknown = page.request("POST", "/api/command", {"user": "U0NOBODY", "channel": "C0PLAYGROUND", "text": "/sns-help"})
    form = {"user": STAFF, "channel": "C0PLAYGROUND", "text": "hello"}
    cross_site = page.request("POST", "/api/post", form, content_type="application/x-www-form-urlencoded")

    assert unknown[0] == 400
    assert cross_site[0] == 400


def test_a_report_opens_a_modal_shows_errors_in_place_and_reaches_the_head_and_public_info(
    page: PageClient, playground: Playground
) -> None:
    modal = open_report(page, playground, STAFF)
    assert 'data-block-id="report.urls"' in modal["html"]

    refused = submit(page, STAFF, modal, report(urls="これはURLではない"))
    shown = until(playground, lambda: page.state(STAFF)["modal"])
    error = t("report.error.urls.invalid", items="「これはURLではない」")
    assert refused["status"] == 200
    assert error in block_html(shown["html"], "report.urls")
    assert error not in block_html(shown["html"], "report.summary")

    submit(page, STAFF, modal, report(summary=f"{SCRIPT} 批判が急増"))
    received = until(playground, lambda: (m := page.state(STAFF)["modal"]) and m["hash"] != shown["hash"] and m)
    assert received["id"] == modal["id"]  # response_action update keeps the view
    head = until(playground, lambda: page.state(HEAD)["messages"], what="the head's copy")
    channel = until(playground, lambda: page.state(PUBINFO, PUBLIC_INFO_CHANNEL)["messages"])

    for messages in (head, channel):
        html = messages[0]["html"]
        assert "批判が急増" in html
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    assert page.state("U0STAFF2", dm(HEAD))["messages"] == []  # someone else's DM is not shown


def test_acknowledging_a_copy_rewrites_it_for_everyone(page: PageClient, playground: Playground) -> None:
    modal = open_report(page, playground, STAFF)
    submit(page, STAFF, modal, report(kind="impersonation", summary="なりすましアカウント"))
    until(playground, lambda: any("なりすまし" in m["html"] for m in page.state(HEAD)["messages"]))
    ts, action = button(playground, dm(HEAD), "report.case.ack")

    answer = page.post("/api/action", user=HEAD, channel=dm(HEAD), ts=ts, actions=[action], state={})

    assert answer["status"] == 200
    acknowledged = until(
        playground,
        lambda: [m for m in page.state(PUBINFO, PUBLIC_INFO_CHANNEL)["messages"] if "受領済み（観光 一郎" in m["html"]],
        what="the 市政情報課 copy naming who acknowledged",
    )
    assert acknowledged[0]["edited"]


def test_a_command_answer_is_shown_only_to_its_typist(page: PageClient, playground: Playground) -> None:
    answer = page.post("/api/command", user=PUBINFO, channel="C0PLAYGROUND", text="/sns-report list")

    listed = until(playground, lambda: [m for m in page.state(PUBINFO, "C0PLAYGROUND")["messages"] if m["ephemeral"]])
    assert answer["status"] == 200
    assert re.search(r"SNS-\d{4}-\d{4}", listed[0]["html"])  # case numbers carry the year the playground runs in
    assert not any(m["ephemeral"] for m in page.state(STAFF, "C0PLAYGROUND")["messages"])


def test_the_message_shortcut_opens_the_report_form_prefilled(page: PageClient, playground: Playground) -> None:
    page.post("/api/post", user="U0STAFF2", channel="C0PLAYGROUND", text="気になる投稿 https://x.com/a/status/99")
    ts = page.state("U0STAFF2", "C0PLAYGROUND")["messages"][-1]["ts"]

    page.post("/api/shortcut", user="U0STAFF2", channel="C0PLAYGROUND", ts=ts, callback_id="report.shortcut")

    modal = until(playground, lambda: page.state("U0STAFF2")["modal"])
    assert "https://x.com/a/status/99" in block_html(modal["html"], "report.urls")
    page.post("/api/close", user="U0STAFF2", view_id=modal["id"])
    assert page.state("U0STAFF2")["modal"] is None


def test_app_home_is_published_when_opened(page: PageClient, playground: Playground) -> None:
    page.post("/api/home", user=HEAD)

    home = until(playground, lambda: page.state(HEAD)["home"])
    assert 'class="bk-view bk-view-home' in home["html"]


def test_a_message_slack_refuses_shows_a_notice_to_those_in_the_channel(
    page: PageClient, playground: Playground
) -> None:
    client = WebClient(base_url=playground.stand_in.api_url, token="xoxb-test", retry_handlers=[])
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": SCRIPT * 10}}]

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0PLAYGROUND", text="fallback", blocks=blocks)

    [notice] = [r for r in page.state(STAFF, "C0PLAYGROUND")["refusals"] if r["method"] == "chat.postMessage"]
    assert notice["error"] == "invalid_blocks"
    assert notice["where"] == "channel"
    assert notice["messages"] == ["must be less than 151 characters [json-pointer:/blocks/0/text/text]"]
    assert not any(r["method"] == "chat.postMessage" for r in page.state(STAFF, dm(STAFF))["refusals"])
    assert "fallback" not in str(page.state(STAFF, "C0PLAYGROUND")["messages"])


def test_time_travel_runs_the_reminder_sweep_and_shows_what_it_sent(page: PageClient, playground: Playground) -> None:
    modal = open_report(page, playground, "U0STAFF2")
    submit(page, "U0STAFF2", modal, report(summary="誰も受領しない炎上"))
    until(playground, lambda: any("誰も受領しない" in m["html"] for m in page.state(HEAD)["messages"]))
    later = datetime.now().astimezone() + timedelta(hours=2)  # clock-ok: the playground runs on it

    result = page.post("/api/time-travel", user=HEAD, at=later.isoformat())

    assert "delivered:" in result["output"]
    assert {s["channel_name"] for s in result["sent"]} >= {"市政情報課"}


def test_the_metrics_panel_shows_the_bots_metrics(page: PageClient) -> None:
    def panel() -> dict[str, str]:
        status, answer = page.request("GET", "/api/metrics")
        assert status == 200
        return {row["label"]: row["value"] for row in answer["rows"]}

    before = panel()
    page.post("/api/command", user=PUBINFO, channel="C0PLAYGROUND", text="/sns-help")
    after = panel()

    requests = t("playground.metrics.requests")
    assert int(after[requests]) == int(before[requests]) + 1
    assert after[t("playground.metrics.ack_average")].endswith(" ms")
    assert set(after) >= {t("playground.metrics.cases_open"), t("playground.metrics.outbox_waiting")}
