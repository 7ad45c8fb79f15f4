"""`make test-dates`: tests/dates/sitecustomize.py shifts the clock of a process and of the processes it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest

from tests.support.bot import ROOT
from tests.support.process import clean_environment

SHIFTED = os.environ.get("SNS_BOT_TEST_NOW")
# Prints its clock, then its child's: the child inherits the environment as the bot processes do.
PARENT_AND_CHILD = """
import json, os, subprocess, sys, time
parent = time.time()
child = subprocess.run([sys.executable, "-c", "import time; print(time.time())"], env=os.environ,
                       capture_output=True, text=True, check=True)
print(json.dumps([parent, float(child.stdout)]))
"""


def clocks(env: dict[str, str]) -> list[float]:
    result = subprocess.run(
        [sys.executable, "-c", PARENT_AND_CHILD], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_process_and_its_children_run_from_the_instant_given() -> None:
    env = {name: value for name, value in clean_environment().items() if not name.startswith("SNS_BOT_TEST_NOW")}
    env |= {"PYTHONPATH": str(ROOT / "tests" / "dates"), "SNS_BOT_TEST_NOW": "2028-02-29T12:00:00+09:00"}
    target = datetime.fromisoformat(env["SNS_BOT_TEST_NOW"]).timestamp()

    parent, child = clocks(env)

    assert target <= parent < target + 30
    assert parent <= child < parent + 30  # the child continues the parent's clock, it does not start again


def test_without_the_variable_the_clock_is_real() -> None:
    env = {name: value for name, value in clean_environment().items() if not name.startswith("SNS_BOT_TEST_NOW")}
    env["PYTHONPATH"] = str(ROOT / "tests" / "dates")
    before = datetime.now().timestamp()  # clock-ok: the machine's clock is what this test compares with

    parent, _ = clocks(env)

    if SHIFTED:  # this process is shifted, the one started without the variable is not
        assert abs(parent - before) > 3600
    else:
        assert before <= parent < before + 30


@pytest.mark.skipif(not SHIFTED, reason="only under make test-dates")
def test_the_harness_passes_the_shifted_clock_on() -> None:
    now = datetime.now().timestamp()  # clock-ok: this process's shifted clock is what the test checks

    parent, child = clocks(clean_environment())

    assert datetime.fromisoformat(SHIFTED or "").timestamp() <= now < parent < now + 30
    assert parent <= child < parent + 30
