"""The audit log's commands: `export audit` for the committee (6(1)) and `audit verify` of its hash chain."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import BinaryIO

from bot import audit_export
from bot.audit_export import FORMATS, ExportRequest, default_filename
from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import database, opened_runtime
from bot.clock import SystemClock
from bot.environment import Environment
from storage import audit_chain, migrate
from storage.db import make_sessions


def register_export(commands: Commands) -> None:
    parser = commands.add("export", export_audit, "export the audit log for the committee (6(1))")
    parser.add_argument("what", choices=["audit"])
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, required=True, help="YYYY-MM-DD (inclusive)")
    parser.add_argument("--format", choices=FORMATS, default="xlsx")
    parser.add_argument("--output", type=Path, help="file to write (default: stdout; xlsx: audit-FROM-TO.xlsx)")
    parser.add_argument(
        "--include-private", action="store_true", help="include private reports' content (the export is audited so)"
    )


def register_verify(commands: Commands) -> None:
    parser = commands.add("audit", verify_audit, "recompute the audit log's hash chain (exit 1 when it breaks)")
    parser.add_argument("action", choices=["verify"])
    parser.add_argument(
        "--anchor",
        action="append",
        type=_anchor,
        default=[],
        metavar="SEQ:HASH",
        help="a head hash kept outside the database (the monthly summary's); repeatable",
    )


def _anchor(text: str) -> tuple[int, str]:
    seq, _, hash_ = text.partition(":")
    if not (seq.isdigit() and re.fullmatch(r"[0-9a-f]{64}", hash_)):
        raise argparse.ArgumentTypeError(f"{text!r} is not SEQ:HASH (e.g. 1234:<64 hex digits>)")
    return int(seq), hash_


def export_audit(args: argparse.Namespace, env: Environment) -> int:
    """Every audit entry between two days (inclusive, in the organisation's zone), private reports' content
    left out unless --include-private; the export is audited, saying which (bot/audit_export.py)."""
    request = ExportRequest(args.first, args.last, args.format, include_private=args.include_private)
    if args.format == "xlsx":
        out: Path | BinaryIO = args.output or Path(default_filename(args.first, args.last))
    else:
        out = args.output or sys.stdout.buffer
    with opened_runtime(env, SystemClock()) as runtime:
        try:
            audit_export.export_audit(runtime.sessions, runtime.config.directory, runtime.clock.now(), request, out)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    if args.format == "xlsx":
        print(out, file=sys.stderr)
    return 0


def verify_audit(args: argparse.Namespace, env: Environment) -> int:
    """Exit 0 with the number of entries and the head hash; 1 naming the first entry that does not match."""
    with database(env) as engine:
        if not migrate.is_current(engine):
            current, head = migrate.current_revision(engine), migrate.head_revision()
            print(bilingual("cli.startup.schema_outdated", current=current, head=head), file=sys.stderr)
            return 2
        with make_sessions(engine)() as session:
            verdict = audit_chain.verify(session, dict(args.anchor))
    if verdict.problem:
        print(bilingual("cli.audit.broken", count=verdict.count, problem=verdict.problem), file=sys.stderr)
        return 1
    print(bilingual("cli.audit.verified", count=verdict.count, head=verdict.head))
    return 0
