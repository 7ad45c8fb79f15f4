"""What profiling found behind each missed target, keyed like bench/report.py's checks. The report prints an
entry under a part only when that run misses the target; re-run with `--profile DIR` to see the evidence
(py-spy on the serve process: where the listeners' and the delivery worker's wall-clock time goes; pyinstrument
for the sweep). Profiled on the 2-core machine of 2026-11-26; file, function and line as of then."""

from __future__ import annotations

FINDINGS: dict[str, str] = {
    "ack.cpu": """
The transaction of a report, measured in-process without the worker (`bench/ack_cpu.py`). Done (2026-12-07): no ORM
flush on the path any more (the case, its report, URLs and URL claims, the idempotency record, the posts and the
audit entry are Core INSERTs on the tables, the audit entry still chained at commit), statements built once instead
of per call, no savepoint, the open case found by its URL claim alone, PostgreSQL's case counter one autocommit
statement: 13 statements and BEGIN on SQLite, 16 on PostgreSQL; and the request's thread waits for the ack on an
event instead of Bolt's 10 ms polling (`bot/listener_runner.py`). Per report: SQLite 9.65 → 4.95–7.69 ms,
PostgreSQL 15.66 → 9.50–13.58 ms (the run of 2026-12-07 05:56 UTC, then the full runs of 2026-12-07 13:31–14:44
UTC). What is left is per statement (~0.1 ms on SQLite, ~0.2–0.5 ms with psycopg's round trip), the session's begin
and commit, and the HTTP path shared by every request (signature, Bolt's parsing, the middlewares: ~0.3 ms, see
`ack.help`).
**Next step**: fewer round trips on PostgreSQL (its pool's pre-ping, the NOTIFY, the posts and their copies in one
statement); no transient `Case` object for a new case (~0.1 ms).
""",
    "ack.slash": """
CPU. First found: about half of the process's CPU at c=50 was slack_sdk turning the report modal's `View` into a
dict; fixed: the modal is serialised once per directory revision (`handlers/report/views/report_modal.py`
`report_modal_for`). Since issue 12 each `/sns-report` records the modal it opens, before and after views.open;
those records share their commits with the other modals opened meanwhile (`storage/group_commit.py`). Since
2026-12-07 the answer goes back the moment the listener acks (`bot/listener_runner.py`; Bolt's runner looked for
the ack every 10 ms), so at c=1 the bot is at the floor in most runs (0.99–1.09×; 1.23× and 1.46× once each). What
is left at c=20 and c=50: the bot spends about twice the floor's CPU per command (3.2–3.6 ms against 1.7: the two
records of the opened modal and the full report modal sent to views.open and parsed back), and in a closed loop on
2 cores the p99 follows the CPU.
**Next step**: one record per command (the view id learned from the submission, which carries our external_id,
instead of a second write after views.open); the views.open answer not parsed beyond the view id.
""",
    "ack.help": """
Before 2026-12-07 the answer waited for Bolt's listener pool, where Bolt's runner looks for the ack every 10 ms
(`slack_bolt/listener/thread_runner.py`): in-process ~1.2 ms of CPU and ~11 ms of wall-clock per command. Now a
global middleware answers `/sns-help` from the request's own thread with the answer serialised once per
configuration revision (`handlers/help/listeners.py`): ~0.3 ms of CPU, ~1 ms; 0.43–1.10× the floor in the full runs
of 2026-12-07 13:31–14:44 UTC but once, 1.21× (PostgreSQL c=20, 29.8 ms against 24.6), within this machine's noise
between runs; what the bot adds over the floor is its own edge, shared by every request: the signature and shape
checks in `bot/http.py`, Bolt parsing the form again, the three global middlewares called through Bolt's argument
injection, the metrics.
**Next step**: the shape check and Bolt sharing one parse of the body.
""",
    "ack.submission": """
The absolute target is below the durable floor on this machine: one INSERT committed per submission already takes
~500–700 ms at the p99 at c=50 (the table above). The bot's ratio to it was 1.1–1.3× on SQLite and 1.8–2.6× on
PostgreSQL (target ≤ 2×) in the full runs of 2026-12-07 13:31–14:44 UTC. Issue 13 moved rendering out of the ack: a
report's transaction stores the case, its audit entry and intents (`handlers/report/service/`), and the delivery
worker draws each message when it sends it (`handlers/report/messages.py`); its rows are Core INSERTs (`ack.cpu`).
Since 2026-12-07 the answer goes back the moment the listener acks, not at Bolt's next 10 ms look
(`bot/listener_runner.py`), and the request threads no longer wake a hundred times a second each: PostgreSQL c=50
p99 1,995 → 1,064 ms, SQLite 973 → 630 ms (runs of 2026-12-07 05:56 and 13:31 UTC). What is left above the floor:
on SQLite the transaction's CPU is spent holding the one write lock (py-spy: 93 % of a submission's time waiting
for it at c=50), and the serve process also delivers; on PostgreSQL every report commits under the audit chain's
lock (`storage/audit_chain.py`).
**Next step**: the audit chain appended after commit by one chainer (entries written unchained, chained in order by
a sweep), so reports commit in parallel on PostgreSQL; on SQLite, less CPU inside the write lock (the statements
built, the rows serialised before BEGIN).
""",
    "routing": """
A copy's way out: the commit wakes the worker (in-process on SQLite; NOTIFY to the scheduler process on
PostgreSQL), the worker claims in a transaction of its own, loads the case once for the copies claimed together,
draws each copy and sends it: four 30 ms calls in parallel. p50 41–43 ms is that path; the p95 (65–92 ms SQLite,
115–148 ms PostgreSQL) is the claim and the draw waiting for the interpreter lock and, on PostgreSQL, the extra hop
of NOTIFY and a second process. A new case posts its copies only, no "created" thread line; a channel's new posts
go before its updates and thread lines.
**Next step**: send a new case's copies as soon as its transaction commits, drawn from the state it committed (the
listener's own data, no claim round), leaving only retries and later updates to the worker.
""",
    "burst.ack": """
The cause of part 1, with duplicates: 950 of the 1,000 reports attach to one of 50 cases, and the reports of one
post run one at a time (`handlers/report/service/submission.py` `submit`: the post's lock, then `_attach` →
`copies.lock`, the case row FOR UPDATE, then the copies' updates queued). py-spy on PostgreSQL (quick burst,
2026-12-07): of a submission's time, 17 % waiting for the post's lock and ~65 % in psycopg's round trips of
`_attach` (the case and its reports loaded, the URLs, `refresh` → `storage/outbox.py` `_pending`), all under that
lock, so 20 reports of a post queue behind each other's ~20 round trips. SQLite's one writer serialises them
anyway: p99 175–570 ms; PostgreSQL 1.9–6.2 s (the full runs of 2026-12-07 13:31–14:44 UTC), where 986–1,000 of
1,000 were answered (928 and 988 before the listener runner; the others hit Bolt's 3 s limit: 404). A report
waiting past the limit is stored all the same (lost = 0), but its reporter sees an error. Since 14:00 a case's
copies load their messages in the same query (`storage/cases.py` `_WHOLE`): an attach is 24 statements, not 31.
**Next step**: attach in a few statements under the post's lock (one `UPDATE … RETURNING` of the case's counters,
the report and URLs as Core INSERTs, the copies' updates as one `INSERT … SELECT` guarded by the pending-update
check), so a post's lock is held for ~3 round trips instead of ~20.
""",
    "burst.delivery": """
A channel sends one message at a time at Slack's pace (a burst of 20, then one a second): in a flame-up the
offices' channels hold the backlog. Since issue 13 an update is drawn when it is sent, and one pending update
stands for any number of changes to its case (`storage/outbox.py` `update_intents`), so the 10-second
coalescing and its sweep are gone; a channel out of tokens is left out of the claim. chat.update takes no token
of the channel's bucket (only chat.postMessage has Slack's "one per second per channel" tier), but a channel
still sends one message at a time, and until 2026-12-07 a copy's update ranked with the thread lines: in
市政情報課's channel it waited behind ~300 of them. Now updates rank after new copies and before thread lines
(`storage/outbox_claims.py` `_rank`).
**Next step**: fewer thread lines in the busiest channel in a flame-up (one digest line per case per minute
instead of a line per report); the thread lines are not part of this target but hold the channel's pace.
""",
    "burst.resume": """
A 429'd message waits for Retry-After (1 s here) and then for a token of its channel's bucket (`bot/pacing.py`);
the gap is measured from the channel's last 429, and while the reports arrive the fake answers two calls in
every three seconds 429, so a retry can meet another. On SQLite the delivery worker shares the serve process
with the burst's acknowledgements (that process at ~1 core, ack p50 ~1.4 s in this run), so its claims run late;
on PostgreSQL, where a `sns-bot scheduler` process delivers, the same gap was 1.7 s.
**Next step**: less CPU per acknowledgement in the serve process (part 1); a rate-limited channel's retry
claimed by the worker's timer at its due time rather than at the next claim round.
""",
    "startup": """
Imports. `import bot.cli` took 1.3–1.8 s and 108 MB (`python -X importtime`): twitter-text alone 0.37 s (it
compiles its patterns and imports pkg_resources), openpyxl 0.1 s, psycopg on SQLite too. Since 2026-12-07 they load
on first use (an X text's length, an xlsx export or import, PostgreSQL's LISTEN; `tests/test_startup_imports.py`
keeps them out): 84 MB, and 1.6–2.7 s to the first 200 from /healthz in the runs of 2026-12-07 (the target judges
the slowest of five starts; the machine's other load moves it by ±0.4 s). What is left: SQLAlchemy and the models
(~0.3 s), slack_bolt (~0.2 s), alembic and the 14 revision scripts for the schema check (~0.1 s), the
configuration's validation, and on a fresh SQLite database its migrations.
**Next step**: the schema check by one query of alembic_version against the head revision known at build time (no
alembic import when the schema is current); the features' listeners imported when registered.
""",
    "rss": """
Imports were 108 MB of the 161 (`ru_maxrss` after `import bot.cli`); twitter-text, openpyxl and psycopg load on
first use since 2026-12-07 (`startup`), 84 MB before the first request. The rest grows with the burst: up to
64 listener threads in flight, SQLAlchemy's statement cache, and on SQLite the delivery worker and its drawn
messages in the same process.
**Next step**: a listener pool sized to the database (SQLite has one writer: 64 threads only queue for it).
""",
    "sweep": """
The due accounts are found by index, the reminders already sent left out with one query, the due reminders
claimed with one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`, and since issue 13 each reminder is
queued as an intent, drawn when sent, all of them in one INSERT (`storage/outbox.py` `post_intents`); the audit
entries are chained and written with one executemany at the commit (`storage/audit_chain.py`). pyinstrument
(`--profile`, 2026-12-07, PostgreSQL, the test suite running beside it: 1.43 s): the outbox INSERT 0.69 s, the
claims' INSERT 0.27 s, the audit chain 0.24 s. Alone, the same 1,000-row INSERT takes 0.1–0.2 s, most of it
psycopg turning the statement's 11,000 named placeholders into PostgreSQL's (a statement that long is not
cached); as an executemany it is no faster. The rest is the machine's other load, which this part shows most.
**Next step**: the reminders' outbox rows and claims in one statement (`INSERT … SELECT` from the claimed
rows' RETURNING), which halves the round trips and the placeholders.
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
        'a new case posts its copies only, no "created" thread line (`handlers/report/service/submission.py` `_route`)',
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
        "reminder rendered once (`handlers/account/sweep.py`)",
    ),
    ("idle sweep", "sqlite 316 ms, postgresql 296 ms", "due accounts found by index (`storage/accounts.py`)"),
    (
        "`/sns-report` p99 / floor p99 at c=50",
        "sqlite 2.56×, postgresql 2.82×",
        "the catalog parsed at start; `gc.freeze()` after start-up (`bot/cli/serving.py`); the report modal "
        "serialised once per directory revision (`handlers/report/views/report_modal.py` `report_modal_for`)",
    ),
    (
        "`/sns-help` p99 / floor p99 at c=50",
        "1.4–1.9× (issue 13); quick runs on a loaded machine: sqlite 158 ms, postgresql 176 ms (4.3×, 4.7×)",
        "answered in its ack, not through response_url, drawn once per configuration revision "
        "(`handlers/help/listeners.py`); the same quick run after: 57 ms and 98 ms; then (2026-12-07, from "
        "1.45–1.58×) answered by a global middleware from the request's own thread, not through Bolt's pool",
    ),
    (
        "`/sns-report` p99 at c=50",
        "after issue 12's modal records (quick run, 2026-12-06): sqlite 1,127 ms, 10.45× its floor",
        "the records of opened modals share their commits (`storage/group_commit.py`, `handlers/common/modals.py`)",
    ),
    (
        "a report's transaction",
        "issue 13: ~12 ms of CPU, 3.6 ms of it rendering five copies; ~27 statements",
        "render at send time: facts and intents stored, the worker draws (`handlers/*/messages.py`); copies and "
        "posts one INSERT each; ~16 statements (`bench/ack_cpu.py` measures it)",
    ),
    (
        "copies rewritten in a burst of duplicates",
        "at most once per 10 s, then a sweep for the stale ones (`report.refresh`)",
        "one pending update per message, drawn when sent, whatever the number of changes (`storage/outbox.py` "
        "`update_intents`); an update its reader would see no change in is skipped",
    ),
    (
        "`view_submission` p99 at c=50, and every ack",
        "2026-12-07 05:56 run: sqlite 973 ms, postgresql 1,995 ms; CPU per report 9.65 and 15.66 ms",
        "the answer goes back the moment a listener acks: Bolt's runner looked for the ack every 10 ms, from "
        "every request's thread (`bot/listener_runner.py`)",
    ),
    (
        "burst: reports answered 200, postgresql",
        "2026-12-07 05:56 run: 928 and 988 of 1,000 (72 and 12 × 404)",
        "as for `view_submission`",
    ),
    (
        "burst: every copy and chat.update delivered within 40 s of the last report",
        "the copies' updates queued behind ~300 thread lines of 市政情報課's channel",
        "a channel's updates rank before its thread lines (`storage/outbox_claims.py` `_rank`)",
    ),
    (
        "start-up and peak RSS",
        "2026-12-07 05:56 run: 3.11 s and 2.98 s; 161 MB (SQLite)",
        "twitter-text, openpyxl and psycopg imported on first use, not at start (`bot/lint/length.py`, "
        "`bot/audit_xlsx.py`, `bot/spreadsheet.py`, `bot/service.py`): 108 → 84 MB before the first request",
    ),
]
