"""People named by e-mail address and channels by #name in app.yaml (issue 15): resolved through the
stand-in's users.lookupByEmail and conversations.list, kept in the database, refused when unknown."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.catalog import t
from bot.cli import main
from bot.config import ConfigError, load_config
from bot.live_config import LiveConfig
from bot.service import slack_names
from playground import people
from playground.slack_api import SlackStandIn
from storage import audit_chain
from storage.db import SessionFactory
from storage.models import AuditEntry, SlackName
from tests.support.accounts import kanko_account
from tests.support.bot import environment_for, running_bot
from tests.support.clock import FrozenClock
from tests.support.config_files import MINIMAL, write
from tests.support.report import delivered, submit_report, top_level_channels, unpaced_config
from tests.test_doctor import doctor, scheduler_started

TOKYO = ZoneInfo("Asia/Tokyo")
# The workspace: who has which address, which channel which name.
PEOPLE = {
    "U0HEADKANKO": ("観光 一郎", "kanko.head@city.example.jp"),
    "U0DEPUTYKANKO": ("観光 次郎", "kanko.deputy@city.example.jp"),
    "U0STAFF1": ("総社 太郎", "taro.soja@city.example.jp"),
    "U0STAFF2": ("吉備 さくら", "sakura.kibi@city.example.jp"),
    "U0PUBINFO1": ("市政 花子", "hanako.shisei@city.example.jp"),
    "U0SECOFFICER": ("情報 守", "mamoru.joho@city.example.jp"),
    "U0NEWHEAD": ("新任 課長", "new.head@city.example.jp"),
}
CHANNELS = {
    "C0SECRETARIAT": "秘書室",
    "C0PUBLICINFO": "市政情報課",
    "C0GENERAL": "総務課",
    "C0SECCOMMITTEE": "情報セキュリティ委員会",
}


def by_address(text: str) -> str:
    """app.yaml with every person written as their address and every office channel as its #name."""
    for user_id, (_, email) in PEOPLE.items():
        text = text.replace(user_id, email)
    for channel_id, name in CHANNELS.items():
        text = text.replace(channel_id, f"'#{name}'")
    return text


