"""The guideline in short, as an ephemeral message and as the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.catalog import t
from bot.config import Offices
from bot.mrkdwn import escape

SECTIONS = ("official", "private", "violation")


def guideline_blocks(organization: str, offices: Offices) -> list[Block]:
    names = {
        "organization": escape(organization),
        "secretariat": escape(offices.secretariat.name),
        "public_info": escape(offices.public_info.name),
        "general_affairs": escape(offices.general_affairs.name),
        "security_officer": escape(offices.security_officer.name),
    }
    blocks: list[Block] = [HeaderBlock(text=t("help.title")), SectionBlock(text=t("help.intro", **names))]
    for section in SECTIONS:
        blocks += [DividerBlock(), SectionBlock(text=t(f"help.{section}", **names))]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("help.footer", **names))]))
    return blocks


def help_message(organization: str, offices: Offices) -> dict[str, Any]:
    """Arguments for ack() (or respond()): an ephemeral message only the asking user sees."""
    return {
        "response_type": "ephemeral",
        "text": t("help.title"),
        "blocks": [block.to_dict() for block in guideline_blocks(organization, offices)],
    }
