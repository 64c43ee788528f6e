"""Portfolio metrics on data where the right answer is known: hand-made, generated and CDNOW."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from keepwise.data.loader import load
from keepwise.metrics.activity import AliveProbabilityRule, RecencyRule, churn_by_period
from keepwise.metrics.cohorts import cohort_retention
from keepwise.metrics.features import customer_features
from keepwise.metrics.portfolio import portfolio_summary
from keepwise.metrics.render import render_summary
from keepwise.metrics.rfm import RFM_SEGMENTS, quintile_scores, rfm_scores, rfm_segment, segment_counts
from keepwise.metrics.value import whale_curve
from keepwise.sample import generate_sample
from keepwise.text import Translator

HAND_AS_OF = date(2024, 6, 30)
# Short window so that the hand-computed months below show every case: lost, new, won back.
HAND_LOST_AFTER = 60

# (customer, day, status). Active at the end of day d = a completed order within the 60 days up to d.
# Month ends of 2024: Jan 31, Feb 29, Mar 31, Apr 30, May 31, Jun 30.
HAND_ORDERS = [
    ("A", "2024-01-05", "completed"),  # active Jan, Feb (55 d); lost by Mar 31 (86 d)
    ("B", "2024-01-10", "completed"),  # active every month end: gaps 50, 16, 46, 11, 41 days
    ("B", "2024-03-15", "completed"),
    ("B", "2024-05-20", "completed"),
    ("C", "2024-02-01", "completed"),  # new Feb; active Mar 31 (59 d); lost by Apr 30 (89 d)
    ("D", "2024-01-02", "completed"),  # Feb 29 (58 d) active; lost by Mar 31 (89 d);
    ("D", "2024-04-25", "completed"),  # won back in Apr; May 31 (36 d) active; lost by Jun 30 (66 d)
    ("E", "2024-03-01", "cancelled"),  # a cancelled order is no purchase
    ("E", "2024-03-03", "completed"),  # new Mar; Apr 30 (58 d) active; lost by May 31 (89 d)
    ("F", "2024-02-10", "cancelled"),  # never bought: never a customer
    ("G", "2024-06-15", "completed"),  # new Jun
    ("H", "2024-01-20", "completed"),  # two orders one day; Feb 29 (40 d) active; lost by Mar 31 (71 d)
    ("H", "2024-01-20", "completed"),
    ("I", "2024-02-28", "completed"),  # new Feb; Mar 31 (32 d); Apr 28 order; May 31 (33 d); lost Jun (63 d)
    ("I", "2024-04-28", "completed"),
    ("J", "2024-05-01", "completed"),  # new May; Jun 30 is exactly 60 days later: still active
]
HAND_CUSTOMERS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"]  # K never ordered


def write_tables(folder: Path, orders, customers, signed_up: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    signed_up = signed_up or {}
    customer_rows = pd.DataFrame(
        {"customer_id": customers, "signed_up_at": [signed_up.get(c, "") for c in customers]}
    )
    customer_rows.to_csv(folder / "customers.csv", index=False)
    order_rows = pd.DataFrame(
        [
            {"order_id": f"O{n:03d}", "customer_id": c, "ordered_at": day, "revenue": 10.0, "status": status}
            for n, (c, day, status) in enumerate(orders)
        ]
    )
    order_rows.to_csv(folder / "orders.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def hand_ds(tmp_path_factory):
    folder = write_tables(tmp_path_factory.mktemp("hand"), HAND_ORDERS, HAND_CUSTOMERS)
    return load(folder, HAND_AS_OF)


def assert_counts_reconcile(churn: pd.DataFrame) -> None:
    reconciled = churn.customers_at_start + churn.new_customers + churn.reactivated - churn.lost
    assert (reconciled == churn.customers_at_end).all()
    # Each period starts where the previous one ended.
    assert (churn.customers_at_start.iloc[1:].to_numpy() == churn.customers_at_end.iloc[:-1].to_numpy()).all()


# ------------------------------------------------------------------------------------------------
# Churn


def test_monthly_churn_on_hand_data(hand_ds):
    churn = churn_by_period(hand_ds, HAND_AS_OF, "month", lost_after_days=HAND_LOST_AFTER)
    got = churn.set_index("period")[
        ["customers_at_start", "new_customers", "reactivated", "lost", "lost_of_start", "customers_at_end"]
    ]
    expected = pd.DataFrame(
        {
            # Jan: A B D H join.          Feb: C I join, nobody lost.
            # Mar: E joins; A D H lost.   Apr: C lost, D won back.
            # May: J joins; E lost.       Jun: G joins; D I lost.
            "customers_at_start": [0, 4, 6, 4, 4, 4],
            "new_customers": [4, 2, 1, 0, 1, 1],
            "reactivated": [0, 0, 0, 1, 0, 0],
            "lost": [0, 0, 3, 1, 1, 2],
            "lost_of_start": [0, 0, 3, 1, 1, 2],
            "customers_at_end": [4, 6, 4, 4, 4, 3],
        },
        index=pd.Index(["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"], name="period"),
    )
    pd.testing.assert_frame_equal(got.astype("int64"), expected, check_index_type=False)
    assert math.isnan(churn.churn_rate.iloc[0])  # nobody to lose at the start of the first month
    assert churn.churn_rate.iloc[1:].tolist() == pytest.approx([0.0, 3 / 6, 1 / 4, 1 / 4, 2 / 4])
    assert churn.retention_rate.iloc[1:].tolist() == pytest.approx([1.0, 0.5, 0.75, 0.75, 0.5])
    assert not churn.partial.any()
    assert_counts_reconcile(churn)


def test_quarterly_churn_counts_customers_acquired_and_lost_in_the_same_quarter(hand_ds):
    churn = churn_by_period(hand_ds, HAND_AS_OF, "quarter", lost_after_days=HAND_LOST_AFTER)
    q1, q2 = churn.to_dict("records")
    # Q1: A B C D E H I join; A D H lapse before Mar 31, though none was a customer at the start.
    assert (q1["customers_at_start"], q1["new_customers"], q1["lost"], q1["lost_of_start"]) == (0, 7, 3, 0)
    assert q1["customers_at_end"] == 4
    # Q2: B C E I at start; J G join; C E I lost; D came back in Apr but lapsed again by Jun 30.
    assert (q2["customers_at_start"], q2["new_customers"], q2["reactivated"], q2["lost"]) == (4, 2, 0, 3)
    assert q2["customers_at_end"] == 3
    assert q2["churn_rate"] == pytest.approx(3 / 4)
    assert_counts_reconcile(churn)


def test_churn_by_several_periods_is_each_period_s_own_from_one_read(hand_ds, monkeypatch):
    from keepwise.metrics.activity import churn_by_periods

    asked = []
    active_matrix = RecencyRule.active_matrix

    def counted(self, purchases, dates, customers):
        asked.append(list(dates))
        return active_matrix(self, purchases, dates, customers)

    monkeypatch.setattr(RecencyRule, "active_matrix", counted)
    for as_of in (HAND_AS_OF, date(2024, 5, 20)):  # the second cuts the last month and quarter short
        asked.clear()
        together = churn_by_periods(hand_ds, as_of, ("month", "quarter", "year"), lost_after_days=HAND_LOST_AFTER)
        # Who is active is found once, on the days any of the three compares (each once, in order).
        assert len(asked) == 1 and asked[0] == sorted(set(asked[0]))
        assert date(2023, 12, 31) in asked[0] and as_of in asked[0]
        for period in ("month", "quarter", "year"):
            alone = churn_by_period(hand_ds, as_of, period, lost_after_days=HAND_LOST_AFTER)
            pd.testing.assert_frame_equal(together[period], alone)
        assert together["quarter"]["partial"].iloc[-1] == (as_of != HAND_AS_OF)


def test_partial_last_period_and_configured_window(hand_ds):
    churn = churn_by_period(hand_ds, date(2024, 6, 20), "month")  # default [churn] lost_after_days = 180
    assert churn.partial.iloc[-1] and churn.period_end.iloc[-1] == date(2024, 6, 20)
    assert churn.lost.sum() == 0  # nobody can be 180 days silent within six months of joining
    assert churn.customers_at_end.iloc[-1] == 10 - 1  # all who ever bought (F only cancelled)


def test_recency_rule_active_matrix_on_hand_data(hand_ds):
    from keepwise.metrics.activity import completed_purchases

    purchases = completed_purchases(hand_ds, HAND_AS_OF)
    # dates out of order and one twice; K never bought, Z is not a customer at all
    dates = [date(2024, 6, 30), date(2024, 2, 29), date(2024, 3, 31), date(2024, 2, 29), date(2024, 1, 4)]
    customers = pd.Series(["A", "D", "J", "K", "H", "Z"])
    active = RecencyRule(HAND_LOST_AFTER).active_matrix(purchases, dates, customers)
    expected = {
        "A": [False, True, False, True, False],  # 2024-01-05: Feb 29 is 55 days later
        "D": [False, True, False, True, True],  # 2024-01-02, and 2024-04-25 is 66 days before Jun 30
        "J": [True, False, False, False, False],  # 2024-05-01: Jun 30 is exactly 60 days later
        "K": [False] * 5,
        "H": [False, True, False, True, False],  # 2024-01-20 (twice): 40 days before Feb 29, 71 before Mar 31
        "Z": [False] * 5,
    }
    assert active.shape == (6, 5)
    assert {c: list(row) for c, row in zip(customers, active, strict=True)} == expected
    assert not RecencyRule(0).active_matrix(purchases, [date(2024, 1, 6)], customers).any()  # A: the day before
    assert RecencyRule(0).active_matrix(purchases, [date(2024, 1, 5)], customers)[:, 0].tolist() == [
        True, False, False, False, False, False]


@pytest.mark.parametrize("seed", range(12))
def test_recency_rule_active_matrix_is_its_definition(seed):
    """Active at the end of day d exactly when a purchase falls in d - lost_after_days .. d, on random
    purchases (repeated days, several a customer, customers who never bought) and random dates (out of
    order, repeated, before and after every purchase): both ways of placing the days among the dates
    (a table of the purchases' days, or binary search when they span more days than there are purchases)."""
    import ibis

    from keepwise.metrics.activity import _date_places

    rng = np.random.default_rng(seed)
    n_customers, n_purchases = int(rng.integers(1, 30)), int(rng.integers(0, 120))
    spread = int(rng.choice([5, 60, 4000]))  # 4000 days over < 120 purchases: the binary search
    origin = np.datetime64("2024-01-01")
    bought_by = rng.integers(0, n_customers, n_purchases)
    days = origin + rng.integers(0, spread, n_purchases).astype("timedelta64[D]")
    dates = [(origin + np.timedelta64(int(k), "D")).astype(object)
             for k in rng.integers(-10, spread + 200, int(rng.integers(1, 15)))]
    lost_after = int(rng.integers(0, 90))
    customers = pd.Series([f"c{i:02d}" for i in range(n_customers)] + ["never"])
    purchases = ibis.memtable(pd.DataFrame({"customer_id": pd.Series([f"c{i:02d}" for i in bought_by], dtype=object),
                                            "day": pd.Series(days.astype("datetime64[s]")).dt.date}),
                              schema={"customer_id": "string", "day": "date"})
    active = RecencyRule(lost_after).active_matrix(purchases, dates, customers)

    snapshots = np.array(dates, dtype="datetime64[D]")
    expected = np.zeros((len(customers), len(dates)), dtype=bool)
    for row, day in zip(bought_by, days, strict=True):
        expected[row] |= (day <= snapshots) & (snapshots <= day + np.timedelta64(lost_after, "D"))
    assert (active == expected).all()
    # The table of days and the binary search place every day alike.
    ordered = np.sort(snapshots)
    table = _date_places(ordered, days, lost_after)
    search = (np.searchsorted(ordered, days, "left"),
              np.searchsorted(ordered, days + np.timedelta64(lost_after, "D"), "right"))
    assert all((found == wanted).all() for found, wanted in zip(table, search, strict=True))


def test_alive_probability_rule_plugs_in(hand_ds):
    seen_dates = []

    def p_alive(history: pd.DataFrame, at: date) -> pd.Series:
        seen_dates.append(at)
        assert (pd.to_datetime(history["day"]) <= pd.Timestamp(at)).all()  # no peeking past the snapshot
        last = pd.to_datetime(history.groupby("customer_id")["day"].max())
        return np.exp(-(pd.Timestamp(at) - last).dt.days / 60.0)

    # exp(-days / 60) >= 0.5 exactly when days <= 60 ln 2 = 41.6: the same as a 41-day recency rule.
    rule = AliveProbabilityRule.configured(hand_ds, p_alive)
    assert rule.threshold == 0.5  # [churn] p_alive_threshold
    by_probability = churn_by_period(hand_ds, HAND_AS_OF, "month", rule=rule)
    by_recency = churn_by_period(hand_ds, HAND_AS_OF, "month", rule=RecencyRule(41))
    pd.testing.assert_frame_equal(by_probability, by_recency)
    # Each month end; the day before January has no purchases yet, so the model is not asked.
    assert len(seen_dates) == 6
    assert_counts_reconcile(by_probability)


# ------------------------------------------------------------------------------------------------
# Cohorts


def test_cohort_matrix_on_hand_data(hand_ds):
    cohorts = cohort_retention(hand_ds, HAND_AS_OF, by="month")
    nan = np.nan
    expected = pd.DataFrame(
        [
            [1.0, 0.0, 0.25, 0.25, 0.25, 0.0],  # A B D H: B buys in Mar and May, D in Apr
            [1.0, 0.0, 0.5, 0.0, 0.0, nan],  # C I: I buys again in Apr
            [1.0, 0.0, 0.0, 0.0, nan, nan],  # E
            [1.0, 0.0, nan, nan, nan, nan],  # J
            [1.0, nan, nan, nan, nan, nan],  # G
        ],
        index=["2024-01", "2024-02", "2024-03", "2024-05", "2024-06"],
    )
    np.testing.assert_array_equal(cohorts.shares.index.astype(str), expected.index)
    np.testing.assert_allclose(cohorts.shares.to_numpy(dtype=float), expected.to_numpy(), equal_nan=True)
    assert cohorts.sizes.tolist() == [4, 2, 1, 1, 1]
    assert cohorts.buyers.loc["2024-01", 2] == 1


def test_sign_up_cohorts_count_customers_who_never_bought(tmp_path):
    folder = write_tables(tmp_path, HAND_ORDERS, HAND_CUSTOMERS, signed_up={"K": "2024-01-15"})
    cohorts = cohort_retention(load(folder, HAND_AS_OF), HAND_AS_OF, by="month", cohort_on="signed_up")
    # January sign-ups: K (never bought) plus A B D H, whose sign-up falls back to their first order.
    assert cohorts.sizes["2024-01"] == 5
    assert cohorts.shares.loc["2024-01", 0] == pytest.approx(4 / 5)
    assert cohorts.shares.loc["2024-01", 2] == pytest.approx(1 / 5)


# ------------------------------------------------------------------------------------------------
# RFM


def spread_features(n: int = 100) -> pd.DataFrame:
    as_of = pd.Timestamp("2024-06-30")
    ids = [f"c{i:03d}" for i in range(n)]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "n_orders": np.arange(1, n + 1),  # customer i has i + 1 orders
            "last_order_at": [as_of - pd.Timedelta(days=i) for i in range(n)],  # i days ago
            "revenue": np.linspace(10.0, 1000.0, n)[::-1],  # the most recent spend the most
        }
    )


