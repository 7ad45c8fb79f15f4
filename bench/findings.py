"""What profiling found behind each missed target, keyed like bench/report.py's checks. The report prints an
entry under a part only when that run misses the target; re-run with `--profile DIR` to see the evidence
(py-spy on the serve process: where the listeners' and the delivery worker's wall-clock time goes; pyinstrument
for the sweep). Profiled on the 2-core machine of 2026-11-26; file, function and line as of then."""

from __future__ import annotations

FINDINGS: dict[str, str] = {
    "ack.slash": """
Two causes, both CPU: (1) each request costs the process about 2 ms of CPU against the floor's 1 ms (column
CPU/request), and with 20–50 requests in flight every ack queues for the GIL behind that work. py-spy on the
GIL holder at c=50: **48 %** of the process's CPU is slack_sdk turning the report modal's `View` object into
a dict (`JsonObject.validate_json`, `get_non_null_attributes`, `DateTimePickerElement.attributes`) inside
`client.views_open(...)` in `handlers/report/listeners.py` `open_report`; 21 % is the views.open call
(urllib, json); building the modal (`handlers/report/views.py` `report_modal`) 2 %; Bolt's dispatch 7 %. The
floor opens a one-field modal given as a dict. (2) **Full garbage collections** stop every thread: a
`gc.callbacks` hook (`--profile` installs it) logged 13 gen-2 collections of 25–113 ms during one ack part,
and they land on the p95/p99 of whichever level is running (in a burst, up to 250 ms). With `gc.freeze()`
after start-up (an experiment through `sitecustomize`, not in the bot) there were 4 of 11–57 ms and the
`/sns-report` p99 at c=20 fell from 163 to 72 ms.
**Next step**: render the report modal to a plain dict once per directory revision (keyed by the default
department; only `initial_date_time` changes per request) and pass the dict to `views_open`, skipping
slack_sdk's validation on every request (the same for the modals opened from buttons); call `gc.freeze()`
in `bot/cli.py` `serve` once `service.start()` has returned, so the start-up objects (SQLAlchemy, pydantic,
slack_sdk, the catalog) are no longer traversed by every full collection.
""",
    "ack.submission": """
The submission waits for a lock, not for CPU (on SQLite the process held the GIL about a third of the time).
py-spy, wall-clock, listener threads inside `submit_report` at c=20–50:

- **PostgreSQL: 89.5 % waiting on the case counter's row lock** in `storage/cases.py` `next_number`
  (`INSERT … ON CONFLICT (year) DO UPDATE … RETURNING` on the one `case_counters` row per year). It runs in
  `handlers/report/service.py` `_open`, i.e. at the *start* of every case-opening transaction, and the row lock
  is held until commit, through everything after it: the case, URLs, reporter, five copies rendered with
  slack_sdk blocks, six outbox rows, the audit entry and the `processed_views` row (about 18 statements, one
  round trip each). Every new case therefore waits for every earlier one, one whole transaction at a time;
  the rest of the wait is for a pooled connection (pool 10 + 20 overflow) held by transactions queued on that
  lock. Even alone (c=1) the transaction costs ~14 ms of round trips.
- **SQLite: 57 % in `BEGIN IMMEDIATE`** (`storage/db.py` `_sqlite_begin`, waiting for the database's single
  write lock) **and 40 % waiting for a pooled connection** (QueuePool 5 + 10) held by transactions that are
  themselves waiting for it. The other writers are the delivery worker's: `bot/delivery.py`
  `OutboxWorker._dispatch` runs `claim` (a write transaction) and `_idle_wait` → `storage/outbox.py`
  `next_due` (a read, but every transaction on SQLite opens with `BEGIN IMMEDIATE`) each time it is woken,
  and it is woken by every commit; then `mark_sent` once per delivered message — six per case. The worker
  spends 53 % of its delivery time in `BEGIN IMMEDIATE` too. SQLite's busy handler retries with sleeps
  growing to 100 ms, so waiters are served out of order: p50 stays low while p95/p99 reach seconds, and some
  acks pass Bolt's 3 s limit: Bolt then answers through `handlers/common/failure.py` `handle_error` with a 404
and the log line "no listener for view_submission report.submit" (misleading: the listener exists, it was
late), Slack shows the user an error, and the report is stored all the same.

**Next step**: PostgreSQL — take the case number last: do the lookups and inserts first and call
`next_number` just before commit (render the copies after it, or fill the number into the rendered
payloads), so the row lock is held for one statement and the commit; or number from a per-year sequence if a
gap after a failed transaction is acceptable (today's tests forbid gaps). SQLite — queue writers in the
process instead of in SQLite's busy handler: a FIFO lock taken in `_sqlite_begin` and released on
commit/rollback; open read-only work (`next_due`, a claim that finds nothing) without `BEGIN IMMEDIATE`;
coalesce the dispatcher's wake-ups and settle delivered messages in batches. Both: size the pool for
`server.listener_threads` plus `delivery.workers`.
""",
    "routing": """
The 所属長's DM and the 秘書室 and 総務課 copies arrive in 20–70 ms; the **市政情報課 copy** falls behind by
one more second per report once about twenty reports have come in. Each new case queues **two** posts in the
市政情報課 channel: its copy and the first line of its timeline thread (`handlers/report/service.py` `_route`
→ `_post_timeline(Event("created"))`). `bot/delivery.py` `ChannelPacer` counts a thread reply like any post
(a burst of 20, then one per second), and `storage/outbox.py` `_first_unsent_of_its_channel` makes every
message to a channel wait for all earlier ones. At one report a second the channel needs two posts a second:
the burst allowance is spent after ~20 s, and from then on each new case's copy waits behind the earlier
thread lines (p95 ≈ 9 s with 30 reports; the six reports of `--quick` stay within the burst and meet the
target).
**Next step**: do not post the "created" line (the copy already says who was told and when), or post timeline
lines at a lower priority: let a top-level copy overtake pending thread lines and updates of other cases
(order is needed only within a thread and between a message and its updates), and spend a channel's tokens
on copies first.
""",
    "burst.ack": """
**SQLite** (every run): the cause of part 1 — submissions queue in SQLite's busy handler (`BEGIN IMMEDIATE`
in `storage/db.py` `_sqlite_begin`) behind the burst's other submissions and the delivery worker's claim and
mark_sent transactions; some wait past Bolt's 3 s ack limit and are answered 404 (their reports are stored:
lost = 0, but the reporter sees an error and may report again). **PostgreSQL**: refusals appeared only in
runs where other processes were using the machine (see "Machine load" below); isolated re-runs answered all
1,000 (slowest ack 0.42 s on an idle machine, 0.96 s with another process spinning on one core). What the
profile shows for it: full garbage collections of 70–250 ms (14–15 per burst, `--profile`'s gc log) that stop
every thread, and the 20 reports of one post serialised on their case's row (`handlers/report/service.py`
`_attach` → `_lock`, FOR UPDATE) while `_widen`/`_refresh` render and queue every copy's update.
**Next step**: as in part 1 for SQLite (a FIFO write lock in the process, read-only transactions without
`BEGIN IMMEDIATE`, delivered messages settled in batches); for both, `gc.freeze()` after start-up and the
coalesced refresh below (less work under the case's lock).
""",
    "burst.delivery": """
Nothing is lost or duplicated and the pace holds, but new cases' copies are still queued when the run ends:
the 市政情報課 queue holds far more than copies (see "What the bot queued" above: for every report a
timeline line and an update of the 市政情報課 copy). Causes, from the outbox rows: (1)
`handlers/report/service.py` `_attach` coalesces a duplicate's refresh (`_refresh_coalesced`, at most every
10 s) only when the report adds no recipient; a report from another department widens the case
(`_widen` → `_send_copies` + `_refresh`), which rewrites **every** copy (chat.update, up to a dozen) and posts
a "widened" thread line at once, uncoalesced; (2) `storage/outbox.py` `_first_unsent_of_its_channel` delivers
a channel's messages strictly one after another, so a new case's copy in 市政情報課 waits behind every earlier
case's thread lines (paced at one a second after the burst allowance) and updates. In a 30-second burst of 50
cases the channel collects several hundred messages: minutes of Slack's pace, with the important message — a
new flame-up — at the back. Real Slack would also rate-limit the updates (chat.update is Tier 3, ~50 a minute).
**Next step**: coalesce widening like duplicates (send the new 所属長 copy at once, refresh the others at most
every 10 s) and write one thread line per coalesced refresh; order a channel's queue only where it matters (a
reply after its parent, an update after its message) and give new top-level copies priority over thread lines
and updates; collapse pending updates of the same message into the latest one.
""",
    "sweep": """
pyinstrument on one sweep: there is no "due query" — `storage/accounts.py` `live` loads **every** live account
as an ORM object (`SELECT … FROM accounts WHERE state != 'deleted' ORDER BY id`: SCAN accounts / index scan of
the whole primary key, see the plans), and `handlers/account/service.py` `sweep` decides in Python
(`due_for`) what is due: **78 % of an idle sweep is loading the 10,000 rows**, 13 % `due_for`. With 1,000
due, each reminder costs four to five statements in its own round trips (`claim_reminder`: an
`INSERT … ON CONFLICT DO NOTHING RETURNING` built anew each time, then `session.get` of the row just inserted;
the autoflush of the previous reminder's two outbox rows and audit entry): 4,000–5,000 statements,
`claim_reminder` alone 70 % of the PostgreSQL sweep. Once sent, the same 1,000 accounts stay "due" until their
passwords change, so every minute's sweep re-attempts 1,000 conflicting inserts ("repeat" column).
**Next step**: select only what is due, in SQL and on indexes — store each account's next due dates
(password rotation, review, snooze, deletion) as indexed columns or compare `password_changed_on <= today -
rotation` etc., and leave out reminders already sent with an anti-join on `reminders (kind, subject, due_on)`;
claim the due reminders with one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING` and return ids without
re-reading them; add the outbox and audit rows in one batch at the end. The idle sweep becomes one indexed
query that returns nothing.
""",
}
