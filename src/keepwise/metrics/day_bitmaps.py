"""A count of distinct days per group (a customer's purchase days) as day bitmaps, on DuckDB.

In general the count of distinct days per customer is a (customer, day) aggregation with as many groups
as customer-days (14.28M of 14.29M orders at 1M customers), or a ``COUNT(DISTINCT day)``, which DuckDB
plans as that same aggregation joined back. Here each window of ``BITMAP_WINDOW_DAYS`` days gets a
128-bit integer with one bit per day (``bit_or`` of ``day_bit``), and the days are its set bits: plain
integer aggregates held in the hash table's row of the group itself (where a bitstring_agg bitmap lives
on the heap, a second cache miss per row). Days are given as their ``age``, a whole number of days >= 0
from a fixed day of the caller's choice; ``day_window(age)`` is the window of the day.

DuckDB only (``factorial`` and ``bit_count`` are its builtins, and ibis has no 128-bit integers):
other backends take the general route.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

__all__ = ["BITMAPS_PER_ROW", "BITMAP_WINDOW_DAYS", "day_bit", "day_bitmaps", "day_count", "day_window", "days_in"]

# Days per bitmap: the bits of a signed 128-bit integer, so that a bitmap is a plain integer aggregate.
BITMAP_WINDOW_DAYS = 127
# Bitmaps (windows) per row of one hash aggregation: beyond this many, a longer history is aggregated per
# (group, block of windows) first, or takes the general route.
BITMAPS_PER_ROW = 12


@ibis.udf.scalar.builtin(name="factorial")
def _factorial(n: int) -> int:  # type: ignore[empty-body]
    """DuckDB's ``factorial``, a 128-bit integer (HUGEINT)."""


@ibis.udf.scalar.builtin(name="bit_count")
def _bit_count(bits: int) -> dt.int8:  # type: ignore[empty-body]
    """DuckDB's ``bit_count``: the number of set bits, a TINYINT (at most 127 here)."""


def day_window(age: ir.IntegerValue) -> ir.IntegerValue:
    """The window (0, 1, ...) of the day ``age`` days after the caller's first day."""
    return age // BITMAP_WINDOW_DAYS


def day_bit(age: ir.IntegerValue) -> ir.IntegerValue:
    """The day's bit in its window's bitmap, a 128-bit integer (factorial(1) is DuckDB's 1 as one, folded
    into the plan)."""
    return _factorial(1) << (age % BITMAP_WINDOW_DAYS)


def day_count(bits: ir.IntegerValue, window: ir.IntegerValue, windows: int) -> ir.IntegerScalar:
    """The number of distinct days per group: the set bits of the ``bit_or`` of ``bits`` (``day_bit``, or 0
    for a row that does not count) per window ``0 .. windows - 1`` (``window``, e.g. ``day_window``)."""
    return days_in(list(day_bitmaps(bits, window, windows, "days").values()))


def day_bitmaps(bits: ir.IntegerValue, window: ir.IntegerValue, windows: int, name: str) -> dict[str, ir.IntegerScalar]:
    """The aggregates behind :func:`day_count`, one bitmap per window, named ``{name}_{k}``: for a caller that
    counts the days of one set of bitmaps more than one way (:func:`days_in`) over the aggregated rows. The
    engine would aggregate each bitmap once per count, whose filters it does not recognise as the same."""
    return {f"{name}_{k}": bits.bit_or(where=window == k) for k in range(windows)}


def days_in(bitmaps: list[ir.IntegerValue], last_age: ir.IntegerValue | None = None) -> ir.IntegerValue:
    """The days of ``bitmaps`` (those of windows 0, 1, ..., :func:`day_bitmaps`), or with ``last_age`` (a
    scalar) those up to that day, included: the windows before it count whole, its own window up to its
    bit, the later ones not at all."""
    if last_age is not None:
        last_window = day_window(last_age)
        last_bit = _factorial(1) << (last_age % BITMAP_WINDOW_DAYS)
        up_to_last = (last_bit - 1) | last_bit  # the bits of the window's days up to the last (no overflow)
        bitmaps = [ibis.cases((last_window > k, bitmap), (last_window == k, bitmap & up_to_last), else_=0)
                   for k, bitmap in enumerate(bitmaps)]
    # as BIGINT before the sum: DuckDB adds TINYINTs as TINYINTs, an error past 127 days
    counts = [_bit_count(bitmap).cast("int64").fill_null(0) for bitmap in bitmaps]
    return sum(counts[1:], counts[0])
