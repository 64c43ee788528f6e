"""Small vectorised helpers the table generators share: ids, coded labels, events scattered in
windows, ranks within groups, business hours, and rows gathered before they are sorted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def sequential_ids(prefix: str, count: int, min_width: int) -> pa.Array:
    width = max(min_width, len(str(count)))
    numbers = pc.cast(pa.array(np.arange(1, count + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width=width, padding="0"), "")


def labels_from_codes(options: Sequence[str], codes: np.ndarray) -> pa.Array:
    """Strings from integer codes into options (null where the code is negative), built in Arrow
    so millions of rows never become Python objects."""
    codes = np.asarray(codes, dtype=np.int32)
    indices = pa.array(codes, mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(options), pa.string())).dictionary_decode()


def scatter(rng: np.random.Generator, counts: np.ndarray, low: np.ndarray, high: np.ndarray):
    """counts[i] events per customer, uniformly in [low[i], high[i]); empty windows give none."""
    counts = np.where(high > low, counts, 0).astype(np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    days = low[owner] + rng.random(len(owner)) * (high - low)[owner]
    return owner, days


def first_in_group(counts: np.ndarray) -> np.ndarray:
    """For rows laid out by np.repeat(arange, counts): True on each group's first row."""
    first = np.zeros(int(counts.sum()), dtype=bool)
    starts = np.cumsum(counts) - counts
    first[starts[counts > 0]] = True
    return first


def rank_in_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """0-based rank of each row by key among rows of the same group."""
    order = np.lexsort((key, group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    lengths = np.diff(np.r_[starts, len(order)])
    rank_sorted = np.arange(len(order)) - np.repeat(starts, lengths)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def draw_codes(rng: np.random.Generator, size: int, weights: Sequence[float]) -> np.ndarray:
    """Codes 0..len(weights)-1 with the given relative weights."""
    return rng.choice(len(weights), size=size, p=np.asarray(weights) / np.sum(weights))


def during_hours(rng: np.random.Generator, days: np.ndarray, first_hour: float, last_hour: float):
    """Keep the calendar day, move the time into business hours."""
    return np.floor(days) + (first_hour + rng.random(len(days)) * (last_hour - first_hour)) / 24.0


def bool_array(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), mask=missing)


@dataclass
class Rows:
    """Columns of event rows gathered from several sources before they are sorted into a table."""

    parts: dict[str, list[np.ndarray]]

    @classmethod
    def empty(cls, *names: str) -> Rows:
        return cls({name: [] for name in names})

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.parts[name].append(np.asarray(values))

    def chronological(self, time_column: str) -> dict[str, np.ndarray]:
        """All rows, by time (then owner, for a stable order)."""
        joined = {name: np.concatenate(values) for name, values in self.parts.items()}
        order = np.lexsort((joined["owner"], joined[time_column]))
        return {name: values[order] for name, values in joined.items()}
