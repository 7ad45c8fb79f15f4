"""The requests the bench sends: /sns-report, /sns-help and the report modal's view_submission."""

from __future__ import annotations

import re
import time

from bench.directory import Staff
from bench.opened import OpenedViews
from bench.slack import interactive, report_values, slash_command, view_submission

SUMMARY = "市の観光イベントの告知投稿に批判的な返信が急増しています。引用での拡散も続いています。"
CASE_NUMBER = re.compile(r"SNS-\d{4}-\d{4,}")
# Ways people paste the same post; the bot compares URLs normalised (http/https, www., trailing slash,
# tracking parameters, twitter.com = x.com).
VARIANTS = (
    "https://x.com/{user}/status/{id}",
    "https://twitter.com/{user}/status/{id}",
    "http://x.com/{user}/status/{id}",
    "https://x.com/{user}/status/{id}?s=20&utm_source=line",
    "https://www.x.com/{user}/status/{id}/",
)


def post_url(number: int, variant: int = 0) -> str:
    """The ``number``-th post reported, pasted in one of VARIANTS."""
    return VARIANTS[variant % len(VARIANTS)].format(user=f"citizen{number % 97:02d}", id=1_800_000_000_000 + number)


def report_command(user: Staff) -> str:
    return slash_command("/sns-report", user_id=user.user_id)


def help_command(user: Staff, response_url: str) -> str:
    """/sns-help with a response_url that answers (the fake's), as Slack's does."""
    return slash_command("/sns-help", user_id=user.user_id, response_url=response_url)


def report_submission(user: Staff, url: str, opened: OpenedViews, summary: str = SUMMARY) -> str:
    """The report modal submitted by ``user`` for their own department: 炎上, 業務 (routed to the head and
    the three office channels); ``opened`` records it as a modal the bot opened for them."""
    values = report_values(
        kind="flame",
        capacity="official",
        urls=url,
        summary=summary,
        discovered_at=int(time.time()) - 60,
        department=user.department,
    )
    return interactive(opened(view_submission("report.submit", user_id=user.user_id, values=values)))


def case_number(answer: bytes) -> str | None:
    """The case number in the modal the bot answers a submission with."""
    found = CASE_NUMBER.search(answer.decode("utf-8", errors="replace"))
    return found.group() if found else None
