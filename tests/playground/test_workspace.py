"""The stand-in's workspace model: what Slack would show after the Web API calls the bot makes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from playground.slack_api import SlackStandIn
from playground.workspace import BOT_USER_ID, REFUSALS_KEPT, Origin, Workspace

MODAL = {"type": "modal", "callback_id": "x.submit", "title": {"type": "plain_text", "text": "申請"}, "blocks": []}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk routes even 127.0.0.1 through HTTP(S)_PROXY, which would bypass the stand-in.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stand_in() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def workspace(stand_in: SlackStandIn) -> Workspace:
    return stand_in.workspace


@pytest.fixture
def client(stand_in: SlackStandIn) -> WebClient:
    return WebClient(base_url=stand_in.api_url, token="xoxb-test", retry_handlers=[])


def texts(workspace: Workspace, channel: str, user: str = "U0ANY") -> list[str]:
    conversation = workspace.conversations[channel]
    return [m.fields.get("text", "") for m in conversation.messages if m.visible_to in (None, user)]


def test_messages_threads_updates_and_deletes_land_in_their_conversations(
    workspace: Workspace, client: WebClient
) -> None:
    workspace.add_channel("C0PUBLICINFO", "市政情報課")
    parent = client.chat_postMessage(channel="C0PUBLICINFO", text="事案 SNS-2026-0001")
    reply = client.chat_postMessage(channel="C0PUBLICINFO", text="受領しました", thread_ts=parent["ts"])
    dm = client.chat_postMessage(channel="U0HEADKANKO", text="所属長へ")
    client.chat_update(channel="C0PUBLICINFO", ts=parent["ts"], text="事案 SNS-2026-0001（対応中）")
    gone = client.chat_postMessage(channel="C0PUBLICINFO", text="消える")
    client.chat_delete(channel="C0PUBLICINFO", ts=gone["ts"])

    channel = workspace.conversations["C0PUBLICINFO"]
    assert texts(workspace, "C0PUBLICINFO") == ["事案 SNS-2026-0001（対応中）", "受領しました"]
    assert channel.messages[0].edited
    assert channel.find(reply["ts"]).thread_ts == parent["ts"]
    assert (dm["channel"], workspace.conversations["D0HEADKANKO"].user) == ("D0HEADKANKO", "U0HEADKANKO")
    assert channel.messages[0].to_json()["user"] == BOT_USER_ID


def test_unknown_messages_are_refused_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as update:
        client.chat_update(channel="C1", ts="1.000001", text="x")
    with pytest.raises(SlackApiError) as delete:
        client.chat_delete(channel="C1", ts="1.000001")

    assert update.value.response["error"] == delete.value.response["error"] == "message_not_found"


def test_an_ephemeral_message_is_visible_only_to_its_user(workspace: Workspace, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="みんなへ")
    client.chat_postEphemeral(channel="C1", user="U0STAFF1", text="あなただけ")

    assert texts(workspace, "C1", "U0STAFF1") == ["みんなへ", "あなただけ"]
    assert texts(workspace, "C1", "U0STAFF2") == ["みんなへ"]


def test_dms_are_visible_only_to_their_person(workspace: Workspace, client: WebClient) -> None:
    workspace.add_channel("C1", "全体")
    client.chat_postMessage(channel="U0STAFF1", text="x")
    client.conversations_open(users="U0STAFF2")

    assert [c.id for c in workspace.visible("U0STAFF1")] == ["C1", "D0STAFF1"]
    assert [c.id for c in workspace.visible("U0STAFF2")] == ["C1", "D0STAFF2"]


def test_views_open_for_the_triggering_user_then_push_update_and_close(workspace: Workspace, client: WebClient) -> None:
    trigger = workspace.trigger("U0STAFF1")
    first = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    second = client.views_push(trigger_id=workspace.trigger("U0STAFF1"), view={**MODAL, "external_id": "ext-1"})["view"]
    updated = client.views_update(external_id="ext-1", view={**MODAL, "callback_id": "y"}, hash=second["hash"])["view"]
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=second["id"], view=MODAL, hash=second["hash"])

    assert workspace.stacks["U0STAFF1"] == [first["id"], second["id"]]
    assert workspace.stacks.get("U0STAFF2") is None
    assert (updated["id"], updated["callback_id"]) == (second["id"], "y")
    assert updated["hash"] != second["hash"]
    assert stale.value.response["error"] == "hash_conflict"
    workspace.close_view("U0STAFF1", second["id"])
    assert workspace.top_view("U0STAFF1").view["id"] == first["id"]
    workspace.clear_views("U0STAFF1")
    assert workspace.top_view("U0STAFF1") is None


def test_views_update_of_an_unknown_view_is_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as missing:
        client.views_update(view_id="V404", view=MODAL)

    assert missing.value.response["error"] == "not_found"


def test_home_tab_is_published_per_user_and_keeps_its_id(workspace: Workspace, client: WebClient) -> None:
    first = client.views_publish(user_id="U0HEADKANKO", view={"type": "home", "blocks": []})["view"]
    again = client.views_publish(user_id="U0HEADKANKO", view={"type": "home", "blocks": [{"type": "divider"}]})["view"]

    assert again["id"] == first["id"]
    [divider] = workspace.homes["U0HEADKANKO"].view["blocks"]
    assert divider["type"] == "divider"
    assert divider["block_id"]  # Slack gives every block an id
    assert "U0STAFF1" not in workspace.homes


def test_users_info_answers_the_directory_names(stand_in: SlackStandIn, client: WebClient) -> None:
    stand_in.workspace.names["U0PUBINFO1"] = "市政 花子"

    assert client.users_info(user="U0PUBINFO1")["user"]["real_name"] == "市政 花子"


def test_an_uploaded_file_is_shared_in_the_channel(workspace: Workspace, client: WebClient) -> None:
    client.files_upload_v2(channel="D0PUBINFO1", content=b"a,b\n", filename="audit.csv", title="監査ログ")

    [message] = workspace.conversations["D0PUBINFO1"].messages
    [shared] = message.files
    assert (shared["name"], shared["title"], shared["size"]) == ("audit.csv", "監査ログ", 4)
    assert workspace.files[shared["id"]]["data"] == b"a,b\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"text": "一覧"}, [("元", None), ("一覧", "U0STAFF1")], id="ephemeral"),
        pytest.param({"text": "公開", "response_type": "in_channel"}, [("元", None), ("公開", None)], id="in-channel"),
        pytest.param({"text": "差し替え", "replace_original": True}, [("差し替え", None)], id="replace"),
        pytest.param({"delete_original": True}, [], id="delete"),
    ],
)
def test_response_url_posts_follow_slack(
    stand_in: SlackStandIn, client: WebClient, body: dict, expected: list[tuple[str, str | None]]
) -> None:
    workspace = stand_in.workspace
    original = client.chat_postMessage(channel="C1", text="元")
    name = workspace.origin_url(Origin("U0STAFF1", "C1", original["ts"]))

    WebhookClient(stand_in.response_url(name)).send_dict(body)

    messages = workspace.conversations["C1"].messages
    assert [(m.fields.get("text"), m.visible_to) for m in messages] == expected


EMPTY_SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}]


def test_a_refused_call_is_kept_where_its_payload_would_have_appeared(stand_in: SlackStandIn) -> None:
    client = WebClient(base_url=stand_in.api_url, token="xoxb-test", retry_handlers=[])
    workspace = stand_in.workspace
    for call in (
        lambda: client.chat_postMessage(channel="C1", text="x", blocks=EMPTY_SECTION),
        lambda: client.chat_postEphemeral(channel="C1", user="U1", text="x", blocks=EMPTY_SECTION),
        lambda: client.chat_postMessage(channel="U2", text="x", blocks=EMPTY_SECTION),
        lambda: client.views_open(trigger_id=workspace.trigger("U1"), view={**MODAL, "blocks": EMPTY_SECTION}),
    ):
        with pytest.raises(SlackApiError):
            call()

    seen_by_u1 = [(r.method, r.conversation) for r in workspace.refusals_for("U1", "C1")]
    seen_by_u3 = [(r.method, r.conversation) for r in workspace.refusals_for("U3", "C1")]
    in_dm = [(r.method, r.conversation) for r in workspace.refusals_for("U2", "D2")]
    assert seen_by_u1 == [("chat.postMessage", "C1"), ("chat.postEphemeral", "C1"), ("views.open", None)]
    assert seen_by_u3 == [("chat.postMessage", "C1")]
    assert in_dm == [("chat.postMessage", "D2")]


def test_only_the_latest_refusals_are_kept() -> None:
    workspace = Workspace()
    for i in range(REFUSALS_KEPT + 5):
        workspace.refuse("chat.postMessage", {"channel": "C1"}, "invalid_blocks", (f"problem {i}",))

    assert len(workspace.refusals) == REFUSALS_KEPT
    assert workspace.refusals[-1].messages == (f"problem {REFUSALS_KEPT + 4}",)
    assert workspace.refusals[0].messages == ("problem 5",)
