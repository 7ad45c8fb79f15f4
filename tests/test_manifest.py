"""manifest.yaml: valid for Slack, and in step with what the code registers."""

from __future__ import annotations

import json
from enum import StrEnum
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import jsonschema
import yaml

import handlers
from bot.slack_scopes import BOT_SCOPES
from tests.support.bot import ROOT

SCHEMA = Path(__file__).parent / "data" / "slack" / "manifest.schema.1.0.0.json"
MANIFEST = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))


def registered_commands() -> set[str]:
    commands = set()
    for feature in handlers.FEATURES:
        if find_spec(f"{feature.__name__}.ids") is None:
            continue  # a feature with no ids of its own (App Home answers Slack's event)
        ids = import_module(f"{feature.__name__}.ids")
        for value in vars(ids).values():
            if isinstance(value, type) and issubclass(value, StrEnum):
                commands |= {member.value for member in value if member.value.startswith("/")}
    return commands


def test_manifest_validates_against_slacks_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(MANIFEST)]
    assert errors == []


def test_every_registered_command_is_in_the_manifest_and_back() -> None:
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}

    assert registered_commands() == declared


def test_every_request_url_is_the_events_endpoint() -> None:
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [MANIFEST["settings"]["event_subscriptions"]["request_url"]]
    urls += [MANIFEST["settings"]["interactivity"]["request_url"]]

    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}


def test_the_scopes_cover_what_the_bot_does() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])

    assert {"commands", "chat:write", "im:write"} <= scopes
    assert scopes == BOT_SCOPES  # what sns-bot doctor checks and the stand-in grants
    assert "app_home_opened" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
