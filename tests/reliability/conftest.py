"""The reliability scenarios' marker, and the hooks that collect their figures.

`make test` runs the quick scenarios (pyproject's addopts deselect ``reliability_long``); `make reliability`
runs them all with ``-s`` and, when nothing of tests/reliability was deselected, rewrites the generated
part of bench/RELIABILITY.md with the figures of that run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import configuration

from tests.reliability import rows

HERE = Path(__file__).resolve().parent
_state: dict[str, Any] = {"deselected": 0, "long": 0, "complete": False}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability_long: fault-injection scenarios too long for make test (make reliability runs them)"
    )
    # Hypothesis keeps caches in ./.hypothesis: keep them in a temporary directory, removed at the end.
    _state["hypothesis"] = tempfile.mkdtemp(prefix="sns-reliability-hypothesis-")
    configuration.set_hypothesis_home_dir(_state["hypothesis"])


def _ours(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_deselected(items: list[pytest.Item]) -> None:
    _state["deselected"] += sum(1 for item in items if _ours(item))


def pytest_collection_finish(session: pytest.Session) -> None:
    ours = [item for item in session.items if _ours(item)]
    _state["long"] = sum(1 for item in ours if item.get_closest_marker("reliability_long"))
    # Every scenario module collected, the long scenarios selected, nothing deselected: a complete run.
    modules = {Path(str(item.path)).resolve() for item in ours}
    _state["complete"] = modules == set(HERE.glob("test_*.py")) and bool(_state["long"]) and not _state["deselected"]


def _complete() -> bool:
    return bool(_state["complete"])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    rows.current["nodeid"] = item.nodeid
    yield
    rows.current.pop("nodeid", None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        xfail = hasattr(report, "wasxfail")
        outcome = ("xfailed" if report.skipped else "xpassed") if xfail else report.outcome
        for check in rows.CHECKS:
            if check.nodeid == report.nodeid:
                check.outcome = outcome


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not rows.CHECKS:
        return
    terminalreporter.section("reliability (issue 6)")
    for line in rows.summary_table():
        terminalreporter.write_line(line)
    if _complete():
        terminalreporter.write_line(f"\nwritten to {rows.REPORT.relative_to(rows.ROOT)}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Only a complete run (every scenario, the long ones included) may replace the committed figures.
    if rows.CHECKS and _complete() and exitstatus != pytest.ExitCode.INTERRUPTED:
        rows.write_report()


def pytest_unconfigure(config: pytest.Config) -> None:
    if directory := _state.get("hypothesis"):
        shutil.rmtree(str(directory), ignore_errors=True)
