"""The import's two uses: the new app.yaml's text, and the dry run's report of what April changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bot.catalog import t
from bot.config import Config
from bot.directory import Directory
from bot.spreadsheet import Problem
from handlers.personnel.changes import changes
from handlers.personnel.config_file import new_config
from handlers.personnel.readdress import readdressed
from handlers.personnel.report import Name, report
from handlers.personnel.sheet import Post, address, read_posts
from handlers.personnel.staffing import Identify, Staffing, by_name, staffed


@dataclass(frozen=True)
class Plan:
    """The file read: its posts and departments, or (then nothing may be written) every problem, by line."""

    posts: list[Post]
    staffing: list[Staffing]
    problems: list[Problem]


def plan(config: Config, path: Path) -> Plan:
    known = {department.name: department.id for department in config.departments}
    sheet = read_posts(path, config.directory_import, known)
    staffing, problems = staffed(sheet.posts, sheet.sheet)
    return Plan(sheet.posts, staffing, sorted([*sheet.problems, *problems], key=lambda p: p.line))


def identify_by_name(config: Config, plan: Plan) -> Identify:
    """The default Identify: app.yaml's `people:` names matched with the file's (see staffing.by_name)."""
    return by_name(config.people, plan.posts)


def written(plan: Plan, current_text: str, identify: Identify) -> str:
    return new_config(current_text, plan.staffing, plan.posts, identify)


def dry_run(session: Session, config: Config, plan: Plan, identify: Identify) -> str:
    new = {department.id: department for department in plan.staffing}
    moved = readdressed(session, Directory(config), new, identify)
    return report(changes(config, plan.staffing, identify, moved), _namer(config, plan.posts, identify))


def _namer(config: Config, posts: list[Post], identify: Identify) -> Name:
    names = {(address(key) if "@" in key else key): name for key, name in config.people.items()}
    names.update({post.email: post.name for post in posts})

    def name(person: str) -> str:
        key = identify(person)
        shown = names.get(key) or names.get(person)
        return t("personnel.person", name=shown, key=key) if shown else key

    return name
