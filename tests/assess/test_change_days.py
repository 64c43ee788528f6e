import numpy as np
import pandas as pd

from keepwise.assess.change import _days


def test_days_are_pandas_whole_days_rounded_down_nan_for_none():
    moments = pd.Series(pd.to_datetime(["2026-01-01 10:00", "2025-12-31 23:59", None, "2026-03-01 00:00"])).astype(
        "datetime64[us]")
    start = pd.Series(pd.to_datetime(["2026-01-02 09:00", "2025-12-01 00:00", "2026-01-01 00:00", None])).astype("datetime64[us]")
    for spans in (moments - start, start - moments, pd.Timestamp("2026-06-30") - moments):
        expected = spans.dt.days.astype(float).to_numpy()
        assert np.array_equal(_days(spans), expected, equal_nan=True)
    assert _days(moments - start).tolist()[0] == -1.0  # 23 hours before: day -1, as pandas says