def test_quintile_scores_on_a_distinct_spread():
    rfm = rfm_scores(spread_features(), date(2024, 6, 30))
    for score in ("r_score", "f_score", "m_score"):
        assert rfm[score].value_counts().sort_index().tolist() == [20] * 5
    by_id = rfm.set_index("customer_id")
    # Recency: 0-19 days ago score 5 ... 80-99 days ago score 1.
    assert by_id.loc["c000", "r_score"] == 5 and by_id.loc["c019", "r_score"] == 5
    assert by_id.loc["c020", "r_score"] == 4 and by_id.loc["c099", "r_score"] == 1
    # Frequency: 1-20 orders score 1 ... 81-100 orders score 5.
    assert by_id.loc["c000", "f_score"] == 1 and by_id.loc["c099", "f_score"] == 5
    # c000: R5, F1, M5 -> FM = round-half-up(3) = 3 -> Potential loyalist.
    assert by_id.loc["c000", "fm_score"] == 3 and by_id.loc["c000", "segment"] == "Potential loyalist"


def test_tied_values_share_a_score_whatever_the_row_order():
    values = pd.Series([1] * 60 + [2] * 20 + list(range(3, 23)))
    scores = quintile_scores(values)
    assert set(scores[:60]) == {1}  # 0 customers strictly below
    assert set(scores[60:80]) == {4}  # 60 of 100 below: 1 + floor(5 x 0.6)
    assert set(scores[80:]) == {5}
    shuffled = values.sample(frac=1.0, random_state=3)
    pd.testing.assert_series_equal(quintile_scores(shuffled).sort_index(), scores)


