"""The city office's business calendar: when reminders and escalations to staff may go out.

Pure: every function takes the moment it reasons about, so an injected Clock decides what "now" is.
Urgent messages (flame-ups, impersonation) ignore this calendar; everything else waits for opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday

# The longest run of closed days is ~10 (年末年始 or Golden Week plus a weekend); a year bounds any search.
MAX_DAYS = 366


def is_year_end_closure(day: date) -> bool:
    """年末年始: municipal offices close 12月29日〜1月3日 by ordinance, though only 1/1 is a national holiday."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def _require_aware(moment: datetime) -> None:
    # A naive time would silently be read as the server's local time; callers pass aware UTC from the Clock.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware datetime")


@dataclass(frozen=True)
class BusinessHours:
    timezone: ZoneInfo
    start: time = time(8, 30)  # 総社市の開庁時間 8:30〜17:15
    end: time = time(17, 15)

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"business hours must start before they end: {self.start}–{self.end}")

    def is_open_day(self, day: date) -> bool:
        """A weekday that is neither a national holiday (振替休日 and 国民の休日 included) nor 年末年始."""
        day = date(day.year, day.month, day.day)  # a datetime is a date too; look at the calendar day only
        return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_year_end_closure(day)

    def is_open(self, moment: datetime) -> bool:
        """Whether the office is open at this instant: an open day and start <= local time < end."""
        _require_aware(moment)
        local = moment.astimezone(self.timezone)
        return self.is_open_day(local.date()) and self.start <= local.time() < self.end

    def next_open(self, moment: datetime) -> datetime:
        """The moment itself if open, else the next opening, in the timezone the moment came in."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.timezone)
        # Today still counts if the office has not opened yet; otherwise the search starts tomorrow.
        first = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        return self._opening(self._next_open_day(first)).astimezone(moment.tzinfo)

    def add_business_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` of open time after next_open(moment), in the timezone the moment came in.

        A span that runs out exactly at closing time ends then (17:15), not at the next opening: a deadline
        "by the end of the day" belongs to that day.
        """
        if hours < 0:
            raise ValueError(f"hours must not be negative: {hours}")
        current = self.next_open(moment).astimezone(self.timezone)
        remaining = timedelta(hours=hours)
        for _ in range(MAX_DAYS):
            # Wall-clock arithmetic within one day: the office keeps its printed hours on any DST change.
            available = self._closing(current.date()) - current
            if remaining <= available:
                return (current + remaining).astimezone(moment.tzinfo)
            remaining -= available
            current = self._opening(self._next_open_day(current.date() + timedelta(days=1)))
        raise ValueError(f"{hours} business hours span more than {MAX_DAYS} open days")

    def _next_open_day(self, first: date) -> date:
        for offset in range(MAX_DAYS):
            day = first + timedelta(days=offset)
            if self.is_open_day(day):
                return day
        raise LookupError(f"no open day within {MAX_DAYS} days of {first}")

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.start, tzinfo=self.timezone)

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.end, tzinfo=self.timezone)
