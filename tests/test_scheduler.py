from __future__ import annotations

from types import SimpleNamespace

from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import ScheduledJob, count_reminders, create_scheduler


def sweep(runtime: object) -> None:
    """A stand-in sweep; never run here."""


def test_jobs_are_added_by_id_in_the_organisations_timezone() -> None:
    runtime = SimpleNamespace(
        config=SimpleNamespace(current=SimpleNamespace(organization=SimpleNamespace(timezone="Asia/Tokyo")))
    )
    job = ScheduledJob(id="test.sweep", func=sweep, trigger=IntervalTrigger(minutes=5))

    scheduler = create_scheduler(runtime, [job, job])  # registered twice: replaced, not doubled
    scheduler.start(paused=True)
    try:
        (scheduled,) = scheduler.get_jobs()
        assert (scheduled.id, scheduled.func, scheduled.args) == ("test.sweep", sweep, (runtime,))
        assert (scheduled.coalesce, scheduled.max_instances) == (True, 1)
        assert str(scheduler.timezone) == "Asia/Tokyo"
    finally:
        scheduler.shutdown(wait=False)


def test_a_reminder_job_is_run_through_its_counter() -> None:
    runtime = SimpleNamespace(
        config=SimpleNamespace(current=SimpleNamespace(organization=SimpleNamespace(timezone="Asia/Tokyo")))
    )
    job = ScheduledJob(id="test.remind", func=sweep, trigger=IntervalTrigger(minutes=5), reminder_kind="test")

    scheduler = create_scheduler(runtime, [job])
    scheduler.start(paused=True)
    try:
        (scheduled,) = scheduler.get_jobs()
        assert (scheduled.func, scheduled.args) == (count_reminders, (job, runtime))
    finally:
        scheduler.shutdown(wait=False)