def test_segment_grid():
    assert rfm_segment(5, 5) == "Champions"
    assert rfm_segment(5, 1) == "New"
    assert rfm_segment(4, 1) == "Promising"
    assert rfm_segment(3, 3) == "Need attention"
    assert rfm_segment(3, 4) == "Loyal"
    assert rfm_segment(2, 3) == "At risk"
    assert rfm_segment(1, 5) == "Can't lose them"
    assert rfm_segment(2, 2) == "Hibernating"
    assert rfm_segment(1, 1) == "Lost"
    every_cell = {rfm_segment(r, fm) for r in range(1, 6) for fm in range(1, 6)}
    assert every_cell == set(RFM_SEGMENTS)
    for outside in ((0, 3), (3, 0), (6, 1), (1, 6)):
        with pytest.raises(ValueError, match="from 1 to 5"):
            rfm_segment(*outside)


def test_customers_without_orders_get_no_rfm():
    features = spread_features(10)
    features.loc[3, "n_orders"] = 0
    features.loc[3, "last_order_at"] = pd.NaT
    rfm = rfm_scores(features, date(2024, 6, 30))
    assert len(rfm) == 9 and "c003" not in set(rfm.customer_id)
    assert sum(segment_counts(rfm).values()) == 9


# ------------------------------------------------------------------------------------------------
# Whale curve


