"""The stand-in's users.lookupByEmail and conversations.list, driven through slack_sdk: Slack's shapes and
refusals (playground/directory_api.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from playground.slack_api import SlackStandIn


@pytest.fixture
def fake() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        server.workspace.add_user("U0HANAKO", "市政 花子", "Hanako.Shisei@city.example.jp")
        server.workspace.add_channel("C0PUBLIC", "市政情報課")
        server.workspace.add_channel("G0PRIVATE", "秘書室", private=True)
        yield server


@pytest.fixture
def client(fake: SlackStandIn) -> WebClient:
    return WebClient(base_url=fake.api_url, token="xoxb-test", retry_handlers=[])


def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as refused:
        call()  # type: ignore[operator]
    return str(refused.value.response["error"])


def test_lookup_by_email_finds_the_user_whatever_the_case(client: WebClient) -> None:
    user = client.users_lookupByEmail(email="hanako.shisei@CITY.example.jp")["user"]

    assert (user["id"], user["real_name"]) == ("U0HANAKO", "市政 花子")
    assert user["profile"]["email"] == "hanako.shisei@city.example.jp"


def test_lookup_by_email_refuses_an_unknown_or_missing_address_or_a_deactivated_user(
    fake: SlackStandIn, client: WebClient
) -> None:
    assert error_of(lambda: client.users_lookupByEmail(email="nobody@city.example.jp")) == "users_not_found"
    assert error_of(lambda: client.api_call("users.lookupByEmail", params={})) == "invalid_arguments"
    fake.workspace.deactivated.add("U0HANAKO")
    assert error_of(lambda: client.users_lookupByEmail(email="hanako.shisei@city.example.jp")) == "users_not_found"


def test_conversations_list_gives_public_channels_unless_told_and_pages_with_a_cursor(client: WebClient) -> None:
    assert [c["id"] for c in client.conversations_list()["channels"]] == ["C0PUBLIC"]

    first = client.conversations_list(types="public_channel,private_channel", limit=1)
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_list(types="public_channel,private_channel", limit=1, cursor=cursor)

    assert [c["id"] for c in first["channels"]] == ["C0PUBLIC"]
    assert [(c["id"], c["name"], c["is_private"]) for c in second["channels"]] == [("G0PRIVATE", "秘書室", True)]
    assert second["response_metadata"]["next_cursor"] == ""


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 1001}, "invalid_limit"),
        ({"limit": "many"}, "invalid_limit"),
        ({"types": "public_channel,dm"}, "invalid_types"),
        ({"cursor": "not-ours"}, "invalid_cursor"),
    ],
)
def test_conversations_list_refuses_what_slack_refuses(client: WebClient, args: dict[str, object], error: str) -> None:
    assert error_of(lambda: client.api_call("conversations.list", params=args)) == error
