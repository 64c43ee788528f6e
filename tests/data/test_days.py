"""The end of a day, which every "up to the as-of day" filter uses."""

from datetime import date, datetime, timedelta

from keepwise.data.days import end_of_day


def test_the_end_of_a_day_holds_every_moment_of_it_and_none_of_the_next():
    day = date(2024, 2, 29)
    end = end_of_day(day)
    assert end.date() == day
    # The last microsecond of the day is on or before it; the first of the next day is not.
    assert datetime(2024, 2, 29, 23, 59, 59, 999_999) <= end
    assert datetime(2024, 3, 1) > end
    assert end + timedelta(microseconds=1) == datetime(2024, 3, 1)
