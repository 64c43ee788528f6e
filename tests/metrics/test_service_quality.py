"""Service quality per period and its trend, on a tiny business and on hand-made periods with known answers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from keepwise.data import load
from keepwise.metrics.service_quality import MEASURES, ServiceQuality, service_quality, trend_periods

from datafactory import valid_tables, write_csv_folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = write_csv_folder(tmp_path_factory.mktemp("tiny"), valid_tables())
    return load(folder, date(2024, 12, 31))


def test_tiny_business_per_month(tiny):
    quality = service_quality(tiny, date(2024, 12, 31), "month")
    assert quality.missing == {}
    periods = quality.periods.set_index("period_start")
    # March to December 2024, one row per month even where nothing happened.
    assert len(periods) == 10 and periods.index[0] == pd.Timestamp("2024-03-01")
    march, june = periods.loc["2024-03-01"], periods.loc["2024-06-01"]
    # O1 delivered a day early in March, O2 four days late in June (O3 was cancelled).
    assert march["on_time_rate"] == 1.0 and june["on_time_rate"] == 0.0
    assert np.isnan(periods.loc["2024-04-01", "on_time_rate"])
    # One defective return in June against June's one completed order.
    assert june["defect_rate"] == 1.0 and march["defect_rate"] == 0.0
    # T1 opened 2024-06-10, first answered at 15:00 and closed a day later; T2 is still open, unanswered.
    assert june["resolution_hours"] == 24.0 and june["response_hours"] == 15.0
    assert np.isnan(periods.loc["2024-07-01", "response_hours"])
    assert june["substantiated_complaints"] == 1 and march["substantiated_complaints"] == 0
    assert quality.totals == {
        "n_delivered": 2.0, "n_late": 1.0, "n_defective_returns": 1.0, "defective_refunded": 30.0,
        "median_response_hours": 15.0, "median_resolution_hours": 24.0, "complaints": 1.0,
        "substantiated_complaints": 1.0,
    }


def test_time_to_first_response_is_measured_where_the_tickets_record_it(tmp_path):
    """The report said "The records hold no first-response time" of data that held it: the contract's
    first_response_at is measured per period, and named as missing only where no ticket has one."""
    tables = valid_tables()
    tables["tickets"] += [
        {**tables["tickets"][0], "ticket_id": "T3", "opened_at": "2024-06-20T08:00:00",
         "first_response_at": "2024-06-20T09:00:00", "closed_at": "2024-06-20T18:00:00"},
        {**tables["tickets"][0], "ticket_id": "T4", "opened_at": "2024-06-21T08:00:00",
         "first_response_at": "2024-06-21T12:00:00", "closed_at": "2024-06-22T08:00:00"},
    ]
    quality = service_quality(load(write_csv_folder(tmp_path / "answered", tables), date(2024, 12, 31)),
                              date(2024, 12, 31))
    june = quality.periods.set_index("period_start").loc["2024-06-01"]
    assert june["response_hours"] == 4.0  # the median of 15, 1 and 4 hours
    assert quality.trend("response_hours", "month") == (None, 4.0)  # June is before the last six months
    unanswered = valid_tables()
    unanswered["tickets"] = [{**row, "first_response_at": ""} for row in unanswered["tickets"]]
    quality = service_quality(load(write_csv_folder(tmp_path / "unanswered", unanswered), date(2024, 12, 31)),
                              date(2024, 12, 31))
    assert quality.missing == {"response_hours": "missing.no_first_response"}
    assert quality.available("resolution_hours") and "median_response_hours" not in quality.totals


def test_orders_only_say_what_is_missing(tmp_path):
    tables = valid_tables()
    orders = [{**row, "promised_at": "", "delivered_at": ""} for row in tables["orders"]]
    folder = write_csv_folder(tmp_path / "orders-only", {"customers": tables["customers"], "orders": orders})
    quality = service_quality(load(folder, date(2024, 12, 31)), date(2024, 12, 31))
    assert quality.missing == {
        "on_time_rate": "missing.no_delivery_dates",
        "defect_rate": "missing.no_returns",
        "response_hours": "missing.no_tickets",
        "resolution_hours": "missing.no_tickets",
        "substantiated_complaints": "missing.no_tickets",
    }
    assert not any(quality.available(m) for m in MEASURES)
    assert quality.trend("on_time_rate", "month") == (None, None)


def _periods(on_time: list[int], delivered: list[int], complaints: list[int]) -> ServiceQuality:
    n = len(on_time)
    frame = pd.DataFrame({
        "period_start": pd.period_range("2025-01", periods=n, freq="M").start_time,
        "n_delivered": delivered, "n_on_time": on_time, "n_orders": delivered,
        "n_defective_returns": [0] * n, "resolution_hours": [np.nan] * n,
        "substantiated_complaints": complaints,
    })
    return ServiceQuality(periods=frame, missing={"resolution_hours": "missing.no_tickets"}, totals={})


def test_trend_pools_the_recent_periods_against_the_ones_before():
    assert trend_periods("month") == 6 and trend_periods("quarter") == 2 and trend_periods("year") == 1
    # Twelve months: the first six deliver 90 of 100 on time each, the last six 80 of 100.
    quality = _periods([90] * 6 + [80] * 6, [100] * 12, [1] * 6 + [3] * 6)
    assert quality.trend("on_time_rate", "month") == pytest.approx((0.8, 0.9))
    assert quality.verdict("on_time_rate", "month") == "worse"
    # Complaints are counted, not averaged: 18 recent against 6 before.
    assert quality.trend("substantiated_complaints", "month") == (18.0, 6.0)
    assert quality.verdict("substantiated_complaints", "month") == "worse"
    assert quality.verdict("resolution_hours", "month") is None  # not recorded
    # A quarter of a point on on-time delivery is no change; more than half a point is.
    assert _periods([900] * 6 + [898] * 6, [1000] * 12, [0] * 12).verdict("on_time_rate", "month") == "same"
    assert _periods([900] * 6 + [910] * 6, [1000] * 12, [0] * 12).verdict("on_time_rate", "month") == "better"


@pytest.mark.parametrize("period", ["quarter", "year"])
def test_quarters_and_years_from_the_engine(tmp_path, period):
    tables = valid_tables()
    # A question closed after an hour and a half in August: Q3's resolution time, and the year's median
    # is between it and T1's 24 hours.
    tables["tickets"].append({**tables["tickets"][1], "ticket_id": "T3", "opened_at": "2024-08-01T08:00:00",
                              "closed_at": "2024-08-01T09:30:00"})
    quality = service_quality(load(write_csv_folder(tmp_path, tables), date(2024, 12, 31)), date(2024, 12, 31), period)
    periods = quality.periods.set_index("period_start")
    assert quality.totals["median_resolution_hours"] == 12.75
    assert quality.totals["n_delivered"] == 2.0 and quality.totals["n_late"] == 1.0
    if period == "year":
        assert list(periods.index) == [pd.Timestamp("2024-01-01")]
        year = periods.iloc[0]
        assert (year["on_time_rate"], year["defect_rate"], year["resolution_hours"]) == (0.5, 0.5, 12.75)
        assert (year["n_orders"], year["substantiated_complaints"]) == (2, 1)
        return
    assert list(periods.index) == list(pd.date_range("2024-01-01", periods=4, freq="QS"))
    q1, q2, q3, q4 = (periods.iloc[k] for k in range(4))
    # O1 on time in Q1, O2 late in Q2 with its defective return and T1's substantiated complaint
    assert (q1["on_time_rate"], q1["defect_rate"], q1["n_orders"]) == (1.0, 0.0, 1)
    assert (q2["on_time_rate"], q2["defect_rate"], q2["resolution_hours"], q2["substantiated_complaints"]) == (
        0.0, 1.0, 24.0, 1)
    # Q3: O3 was cancelled (no completed order, no rate); T3's 1.5 hours; T2 is still open
    assert q3["n_orders"] == 0 and np.isnan(q3["defect_rate"]) and q3["resolution_hours"] == 1.5
    assert q4["n_orders"] == 0 and np.isnan(q4["resolution_hours"]) and q4["substantiated_complaints"] == 0


def test_records_without_the_needed_marks_say_so(tmp_path):
    tables = valid_tables()
    # The return's "defective" not recorded, and the complaint not judged: measures not available.
    tables["returns"] = [{**row, "defective": ""} for row in tables["returns"]]
    tables["tickets"] = [{**row, "substantiated": ""} for row in tables["tickets"]]
    quality = service_quality(load(write_csv_folder(tmp_path / "unmarked", tables), date(2024, 12, 31)),
                              date(2024, 12, 31))
    assert quality.missing == {"defect_rate": "missing.defect_not_recorded",
                               "substantiated_complaints": "missing.complaints_not_judged"}
    assert (quality.totals["n_defective_returns"], quality.totals["defective_refunded"]) == (0.0, 0.0)
    assert (quality.totals["complaints"], quality.totals["substantiated_complaints"]) == (1.0, 0.0)
    # No complaint at all: nothing to judge.
    tables = valid_tables()
    tables["tickets"] = [{**row, "kind": "question"} for row in tables["tickets"]]
    quality = service_quality(load(write_csv_folder(tmp_path / "questions", tables), date(2024, 12, 31)),
                              date(2024, 12, 31))
    assert quality.missing == {"substantiated_complaints": "missing.no_complaints"}
    assert quality.totals["complaints"] == 0.0 and quality.totals["median_resolution_hours"] == 24.0