@pytest.fixture
def workspace(fake_slack: SlackStandIn) -> SlackStandIn:
    for user_id, (name, email) in PEOPLE.items():
        fake_slack.workspace.add_user(user_id, name, email)
    for channel_id, name in CHANNELS.items():
        fake_slack.workspace.add_channel(channel_id, name, private=name == "市政情報課")
    return fake_slack


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = unpaced_config(tmp_path)
    path.write_text(by_address(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert "U0" not in path.read_text(encoding="utf-8")
    assert "C0" not in path.read_text(encoding="utf-8")
    return path


def use_the_stand_in(monkeypatch: pytest.MonkeyPatch, fake: SlackStandIn, database_url: str) -> None:
    """The environment of an `sns-bot` command with the bot's token, against the stand-in."""
    env = environment_for(fake, database_url)
    for name, value in {
        "SLACK_BOT_TOKEN": env.bot_token,
        "SLACK_API_URL": env.api_url,
        "DATABASE_URL": database_url,
    }.items():
        monkeypatch.setenv(name, str(value))


def check_config(monkeypatch: pytest.MonkeyPatch, fake: SlackStandIn, database_url: str, path: Path) -> int:
    use_the_stand_in(monkeypatch, fake, database_url)
    return main(["check-config", "--config", str(path)])


def refused_start(fake: SlackStandIn, database_url: str, clock: FrozenClock, path: Path) -> list[str]:
    """The problems the bot's start is refused with."""
    with pytest.raises(ConfigError) as refused, running_bot(fake, database_url, clock=clock, config_path=path):
        pass
    return refused.value.problems


def stored(sessions: SessionFactory) -> dict[tuple[str, str], str]:
    with sessions() as session:
        return {(row.kind, row.name): row.slack_id for row in session.scalars(select(SlackName))}


def test_a_report_under_an_app_yaml_of_addresses_reaches_the_head_and_the_offices(
    workspace: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    with running_bot(workspace, database_url, clock=clock, config_path=config_path) as bot:
        reply = submit_report(bot, clock, user_id="U0STAFF1")
        assert reply.status == 200, reply.body
        delivered(bot)

        # 業務: the reporter's 所属長 by DM, 秘書室, 市政情報課 and 総務課, and the reporter's own copy.
        assert top_level_channels(workspace.calls) == sorted(
            ["U0HEADKANKO", "C0SECRETARIAT", "C0PUBLICINFO", "C0GENERAL", "U0STAFF1"]
        )
        directory = bot.service.runtime.config.directory
        assert directory.departments[0].members == ["U0STAFF1", "U0STAFF2"]
        assert directory.is_public_info("U0PUBINFO1")
        assert directory.actor("U0HEADKANKO").email == "kanko.head@city.example.jp"
        assert stored(bot.service.runtime.sessions)["channel", "秘書室"] == "C0SECRETARIAT"
        with bot.service.runtime.sessions() as session:
            opened = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == "U0STAFF1")).first()
            assert opened is not None
            assert opened.actor_email == "taro.soja@city.example.jp"
            assert audit_chain.verify(session).ok  # the address is covered by the entry's hash
    # Private channels too, paged through with the cursor.
    (listing, *_) = workspace.calls_to("conversations.list")
    assert listing.args["types"] == "public_channel,private_channel"


def test_the_channels_are_paged_through(
    workspace: SlackStandIn, sessions: SessionFactory, clock: FrozenClock, tmp_path: Path
) -> None:
    for n in range(450):
        workspace.workspace.add_channel(f"C1FILLER{n:03d}", f"filler-{n}")
    workspace.workspace.add_channel("C9LAST", "Last-One")
    path = write(
        tmp_path,
        {**MINIMAL, "offices": {**MINIMAL["offices"], "secretariat": {"name": "秘書室", "channel": "#last-one"}}},
    )
    names = slack_names(environment_for(workspace, "unused"), sessions, clock, timeout=5)

    resolution = names.resolve(load_config(path), path)

    assert resolution.config.offices.secretariat.channel == "C9LAST"
    assert resolution.channel_names == {"C9LAST": "#last-one"}
    cursors = [c.args.get("cursor") for c in workspace.calls_to("conversations.list")]
    assert len(cursors) == 3
    assert cursors[0] is None
    assert all(cursors[1:])


@pytest.mark.usefixtures("restore_logging")
def test_an_unknown_address_is_refused_naming_the_key(
    workspace: SlackStandIn,
    database_url: str,
    clock: FrozenClock,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = config_path.read_text(encoding="utf-8").replace("kanko.head@", "nobody@")
    config_path.write_text(text, encoding="utf-8")
    problem = "departments[0].head: nobody@city.example.jp — " + t("config.error.unknown_email")

    assert check_config(monkeypatch, workspace, database_url, config_path) == 1
    assert f"  {problem}" in capsys.readouterr().err.splitlines()
    assert problem.startswith("departments[0].head: nobody@city.example.jp — no Slack user has this address")
    assert refused_start(workspace, database_url, clock, config_path) == [problem]


def test_a_restart_while_slack_is_unreachable_starts_with_the_stored_ids(
    workspace: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with running_bot(workspace, database_url, clock=clock, config_path=config_path):
        pass
    resolved_at = clock.now()
    clock.advance(days=1)
    workspace.fail_next("users.lookupByEmail", status=503, times=100)

    with (
        caplog.at_level(logging.WARNING),
        running_bot(workspace, database_url, clock=clock, config_path=config_path) as bot,
    ):
        assert bot.service.runtime.config.current.departments[0].head == "U0HEADKANKO"
        assert bot.service.runtime.config.current.offices.secretariat.channel == "C0SECRETARIAT"
    assert "Slack could not be reached" in caplog.text
    assert resolved_at.astimezone(TOKYO).isoformat(timespec="minutes") in caplog.text


def test_a_first_start_while_slack_is_unreachable_is_refused(
    workspace: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    workspace.fail_next("users.lookupByEmail", status=503, times=100)

    problems = refused_start(workspace, database_url, clock, config_path)

    assert problems[0].startswith("offices.secretariat.channel: #秘書室 — Slack could not be reached (internal_error)")


def test_a_reload_follows_a_changed_address_and_keeps_the_old_directory_on_an_unknown_one(
    workspace: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path
) -> None:
    with running_bot(workspace, database_url, clock=clock, config_path=config_path) as bot:
        live: LiveConfig = bot.service.runtime.config
        original = config_path.read_text(encoding="utf-8")
        config_path.write_text(original.replace("head: kanko.head@", "head: new.head@"), encoding="utf-8")
        clock.advance(days=120)

        assert live.reload() is True
        assert live.current.departments[0].head == "U0NEWHEAD"
        assert live.directory.labelled("U0NEWHEAD") == "new.head@city.example.jp (U0NEWHEAD)"
        assert stored(bot.service.runtime.sessions)["email", "new.head@city.example.jp"] == "U0NEWHEAD"

        config_path.write_text(original.replace("head: kanko.head@", "head: gone@"), encoding="utf-8")
        assert live.reload() is False
        assert live.current.departments[0].head == "U0NEWHEAD"


@pytest.mark.usefixtures("restore_logging")
def test_check_config_shows_each_address_with_its_id(
    workspace: SlackStandIn,
    database_url: str,
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = check_config(monkeypatch, workspace, database_url, config_path)

    out = capsys.readouterr().out
    assert code == 0, out
    assert "  departments[0].head: kanko.head@city.example.jp → U0HEADKANKO" in out
    assert "  offices.secretariat.channel: #秘書室 → C0SECRETARIAT" in out
    assert "  people.taro.soja@city.example.jp (key): taro.soja@city.example.jp → U0STAFF1" in out

    workspace.fail_next("users.lookupByEmail", status=503, times=100)
    assert check_config(monkeypatch, workspace, database_url, config_path) == 0
    assert "Slack could not be reached" in capsys.readouterr().out


def test_the_playground_makes_up_a_user_per_address_that_the_bot_resolves_alike(
    fake_slack: SlackStandIn, sessions: SessionFactory, clock: FrozenClock, config_path: Path
) -> None:
    config = load_config(config_path)

    shown = people.made_up(config, fake_slack.workspace)
    resolved = slack_names(environment_for(fake_slack, "unused"), sessions, clock, timeout=5).resolve(
        config, config_path
    )

    assert resolved.config == shown
    head = shown.departments[0].head
    assert fake_slack.workspace.names[head] == "観光 一郎"
    assert {p.id for p in people.people(shown)} >= {head, *shown.offices.public_info.members}
    assert fake_slack.workspace.conversations[shown.offices.secretariat.channel].name == "秘書室"


@pytest.mark.usefixtures("restore_logging")
def test_reminders_list_names_each_recipient_by_address_and_id(
    workspace: SlackStandIn,
    database_url: str,
    sessions: SessionFactory,
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with sessions.begin() as session:
        session.add(kanko_account())
    use_the_stand_in(monkeypatch, workspace, database_url)

    code = main(["reminders", "list", "--json", "--now", "2026-11-26T10:00:00+09:00", "--config", str(config_path)])

    listed = {r["kind"]: r for r in json.loads(capsys.readouterr().out)["reminders"]}
    assert code == 0
    assert listed["password"]["to"] == ["taro.soja@city.example.jp (U0STAFF1)"]
    assert listed["review"]["to"] == ["kanko.head@city.example.jp (U0HEADKANKO)"]


def test_a_rate_limited_lookup_waits_and_asks_again(
    workspace: SlackStandIn, sessions: SessionFactory, clock: FrozenClock, config_path: Path
) -> None:
    workspace.fail_next("users.lookupByEmail", status=429, headers={"Retry-After": "0"})
    names = slack_names(environment_for(workspace, "unused"), sessions, clock, timeout=5)

    resolution = names.resolve(load_config(config_path), config_path)

    assert resolution.stale_since is None
    assert resolution.config.departments[0].head == "U0HEADKANKO"


@pytest.mark.slow
def test_doctor_checks_people_by_address_and_channels_by_name(
    workspace: SlackStandIn, database_url: str, config_path: Path
) -> None:
    scheduler_started(database_url)

    passed = doctor(workspace, database_url, config_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "OK  チャンネル 秘書室" in passed.stdout

    written = config_path.read_text(encoding="utf-8")
    config_path.write_text(written.replace("sakura.kibi@city.example.jp", "nobody@city.example.jp"), encoding="utf-8")
    found = doctor(workspace, database_url, config_path)

    assert found.returncode == 1, found.stdout + found.stderr
    (person,) = [line for line in found.stdout.splitlines() if line.startswith("NG")]
    assert "departments[0].members[1]" in person
    assert "nobody@city.example.jp" in person
    assert "users_not_found" in person
