"""The end of a day: an event counts up to a day (the as-of day above all) whatever its time that day."""

from __future__ import annotations

from datetime import date, datetime, time

__all__ = ["end_of_day"]


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` (23:59:59.999999): a moment is on or before ``day`` when it is ``<=`` this."""
    return datetime.combine(day, time.max)
