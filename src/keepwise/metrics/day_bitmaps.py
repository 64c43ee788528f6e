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

__all__ = ["BITMAPS_PER_ROW", "BITMAP_WINDOW_DAYS", "day_bit", "day_count", "day_window"]

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
    def bitmap(k: int) -> ir.IntegerScalar:
        # as BIGINT before the sum: DuckDB adds TINYINTs as TINYINTs, an error past 127 days
        return _bit_count(bits.bit_or(where=window == k)).cast("int64").fill_null(0)

    counts = [bitmap(k) for k in range(windows)]
    return sum(counts[1:], counts[0])
