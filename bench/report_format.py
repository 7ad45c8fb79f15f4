"""The Markdown building blocks of bench/RESULTS.md: tables, verdicts, durations, and the causes
profiling found behind each missed check (bench/findings.py)."""

from __future__ import annotations

from bench.findings import FINDINGS
from bench.results import Check


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def span(values: list[float]) -> str:
    if not values:
        return "–"
    low, high = min(values), max(values)
    return f"{low:.2f} s" if len(values) == 1 else f"{low:.2f}–{high:.2f} s"


def errors(statuses: dict[int, int]) -> str:
    """{404: 3} as "3 × 404"; 0 is no answer at all."""
    if not statuses:
        return "0"
    return ", ".join(f"{n} × {status or 'no answer'}" for status, n in sorted(statuses.items()))


def causes(checks: list[Check]) -> str:
    """Below a section's tables: what profiling found behind each target it misses."""
    missed: dict[str, list[Check]] = {}
    for check in checks:
        if not check.met:
            missed.setdefault(check.key, []).append(check)
    text = ""
    for key, items in missed.items():
        figures = "; ".join(f"{c.what}: {c.figure} (target {c.target})" for c in items)
        finding = FINDINGS.get(key, "Not profiled yet: run `python -m bench --profile DIR` and read the profiles.")
        text += f"\n**Missed — {figures}.**\n\n**Cause found, next step.** {finding.strip()}\n"
    return text
