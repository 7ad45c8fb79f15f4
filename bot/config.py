"""app.yaml: the organisation, its directory and the bot's settings, validated at start.

Every problem is reported with its key path in English (``departments[2].head``) and a
Japanese explanation from the catalog, so the person editing app.yaml in April knows
exactly which line to fix. Secrets never live here: they come from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.catalog import t

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
# A person may also be named by the address Slack knows them by, a channel by its #name: both are
# resolved into IDs (bot/slack_names.py) before the directory is built.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHANNEL_NAME = re.compile(r"^#[^\s#,]{1,80}$")
PERSON = re.compile(f"{USER_ID.pattern}|{EMAIL.pattern}")
CHANNEL = re.compile(f"{CHANNEL_ID.pattern}|{CHANNEL_NAME.pattern}")
DEPARTMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _matching(pattern: re.Pattern[str], error_type: str):
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise PydanticCustomError(error_type, "{value!r} does not match " + pattern.pattern, {"value": value})
        return value

    return AfterValidator(check)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError("timezone", "{value!r} is not a time zone", {"value": value}) from None
    return value


SlackUserId = Annotated[str, _matching(PERSON, "slack_user_id")]
SlackChannelId = Annotated[str, _matching(CHANNEL, "slack_channel_id")]
DepartmentId = Annotated[str, _matching(DEPARTMENT_ID, "department_id")]
TimeZoneName = Annotated[str, AfterValidator(_zone)]
# Quoted "HH:MM": unquoted 8:30 is the number 510 to YAML 1.1.
ClockTime = Annotated[str, _matching(CLOCK_TIME, "clock_time")]
Name = Annotated[str, Field(min_length=1, max_length=80)]
Members = Annotated[list[SlackUserId], Field(min_length=1)]


class _Section(BaseModel):
    # Unknown keys are typos until proven otherwise.
    # Strict: YAML's `yes` is no number of days, and "3000" no port.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OfficeHours(_Section):
    """When the city office is open: reminders that are not urgent wait for it."""

    start: ClockTime = "08:30"
    end: ClockTime = "17:15"

    @model_validator(mode="after")
    def _start_before_end(self) -> OfficeHours:
        if self.start >= self.end:
            raise PydanticCustomError("office_hours", "start must be before end", {"start": self.start})
        return self


class Organization(_Section):
    name: Name
    timezone: TimeZoneName = "Asia/Tokyo"
    office_hours: OfficeHours = OfficeHours()


class ChannelOffice(_Section):
    name: Name
    channel: SlackChannelId
    # Who may act on the office's copies of a case; empty: anyone who can see the channel.
    members: list[SlackUserId] = Field(default_factory=list)


class MemberOffice(_Section):
    name: Name
    members: Members


class ChannelMemberOffice(ChannelOffice):
    members: Members


class Offices(_Section):
    secretariat: ChannelOffice
    public_info: ChannelMemberOffice
    general_affairs: ChannelOffice
    security_officer: MemberOffice
    security_committee: ChannelOffice


class ApprovalStep(_Section):
    """One step of a 決裁 route: any one of the approvers, or all of them, must approve."""

    approvers: Members
    mode: Literal["any", "all"] = "any"


class Department(_Section):
    id: DepartmentId
    name: Name
    head: SlackUserId
    approvers: list[SlackUserId] = Field(default_factory=list)
    members: list[SlackUserId] = Field(default_factory=list)
    # An ordered 決裁 route (e.g. 係長 then 課長); without one, the chosen approvers form one step.
    approval_route: list[ApprovalStep] = Field(default_factory=list)
    # 代決者: may decide while a step's approvers are absent.
    deputies: list[SlackUserId] = Field(default_factory=list)

    @model_validator(mode="after")
    def _head_approves_by_default(self) -> Department:
        if not self.approvers:
            object.__setattr__(self, "approvers", [self.head])
        return self


class Reminders(_Section):
    password_rotation_days: PositiveInt = 90
    effectiveness_review_days: PositiveInt = 180
    withdrawal_notice_days: PositiveInt = 30
    # 4(4)③: an account with no 公開用運用ポリシー URL recorded is reminded every so many days.
    policy_reminder_days: PositiveInt = 14
    incident_ack_escalation_minutes: PositiveInt = 30
    approval_reminder_hours: PositiveInt = 24


class Lint(_Section):
    """The text checks every draft goes through (4(3), 5(3)③)."""

    # けんか・炎上の火種: empty means the built-in list (bot.lint.DEFAULT_FORBIDDEN_WORDS).
    forbidden_words: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    # Character limits per platform; X counts weighted (280 = 140 full-width characters).
    length_limits: dict[str, PositiveInt] = Field(
        default_factory=lambda: {"x": 280, "instagram": 2200, "facebook": 63206, "line": 500, "youtube": 5000}
    )


class Database(_Section):
    url: str = "sqlite:///./sns-bot.db"


class Server(_Section):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    # Threads that run HTTP requests; each waits for its listener's ack.
    http_threads: PositiveInt = 32
    # Bolt's listener pool (its default of 5 queues acks behind slow listeners).
    listener_threads: PositiveInt = 64
    # Open connections held at once, and the kernel's queue of those not yet accepted.
    connection_limit: PositiveInt = 1000
    backlog: PositiveInt = 1024
    max_body_bytes: PositiveInt = 1_048_576


class Delivery(_Section):
    workers: PositiveInt = 8
    # Safety net only: committing an outbox row wakes the worker at once.
    poll_seconds: PositiveFloat = 10.0
    # Transient failures (5xx, network) are retried with a backoff of at most max_backoff_seconds,
    # until the message is give_up_after_minutes old: then it is marked failed and audited.
    max_backoff_seconds: PositiveFloat = 5.0
    give_up_after_minutes: PositiveInt = 1440
    # Slack allows about one message per second per channel, with short bursts.
    channel_interval_seconds: PositiveFloat = 1.0
    # Pace a channel ahead of time only beyond a burst; below it Slack's 429 and Retry-After suffice.
    channel_burst: PositiveInt = 20
    request_timeout_seconds: PositiveFloat = 10.0


class Logging(_Section):
    # json: one JSON object per line, for a log collector (`--log-format` overrides it).
    format: Literal["text", "json"] = "text"


# What a 役職 makes of someone in app.yaml's departments (members: everyone but the head, whatever the title).
Role = Literal["head", "approver", "deputy"]


class ImportColumns(_Section):
    """The personnel spreadsheet's header names, as 人事課 writes them."""

    department: Name = "所属"
    title: Name = "役職"
    name: Name = "氏名"
    email: Name = "メールアドレス"


