"""Next run of a five-field cron expression (for the parity-check schedule)."""

from __future__ import annotations

from datetime import datetime, timedelta

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_MAX_DAYS = 366 * 5


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(part)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = int(first), int(last)
        else:
            start = int(base)
            end = high if step_text else start
        if start < low or end > high or start > end:
            raise ValueError(part)
        values.update(range(start, end + 1, step))
    return frozenset(values)


def next_run(expression: str, after: datetime) -> datetime | None:
    """Return the first time after ``after`` matching a cron expression.

    Supports ``*``, lists, ranges and steps in the five standard fields;
    day of week 7 means Sunday like 0. When both day of month and day of
    week are restricted, either may match (cron's rule). Returns None for
    an expression it cannot read. ``after`` must be timezone-aware; the
    result is in the same timezone.
    """
    fields = expression.split()
    if len(fields) != 5:
        return None
    try:
        minutes, hours, days, months, raw_weekdays = (
            _field(text, low, high)
            for text, (low, high) in zip(fields, _RANGES, strict=True)
        )
    except ValueError:
        return None
    weekdays = frozenset(day % 7 for day in raw_weekdays)
    dom_any = fields[2] == "*"
    dow_any = fields[4] == "*"
    start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(_MAX_DAYS):
        if day.month in months:
            dom_ok = day.day in days
            dow_ok = (day.isoweekday() % 7) in weekdays
            if dom_any and dow_any:
                match = True
            elif dom_any:
                match = dow_ok
            elif dow_any:
                match = dom_ok
            else:
                match = dom_ok or dow_ok
            if match:
                for hour in sorted(hours):
                    for minute in sorted(minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
        day += timedelta(days=1)
    return None
