"""Distinct values numbered by hashing, and where each first appears: the one way the stages do work
once per distinct value and spread it back to every value (the evidence's JSON numbers, the decision
patterns of a tree). Rows of several numeric columns are made distinct by ``models.base.compress_columns``."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["first_appearances"]


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