def test_whale_curve_on_hand_data():
    features = pd.DataFrame({"customer_id": list("abcde"), "profit": [-40.0, 30.0, 50.0, -10.0, 20.0]})
    whale = whale_curve(features)
    # Ranked: c 50, b 30, e 20, d -10, a -40 -> cumulative 50, 80, 100, 90, 50 of a total of 50.
    assert whale.customer_ids.tolist() == ["c", "b", "e", "d", "a"]
    assert whale.cumulative_profit.tolist() == [0, 50, 80, 100, 90, 50]
    assert whale.total_profit == 50
    assert whale.peak_customer_share == pytest.approx(0.6)
    assert whale.peak_profit_share == pytest.approx(2.0)  # the top 60% earn 200% of total profit
    assert whale.value_destroying_customers == 2
    assert whale.value_destroying_share == pytest.approx(0.4)
    assert whale.value_destroying_cost == pytest.approx(50.0)
    assert whale.cumulative_profit_share[-1] == pytest.approx(1.0)


def test_the_whale_curve_in_one_sentence_and_its_figures_in_the_readers_language():
    from keepwise.metrics.wording import whale_rows, whale_takeaway
    from keepwise.text import Translator

    whale = whale_curve(pd.DataFrame({"customer_id": list("abcde"), "profit": [-40.0, 30.0, 50.0, -10.0, 20.0]}))
    # The top fifth is c alone: 50 of the total 50; d and a cost 10 + 40.
    en = Translator.for_report("en", "USD")
    assert whale_takeaway(whale, en) == "The top 20% of customers earn 100% of profit; 40% of customers cost $50.00."
    assert whale_rows(whale, en) == [
        ["Profit of the most profitable 60% of customers", "$100.00"],
        ["Their share of total profit", "200%"],
        ["Total profit of all customers", "$50.00"],
        ["Customers who cost more than they bring", "2 (40%)"],
        ["Profit those customers cost", "$50.00"],
    ]
    ru = Translator.for_report("ru", "USD")
    assert whale_takeaway(whale, ru).startswith("Лучшие 20% клиентов приносят 100% прибыли; 40% клиентов")
    fa = whale_takeaway(whale, Translator.for_report("fa", "USD"))
    assert "۲۰٪" in fa and "۴۰٪" in fa and not any(digit in fa for digit in "0123456789")
    # A loss overall, and no customer who costs money, are other sentences.
    loss = whale_curve(pd.DataFrame({"customer_id": ["a", "b"], "profit": [5.0, -20.0]}))
    assert whale_takeaway(loss, en) == "Customers lose money overall (-$15.00); 50% of customers cost $20.00."
    none = whale_curve(pd.DataFrame({"customer_id": list("abcde"), "profit": [10.0, 20.0, 30.0, 40.0, 100.0]}))
    assert whale_takeaway(none, en) == "No customer costs more than they bring; the top 20% earn 50% of profit."
    assert whale_takeaway(whale_curve(pd.DataFrame({"customer_id": [], "profit": []})), en) == "No customers yet."


