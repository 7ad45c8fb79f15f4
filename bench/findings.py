"""What profiling found behind each missed target, keyed like bench/report.py's checks. The report prints an
entry under a part only when that run misses the target; re-run with `--profile DIR` to see the evidence
(py-spy on the serve process: where the listeners' and the delivery worker's wall-clock time goes; pyinstrument
for the sweep). Profiled on the 2-core machine of 2026-11-26; file, function and line as of then."""

from __future__ import annotations

FINDINGS: dict[str, str] = {
    "ack.slash": """
CPU. First found: about half of the process's CPU at c=50 (py-spy on the GIL holder) was slack_sdk turning the
report modal's `View` into a dict (`JsonObject.validate_json`, `get_non_null_attributes`) inside
`client.views_open(...)`. Fixed: the modal is serialised once per directory revision and copied per opening
with only the time, the reporter's department and a shortcut's URLs and summary set
(`handlers/report/views.py` `report_modal_for`: 0.61 ms → 0.007 ms of CPU per opening, timeit on the bench's
directory). Since then modals have provenance: each `/sns-report` commits a transaction before views.open and
one after it (`handlers/common/modals.py` `open_modal`), and quick runs (2026-12-06, a loaded machine) still
showed 4–6 ms of CPU per `/sns-report` against the floor's ~1 ms, part of it the background delivery of the
warm-up's cases. Not profiled since. Full garbage collections (25–113 ms, stopping every thread) landed on the
p99 in the first run; `gc.freeze()` after start-up keeps start-up's objects out of them.
**Next step**: profile `/sns-report` with `--profile` on a quiet machine; if the provenance's second
transaction shows, find the opened view by the external_id Slack sends back instead of recording its view id.
""",
    "ack.submission": """
CPU, now that the locks are fixed. Each submission opens a case in one transaction: ~12 ms of CPU
(pyinstrument, 200 in a row on SQLite): 3.6 ms rendering the five copies with slack_sdk models (2.8 ms of it
`ActionsBlock.to_dict`'s validation), 3.5 ms flushing and committing ~18 rows through the ORM, 2 ms opening the
case; with the delivery of its five copies the process spends 15–19 ms of CPU per report (column CPU/request).
At c=50 one round of 50 submissions needs ~50 × 15 ms on one core (the GIL): p50 near 750 ms whatever the
queueing, so the target of 300 ms at c=50 cannot be met by this design on 2 cores. Fixed on the way (first run
→ this one): SQLite's writers queued in SQLite's sleeping busy handler, out of order (p99 3.3 s with 404s);
they now queue on a lock in the process (`storage/db.py` `_queue_writers`). PostgreSQL held the case counter's
row lock from the start of every report to its commit (89 % of the listeners' wall time, p99 3.2 s with
404s); the number is now taken in a short transaction of its own once advisory locks have settled reports of
the same post (`storage/cases.py` `CaseNumbers`, `lock_urls`).
**Next step**: less CPU per report: render a copy's buttons from a template validated once instead of
validating every button; write the copies, outbox rows and audit entry with Core inserts; deliver the copies
with fewer transactions (settle delivered messages in batches).
""",
    "routing": """
Measured before the fix at p95 ≈ 9 s: each new case queued two posts in the 市政情報課 channel (its copy and
a "created" line in its timeline thread), and at one report a second the channel's pace (a burst of 20, then
one a second) fell behind after ~20 s. Fixed: a new case posts its copies only (they say who reported and who
was told); the timeline's thread starts with the first change. If this is still missed, the channel's queue
holds other cases' thread lines and updates ahead of a new copy.
**Next step**: let a top-level copy overtake pending thread lines and updates of other cases (order matters only
within a thread and between a message and its updates).
""",
    "burst.ack": """
The cause of part 1: every submission is a transaction of ~12 ms of CPU, serialised on SQLite's write lock or
PostgreSQL's case counter and the duplicates' case row (`handlers/report/service.py` `_attach` → `_lock`, FOR
UPDATE, while `_widen`/`_refresh` render and queue every copy's update). A submission that waits past Bolt's
3 s limit is answered 404 (its report is stored: lost = 0, but the reporter sees an error and may report
again).
**Next step**: as in part 1; and coalesce the refresh of widened cases (less work under the case's lock).
""",
    "burst.delivery": """
Missed in the first run (every database): new cases' copies were still queued when the run ended, because a
channel delivered strictly in id order, so a new case's copy in 市政情報課 waited behind every earlier case's
thread lines (paced at one a second) and updates. Fixed: a channel's new top-level posts go before its pending
thread lines and updates, still one message at a time (`storage/outbox.py` `_next_of_its_channel`, one window
over the unsent rows: a correlated subquery per row made PostgreSQL's claims slow down as the backlog grew).
If this is missed again, the backlog of updates is the cause: a report from another department widens its case
(`handlers/report/service.py` `_widen` → `_refresh`), rewriting every copy at once, uncoalesced.
**Next step**: coalesce widening like duplicates (the new 所属長's copy at once, the others' refresh at most
every 10 s); collapse pending updates of the same message into the latest one (chat.update is Tier 3).
""",
    "sweep": """
Fixed since the first run (1.4 s / 2.3 s due, ~300 ms idle): the due accounts are found by index
(`accounts.review_due_on` kept by an ORM hook, the password rotation compared in SQL), reminders already sent are
left out with one query, the due reminders are claimed with one multi-row `INSERT … ON CONFLICT DO NOTHING
RETURNING`, each reminder is rendered once for all its recipients and their messages are queued with one INSERT
(`storage/outbox.py` `post_messages`). What remains (pyinstrument): rendering 1,000 reminders with slack_sdk
models, and the 1,000 audit entries through the ORM; the machine's other load shows here most.
**Next step**: audit entries with one Core insert; a reminder's buttons rendered from a template validated once.
""",
}

