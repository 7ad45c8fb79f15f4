"""A flame-up burst: 1,000 reports of 50 posts by 200 people within a minute, optionally with Slack
answering some chat.postMessage calls 429 (Retry-After: 1).

Checked afterwards: every 200 answer is a stored case or attachment (the audit log, read from the
database), one fan-out per post, no message delivered twice, and Slack's pace per channel
(chat.postMessage accepted per channel in any 1-second and 60-second window)."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from bench.directory import OFFICE_CHANNELS, PUBLIC_INFO, Staff
from bench.load import Result, open_loop
from bench.opened import OpenedViews
from bench.payloads import case_number, post_url, report_submission
from bench.slack import Call, RecordingSlack
from bench.stats import Latency, peak_in_window
from storage.models import AuditEntry, Case, CaseCopy, OutboxMessage, OutboxMethod, OutboxStatus

SEED = 20260610
# Not (yet) delivered: a skipped message (an update drawn to no change) is settled, a failed one never will be.
UNSETTLED = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)


@dataclass(frozen=True)
class BurstPlan:
    reports: int
    posts: int
    people: int
    seconds: float  # the reports arrive spread over this long
    drain_wait: float  # then delivery is followed for at most this long
    rate_limit: bool  # answer some chat.postMessage calls 429 Retry-After: 1


@dataclass
class BurstRun:
    server: str
    plan: BurstPlan
    sent: int = 0
    accepted: int = 0  # HTTP 200
    refused: dict[int, int] = field(default_factory=dict)  # other answers by status (0: none)
    ack: Latency | None = None
    lateness: float = 0.0  # the most a report was sent after its moment (every sender busy)
    sent_within: float = 0.0  # seconds from the first report sent to the last
    cases: int = 0
    opened: int = 0  # case.created in the audit log
    attached: int = 0  # case.attached in the audit log
    lost: int = 0  # 200 answers without a stored case or attachment
    unknown_numbers: int = 0  # case numbers answered that the database does not hold
    office_copies: dict[str, int] = field(default_factory=dict)  # top-level posts per office channel
    head_copies: int = 0  # top-level posts to heads: one per case, plus widened ones
    head_copy_rows: int = 0  # case copies for heads in the database
    duplicate_posts: int = 0  # identical chat.postMessage delivered more than once
    posts_ok: int = 0  # chat.postMessage answered ok
    posts_sent_rows: int = 0  # outbox chat.postMessage rows marked sent
    peak_1s: int = 0  # most chat.postMessage accepted for one channel in a 1-second window
    peak_1s_channel: str = ""
    peak_60s: int = 0  # ... in a 60-second window
    fanout_done: float | None = None  # seconds from the first report to the last fan-out copy
    last_report_at: float = 0.0  # time.monotonic() when the last report was sent
    # Issue 13: seconds from the last report sent to the last copy or chat.update accepted; None while some
    # copy or update is still unsent when the bench stops following delivery.
    copies_and_updates_done: float | None = None
    copies_and_updates_unsent: int = 0
    drained: float | None = None  # seconds from the first report to an empty outbox (None: not within the wait)
    backlog: dict[str, int] = field(default_factory=dict)  # unsent messages per channel at the end
    public_info: dict[str, int] = field(default_factory=dict)  # 市政情報課's outbox rows: copies, thread lines, updates
    outbox: dict[str, int] = field(default_factory=dict)  # outbox rows by status at the end
    rate_limited: int = 0  # 429 answers given
    resumed_after: float | None = None  # the longest a 429'd channel waited for its next accepted post
    not_resumed: list[str] = field(default_factory=list)  # 429'd channels with messages left but none accepted since
    retried_delivered: int = 0  # 429'd messages accepted on a later attempt
    unsent_channels: set[str] = field(default_factory=set)
    peak_rss_mb: float = 0.0


def schedule(plan: BurstPlan, staff: list[Staff], first_post: int, opened: OpenedViews) -> list[tuple[float, str]]:
    """(offset, body) for every report: each person reports ``reports/people`` different posts, each post
    is reported ``reports/posts`` times, in pasted variants, at random moments over ``plan.seconds``."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not secrets
    people = staff[: plan.people]
    rounds = plan.reports // plan.people
    pairs = [(person, (p + 7 * r) % plan.posts) for r in range(rounds) for p, person in enumerate(people)]
    if len(set(pairs)) != len(pairs):
        raise ValueError(f"{plan}: someone would report the same post twice")
    rng.shuffle(pairs)
    offsets = sorted(rng.uniform(0, plan.seconds) for _ in pairs)
    return [
        (offset, report_submission(person, post_url(first_post + index, variant=rng.randrange(5)), opened))
        for offset, (person, index) in zip(offsets, pairs, strict=True)
    ]