def test_the_churn_rule_is_told_as_it_was_measured():
    from keepwise.metrics.wording import churn_rule_note

    en, ru = Translator.for_report("en", "EUR"), Translator.for_report("ru", "EUR")
    assert churn_rule_note(RecencyRule(1), en) == "A customer counts as lost after 1 day without a purchase."
    assert churn_rule_note(RecencyRule(90), ru) == "Клиент считается ушедшим после 90 дней без покупок."
    by_model = AliveProbabilityRule(lambda history, at: pd.Series(dtype=float), 0.3)
    assert churn_rule_note(by_model, en) == ("A customer counts as lost when the probability of still being active "
                                             "falls below 30%.")


def test_whale_curve_orders_ties_by_id_as_python_compares_texts_and_a_missing_profit_last():
    ids = ["b", "a", "é", "Z", "ab", "ж", "a2", "c"]
    profits = [5.0, 5.0, 5.0, 5.0, 7.0, 5.0, float("nan"), -1.0]
    whale = whale_curve(pd.DataFrame({"customer_id": ids, "profit": profits}))
    known = [(profit, i) for profit, i in zip(profits, ids, strict=True) if not math.isnan(profit)]
    expected = [i for _, i in sorted(known, key=lambda pair: (-pair[0], pair[1]))] + ["a2"]
    assert whale.customer_ids.tolist() == expected  # ab, Z, a, b, é, ж, c, a2


