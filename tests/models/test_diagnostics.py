"""The tracking check of a purchase model: CDNOW's published BG/NBD fit and holdout, the other models, and the
reasons, as catalog keys, when there is no check."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from keepwise.data import load
from keepwise.data.cdnow import CDNOW_OBSERVATION_END, cdnow_folder
from keepwise.models.diagnostics import holdout_weeks_for, tracking_check

from datafactory import valid_tables, write_csv_folder


@pytest.fixture(scope="module")
def cdnow_tracking():
    as_of = date.fromisoformat(CDNOW_OBSERVATION_END)
    return tracking_check(load(cdnow_folder(), as_of), as_of, "bgnbd")


def test_cdnow_tracking_matches_the_literature(cdnow_tracking):
    tracking = cdnow_tracking
    assert tracking.unavailable is None
    # 78 weeks from the first purchase (1997-01-01), split 39/39 as in Fader, Hardie & Lee (2005).
    assert tracking.calibration_end == date(1997, 9, 30)
    assert tracking.holdout_end == date(1998, 6, 30)
    assert tracking.n_customers == 2357
    weeks = tracking.weeks
    assert len(weeks) == 78 and int(weeks["holdout"].sum()) == 39
    # Their BG/NBD estimates (weeks): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426.
    for name, value in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert tracking.params[name] == pytest.approx(value, rel=0.01), name
    assert np.all(np.diff(weeks["expected_cumulative"]) >= 0)
    assert weeks["actual_cumulative"].iloc[-1] == weeks["actual"].sum()
    # The model tracks the holdout to within 15% (the paper's figure 2 shows the same close fit).
    assert tracking.holdout_expected == pytest.approx(tracking.holdout_actual, rel=0.15)
    # Through the calibration period the model matches the repeat purchases it was fitted on closely.
    calibration = weeks[~weeks["holdout"]]
    assert calibration["expected"].sum() == pytest.approx(calibration["actual"].sum(), rel=0.05)


def test_holdout_is_half_the_history_at_most_a_year():
    assert holdout_weeks_for(78) == 39
    assert holdout_weeks_for(200) == 52
    assert holdout_weeks_for(9) == 4


def test_too_little_history_or_too_few_customers_is_said_plainly(tmp_path):
    folder = write_csv_folder(tmp_path / "tiny", valid_tables())
    # The tiny business's only completed purchases run from 2024-03-01.
    short = tracking_check(load(folder, date(2024, 4, 15)), date(2024, 4, 15), "mbgnbd")
    assert short.weeks is None and short.unavailable == "tracking.unavailable.short_history"
    assert short.unavailable_values == {"weeks": 6, "needed": 8}
    few = tracking_check(load(folder, date(2024, 12, 31)), date(2024, 12, 31), "mbgnbd")
    assert few.weeks is None and few.unavailable == "tracking.unavailable.few_customers"
    assert few.unavailable_values["customers"] == 1 and few.unavailable_values["needed"] == 50
    # said in the reader's language by the report (it was English in every report)
    from keepwise.text import Translator

    ru = Translator.for_report("ru", "EUR")
    assert ru(short.unavailable, model="MBG/NBD", **short.unavailable_values) == \
        "история охватывает 6 нед.; нужно не меньше 8"


def test_actual_repeat_transactions_per_week_counted_by_hand(tmp_path):
    tables = valid_tables()
    customer, order = tables["customers"][0], tables["orders"][0]
    rng = np.random.default_rng(5)
    customers, orders = [], []
    expected = np.zeros(27)  # weeks 1..26 from Monday 2024-01-01; the calibration ends on day 90 (2024-03-31)

    def bought(cid, day, status="completed", at="T10:00:00"):
        moment = (date(2024, 1, 1) + timedelta(days=int(day))).isoformat() + at
        orders.append({**order, "order_id": f"X{len(orders)}", "customer_id": cid, "ordered_at": moment,
                       "status": status})

    # 200 customers buying as BG/NBD says they do (a rate each, a chance to drop out after each purchase),
    # each first buying in the first 30 days; their distinct days after the first, up to day 181, are counted.
    for k in range(200):
        cid = f"K{k:03d}"
        customers.append({**customer, "customer_id": cid, "referred_by": ""})
        first = int(rng.integers(0, 30))
        days, day, rate, dropout = {first}, first, rng.gamma(1.0, 0.1), rng.beta(1.0, 3.0)
        while rng.random() > dropout:
            day += int(rng.exponential(1 / rate)) + 1
            days.add(day)
        for day in sorted(days):
            bought(cid, day)
            if day > first and day <= 181:
                expected[day // 7 + 1] += 1
    special = {"S1": [(0, "completed", "T09:00:00"), (0, "completed", "T18:00:00"),  # one day, one transaction
                      (8, "completed", "T09:00:00"), (8, "completed", "T20:00:00"),  # one repeat in week 2
                      (20, "cancelled", "T09:00:00")],  # not a purchase
               "S2": [(0, "completed", "T09:00:00"), (186, "completed", "T09:00:00")],  # after the as-of date
               "S3": [(121, "completed", "T09:00:00"), (130, "completed", "T09:00:00")]}  # first after the calibration
    for cid, purchases in special.items():
        customers.append({**customer, "customer_id": cid, "referred_by": ""})
        for day, status, at in purchases:
            bought(cid, day, status, at)
    expected[2] += 1
    folder = write_csv_folder(tmp_path / "weeks", {"customers": customers, "orders": orders})
    as_of = date(2024, 6, 30)  # day 181: 26 weeks, 13 of them held out
    tracking = tracking_check(load(folder, as_of), as_of, "bgnbd")
    assert tracking.unavailable is None and tracking.calibration_end == date(2024, 3, 31)
    actual = tracking.weeks.set_index("week")["actual"]
    assert list(actual.index) == list(range(1, 27)) and list(actual) == list(expected[1:])
    assert tracking.holdout_actual == expected[14:].sum() > 0


@pytest.mark.parametrize(("model", "published"), [
    # Batislam, Denizel & Filiztekin (2007) on CDNOW, as BTYDplus and lifetimes report it
    ("mbgnbd", {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}),
    # Fader, Hardie & Lee (2005), the Pareto/NBD benchmark fit
    ("pareto-nbd", {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}),
])
def test_the_model_checked_is_the_one_asked_for(model, published):
    """The report checked BG/NBD whichever model made its numbers (the settings' candidates are MBG/NBD and
    Pareto/NBD): each transaction model is fitted on the calibration period, its published CDNOW fit, and
    tracked through the same holdout."""
    as_of = date.fromisoformat(CDNOW_OBSERVATION_END)
    tracking = tracking_check(load(cdnow_folder(), as_of), as_of, model)
    assert tracking.model == model and tracking.calibration_end == date(1997, 9, 30)
    for name, value in published.items():
        assert tracking.params[name] == pytest.approx(value, rel=0.01), name
    assert int(tracking.weeks["holdout"].sum()) == 39 and tracking.holdout_expected > 0
