"""Distinct values numbered by hashing, and where each first appears: the one way the stages do work
once per distinct value and spread it back to every value (the evidence's JSON numbers, the decision
patterns of a tree). Rows of several numeric columns are made distinct by ``models.compressed.compress_columns``.
In an array already sorted, the distinct values are runs of equal values (``equal_runs``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["equal_runs", "first_appearances"]


def first_appearances(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, first)``: each value's number among the distinct values (0, 1, ... in the order they
    first appear, found by hashing: no sort of the values) and the position of each number's first value,
    so that ``values[first][codes]`` equals ``values``. ``values`` must hold no missing value (NaN)."""
    codes = pd.factorize(values)[0].astype(np.int64, copy=False)
    if not len(codes):
        return codes, codes
    # A number's first value is where the highest number seen so far rises.
    highest = np.maximum.accumulate(codes)
    return codes, np.flatnonzero(np.concatenate(([True], highest[1:] > highest[:-1])))


def equal_runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, ends)`` of the runs of equal values in the sorted array ``ordered``: run ``i`` is
    ``ordered[starts[i]:ends[i]]``, one run per distinct value, in order."""
    if not len(ordered):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return starts, np.append(starts[1:], len(ordered))