def test_whale_curve_of_a_loss_making_portfolio_has_no_profit_shares():
    whale = whale_curve(pd.DataFrame({"customer_id": ["a", "b"], "profit": [5.0, -20.0]}))
    assert whale.total_profit == -15
    assert whale.peak_profit_share is None and whale.peak_customer_share == pytest.approx(0.5)
    assert whale.to_dict()["peak_profit_share"] is None
    json.dumps(whale.to_dict())


# ------------------------------------------------------------------------------------------------
# Generated sample business (costs to serve, value destroyers)


@pytest.fixture(scope="module")
def sample_ds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    generate_sample(folder, n_customers=300, seed=11, as_of=date(2024, 6, 30))
    return load(folder, date(2024, 6, 30))


@pytest.mark.parametrize("cohort_on", ["first_order", "signed_up"])
@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_cohorts_by_bitmaps_equal_cohorts_by_pairs(sample_ds, period, cohort_on, monkeypatch):
    """The per-customer period bitmaps (one, or several when a bitmap holds two periods) give the matrix
    that the distinct (customer, period) pairs give."""
    from keepwise.metrics import cohorts as module

    routes = []

    def spied(name):
        counted = getattr(module, name)

        def spy(*args):
            routes.append(name)
            return counted(*args)
        return spy

    for name in ("_counted_by_bitmaps", "_counted_by_pairs"):
        monkeypatch.setattr(module, name, spied(name))

    def matrix():
        return cohort_retention(sample_ds, date(2024, 6, 30), by=period, cohort_on=cohort_on)

    one_bitmap = matrix()
    monkeypatch.setattr(module, "PERIODS_PER_BITMAP", 2)
    several = matrix()
    monkeypatch.setattr(module, "MAX_BITMAP_PERIODS", 0)
    by_pairs = matrix()
    assert routes == ["_counted_by_bitmaps", "_counted_by_bitmaps", "_counted_by_pairs"]
    assert by_pairs.sizes.sum() > 100 and by_pairs.buyers.shape[1] > 1
    for found in (one_bitmap, several):
        pd.testing.assert_series_equal(found.sizes, by_pairs.sizes)
        pd.testing.assert_frame_equal(found.buyers, by_pairs.buyers)
        pd.testing.assert_frame_equal(found.shares, by_pairs.shares)


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_counts_reconcile_on_sample_data(sample_ds, period):
    churn = churn_by_period(sample_ds, date(2024, 6, 30), period)
    assert len(churn) > 1
    assert_counts_reconcile(churn)
    assert (churn.lost_of_start <= churn.lost).all() and (
        churn.lost_of_start <= churn.customers_at_start
    ).all()


def test_the_summary_computes_only_the_features_it_reads_and_says_the_same(sample_ds):
    # Without features given, only PORTFOLIO_COLUMNS are computed: the same summary as from every
    # feature, though the engine's rows may come in another order.
    from keepwise.metrics.features import customer_feature_frame

    day = date(2024, 6, 30)
    every = customer_feature_frame(sample_ds, day)
    given = portfolio_summary(sample_ds, day, "quarter", features=every.iloc[::-1].reset_index(drop=True))
    assert portfolio_summary(sample_ds, day, "quarter").to_json() == given.to_json()
    assert portfolio_summary(sample_ds, day, "quarter", features=every).to_json() == given.to_json()


