"""The city office's business calendar: weekends, national holidays, 年末年始 and opening hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday
import pytest

from bot.calendar import BusinessHours

JST = ZoneInfo("Asia/Tokyo")
HOURS = BusinessHours(JST)


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 2), True),  # Monday
        (date(2026, 11, 6), True),  # Friday
        (date(2026, 11, 7), False),  # Saturday
        (date(2026, 11, 8), False),  # Sunday
        (date(2026, 11, 3), False),  # 文化の日 (Tuesday)
        (date(2026, 11, 23), False),  # 勤労感謝の日 (Monday)
        (date(2025, 11, 24), False),  # 振替休日 for 勤労感謝の日 on Sunday
        (date(2026, 5, 6), False),  # 振替休日 for 憲法記念日 on Sunday
        (date(2026, 9, 22), False),  # 国民の休日, between 敬老の日 and 秋分の日
        (date(2026, 12, 28), True),  # 御用納め: the last open day of the year
        (date(2026, 12, 29), False),
        (date(2026, 12, 30), False),
        (date(2026, 12, 31), False),
        (date(2027, 1, 1), False),
        (date(2027, 1, 2), False),
        (date(2027, 1, 3), False),
        (date(2027, 1, 4), True),  # 御用始め (Monday)
        (date(2027, 12, 29), False),  # 年末年始 on a Wednesday, not a national holiday
        (date(2026, 1, 2), False),  # 年末年始 on a Friday, not a national holiday
    ],
)
def test_open_days(day: date, expected: bool) -> None:
    assert HOURS.is_open_day(day) is expected


def test_substitute_holidays_in_the_table_are_real() -> None:
    # Guards the table above: these dates are closed because jpholiday says so, not by coincidence.
    assert "振替休日" in (jpholiday.is_holiday_name(date(2025, 11, 24)) or "")
    assert "振替休日" in (jpholiday.is_holiday_name(date(2026, 5, 6)) or "")
    assert jpholiday.is_holiday_name(date(2026, 9, 22)) == "国民の休日"
    assert not jpholiday.is_holiday(date(2027, 12, 29))


def test_a_datetime_is_judged_by_its_calendar_day() -> None:
    assert HOURS.is_open_day(datetime(2026, 11, 3, 12, 0)) is False
    assert HOURS.is_open_day(datetime(2026, 11, 4, 12, 0)) is True


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (jst(2026, 11, 2, 8, 29, 59), False),
        (jst(2026, 11, 2, 8, 30), True),  # opening is open
        (jst(2026, 11, 2, 12, 0), True),
        (jst(2026, 11, 2, 17, 14, 59), True),
        (jst(2026, 11, 2, 17, 15), False),  # closing is closed
        (jst(2026, 11, 2, 23, 0), False),
        (jst(2026, 11, 7, 10, 0), False),  # Saturday
        (jst(2026, 11, 8, 10, 0), False),  # Sunday
        (jst(2026, 11, 3, 10, 0), False),  # 文化の日
        (jst(2025, 11, 24, 10, 0), False),  # 振替休日
        (jst(2026, 12, 30, 10, 0), False),  # 年末年始
        (jst(2027, 1, 4, 8, 30), True),
        (datetime(2026, 11, 1, 15, 0, tzinfo=UTC), False),  # Monday 00:00 JST
        (datetime(2026, 11, 1, 23, 30, tzinfo=UTC), True),  # Monday 08:30 JST, though Sunday in UTC
        (datetime(2026, 11, 2, 8, 15, tzinfo=UTC), False),  # Monday 17:15 JST
    ],
)
def test_is_open(moment: datetime, expected: bool) -> None:
    assert HOURS.is_open(moment) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (jst(2026, 11, 2, 10, 0), jst(2026, 11, 2, 10, 0)),  # open: the moment itself
        (jst(2026, 11, 2, 7, 0), jst(2026, 11, 2, 8, 30)),  # before opening: today
        (jst(2026, 11, 2, 17, 15), jst(2026, 11, 4, 8, 30)),  # after closing, and 11/3 is 文化の日
        (jst(2026, 11, 6, 18, 0), jst(2026, 11, 9, 8, 30)),  # Friday evening: across the weekend
        (jst(2026, 11, 7, 7, 0), jst(2026, 11, 9, 8, 30)),  # Saturday before "opening"
        (jst(2026, 11, 20, 18, 0), jst(2026, 11, 24, 8, 30)),  # weekend then 勤労感謝の日 Monday
        (jst(2026, 12, 28, 18, 0), jst(2027, 1, 4, 8, 30)),  # across 年末年始
        (jst(2026, 5, 1, 17, 15), jst(2026, 5, 7, 8, 30)),  # across Golden Week 2026
    ],
)
def test_next_open(moment: datetime, expected: datetime) -> None:
    assert HOURS.next_open(moment) == expected


def test_next_open_answers_in_the_timezone_it_was_asked_in() -> None:
    monday_midnight_jst = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # Sunday 15:00 UTC
    opening = HOURS.next_open(monday_midnight_jst)
    assert opening == datetime(2026, 11, 1, 23, 30, tzinfo=UTC)  # Monday 08:30 JST, not Tuesday
    assert opening.tzinfo is UTC


def test_an_open_moment_comes_back_unchanged() -> None:
    moment = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 10:00 JST
    assert HOURS.next_open(moment) is moment


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        (jst(2026, 11, 2, 9, 0), 2, jst(2026, 11, 2, 11, 0)),  # within a day
        (jst(2026, 11, 2, 9, 0), 0.25, jst(2026, 11, 2, 9, 15)),
        (jst(2026, 11, 2, 7, 0), 1, jst(2026, 11, 2, 9, 30)),  # counting starts at opening
        (jst(2026, 11, 2, 10, 0), 0, jst(2026, 11, 2, 10, 0)),
        (jst(2026, 11, 7, 10, 0), 0, jst(2026, 11, 9, 8, 30)),  # zero hours still waits for opening
        (jst(2026, 11, 4, 16, 0), 1.25, jst(2026, 11, 4, 17, 15)),  # ends exactly at closing: that day
        (jst(2026, 11, 4, 16, 0), 2, jst(2026, 11, 5, 9, 15)),  # across an evening
        (jst(2026, 11, 4, 16, 0), 1.25 + 8.75 + 0.5, jst(2026, 11, 6, 9, 0)),  # a full day in between
        (jst(2026, 11, 6, 16, 0), 2, jst(2026, 11, 9, 9, 15)),  # Friday: across the weekend
        (jst(2026, 11, 6, 20, 0), 1, jst(2026, 11, 9, 9, 30)),  # from a closed evening
        (jst(2026, 5, 1, 16, 0), 2, jst(2026, 5, 7, 9, 15)),  # across Golden Week 2026
        (jst(2026, 12, 28, 17, 0), 1, jst(2027, 1, 4, 9, 15)),  # across 年末年始
    ],
)
def test_add_business_hours(moment: datetime, hours: float, expected: datetime) -> None:
    assert HOURS.add_business_hours(moment, hours) == expected


def test_add_business_hours_answers_in_the_timezone_it_was_asked_in() -> None:
    friday_4pm_jst = datetime(2026, 11, 6, 7, 0, tzinfo=UTC)
    due = HOURS.add_business_hours(friday_4pm_jst, 2)
    assert due == datetime(2026, 11, 9, 0, 15, tzinfo=UTC)  # Monday 09:15 JST
    assert due.tzinfo is UTC


def test_a_long_span_counts_whole_open_days() -> None:
    # Ten open days of 8h45m from a Monday opening end on the second Friday; half an hour more skips the
    # weekend and 勤労感謝の日 (Monday 11/23).
    start = jst(2026, 11, 9, 8, 30)
    assert HOURS.add_business_hours(start, 10 * 8.75) == jst(2026, 11, 20, 17, 15)
    assert HOURS.add_business_hours(start, 10 * 8.75 + 0.5) == jst(2026, 11, 24, 9, 0)


def test_custom_hours() -> None:
    hours = BusinessHours(JST, start=time(9, 0), end=time(17, 0))
    assert not hours.is_open(jst(2026, 11, 2, 8, 30))
    assert hours.add_business_hours(jst(2026, 11, 2, 16, 0), 2) == jst(2026, 11, 4, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda moment: HOURS.is_open(moment),
        lambda moment: HOURS.next_open(moment),
        lambda moment: HOURS.add_business_hours(moment, 1),
    ],
    ids=["is_open", "next_open", "add_business_hours"],
)
def test_naive_datetimes_are_refused(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2026, 11, 2, 10, 0))


@pytest.mark.parametrize(
    ("start", "end"),
    [(time(17, 15), time(8, 30)), (time(9, 0), time(9, 0))],
)
def test_hours_must_start_before_they_end(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="start before"):
        BusinessHours(JST, start=start, end=end)


def test_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        HOURS.add_business_hours(jst(2026, 11, 2, 10, 0), -1)


def test_an_absurd_span_is_refused_rather_than_looping() -> None:
    with pytest.raises(ValueError, match="open days"):
        HOURS.add_business_hours(jst(2026, 11, 2, 10, 0), 400 * 8.75)


def test_other_zones_get_their_own_zone_back() -> None:
    # A caller in another zone gets its own zone back; the instant is what matters.
    new_york = ZoneInfo("America/New_York")
    moment = datetime(2026, 11, 1, 11, 0, tzinfo=new_york)  # Monday 01:00 JST
    opening = HOURS.next_open(moment)
    assert opening.tzinfo is new_york
    assert opening.astimezone(JST) == jst(2026, 11, 2, 8, 30)
    assert opening - moment == timedelta(hours=7, minutes=30)