class DirectoryImport(_Section):
    """`sns-bot directory import`: how the personnel spreadsheet becomes app.yaml's departments."""

    columns: ImportColumns = ImportColumns()
    # 役職 -> roles; a title not listed makes a member only.
    roles: dict[Name, list[Role]] = Field(
        default_factory=lambda: {
            "部長": ["head", "approver"],
            "課長": ["head", "approver"],
            "室長": ["head", "approver"],
            "課長補佐": ["deputy"],
            "係長": ["approver"],
        }
    )
    # 所属 as the spreadsheet names it -> department id; app.yaml's own departments are known by their name.
    departments: dict[Name, DepartmentId] = Field(default_factory=dict)


class Config(_Section):
    organization: Organization
    offices: Offices
    departments: Annotated[list[Department], Field(min_length=1)]
    reminders: Reminders = Reminders()
    lint: Lint = Lint()
    # Display names by Slack user ID (or e-mail address), kept in records as they were at the time.
    people: dict[SlackUserId, Name] = Field(default_factory=dict)
    database: Database = Database()
    server: Server = Server()
    delivery: Delivery = Delivery()
    logging: Logging = Logging()
    directory_import: DirectoryImport = DirectoryImport()


class ConfigError(Exception):
    """app.yaml cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.path = path
        self.problems = problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # <<: *anchor may repeat keys on purpose: the written ones win
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # SafeLoader itself reports an unhashable key
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, t("config.error.duplicate_key", key=key), key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [t("config.error.not_found", path=path)]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, [t("config.error.unreadable", path=path, error=error)]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise ConfigError(path, [_yaml_problem(path, error)]) from None
    if not isinstance(data, dict):
        raise ConfigError(path, [t("config.error.not_mapping", path=path)])
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, list(_problems(error.errors()))) from None
    if problems := _duplicate_departments(config):
        raise ConfigError(path, problems)
    return config


def _duplicate_departments(config: Config) -> list[str]:
    first_index: dict[str, int] = {}
    problems = []
    for index, department in enumerate(config.departments):
        if department.id in first_index:
            first = f"departments[{first_index[department.id]}]"
            problems.append(
                f"departments[{index}].id: " + t("config.error.duplicate_department", id=department.id, first=first)
            )
        first_index.setdefault(department.id, index)
    return problems


def _yaml_problem(path: Path, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
    problem = getattr(error, "problem", None) or str(error)
    return t("config.error.yaml", where=where, problem=problem)


def _problems(errors: Iterable[Any]) -> Iterable[str]:
    for error in errors:
        yield f"{key_path(error['loc'])}: {_explain(error)}"


def key_path(loc: tuple[Any, ...]) -> str:
    """``('departments', 2, 'head')`` -> ``departments[2].head``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top)"


def _explain(error: dict[str, Any]) -> str:
    params = {**error.get("ctx", {}), "input": error.get("input")}
    try:
        return t(f"config.error.{error['type']}", **params)
    except KeyError:
        # A pydantic check we have no Japanese for yet: its English is still precise.
        return error["msg"]
