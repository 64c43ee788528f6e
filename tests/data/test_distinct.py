"""first_appearances numbers distinct values in the order they first appear and finds each one's first value;
equal_runs finds the runs of equal values in a sorted array."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from keepwise.data.distinct import equal_runs, first_appearances


def test_numbers_in_order_of_first_appearance_with_each_first_position():
    codes, first = first_appearances(np.array([7, 3, 7, 9, 3, 3, 1], dtype=np.int64))
    assert codes.tolist() == [0, 1, 0, 2, 1, 1, 3]
    assert first.tolist() == [0, 1, 3, 6]


def test_no_values():
    codes, first = first_appearances(np.array([], dtype=np.int64))
    assert len(codes) == 0 and len(first) == 0


@given(st.lists(st.integers(-5, 5), max_size=60))
def test_values_rebuilt_from_the_first_of_each(values):
    array = np.asarray(values, dtype=np.int64)
    codes, first = first_appearances(array)
    assert np.array_equal(array[first][codes], array)
    assert len(first) == len(set(values))
    # each first position is where that value occurs for the first time
    assert [values.index(v) for v in array[first].tolist()] == first.tolist()


def test_runs_of_equal_sorted_values():
    starts, ends = equal_runs(np.array([1.0, 1.0, 2.5, 4.0, 4.0, 4.0]))
    assert starts.tolist() == [0, 2, 3] and ends.tolist() == [2, 3, 6]
    assert [len(part) for part in (equal_runs(np.array([])))] == [0, 0]


@given(st.lists(st.integers(-5, 5), max_size=60))
def test_one_run_per_distinct_value_covering_the_array(values):
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    starts, ends = equal_runs(ordered)
    assert ordered[starts].tolist() == sorted(set(values))
    assert (ends - starts).tolist() == [values.count(v) for v in sorted(set(values))]
