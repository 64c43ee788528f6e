"""Data compressed to its distinct rows: the sufficient statistics of many customers as few weighted rows.

Customers with identical statistics become one row weighted by their number (:func:`compress_columns`),
and every column is also factorised, so that expensive special functions are evaluated once per distinct
value and gathered by index (:class:`CompressedData`). :class:`DistinctRows` does the same for any function
element-wise in a few columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["CompressedData", "DistinctRows", "compress_columns", "per_distinct_row", "weighted_subsample"]


@dataclass
class CompressedData:
    """Distinct rows of the sufficient statistics with their weights.

    ``columns[name]`` holds one value per distinct row; ``values[name]`` the distinct values of that
    column and ``codes[name]`` the index of each row's value in ``values[name]``, so that
    ``values[name][codes[name]] == columns[name]``. ``inverse`` maps every input customer to its row.
    """

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    values: dict[str, np.ndarray]
    codes: dict[str, np.ndarray]
    inverse: np.ndarray
    n_customers: float
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return int(self.weights.shape[0])

    def scratch(self, owner: str, length: int, count: int) -> list[np.ndarray]:
        """``count`` float buffers of ``length`` kept for reuse by a likelihood's per-row work: fresh
        multi-megabyte arrays on every evaluation cost as much in page faults as the arithmetic."""
        key = ("scratch", owner, length)
        buffers = self.extras.setdefault(key, [])
        while len(buffers) < count:
            buffers.append(np.empty(length))
        return buffers[:count]


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the index of each element among them, in O(n): whole numbers in
    a compact range (days, counts) through a lookup table, anything else by pandas' hashing."""
    if values.size and np.all(np.isfinite(values)):
        low, high = float(values.min()), float(values.max())
        if high - low <= 4 * values.size + 4096:
            offsets = (values - low).astype(np.int64)
            if np.array_equal(offsets, values - low):
                present = np.zeros(int(high - low) + 1, dtype=bool)
                present[offsets] = True
                lookup = np.cumsum(present, dtype=np.int64) - 1
                return np.flatnonzero(present) + low, lookup[offsets]
    codes, distinct = pd.factorize(values, sort=True)
    return np.asarray(distinct, dtype=float), codes.astype(np.int64, copy=False)


def compress_columns(columns: dict[str, np.ndarray], weights: np.ndarray, merge: bool = True) -> CompressedData:
    """Collapse rows with identical values in all ``columns`` into one row with summed weight.

    Each column is factorised on its own; the per-column codes are combined into one integer key,
    whose distinct values are the distinct rows. Rows of total weight 0 are dropped. With
    ``merge=False`` the rows are kept as given (for rows already collapsed where the data live,
    which saves hashing them again; a repeated row would only cost time, the sums are the same).
    """
    names = list(columns)
    n = weights.shape[0]
    factorised = {name: _factorize(columns[name]) for name in names}
    if merge:
        key = np.zeros(n, dtype=np.int64)
        for name in names:
            distinct, codes = factorised[name]
            key = key * np.int64(distinct.shape[0]) + codes
        inverse, distinct_keys = pd.factorize(key)
        inverse = inverse.astype(np.int64, copy=False)
        n_rows = distinct_keys.shape[0]
        representative = np.empty(n_rows, dtype=np.int64)
        representative[inverse] = np.arange(n)
    else:
        inverse = representative = np.arange(n, dtype=np.int64)
        n_rows = n
    row_weights = np.bincount(inverse, weights=weights, minlength=n_rows)
    keep = row_weights > 0
    if not np.all(keep):
        remap = np.full(n_rows, -1, dtype=np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        inverse = remap[inverse]
        representative = representative[keep]
        row_weights = row_weights[keep]
    out_columns, values, codes = {}, {}, {}
    for name in names:
        distinct, col_codes = factorised[name]
        row_codes = col_codes[representative]
        if not np.all(keep):
            # Re-factorise so that ``values`` holds only values still present.
            used, row_codes = np.unique(row_codes, return_inverse=True)
            distinct = distinct[used]
        values[name] = distinct
        codes[name] = row_codes.astype(np.int64, copy=False)
        out_columns[name] = distinct[codes[name]]
    return CompressedData(out_columns, row_weights, values, codes, inverse, float(weights.sum()))


def per_distinct_row(function, columns: dict[str, np.ndarray]) -> np.ndarray:
    """``function(**columns)`` for a ``function`` element-wise in the 1-D arrays ``columns``, evaluated once
    per distinct row of them and given to every row: the same numbers (each row's are computed the same
    way), for the work of the distinct rows only (``compress_columns``). Columns with a value that is not
    finite are taken as they are (NaN has no distinct row)."""
    return DistinctRows(columns).spread(function)


class DistinctRows:
    """The distinct rows of the 1-D arrays ``columns`` (``compress_columns``), found once, for any number of
    functions element-wise in them (``spread``). Columns with a value that is not finite are kept as they
    are, every row its own (NaN has no distinct row)."""

    def __init__(self, columns: dict[str, np.ndarray]):
        n = next(iter(columns.values())).shape[0]
        if n == 0 or not all(np.all(np.isfinite(column)) for column in columns.values()):
            self.columns, self.inverse = columns, None
        else:
            distinct = compress_columns(columns, np.ones(n))  # the distinct rows, and each row's among them
            self.columns, self.inverse = distinct.columns, distinct.inverse

    def spread(self, function) -> np.ndarray:
        """``function(**columns)`` of every row, evaluated once per distinct row."""
        values = function(**self.columns)
        return values if self.inverse is None else values[self.inverse]


def weighted_subsample(data: CompressedData, size: int, rng: np.random.Generator) -> CompressedData:
    """A weighted subsample of rows (drawn proportional to weight) for screening start points."""
    probabilities = data.weights / data.weights.sum()
    picked = rng.choice(data.n_rows, size=size, replace=True, p=probabilities)
    rows, counts = np.unique(picked, return_counts=True)
    columns = {name: col[rows] for name, col in data.columns.items()}
    weights = counts.astype(float) * (data.n_customers / size)
    return compress_columns(columns, weights)
