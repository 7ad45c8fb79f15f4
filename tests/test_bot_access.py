"""The stand-in's scopes and channel membership, as Slack answers them (conversations.info / join reference,
chat.postMessage errors): driven through slack_sdk's WebClient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_scopes import BOT_SCOPES
from playground.slack_api import SlackStandIn


@pytest.fixture
def client(fake_slack: SlackStandIn) -> WebClient:
    return WebClient(base_url=fake_slack.api_url, token="xoxb-test", retry_handlers=[])


def error_of(call: Callable[..., object], **args: str) -> dict[str, Any]:
    """Slack's answer to a call it refuses."""
    with pytest.raises(SlackApiError) as refused:
        call(**args)
    answer = refused.value.response.data
    assert isinstance(answer, dict)
    return answer


def test_every_answer_names_the_granted_scopes_and_a_method_without_its_scope_is_refused(
    fake_slack: SlackStandIn, client: WebClient
) -> None:
    answer = client.auth_test()
    assert set(answer.headers["x-oauth-scopes"].split(",")) == BOT_SCOPES

    fake_slack.access.grant(BOT_SCOPES - {"chat:write"})
    refused = error_of(client.chat_postMessage, channel="C0SECRETARIAT", text="x")

    assert refused["error"] == "missing_scope"
    assert refused["needed"] == "chat:write"
    assert "chat:write" not in str(refused["provided"]).split(",")
    assert fake_slack.workspace.conversations.get("C0SECRETARIAT") is None  # nothing was posted


def test_by_default_the_bot_is_in_any_channel_and_joining_again_warns(client: WebClient) -> None:
    info = client.conversations_info(channel="C0SECRETARIAT")["channel"]
    joined = client.conversations_join(channel="C0SECRETARIAT")

    assert (info["id"], info["is_member"], info["is_private"], info["is_channel"]) == (
        "C0SECRETARIAT",
        True,
        False,
        True,
    )
    assert joined["warning"] == "already_in_channel"
    assert joined["response_metadata"]["warnings"] == ["already_in_channel"]


def test_a_public_channel_the_bot_left_refuses_posts_until_it_joins(
    fake_slack: SlackStandIn, client: WebClient
) -> None:
    fake_slack.access.remove_bot("C0SECRETARIAT")

    assert client.conversations_info(channel="C0SECRETARIAT")["channel"]["is_member"] is False
    assert error_of(client.chat_postMessage, channel="C0SECRETARIAT", text="x")["error"] == "not_in_channel"
    joined = client.conversations_join(channel="C0SECRETARIAT")
    assert joined["channel"]["is_member"] is True
    assert "warning" not in joined.data
    assert client.chat_postMessage(channel="C0SECRETARIAT", text="x")["ok"] is True

    fake_slack.access.remove_bot("C0GENERAL")
    fake_slack.access.grant(BOT_SCOPES | {"chat:write.public"})
    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"] is True  # that scope posts without joining


def test_a_private_channel_is_hidden_until_the_bot_is_invited_and_cannot_be_joined(
    fake_slack: SlackStandIn, client: WebClient
) -> None:
    fake_slack.access.add_channel("G0PRIVATE", "秘密", private=True, member=False)

    assert error_of(client.conversations_info, channel="G0PRIVATE")["error"] == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="G0PRIVATE", text="x")["error"] == "channel_not_found"
    assert error_of(client.conversations_join, channel="G0PRIVATE")["error"] == "channel_not_found"

    fake_slack.access.invite_bot("G0PRIVATE")
    assert client.conversations_info(channel="G0PRIVATE")["channel"]["is_private"] is True
    assert error_of(client.conversations_join, channel="G0PRIVATE")["error"] == "method_not_supported_for_channel_type"
    fake_slack.access.grant(BOT_SCOPES - {"groups:read"})
    assert error_of(client.conversations_info, channel="G0PRIVATE")["needed"] == "groups:read"


def test_a_deleted_channel_and_an_unknown_user_are_not_found(fake_slack: SlackStandIn, client: WebClient) -> None:
    fake_slack.access.delete_channel("C0GONE")
    fake_slack.access.remove_user("U0GONE")

    assert error_of(client.conversations_info, channel="C0GONE")["error"] == "channel_not_found"
    assert error_of(client.conversations_join, channel="C0GONE")["error"] == "channel_not_found"
    assert error_of(client.users_info, user="U0GONE")["error"] == "user_not_found"
    assert error_of(client.conversations_info, channel="")["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="U0STAFF1", text="DM")["ok"] is True  # DMs are no channel to be in