def test_money_totals_do_not_depend_on_the_order_of_customers():
    from keepwise.metrics.value import total, value_summary

    # Summed one after the other these give 1.0 in this order and 0.0 in the reverse; the total is exact.
    values = pd.Series([1e16, 1.0, -1e16, 1.0, np.nan])
    assert total(values) == 2.0 == total(values.iloc[::-1])
    assert value_summary(values)["total"] == value_summary(values.iloc[::-1])["total"] == 2.0
    assert value_summary(values)["mean"] == 0.5


def test_summary_on_sample_data(sample_ds):
    features = customer_features(sample_ds, date(2024, 6, 30)).execute()
    summary = portfolio_summary(sample_ds, date(2024, 6, 30), "quarter", features=features)
    assert summary.customers == len(features)
    assert summary.profit == pytest.approx(features.profit.sum())
    assert summary.whale.value_destroying_customers == int((features.profit < 0).sum()) > 0
    assert summary.whale.peak_profit_share > 1.0
    assert sum(summary.rfm_segments.values()) == summary.customers_with_orders
    assert summary.active_customers == summary.churn.customers_at_end.iloc[-1]

    data = json.loads(summary.to_json())
    assert data["cost_recorded"] is True  # the sample records tickets, returns and invoices
    assert set(data) == {
        "cost_recorded",
        "as_of",
        "period",
        "currency",
        "customers",
        "money",
        "churn",
        "historic_value",
        "profit_per_customer",
        "whale",
        "rfm_segments",
        "cohorts",
    }
    assert data["as_of"] == "2024-06-30"
    first_period = data["churn"]["periods"][0]
    assert first_period["churn_rate"] is None and isinstance(first_period["period_start"], str)
    assert len(data["whale"]["curve"]["customer_share"]) == 101
    assert data["money"]["profit"] == round(summary.profit, 2)

    console = Console(width=140, record=True)
    console.print(render_summary(summary, Translator.for_report("en", summary.currency)))
    text = console.export_text()
    assert "Whale curve" in text and "Champions" in text and "Churn and retention per quarter" in text


# ------------------------------------------------------------------------------------------------
# CDNOW, checked against plain pandas on the raw CSV

CDNOW_AS_OF = date(1998, 6, 30)


@pytest.fixture(scope="module")
def cdnow_ds(cdnow_dir):
    return load(cdnow_dir, CDNOW_AS_OF)


@pytest.fixture(scope="module")
def cdnow_orders(cdnow_dir) -> pd.DataFrame:
    orders = pd.read_csv(cdnow_dir / "orders.csv", dtype={"customer_id": str}, parse_dates=["ordered_at"])
    return orders[orders.ordered_at <= pd.Timestamp(CDNOW_AS_OF)]


def test_cdnow_quarterly_churn_matches_a_hand_computation(cdnow_ds, cdnow_orders):
    churn = churn_by_period(cdnow_ds, CDNOW_AS_OF, "quarter").set_index("period")

    def active_at(day: str) -> set[str]:
        at = pd.Timestamp(day)
        window = cdnow_orders[
            (cdnow_orders.ordered_at <= at) & (cdnow_orders.ordered_at >= at - pd.Timedelta(days=180))
        ]
        return set(window.customer_id)

    at_start, at_end = active_at("1997-09-30"), active_at("1997-12-31")
    q4 = churn.loc["1997Q4"]
    assert q4.customers_at_start == len(at_start)
    assert q4.lost == len(at_start - at_end)  # all CDNOW customers joined in Q1 1997: nobody new in Q4
    assert q4.churn_rate == pytest.approx(len(at_start - at_end) / len(at_start))
    assert q4.customers_at_end == len(at_end)
    assert_counts_reconcile(churn.reset_index())


def test_cdnow_first_cohort_second_month_retention(cdnow_ds, cdnow_orders):
    cohorts = cohort_retention(cdnow_ds, CDNOW_AS_OF, by="month")
    month = cdnow_orders.ordered_at.dt.to_period("M")
    first_month = month.groupby(cdnow_orders.customer_id).min()
    january = set(first_month[first_month == pd.Period("1997-01", "M")].index)
    bought_in_february = set(cdnow_orders.customer_id[month == pd.Period("1997-02", "M")])
    assert cohorts.sizes["1997-01"] == len(january)
    assert cohorts.shares.loc["1997-01", 1] == pytest.approx(len(january & bought_in_february) / len(january))
    assert cohorts.shares.loc["1997-01", 0] == 1.0
    assert list(cohorts.shares.index) == ["1997-01", "1997-02", "1997-03"]


