"""The first rows by priority (and by CLV) taken without sorting the whole assessment: the same rows, in
the same order, as sorting the whole frame gives, ties and missing values included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keepwise.assess.urgent import top_positions, urgent_order


def _assessment(seed: int, size: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    money = rng.choice([0.0, 10.0, 25.5, np.nan], size)  # many ties, and customers with nothing at stake
    return pd.DataFrame({
        "customer_id": [f"C{k:05d}" for k in rng.permutation(size)],
        "priority": rng.integers(1, 4, size),
        "money_at_stake": money,
        "clv": rng.choice([0.0, 5.0, -3.0, np.nan, 120.0], size),
        "reasons": [f"reason {k}" for k in range(size)],
    }, index=rng.permutation(size) + 1000)  # not a range: positions are not labels


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("rows", [1, 7, 50, 10_000])
def test_the_first_rows_are_those_of_the_sorted_frame(seed, rows):
    frame = _assessment(seed, 2_000)
    expected = frame.sort_values(["priority", "money_at_stake"], ascending=[True, False]).head(rows)
    pd.testing.assert_frame_equal(urgent_order(frame, rows), expected)
    by_clv = frame.take(top_positions(frame, ["clv"], [False], rows))
    pd.testing.assert_frame_equal(by_clv, frame.sort_values("clv", ascending=False).head(rows))
