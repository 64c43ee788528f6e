"""Facts.in_order: every kind's entries moved to their rows' new places, whichever way they are ordered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from keepwise.assess import evidence
from keepwise.assess.evidence import Facts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_facts_in_order_move_each_entry_with_its_row(seed):
    """Kinds of every size (none, one entry, a few, about half and all of the rows) give each entry, its
    numbers and its texts, at its row's new place, in the new order of the rows: the same whether a kind is
    sorted or read off the new order."""
    rng = np.random.default_rng(seed)
    n = 1000
    facts = Facts(pd.RangeIndex(n))
    one = np.zeros(n, bool)
    one[rng.integers(n)] = True
    masks = {"none": np.zeros(n, bool), "one": one, "few": rng.uniform(size=n) < 0.02,
             "half": rng.uniform(size=n) < 0.5, "all": np.ones(n, bool)}
    for code, mask in masks.items():
        facts.add(code, mask, lambda mask: {"row": np.flatnonzero(mask.to_numpy()),
                                            "text": pa.array([f"r{i}" for i in np.flatnonzero(mask.to_numpy())])})
    rank = rng.permutation(n)
    expected = {}
    for share in (0, n + 1):  # every kind read off the new order; every kind sorted
        evidence.SORTED_SHARE, saved = share, evidence.SORTED_SHARE
        try:
            moved = facts.in_order(rank)
        finally:
            evidence.SORTED_SHARE = saved
        for (code, rows, _), (moved_code, positions, values) in zip(facts.kinds, moved.kinds, strict=True):
            assert moved_code == code
            assert np.all(np.diff(positions) > 0) and len(positions) == len(rows)
            np.testing.assert_array_equal(rank[values["row"]], positions)  # each entry at its row's new place
            assert values["text"].to_pylist() == [f"r{i}" for i in values["row"]]
            if code in expected:
                np.testing.assert_array_equal(expected[code], positions)
            expected[code] = positions
    assert {code for code, _, _ in facts.kinds} == {"one", "few", "half", "all"}
