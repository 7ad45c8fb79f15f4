"""Shifts this process's clock when SNS_BOT_TEST_NOW is set: `make test-dates` runs the suite at chosen dates.

Python imports sitecustomize at start-up from PYTHONPATH, so the test process and every process it starts
with the inherited environment (the bot, the playground, the sns-bot commands) run on one shifted clock.
Only the wall clock moves (time.time, datetime.now): time.monotonic, chromium and PostgreSQL's server keep
the real time.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

TARGET = "SNS_BOT_TEST_NOW"  # ISO 8601 instant with offset, e.g. 2028-02-29T12:00+09:00
STARTED = "SNS_BOT_TEST_NOW_SINCE"  # the real time the shift began, set by the first process


def _travel() -> None:
    target = os.environ.get(TARGET)
    if not target:
        return
    import time_machine  # only then: a run without the variable needs no test extras

    at = datetime.fromisoformat(target)
    if at.tzinfo is None:
        raise ValueError(f"{TARGET}={target!r} has no offset (e.g. 2028-02-29T12:00+09:00)")
    # A process started later continues the first one's clock instead of starting again at the target:
    # signed requests between them stay inside Slack's 300 s window however long the suite runs.
    since = float(os.environ.setdefault(STARTED, repr(time.time())))
    time_machine.travel(at.timestamp() + (time.time() - since), tick=True).start()


_travel()
