"""The bot token's scopes that manifest.yaml asks for (a test keeps the two equal): `sns-bot doctor` checks
that Slack granted each, and the Slack stand-in grants them unless a test says otherwise."""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "im:write",
        "files:write",
        "channels:read",
        "groups:read",
        "channels:join",
        "users:read",
        "users:read.email",
    }
)
