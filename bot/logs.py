"""Logging set-up. Secrets are masked in every record, whoever logs them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any, Literal

from pythonjsonlogger.json import JsonFormatter

# Not \b: a token right after Japanese text has no word boundary before it.
TOKEN = re.compile(r"(?<![A-Za-z0-9])x(?:ox[abposre]|app)-[A-Za-z0-9-]+")


_FORMATTER = logging.Formatter()

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_LINE = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The text line's fields, named as log pipelines expect them.
JSON_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


def one_line(text: str) -> str:
    """Text from a request (a path, a method) as it may be logged: backslashes, control characters and
    anything non-ASCII escaped, so a decoded ``%0a`` cannot start a forged log line."""
    return text.encode("unicode_escape").decode("ascii")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        text = TOKEN.sub("[REDACTED]", text)
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed logging call: logging's own error report handles it
            return True
        if (redacted := self.redact(message)) != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # The formatter reuses exc_text: the traceback is written masked too.
            record.exc_text = self.redact(_FORMATTER.formatException(record.exc_info))
        return True


class JsonLines(JsonFormatter):
    """One JSON object per record. The library formats tracebacks afresh from ``exc_info`` (not from
    the ``exc_text`` RedactSecrets masked), so they are masked here too."""

    def __init__(self, redact: RedactSecrets) -> None:
        super().__init__(TEXT_LINE, rename_fields=JSON_FIELDS, json_ensure_ascii=False)
        self.redact = redact

    def formatException(self, ei: Any) -> str:
        return self.redact.redact(super().formatException(ei))


def configure(level: str = "INFO", secrets: Iterable[str] = (), log_format: LogFormat = "text") -> None:
    handler = logging.StreamHandler()
    redact = RedactSecrets(secrets)
    handler.setFormatter(JsonLines(redact) if log_format == "json" else logging.Formatter(TEXT_LINE))
    handler.addFilter(redact)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # slack_sdk logs whole requests at DEBUG; keep it quieter than our own DEBUG.
    logging.getLogger("slack_sdk").setLevel(max(logging.getLevelName(level), logging.INFO))