# Measured in the first full run (`python -m bench`, 2026-11-26 03:59 UTC, this machine), before the fixes; the
# figures of the run that writes the file are in its tables. (target, first run, what changed)
BEFORE_AND_AFTER: list[tuple[str, str, str]] = [
    (
        "`view_submission` p99 at c=50",
        "sqlite 3,260 ms (13 × 404), postgresql 3,176 ms (4 × 404)",
        "SQLite's writers queue in the process, in turn, not in SQLite's sleeping busy handler (`storage/db.py`); "
        "PostgreSQL numbers a case in a short transaction of its own once advisory locks have settled reports of "
        "the same post (`storage/cases.py`); an answer once given stays given (`handlers/common/failure.py`)",
    ),
    (
        "routing p95",
        "sqlite 9,059 ms, postgresql 9,074 ms",
        'a new case posts its copies only, no "created" thread line (`handlers/report/service.py` `_route`)',
    ),
    ("burst: reports answered 200", "sqlite 987 and 999 of 1,000, postgresql 994 and 989", "as for `view_submission`"),
    (
        "burst: every fan-out copy delivered within 50 s",
        "not all by the end, in all four runs",
        "a channel's new posts go before its thread lines and updates; each channel's next message is found with "
        "one window over the unsent rows (`storage/outbox.py`)",
    ),
    (
        "sweep with 1,000 due",
        "sqlite 1,424 ms, postgresql 2,327 ms",
        "due accounts found by index; one query for what was sent, one INSERT to claim, one to queue; each "
        "reminder rendered once (`handlers/account/service.py` `sweep`)",
    ),
    ("idle sweep", "sqlite 316 ms, postgresql 296 ms", "due accounts found by index (`storage/accounts.py`)"),
    (
        "`/sns-report` p99 / floor p99 at c=50",
        "sqlite 2.56×, postgresql 2.82×",
        "the catalog parsed at start; `gc.freeze()` after start-up (`bot/cli.py` `serve`); the report modal "
        "serialised once per directory revision (`handlers/report/views.py` `report_modal_for`)",
    ),
    (
        "`/sns-help` p99 / floor p99 at c=50",
        "1.4–1.9× (issue 13); quick runs on a loaded machine: sqlite 158 ms, postgresql 176 ms (4.3×, 4.7×)",
        "answered in its ack, not through response_url, drawn once per configuration revision "
        "(`handlers/help/listeners.py`); the same quick run after: 57 ms and 98 ms",
    ),
]
