"""`sns-bot lint`: a post's text checked against the guideline, as /sns-check checks it."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.options import Commands, clock_of, instant
from bot.cli.startup import read_session
from bot.config import load_config
from bot.environment import Environment
from bot.lint import Severity, lint
from handlers.draft import checks as draft_checks


def register(commands: Commands) -> None:
    parser = commands.add("lint", lint_text, "check a post's text against the guideline (exit 1 when it blocks)")
    parser.add_argument("--json", action="store_true", help="print only a JSON document of the findings")
    parser.add_argument("--account", help="the account it is for: repetition within 14 days is checked")
    parser.add_argument("--now", type=instant, help="check repetition as of this ISO 8601 instant with offset")
    parser.add_argument("text", nargs="?", default="-", help="the text, or - (default) to read standard input")


def lint_text(args: argparse.Namespace, env: Environment) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    config = load_config(env.config_path)
    with read_session(env, config) as session:
        previous = draft_checks.recent_texts(session, args.account, clock_of(args).now())
    findings = lint(text, draft_checks.lint_settings(config), previous)
    if args.json:
        print(json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False))
    else:
        for f in findings:
            print(f"{f.start}-{f.end} [{f.severity}] {f.rule}: {f.excerpt} — {f.message}")
    return 1 if any(f.severity == Severity.BLOCK for f in findings) else 0
