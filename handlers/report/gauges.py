"""The report feature's gauge on /metrics, registered at wiring time: cases not yet resolved, by kind."""

from __future__ import annotations

from bot.metrics import CountedGauge
from storage import cases
from storage.models import CaseKind

OPEN_CASES = CountedGauge(
    "sns_bot_cases_open",
    "Cases not yet resolved, by kind",
    "kind",
    tuple(kind.value for kind in CaseKind),
    cases.open_by_kind,
)
