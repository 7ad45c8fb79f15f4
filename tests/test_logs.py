"""Logging: Slack tokens and the process's secrets never reach the log, whoever logs them."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.logs import RedactSecrets, configure
from tests.support.bot import APP_YAML

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
APP_TOKEN = "xapp-1-A0123456789-1234567890123-abcdef0123456789"
USER_TOKEN = "xoxp-1234-5678-90ab-cdef"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def record(msg: Any, *args: Any, exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord("sns_bot.test", logging.INFO, __file__, 1, msg, args or None, exc_info)


def filtered(filter_: logging.Filter, rec: logging.LogRecord) -> str:
    assert filter_.filter(rec) is True  # masking never drops a record
    return rec.getMessage()


# --- RedactSecrets -----------------------------------------------------------------------------


@pytest.mark.parametrize("token", [BOT_TOKEN, APP_TOKEN, USER_TOKEN, "xoxa-2-abc", "xoxe.xoxp-1-abc"])
def test_token_in_the_message_is_masked(token: str) -> None:
    message = filtered(RedactSecrets(), record(f"calling chat.postMessage with token={token} now"))

    assert token not in message
    assert "xox" not in message.replace("xoxe.", "")
    assert message.startswith("calling chat.postMessage with token=")
    assert "[REDACTED]" in message
    assert message.endswith(" now")


@pytest.mark.parametrize("token", [BOT_TOKEN, APP_TOKEN, USER_TOKEN])
def test_token_in_the_args_is_masked(token: str) -> None:
    rec = record("headers: %s (attempt %d)", {"Authorization": f"Bearer {token}"}, 2)

    message = filtered(RedactSecrets(), rec)

    assert token not in message
    assert message == "headers: {'Authorization': 'Bearer [REDACTED]'} (attempt 2)"
    # The args are folded into the message, so a later handler cannot format the token back in.
    assert rec.args is None
    assert token not in str(rec.msg)


def test_several_tokens_in_one_record() -> None:
    message = filtered(RedactSecrets(), record("%s and %s", BOT_TOKEN, APP_TOKEN))

    assert message == "[REDACTED] and [REDACTED]"


def test_given_secret_is_masked_in_the_message_and_in_the_args() -> None:
    redact = RedactSecrets([SIGNING_SECRET, "hunter2"])

    assert filtered(redact, record(f"secret={SIGNING_SECRET}")) == "secret=[REDACTED]"
    assert filtered(redact, record("secret=%s, password=%s", SIGNING_SECRET, "hunter2")) == (
        "secret=[REDACTED], password=[REDACTED]"
    )


def test_given_secret_is_masked_only_when_given() -> None:
    # A signing secret has no recognisable shape: only the list makes it secret.
    assert filtered(RedactSecrets(), record(f"secret={SIGNING_SECRET}")) == f"secret={SIGNING_SECRET}"


def test_empty_secrets_are_ignored() -> None:
    # An unset secret ("") must not turn every gap between characters into [REDACTED].
    redact = RedactSecrets(["", SIGNING_SECRET])

    assert redact.secrets == [SIGNING_SECRET]
    assert filtered(redact, record("nothing secret here")) == "nothing secret here"


def test_secrets_may_be_any_iterable() -> None:
    redact = RedactSecrets(s for s in ("one-secret", "two-secret"))

    assert filtered(redact, record("one-secret two-secret")) == "[REDACTED] [REDACTED]"


def test_other_records_are_left_untouched() -> None:
    args = ("U0HEADKANKO", 3)
    rec = record("%s approved %d posts", *args)
    msg_before = rec.msg

    message = filtered(RedactSecrets([SIGNING_SECRET]), rec)

    assert message == "U0HEADKANKO approved 3 posts"
    # Untouched means the record still carries its template and args (for handlers that group by them).
    assert rec.msg is msg_before
    assert rec.args == args


@pytest.mark.parametrize(
    "text",
    ["xoxb without a dash", "the xoxz-123 prefix is not Slack's", "box-123 and fox-456", "承認しました（観光課）"],
)
def test_token_lookalikes_are_left_alone(text: str) -> None:
    rec = record(text)

    assert filtered(RedactSecrets(), rec) == text
    assert rec.msg is text


def test_non_string_message_is_masked() -> None:
    # logging allows any object as the message; its str() is what would be written.
    rec = record({"token": BOT_TOKEN})

    assert filtered(RedactSecrets(), rec) == "{'token': '[REDACTED]'}"


def test_token_right_after_japanese_text_is_masked() -> None:
    message = filtered(RedactSecrets(), record(f"トークン{BOT_TOKEN}"))

    assert BOT_TOKEN not in message


# --- configure() -------------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_logging")
def test_configure_masks_tokens_logged_through_the_root_logger(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO", [SIGNING_SECRET])

    logging.getLogger().info("root: %s", BOT_TOKEN)
    logging.getLogger("slack_bolt.App").warning("bolt: token=%s secret=%s", APP_TOKEN, SIGNING_SECRET)
    logging.getLogger("sns_bot").info("plain message")

    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("INFO root: root: [REDACTED]")
    assert lines[1].endswith("WARNING slack_bolt.App: bolt: token=[REDACTED] secret=[REDACTED]")
    assert lines[2].endswith("INFO sns_bot: plain message")
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert secret not in err


@pytest.mark.usefixtures("restore_logging")
def test_configure_sets_levels(capsys: pytest.CaptureFixture[str]) -> None:
    configure("WARNING")

    logging.getLogger("sns_bot").info("too quiet to show")
    logging.getLogger("sns_bot").warning("shown")

    assert logging.getLogger().level == logging.WARNING
    assert logging.getLogger("slack_sdk").level == logging.WARNING
    assert [line.split(" ", 2)[2] for line in capsys.readouterr().err.splitlines()] == ["WARNING sns_bot: shown"]


@pytest.mark.usefixtures("restore_logging")
def test_configure_keeps_slack_sdk_out_of_debug(capsys: pytest.CaptureFixture[str]) -> None:
    configure("DEBUG")

    logging.getLogger("slack_sdk.web").debug("whole request body")
    logging.getLogger("sns_bot").debug("our own debug")

    assert logging.getLogger("slack_sdk").level == logging.INFO
    err = capsys.readouterr().err
    assert "whole request body" not in err
    assert "DEBUG sns_bot: our own debug" in err


@pytest.mark.usefixtures("restore_logging")
def test_configure_twice_leaves_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO")
    configure("INFO", [SIGNING_SECRET])

    handlers = logging.getLogger().handlers
    assert len(handlers) == 1
    assert [type(f) for f in handlers[0].filters] == [RedactSecrets]
    logging.getLogger("sns_bot").info("once %s", SIGNING_SECRET)
    assert capsys.readouterr().err.count("once [REDACTED]") == 1


@pytest.mark.usefixtures("restore_logging")
def test_configure_masks_tokens_in_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO", [SIGNING_SECRET])

    try:
        raise ValueError(f"Slack refused {BOT_TOKEN} (secret {SIGNING_SECRET})")
    except ValueError:
        logging.getLogger("sns_bot").exception("request failed")

    err = capsys.readouterr().err
    assert "request failed" in err
    assert "ValueError" in err
    assert BOT_TOKEN not in err
    assert SIGNING_SECRET not in err


@pytest.mark.usefixtures("restore_logging")
def test_malformed_log_call_does_not_raise(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO")

    logging.getLogger("sns_bot").info("two fields %s %s", "one arg")

    # logging reports its own formatting errors on stderr instead of raising them.
    assert "Logging error" in capsys.readouterr().err


# --- JSON lines (--log-format json, logging.format: json) --------------------------------------


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines()]


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_text_lines_fields_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO", [SIGNING_SECRET], "json")

    logging.getLogger("sns_bot.delivery").warning("message %d to %s: %s", 3, "C0PUBLICINFO", SIGNING_SECRET)
    logging.getLogger("sns_bot").info("承認しました\n偽の行 INFO sns_bot: forged")
    try:
        raise ValueError(f"Slack refused {BOT_TOKEN}")
    except ValueError:
        logging.getLogger("sns_bot").exception("request failed")

    err = capsys.readouterr().err
    first, second, third = json_lines(err)  # one object per line, a newline in a message included
    assert set(first) == {"time", "level", "logger", "message"}
    assert (first["level"], first["logger"]) == ("WARNING", "sns_bot.delivery")
    assert first["message"] == "message 3 to C0PUBLICINFO: [REDACTED]"
    assert first["time"][:2] == "20"  # logging's asctime, as in the text lines
    assert second["message"] == "承認しました\n偽の行 INFO sns_bot: forged"
    assert third["message"] == "request failed"
    assert "ValueError" in third["exc_info"]
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert secret not in err


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(
    ("flag", "configured", "expected"),
    [(["--log-format", "json"], "text", "json"), ([], "json", "json"), (["--log-format", "text"], "json", "text")],
)
def test_the_log_format_comes_from_the_flag_else_app_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: list[str], configured: str, expected: str
) -> None:
    text = APP_YAML.read_text(encoding="utf-8").replace("format: text", f"format: {configured}")
    config = tmp_path / "app.yaml"
    config.write_text(text, encoding="utf-8")

    assert main([*flag, "check-config", "--config", str(config)]) == 0
    capsys.readouterr()
    logging.getLogger("sns_bot").info("after start")

    (line,) = capsys.readouterr().err.splitlines()
    if expected == "json":
        assert json.loads(line)["message"] == "after start"
    else:
        assert line.endswith("INFO sns_bot: after start")


def test_an_unknown_log_format_in_app_yaml_is_named(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(APP_YAML.read_text(encoding="utf-8").replace("format: text", "format: xml"), encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_config(config)

    (problem,) = raised.value.problems
    assert problem.startswith("logging.format: 'text' or 'json' のいずれかを指定してください（'xml'")