def run(
    server: str,
    base_url: str,
    fake: RecordingSlack,
    database_url: str,
    staff: list[Staff],
    plan: BurstPlan,
    first_post: int,
    peak_rss: Callable[[], float],
    stop: Callable[[], None],
) -> BurstRun:
    """The burst, then delivery followed for ``plan.drain_wait``; then the server is stopped (it settles the
    messages in flight) before the database and the fake's calls are counted."""
    result = BurstRun(server, plan)
    opened = OpenedViews(database_url)
    try:
        bodies = schedule(plan, staff, first_post, opened)
    finally:
        opened.close()
    fake.clear()
    stop_faults = threading.Event()
    injector = threading.Thread(target=_inject_429, args=(fake, stop_faults), daemon=True)
    if plan.rate_limit:
        injector.start()
    start = time.monotonic()
    engine = create_engine(database_url)
    try:
        results, result.lateness = open_loop(base_url, bodies, workers=100)
        stop_faults.set()  # Slack calms down with the burst: delivery must resume by itself
        _tally_answers(result, results)
        _follow_delivery(result, engine, start, plan.drain_wait)
        result.peak_rss_mb = peak_rss()
        stop()
        with Session(engine) as session:
            _tally_database(result, session, results)
    finally:
        stop_faults.set()
        if injector.is_alive():
            injector.join()
        engine.dispose()
    _tally_calls(result, fake, start)
    return result


def _inject_429(fake: RecordingSlack, stop: threading.Event) -> None:
    # While the reports arrive, two chat.postMessage calls in every three seconds are answered 429 Retry-After: 1.
    while not stop.wait(3.0):
        fake.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"}, times=2)


def _tally_answers(result: BurstRun, results: list[Result]) -> None:
    result.sent = len(results)
    result.accepted = sum(1 for r in results if r.status == 200)
    result.refused = dict(Counter(r.status for r in results if r.status != 200))
    result.ack = Latency.of([r.seconds for r in results])
    result.last_report_at = max(r.sent_at for r in results)
    result.sent_within = result.last_report_at - min(r.sent_at for r in results)


def _follow_delivery(result: BurstRun, engine: Engine, start: float, wait: float) -> None:
    """Polls the outbox until the fan-out copies are out and the outbox is empty, or the wait ends."""
    deadline = time.monotonic() + wait
    while True:
        with Session(engine) as session:
            unsent_copies = session.scalar(
                select(func.count())
                .select_from(CaseCopy)
                .join(OutboxMessage, OutboxMessage.id == CaseCopy.outbox_id)
                .where(CaseCopy.audience != "reporter", OutboxMessage.status.in_(UNSETTLED))
            )
            unsent = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(UNSETTLED))
            )
        now = time.monotonic()
        if unsent_copies == 0 and result.fanout_done is None:
            result.fanout_done = now - start  # refined from the fake's call times below
        if unsent == 0:
            result.drained = now - start
            return
        if now > deadline:
            return
        time.sleep(0.25)


