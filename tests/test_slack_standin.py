"""Tests of the loopback Slack fake itself, driven through the real slack_sdk / slack_bolt clients."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from playground.slack_api import SlackStandIn


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk routes even 127.0.0.1 through HTTP(S)_PROXY (it ignores NO_PROXY), which would bypass the fake.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def client(fake: SlackStandIn) -> WebClient:
    # No retry handlers: every injected fault must reach the test unchanged.
    return WebClient(base_url=fake.api_url, token="xoxb-test", retry_handlers=[])


def _post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type, **(headers or {})})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


def test_post_message_to_user_gets_dm_channel_and_increasing_ts(client: WebClient) -> None:
    first = client.chat_postMessage(channel="U123", text="こんにちは")
    second = client.chat_postMessage(channel="C999", text="again")

    assert first["channel"] == "D123"
    assert second["channel"] == "C999"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["text"] == "こんにちは"
    assert first["message"]["bot_id"] == "BBOT"


def test_update_ephemeral_delete_and_views(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="v1")
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    ephemeral = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    deleted = client.chat_delete(channel="C1", ts=posted["ts"])
    view = {"type": "modal", "title": {"type": "plain_text", "text": "申請"}, "blocks": []}
    opened = client.views_open(trigger_id="1.2.3", view=view)
    kept = client.views_update(view_id=opened["view"]["id"], view=view)
    pushed = client.views_push(trigger_id="1.2.3", view=view)
    published = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})

    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", posted["ts"], "v2")
    assert float(ephemeral["message_ts"]) > float(posted["ts"])
    assert (deleted["channel"], deleted["ts"]) == ("C1", posted["ts"])
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["title"]["text"] == "申請"
    assert opened["view"]["hash"]
    assert kept["view"]["id"] == opened["view"]["id"]
    assert pushed["view"]["id"] != opened["view"]["id"]
    assert published["view"]["type"] == "home"


def test_auth_users_and_conversations(fake: SlackStandIn, client: WebClient) -> None:
    fake.users["U42"] = "山田 太郎"

    auth = client.auth_test()
    user = client.users_info(user="U42")["user"]
    default = client.users_info(user="U7")["user"]
    dm = client.conversations_open(users="U42")

    assert (auth["user_id"], auth["bot_id"], auth["team_id"], auth["team"]) == ("UBOT", "BBOT", "T0TEST", "総社市")
    assert user["real_name"] == user["profile"]["display_name"] == "山田 太郎"
    assert user["tz"] == "Asia/Tokyo"
    assert default["id"] == "U7"
    assert default["real_name"]
    assert dm["channel"]["id"] == "D42"


def test_records_json_body_with_bearer_token(fake: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*投稿前チェック*"}}]
    client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)

    [call] = fake.calls_to("chat.postMessage")
    assert call.token == "xoxb-test"
    assert call.args == {"channel": "C1", "text": "fallback", "blocks": blocks}
    assert fake.calls == [call]
    fake.clear()
    assert fake.calls == []


def test_form_body_decodes_json_fields_and_keeps_scalars(fake: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "divider"}]
    client.api_call("chat.postMessage", data={"channel": "C1", "blocks": json.dumps(blocks), "unfurl_links": 0})
    body = b"token=xoxb-form&user=U9"
    status, answer = _post(fake.api_url + "users.info", body, "application/x-www-form-urlencoded")

    [form_post] = fake.calls_to("chat.postMessage")
    assert form_post.args == {"channel": "C1", "blocks": blocks, "unfurl_links": "0"}
    [info] = fake.calls_to("users.info")
    assert (status, answer["ok"], info.token, info.args) == (200, True, "xoxb-form", {"user": "U9"})


def test_not_authed_and_unknown_method(fake: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_token:
        WebClient(base_url=fake.api_url, retry_handlers=[]).chat_postMessage(channel="C1", text="x")
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("admin.users.remove")

    assert no_token.value.response["error"] == "not_authed"
    assert unknown.value.response["error"] == "unknown_method"
    assert [call.token for call in fake.calls] == [None, "xoxb-test"]


def test_rate_limit_is_visible_to_slack_sdk(fake: SlackStandIn, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})

    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="x")
    retried = client.chat_postMessage(channel="C1", text="x")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert limited.value.response["error"] == "ratelimited"
    assert retried["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_server_error_and_ok_false_error_with_times(fake: SlackStandIn, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("chat.postMessage", error="channel_not_found", times=2)

    with pytest.raises(SlackApiError) as server_error:
        client.chat_postMessage(channel="C1", text="x")
    errors = []
    for _ in range(2):
        with pytest.raises(SlackApiError) as not_found:
            client.chat_postMessage(channel="C1", text="x")
        errors.append((not_found.value.response.status_code, not_found.value.response["error"]))
    client.auth_test()  # faults are per method
    client.chat_postMessage(channel="C1", text="x")

    assert server_error.value.response.status_code == 500
    assert errors == [(200, "channel_not_found")] * 2
    assert len(fake.calls_to("chat.postMessage")) == 4


def test_latency_is_applied_to_every_answer(fake: SlackStandIn, client: WebClient) -> None:
    fake.latency = 0.2

    started = time.monotonic()
    client.auth_test()
    WebhookClient(fake.response_url("slow")).send(text="x")
    elapsed = time.monotonic() - started

    assert 0.4 <= elapsed < 2.0


def test_response_url_posts_are_recorded(fake: SlackStandIn) -> None:
    url = fake.response_url("cmd-1")

    response = WebhookClient(url).send(text="受け付けました", response_type="ephemeral")

    assert (response.status_code, json.loads(response.body)) == (200, {"ok": True})
    [call] = fake.wait_for("response_url")
    assert call.args == {"text": "受け付けました", "response_type": "ephemeral", "response_url": url}
    assert call.token is None


DUPLICATE_ACTION_IDS = [
    {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "same", "text": {"type": "plain_text", "text": "一"}},
            {"type": "button", "action_id": "same", "text": {"type": "plain_text", "text": "二"}},
        ],
    }
]
DUPLICATE_MESSAGE = "action_id must be unique within a block [json-pointer:/blocks/0/elements/1/action_id]"


def test_a_message_slack_would_refuse_changes_nothing_and_answers_invalid_blocks(
    fake: SlackStandIn, client: WebClient
) -> None:
    kept = client.chat_postMessage(channel="C1", text="v1")

    with pytest.raises(SlackApiError) as posted:
        client.chat_postMessage(channel="C1", text="fallback", blocks=DUPLICATE_ACTION_IDS)
    with pytest.raises(SlackApiError) as updated:
        client.chat_update(channel="C1", ts=kept["ts"], text="v2", blocks=DUPLICATE_ACTION_IDS)
    with pytest.raises(SlackApiError) as too_long:
        client.chat_update(channel="C1", ts=kept["ts"], text="x" * 4001)

    assert posted.value.response.status_code == 200
    assert posted.value.response.data == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": [DUPLICATE_MESSAGE],
        "response_metadata": {"messages": [f"[ERROR] {DUPLICATE_MESSAGE}"]},
    }
    assert updated.value.response["error"] == "invalid_blocks"
    assert too_long.value.response.data == {"ok": False, "error": "msg_too_long"}
    [message] = fake.workspace.conversation("C1").messages
    assert (message.fields, message.edited) == ({"text": "v1"}, False)
    assert [(r.method, r.error, r.conversation) for r in fake.workspace.refusals] == [
        ("chat.postMessage", "invalid_blocks", "C1"),
        ("chat.update", "invalid_blocks", "C1"),
        ("chat.update", "msg_too_long", "C1"),
    ]


def test_a_view_slack_would_refuse_is_not_opened_updated_or_published(fake: SlackStandIn, client: WebClient) -> None:
    good = {"type": "modal", "title": {"type": "plain_text", "text": "申請"}, "blocks": []}
    bad = {**good, "title": {"type": "plain_text", "text": "長" * 25}}
    opened = client.views_open(trigger_id="1.2.3", view=good)
    pointer = "must be less than 25 characters [json-pointer:/view/title/text]"

    refused = []
    for call in (
        lambda: client.views_open(trigger_id="1.2.3", view=bad),
        lambda: client.views_push(trigger_id="1.2.3", view=bad),
        lambda: client.views_update(view_id=opened["view"]["id"], view=bad),
        lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": [{"type": "header"}]}),
    ):
        with pytest.raises(SlackApiError) as error:
            call()
        refused.append(error.value.response.data)

    assert refused[0] == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] {pointer}"]},
    }
    assert {r["error"] for r in refused} == {"invalid_arguments"}
    assert refused[3]["response_metadata"]["messages"] == [
        "[ERROR] missing required field: text [json-pointer:/view/blocks/0/text]"
    ]
    assert list(fake.workspace.views) == [opened["view"]["id"]]
    assert fake.workspace.views[opened["view"]["id"]].view["title"]["text"] == "申請"
    assert fake.workspace.homes == {}


def test_a_response_url_post_slack_would_refuse_is_not_shown(fake: SlackStandIn) -> None:
    response = WebhookClient(fake.response_url("cmd-2")).send(text="fallback", blocks=DUPLICATE_ACTION_IDS)

    assert response.status_code == 200
    assert json.loads(response.body)["errors"] == [DUPLICATE_MESSAGE]
    assert [(r.method, r.error) for r in fake.workspace.refusals] == [("response_url", "invalid_blocks")]


def test_malformed_requests_do_not_break_the_server(fake: SlackStandIn, client: WebClient) -> None:
    status, answer = _post(fake.api_url + "chat.postMessage", b"{not json", "application/json")
    port = int(fake.api_url.split(":")[2].split("/")[0])
    replies = []
    addressed = f"POST /api/auth.test HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: many\r\n\r\n".encode()
    for junk in (addressed, b"\x00\xffGARBAGE\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(junk)
            replies.append(raw.recv(100))

    assert (status, answer) == (200, {"ok": False, "error": "invalid_json"})
    assert replies[0].startswith(b"HTTP/1.0 400")
    assert b"Error" in replies[1]  # http.server's error page for an unparsable request line
    assert client.auth_test()["ok"]


def test_wait_for_filters_and_reports_recorded_methods_on_timeout(fake: SlackStandIn, client: WebClient) -> None:
    threading.Thread(target=lambda: client.chat_postMessage(channel="U5", text="late"), daemon=True).start()

    [call] = fake.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U5")
    with pytest.raises(AssertionError, match=r"'chat\.postMessage'.*got 1.*\['chat\.postMessage'\]"):
        fake.wait_for("chat.postMessage", count=2, timeout=0.05)
    assert call.args["text"] == "late"


def test_hundreds_of_concurrent_clients_are_served_in_parallel(fake: SlackStandIn) -> None:
    fake.latency = 0.2  # serial handling would take 40 s
    clients = 200
    barrier = threading.Barrier(clients)
    results: list[str] = []
    lock = threading.Lock()

    def post(index: int) -> None:
        web = WebClient(base_url=fake.api_url, token="xoxb-test", retry_handlers=[])
        barrier.wait()
        ts = web.chat_postMessage(channel="C1", text=str(index))["ts"]
        with lock:
            results.append(ts)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert time.monotonic() - started < 4
    assert len(set(results)) == clients
    assert len(fake.calls_to("chat.postMessage")) == clients


def test_apps_connections_open_requires_app_token() -> None:
    with SlackStandIn(socket_mode=True) as fake:
        ok = WebClient(base_url=fake.api_url).apps_connections_open(app_token="xapp-1")
        with pytest.raises(SlackApiError) as bot_token:
            WebClient(base_url=fake.api_url).apps_connections_open(app_token="xoxb-test")

    assert ok["url"].startswith("ws://127.0.0.1:")
    assert bot_token.value.response["error"] == "invalid_auth"


def test_socket_mode_hello_envelope_ack_and_clean_close() -> None:
    with SlackStandIn(socket_mode=True) as fake:
        url = WebClient(base_url=fake.api_url).apps_connections_open(app_token="xapp-1")["url"]
        with connect(url) as ws:
            hello = json.loads(ws.recv(timeout=5))
            fake.wait_for_socket_client()
            envelope_id = fake.send_envelope("events_api", {"event": {"type": "app_mention"}})
            envelope = json.loads(ws.recv(timeout=5))
            ws.send(json.dumps({"envelope_id": envelope_id}))
            ack = fake.wait_for_ack(envelope_id)
            fake.stop()
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)

    assert hello["type"] == "hello"
    assert hello["connection_info"] == {"app_id": "A0TEST"}
    assert (envelope["envelope_id"], envelope["type"], envelope["accepts_response_payload"]) == (
        envelope_id,
        "events_api",
        True,
    )
    assert ack == {"envelope_id": envelope_id}
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001


def test_bolt_socket_mode_round_trip() -> None:
    with SlackStandIn(socket_mode=True) as fake:
        app = App(client=WebClient(base_url=fake.api_url, token="xoxb-test"))

        @app.command("/ping")
        def ping(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
            ack(text="pong")
            client.chat_postMessage(channel=command["user_id"], text="pong")
            respond(text="done")

        handler = SocketModeHandler(app, "xapp-test")
        received: list[str] = []
        handler.client.on_message_listeners.append(received.append)
        handler.connect()
        try:
            fake.wait_for_socket_client()
            envelope_id = fake.send_envelope(
                "slash_commands",
                {
                    "command": "/ping",
                    "text": "",
                    "team_id": "T0TEST",
                    "channel_id": "C0TEST",
                    "user_id": "U123",
                    "user_name": "yamada",
                    "api_app_id": "A0TEST",
                    "trigger_id": "1.2.3",
                    "response_url": fake.response_url("ping"),
                },
            )
            ack = fake.wait_for_ack(envelope_id)
            [post] = fake.wait_for("chat.postMessage")
            [response] = fake.wait_for("response_url")
        finally:
            handler.close()

    assert ack == {"envelope_id": envelope_id, "payload": {"text": "pong"}}
    assert (post.args["channel"], post.args["text"], post.token) == ("U123", "pong", "xoxb-test")
    assert response.args["text"] == "done"
    assert json.loads(received[0])["type"] == "hello"
    assert [call.token for call in fake.calls_to("apps.connections.open")] == ["xapp-test"]
