"""rfm_summary: the project's per-customer RFM contract, checked on CDNOW and on hand-made orders."""

import datetime

import ibis
import numpy as np
import pandas as pd
import pytest

from keepwise.models import rfm_summary, summary_arrays


def test_cdnow_summary_matches_the_published_file(cdnow_summary, cdnow_published_summary):
    merged = cdnow_summary.merge(cdnow_published_summary, left_on="customer_id", right_on="ID", how="outer",
                                 indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == 2357
    assert (merged["frequency"] == merged["x"]).all()
    assert np.max(np.abs(merged["recency"] - merged["t_x"])) <= 0.005
    assert np.max(np.abs(merged["T_x"] - merged["T_y"])) <= 0.005
    assert np.max(np.abs(merged["monetary_value"] - merged["zbar"])) <= 0.006
    assert merged["frequency"].sum() == 2457 and (merged["frequency"] > 0).sum() == 946


def _orders(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "revenue", "status"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"]).astype("datetime64[us]")
    return ibis.memtable(frame)


ORDERS = [
    # customer a: two orders on day 1 (one transaction), a cancelled order, repeats on day 8 and 15.
    ("1", "a", "2024-01-01 09:00", 10.0, "completed"),
    ("2", "a", "2024-01-01 18:30", 5.0, "completed"),
    ("3", "a", "2024-01-03 10:00", 99.0, "cancelled"),
    ("4", "a", "2024-01-08 10:00", 20.0, "completed"),
    ("5", "a", "2024-01-15 23:59", 40.0, "completed"),
    ("6", "a", "2024-01-15 08:00", 20.0, "completed"),
    ("7", "a", "2024-02-10 10:00", 7.0, "completed"),  # holdout
    ("8", "a", "2024-02-10 11:00", 3.0, "completed"),  # holdout, same day
    # customer b: one purchase on the calibration end day (T = 0).
    ("9", "b", "2024-01-31 12:00", 12.0, "completed"),
    # customer c: only holdout purchases -> absent; customer d: only cancelled -> absent.
    ("10", "c", "2024-02-02 12:00", 12.0, "completed"),
    ("11", "d", "2024-01-05 12:00", 12.0, "cancelled"),
]


@pytest.mark.parametrize("unit, divisor", [("day", 1.0), ("week", 7.0)])
def test_summary_rules(unit, divisor):
    expr = rfm_summary(_orders(ORDERS), datetime.date(2024, 1, 31), unit, observation_end=datetime.date(2024, 2, 29))
    frame = expr.to_pandas().set_index("customer_id").sort_index()
    assert list(frame.index) == ["a", "b"]
    a, b = frame.loc["a"], frame.loc["b"]
    assert a["frequency"] == 2
    assert a["recency"] == pytest.approx(14 / divisor)
    assert a["T"] == pytest.approx(30 / divisor)
    assert a["monetary_value"] == pytest.approx((20.0 + 60.0) / 2)
    assert a["frequency_holdout"] == 1 and a["monetary_value_holdout"] == pytest.approx(10.0)
    assert b["frequency"] == 0 and b["recency"] == 0 and b["T"] == 0 and b["monetary_value"] == 0
    assert b["frequency_holdout"] == 0 and b["monetary_value_holdout"] == 0


def test_summary_without_holdout_and_arrays():
    expr = rfm_summary(_orders(ORDERS), datetime.date(2024, 1, 10))
    assert expr.columns == ("customer_id", "frequency", "recency", "T", "monetary_value")
    arrays = summary_arrays(expr)
    order = np.argsort(arrays["customer_id"])
    assert list(arrays["customer_id"][order]) == ["a"]
    assert arrays["frequency"].dtype == np.int64 and arrays["T"].dtype == float
    assert arrays["frequency"][order][0] == 1 and arrays["T"][order][0] == 9.0


def test_summary_rejects_bad_arguments():
    with pytest.raises(ValueError, match="time_unit"):
        rfm_summary(_orders(ORDERS), datetime.date(2024, 1, 31), "month")
    with pytest.raises(ValueError, match="observation_end"):
        rfm_summary(_orders(ORDERS), datetime.date(2024, 1, 31), observation_end=datetime.date(2024, 1, 1))
