"""The audit log for the committee (6(1)): to 市政情報課 only, as xlsx in their DM."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from bot.catalog import t
from playground.slack_api import SlackStandIn
from tests.account.flow import PUBINFO, STAFF1, seed_account
from tests.support.bot import RunningBot
from tests.support.flow import audit_actions
from tests.support.slack_requests import send, slash_command


def test_public_info_gets_the_audit_log_as_xlsx_in_their_dm(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    seed_account(bot, changed=date(2026, 11, 1))
    body = slash_command("/sns-account", user_id=PUBINFO, text="export 2026-11-01 2026-11-30")

    assert send(bot.url, body).status == 200

    (completed,) = fake_slack.wait_for("files.completeUploadExternal")
    assert completed.args["channel_id"] == "D0PUBINFO1"
    (upload,) = fake_slack.calls_to("file_upload")
    sheet = openpyxl.load_workbook(io.BytesIO(fake_slack.uploads[upload.args["file_id"]])).active
    assert sheet.cell(1, 5).value == "操作"
    assert "config.directory_changed" in [sheet.cell(row, 5).value for row in range(2, sheet.max_row + 1)]
    assert audit_actions(bot)[-1] == "audit.exported"


def test_nobody_else_gets_the_audit_log(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    body = slash_command("/sns-account", user_id=STAFF1, text="export", response_url=fake_slack.response_url("x"))

    assert send(bot.url, body).status == 200

    assert fake_slack.wait_for("response_url")[0].args["text"] == t("account.denied")
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
    assert "audit.export_denied" in audit_actions(bot)