def test_no_completed_orders_gives_an_empty_but_valid_summary(tmp_path):
    folder = write_tables(tmp_path, [("A", "2024-01-05", "cancelled")], ["A", "B"])
    # Features of two customers who never bought, so this test does not pay for building them.
    money = dict.fromkeys(["revenue", "cost_of_goods", "gross_margin", "cost_to_serve", "profit"], 0.0)
    features = pd.DataFrame(
        {"customer_id": ["A", "B"], "n_orders": [0, 0], "last_order_at": [pd.NaT, pd.NaT]} | money
    )
    summary = portfolio_summary(load(folder, HAND_AS_OF), HAND_AS_OF, "quarter", features=features)
    assert summary.churn.empty and summary.active_customers == 0
    assert summary.cohorts.shares.empty
    data = json.loads(summary.to_json())
    assert data["customers"] == {"total": 2, "with_orders": 0, "active": 0}
    assert data["whale"]["peak_profit_share"] is None
    Console(width=100, record=True).print(render_summary(summary, Translator.for_report("ru", summary.currency)))


def test_the_portfolio_reads_only_the_metrics_tables(sample_ds):
    """``keepwise metrics`` loads ``METRICS_TABLES`` only: the features its figures read need no other table
    (a table not loaded cannot be looked up), and its figures are those of the whole dataset."""
    from ibis.common.exceptions import TableNotFound

    from keepwise.data.schema import METRICS_TABLES, TABLES
    from keepwise.metrics.portfolio import PORTFOLIO_COLUMNS

    as_of = date(2024, 6, 30)
    read = sample_ds.columns_read(customer_features(sample_ds, as_of, columns=PORTFOLIO_COLUMNS))
    assert set(read) <= set(METRICS_TABLES)
    assert {"engagement", "incidents", "touches"}.isdisjoint(METRICS_TABLES) and set(METRICS_TABLES) < set(TABLES)
    few = load(sample_ds.source, as_of, only=METRICS_TABLES)
    assert few.tables == tuple(name for name in TABLES if name in METRICS_TABLES)
    with pytest.raises(TableNotFound, match="engagement"):
        few.table("engagement")
    for period in ("month", "quarter"):
        assert portfolio_summary(few, as_of, period).to_dict() == portfolio_summary(sample_ds, as_of, period).to_dict()


def test_features_that_read_a_table_the_dataset_was_loaded_without_are_refused(sample_ds):
    from keepwise.data.schema import METRICS_TABLES
    from keepwise.metrics.features import customer_feature_frame

    as_of = date(2024, 6, 30)
    few = load(sample_ds.source, as_of, only=METRICS_TABLES)
    with pytest.raises(ValueError, match="the features last_survey_score read the engagement, which the dataset "
                                         "was not loaded with"):
        customer_feature_frame(few, as_of, columns=["revenue", "last_survey_score"])
    with pytest.raises(ValueError, match="the feature table reads the engagement, incidents, which the dataset"):
        customer_feature_frame(few, as_of)
    # What it holds is computed as on the whole dataset (the rows in the engine's order, which may differ).
    frames = [customer_feature_frame(ds, as_of, columns=["revenue", "cost_to_serve"]).sort_values("customer_id")
              .reset_index(drop=True) for ds in (few, sample_ds)]
    pd.testing.assert_frame_equal(*frames)


def test_the_metrics_value_table_writes_each_statistic_alike():
    """Each column of the value table (a statistic) is written alike across its two rows: the least profit of
    one customer, -€1,690, made "-€38.10" above it read as a different kind of figure."""
    from types import SimpleNamespace

    from keepwise.metrics.wording import value_rows

    stats = ("total", "mean", "p10", "p25", "p50", "p75", "p90", "min", "max")
    historic = dict.fromkeys(stats, 100.0) | {"min": -38.1, "total": 1863103.0}
    profit = dict.fromkeys(stats, 50.25) | {"min": -1690.4, "total": 1472222.0}
    rows = value_rows(SimpleNamespace(historic_value=historic, profit_summary=profit),
                      Translator.for_report("en", "EUR"))
    column = {name: [row[1 + position] for row in rows] for position, name in enumerate(stats)}
    assert column["min"] == ["-€38", "-€1,690"] and column["total"] == ["€1,863,103", "€1,472,222"]
    assert column["mean"] == ["€100.00", "€50.25"]
