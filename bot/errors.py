"""Errors with a meaning at the edge of the bot."""

from __future__ import annotations


class BadRequest(Exception):
    """A request the bot will not act on: malformed, tampered with, or naming something
    that does not exist. Answered with a 4xx and a log line, not a 500."""

    status = 400
