from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.metrics import Metrics
from bot.scheduler import ScheduledJob, create_scheduler, run_recorded
from storage import sweeps
from storage.db import SessionFactory
from tests.support.clock import FrozenClock


def sweep(runtime: object) -> None:
    """A stand-in sweep that does nothing."""


def broken(runtime: object) -> None:
    raise RuntimeError("the sweep broke")


def runtime_of(sessions: SessionFactory, clock: FrozenClock) -> SimpleNamespace:
    organization = SimpleNamespace(timezone="Asia/Tokyo")
    return SimpleNamespace(
        config=SimpleNamespace(current=SimpleNamespace(organization=organization)), sessions=sessions, clock=clock
    )


def test_jobs_are_added_by_id_in_the_organisations_timezone(sessions: SessionFactory, clock: FrozenClock) -> None:
    runtime = runtime_of(sessions, clock)
    job = ScheduledJob(id="test.sweep", func=sweep, trigger=IntervalTrigger(minutes=5))

    scheduler = create_scheduler(runtime, [job, job])  # registered twice: replaced, not doubled
    scheduler.start(paused=True)
    try:
        (scheduled,) = scheduler.get_jobs()
        assert (scheduled.id, scheduled.func, scheduled.args) == ("test.sweep", run_recorded, (job, runtime))
        assert (scheduled.coalesce, scheduled.max_instances) == (True, 1)
        assert str(scheduler.timezone) == "Asia/Tokyo"
    finally:
        scheduler.shutdown(wait=False)


def test_a_sweeps_start_and_each_run_are_recorded_a_failure_with_its_error(
    sessions: SessionFactory, clock: FrozenClock
) -> None:
    runtime = runtime_of(sessions, clock)
    good = ScheduledJob(id="test.good", func=sweep, trigger=IntervalTrigger(minutes=1))
    bad = ScheduledJob(id="test.bad", func=broken, trigger=IntervalTrigger(minutes=1))
    create_scheduler(runtime, [good, bad])
    started = clock.now()

    clock.advance(minutes=1)
    run_recorded(good, runtime)
    run_recorded(bad, runtime)

    with sessions() as session:
        rows = sweeps.by_job(session)
    assert (rows["test.good"].started_at, rows["test.good"].swept_at, rows["test.good"].error) == (
        started,
        started + timedelta(minutes=1),
        None,
    )
    assert (rows["test.bad"].swept_at, rows["test.bad"].error) == (None, "RuntimeError('the sweep broke')")


def test_only_interval_jobs_have_an_interval() -> None:
    assert ScheduledJob(id="a", func=sweep, trigger=IntervalTrigger(seconds=5)).interval == timedelta(seconds=5)
    with pytest.raises(TypeError):
        _ = ScheduledJob(id="b", func=sweep, trigger=CronTrigger(hour=9)).interval


def test_a_reminder_sweep_counts_the_reminders_it_sent_for_metrics(
    sessions: SessionFactory, clock: FrozenClock
) -> None:
    runtime = runtime_of(sessions, clock)
    runtime.metrics = Metrics()
    job = ScheduledJob(id="test.remind", func=lambda _runtime: 3, trigger=IntervalTrigger(minutes=5), reminder_kind="t")
    create_scheduler(runtime, [job])

    run_recorded(job, runtime)
    run_recorded(job, runtime)

    assert runtime.metrics.registry.get_sample_value("sns_bot_reminders_sent_total", {"kind": "t"}) == 6