def _tally_database(result: BurstRun, session: Session, results: list[Result]) -> None:
    actions = dict(
        session.execute(
            select(AuditEntry.action, func.count())
            .where(AuditEntry.action.in_(("case.created", "case.attached")))
            .group_by(AuditEntry.action)
        ).all()
    )
    result.opened = actions.get("case.created", 0)
    result.attached = actions.get("case.attached", 0)
    result.cases = session.scalar(select(func.count()).select_from(Case)) or 0
    result.lost = max(0, result.accepted - (result.opened + result.attached))
    numbers = set(session.scalars(select(Case.number)))
    answered = [case_number(r.body) for r in results if r.status == 200]
    result.unknown_numbers = sum(1 for n in answered if n not in numbers)
    result.head_copy_rows = (
        session.scalar(select(func.count()).select_from(CaseCopy).where(CaseCopy.audience == "head")) or 0
    )
    result.outbox = {
        str(status): count
        for status, count in session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    }
    result.posts_sent_rows = (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.method == OutboxMethod.POST, OutboxMessage.status == OutboxStatus.SENT)
        )
        or 0
    )
    kinds = session.execute(
        select(OutboxMessage.method, OutboxMessage.parent_id.is_(None), func.count())
        .where(OutboxMessage.channel == PUBLIC_INFO)
        .group_by(OutboxMessage.method, OutboxMessage.parent_id.is_(None))
    ).all()
    for method, top_level, count in kinds:
        kind = "updates" if method == OutboxMethod.UPDATE else "copies" if top_level else "thread lines"
        result.public_info[kind] = result.public_info.get(kind, 0) + count
    result.copies_and_updates_unsent = (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.status.in_(UNSETTLED),
                (OutboxMessage.method == OutboxMethod.UPDATE) | OutboxMessage.parent_id.is_(None),
            )
        )
        or 0
    )
    result.unsent_channels = set(
        session.scalars(select(OutboxMessage.channel).where(OutboxMessage.status.in_(UNSETTLED)).distinct())
    )
    result.backlog = dict(
        session.execute(
            select(OutboxMessage.channel, func.count())
            .where(OutboxMessage.status.in_(UNSETTLED))
            .group_by(OutboxMessage.channel)
            .order_by(func.count().desc())
            .limit(5)
        ).all()
    )


def _tally_calls(result: BurstRun, fake: RecordingSlack, start: float) -> None:
    posts = fake.calls_to("chat.postMessage")
    ok = [c for c in posts if fake.answered_ok(c)]
    result.posts_ok = len(ok)
    result.rate_limited = sum(1 for c in posts if fake.status_of(c) == 429)
    contents = Counter(_content(c) for c in ok)
    result.duplicate_posts = sum(n - 1 for n in contents.values() if n > 1)
    top_level = [c for c in ok if not c.args.get("thread_ts")]
    result.office_copies = {ch: sum(1 for c in top_level if c.args["channel"] == ch) for ch in OFFICE_CHANNELS}
    result.head_copies = sum(1 for c in top_level if str(c.args["channel"]).startswith("U0HEAD"))
    fanout = [c.at for c in top_level if c.args["channel"] in OFFICE_CHANNELS or c.args["channel"].startswith("U0HEAD")]
    if fanout and result.fanout_done is not None:
        result.fanout_done = max(fanout) - start
    updates = [c.at for c in fake.calls_to("chat.update") if fake.answered_ok(c)]
    if not result.copies_and_updates_unsent:
        result.copies_and_updates_done = max([c.at for c in top_level] + updates) - result.last_report_at
    by_channel: dict[str, list[float]] = defaultdict(list)
    for call in ok:
        by_channel[str(call.args["channel"])].append(call.at)
    for channel, times in by_channel.items():
        peak = peak_in_window(times, 1.0)
        if peak > result.peak_1s:
            result.peak_1s, result.peak_1s_channel = peak, channel
        result.peak_60s = max(result.peak_60s, peak_in_window(times, 60.0))
    _tally_429s(result, [c for c in posts if fake.status_of(c) == 429], ok)


def _tally_429s(result: BurstRun, limited: list[Call], ok: list[Call]) -> None:
    """Each 429'd channel must get its next message through (Retry-After is 1 s), and the 429'd message
    itself must go out again (it may still wait in a long queue when the run ends)."""
    accepted = defaultdict(list)
    for call in ok:
        accepted[str(call.args["channel"])].append(call.at)
    last_429: dict[str, float] = {}
    for call in limited:
        channel = str(call.args["channel"])
        last_429[channel] = max(last_429.get(channel, 0.0), call.at)
    gaps = []
    for channel, at in last_429.items():
        after = [t for t in accepted[channel] if t > at]
        if after:
            gaps.append(min(after) - at)
        elif channel in result.unsent_channels:
            result.not_resumed.append(channel)
    result.resumed_after = max(gaps, default=None)
    delivered = {_content(c) for c in ok}
    result.retried_delivered = sum(1 for c in limited if _content(c) in delivered)


def _content(call: Call) -> str:
    args = call.args
    keyed = {k: args.get(k) for k in ("channel", "thread_ts", "text", "blocks")}
    return json.dumps(keyed, ensure_ascii=False, sort_keys=True, default=str)
