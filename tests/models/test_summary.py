"""rfm_summary: the project's per-customer RFM contract, checked on CDNOW and on hand-made orders."""

import datetime

import ibis
import numpy as np
import pandas as pd
import pytest

from keepwise.models import rfm_summary, sufficient_statistics, summary_arrays, transaction_statistics
from keepwise.models import summary as summary_module


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


def test_revenue_is_summed_exactly_whatever_order_the_engine_adds_in():
    """0.1 + 0.2 is 0.30000000000000004 as doubles and 0.3 as decimals: the sums are exact, so a
    parallel engine cannot give a different last bit from one run to the next."""
    rows = [("1", "a", "2024-01-01 09:00", 1.0, "completed"),
            ("2", "a", "2024-01-02 09:00", 0.1, "completed"), ("3", "a", "2024-01-02 10:00", 0.2, "completed"),
            ("4", "a", "2024-02-02 09:00", 0.1, "completed"), ("5", "a", "2024-02-02 10:00", 0.2, "completed")]
    frame = rfm_summary(_orders(rows), datetime.date(2024, 1, 31), "day",
                        observation_end=datetime.date(2024, 2, 29)).to_pandas()
    assert frame["monetary_value"].tolist() == [0.3]
    assert frame["monetary_value_holdout"].tolist() == [0.3]


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


def _statistics_frame(expr) -> pd.DataFrame:
    frame = expr.to_pandas()
    return frame.sort_values(["frequency", "recency", "T"]).reset_index(drop=True)


def _random_orders(seed: int, n_customers: int, span_days: int) -> pd.DataFrame:
    """Orders over ``span_days`` days before 2024-12-31 (and some after it), with several orders on
    one day, cancelled orders and timestamps at both ends of a day."""
    rng = np.random.default_rng(seed)
    n = n_customers * 8
    end = np.datetime64("2024-12-31")
    day = end - rng.integers(-30, span_days, n).astype("timedelta64[D]")
    seconds = rng.choice([0, 1, 43_200, 86_399], n).astype("timedelta64[s]")
    return pd.DataFrame({
        "order_id": np.arange(n).astype(str),
        "customer_id": np.char.add("c", rng.integers(0, n_customers, n).astype(str)),
        "ordered_at": (day.astype("datetime64[s]") + seconds).astype("datetime64[us]"),
        "revenue": rng.gamma(2.0, 10.0, n),
        "status": np.where(rng.uniform(size=n) < 0.1, "cancelled", "completed"),
    })


@pytest.mark.parametrize("seed, span_days", [(1, 100), (2, 126), (3, 128), (5, 1025), (4, 5000)])
@pytest.mark.parametrize("unit", ["day", "week"])
def test_transaction_statistics_equal_the_compressed_summary(seed, span_days, unit):
    """The DuckDB day bitmaps (one per 127-day window) count the same transaction days as the
    general (customer, day) aggregation, for spans inside one window and across several."""
    orders = ibis.memtable(_random_orders(seed, 300, span_days))
    end = datetime.date(2024, 12, 31)
    fast = _statistics_frame(transaction_statistics(orders, end, unit))
    general = _statistics_frame(sufficient_statistics(rfm_summary(orders, end, unit)))
    assert fast.columns.tolist() == ["frequency", "recency", "T", "n_customers"]
    assert fast["n_customers"].sum() == general["n_customers"].sum() > 250
    pd.testing.assert_frame_equal(fast, general, check_dtype=False)


@pytest.mark.parametrize("seed, span_days", [(1, 200), (3, 1025), (4, 5000)])
@pytest.mark.parametrize("unit", ["day", "week"])
def test_transaction_statistics_with_a_holdout_equal_the_compressed_summary(seed, span_days, unit):
    """Split by whether the customer bought in the held-out days, the bitmap route still gives the
    general route's rows, on both sides of the held-out days' start, and leaves out customers who
    first bought in them."""
    orders = ibis.memtable(_random_orders(seed, 300, span_days))
    end, observed = datetime.date(2024, 12, 11), datetime.date(2024, 12, 31)
    columns = ["frequency", "recency", "T", "bought_in_holdout"]
    fast = transaction_statistics(orders, end, unit, observation_end=observed).to_pandas()
    summary = rfm_summary(orders, end, unit, observation_end=observed)
    general = sufficient_statistics(summary.mutate(bought_in_holdout=(summary.frequency_holdout > 0).cast("int64")),
                                    tuple(columns)).to_pandas()
    assert fast.columns.tolist() == [*columns, "n_customers"]
    assert fast["bought_in_holdout"].nunique() == 2
    assert fast["n_customers"].sum() == general["n_customers"].sum() == summary.count().execute() > 250
    pd.testing.assert_frame_equal(fast, general, check_dtype=False)


def test_transaction_statistics_on_hand_made_orders_and_cdnow(cdnow_orders, cdnow_summary):
    frame = _statistics_frame(transaction_statistics(_orders(ORDERS), datetime.date(2024, 1, 31)))
    assert frame.to_dict("records") == [{"frequency": 0, "recency": 0.0, "T": 0.0, "n_customers": 1},
                                        {"frequency": 2, "recency": 14.0, "T": 30.0, "n_customers": 1}]
    cdnow = _statistics_frame(transaction_statistics(ibis.memtable(cdnow_orders), datetime.date(1997, 9, 30), "week"))
    expected = (cdnow_summary.groupby(["frequency", "recency", "T"]).size().rename("n_customers").reset_index())
    pd.testing.assert_frame_equal(cdnow, expected, check_dtype=False)


def test_transaction_statistics_take_the_general_route_off_duckdb(monkeypatch):
    class OtherBackend:
        name = "pyspark"

    monkeypatch.setattr(summary_module.ibis, "get_backend", lambda expr: OtherBackend())
    orders = _orders(ORDERS)
    expr = transaction_statistics(orders, datetime.date(2024, 1, 31))
    assert "bit_or" not in str(ibis.to_sql(expr, dialect="duckdb")).lower()
    monkeypatch.undo()
    assert "bit_or" in str(ibis.to_sql(transaction_statistics(orders, datetime.date(2024, 1, 31)))).lower()
    with pytest.raises(ValueError, match="time_unit"):
        transaction_statistics(orders, datetime.date(2024, 1, 31), "month")


@pytest.mark.parametrize("seed, span_days", [(1, 200), (4, 5000)])
@pytest.mark.parametrize("unit", ["day", "week"])
def test_split_statistics_equal_the_transaction_statistics_with_a_holdout(seed, span_days, unit):
    """The summary split at a day gives the choice of model exactly the rows (and their order) that
    transaction_statistics with a holdout gives, from one read of the orders."""
    from keepwise.models.summary import split_statistics

    orders = ibis.memtable(_random_orders(seed, 300, span_days))
    split, end = datetime.date(2024, 12, 11), datetime.date(2024, 12, 31)
    expected = summary_arrays(transaction_statistics(orders, split, unit, observation_end=end))
    summary = rfm_summary(orders, end, unit, split=split).to_pandas().sort_values("customer_id", ignore_index=True)
    plain = rfm_summary(orders, end, unit).to_pandas().sort_values("customer_id", ignore_index=True)
    pd.testing.assert_frame_equal(summary[plain.columns.tolist()], plain)
    got = split_statistics(summary)
    assert list(got) == list(expected)
    for name, values in expected.items():
        assert got[name].dtype == values.dtype
        np.testing.assert_array_equal(got[name], values)


def _summary_frame(expr) -> pd.DataFrame:
    return expr.to_pandas().sort_values("customer_id", ignore_index=True)


def _bitmap_orders() -> pd.DataFrame:
    """Random orders (several on one day, cancelled ones) plus customers with several orders on their
    first day, on a later day and on the split day, 300 purchase days in a row (more than a 127-day
    window holds), a first purchase after the split, and only held-out or cancelled orders."""
    rows = [
        ("f1", "first-ties", "2024-03-01 08:00", 0.1, "completed"),
        ("f2", "first-ties", "2024-03-01 09:00", 0.2, "completed"),
        ("f3", "first-ties", "2024-03-01 23:59", 0.7, "completed"),
        ("f4", "first-ties", "2024-03-01 12:00", 50.0, "cancelled"),
        ("f5", "first-ties", "2024-05-01 10:00", 1.0, "completed"),
        ("f6", "first-ties", "2024-05-01 11:00", 0.3, "completed"),
        ("f7", "first-ties", "2024-12-11 00:00", 2.5, "completed"),  # on the split day
        ("f8", "first-ties", "2024-12-11 23:59", 0.5, "completed"),
        ("f9", "first-ties", "2024-12-12 00:00", 4.0, "completed"),  # the day after it
        ("o1", "one-tie-late", "2024-02-01 10:00", 3.0, "completed"),
        ("o2", "one-tie-late", "2024-12-30 10:00", 1.5, "completed"),
        ("o3", "one-tie-late", "2024-12-30 11:00", 1.25, "completed"),
        ("o4", "one-tie-late", "2025-01-02 11:00", 9.0, "completed"),  # after calibration_end
        ("a1", "after-split", "2024-12-20 10:00", 5.0, "completed"),
        ("a2", "after-split", "2024-12-20 10:00", 5.0, "completed"),
        ("a3", "after-split", "2024-12-25 10:00", 7.0, "completed"),
        ("s1", "single", "2024-12-31 23:59", 8.0, "completed"),
        ("p1", "plain", "2024-06-01 10:00", 2.0, "completed"),
        ("p2", "plain", "2024-12-05 10:00", 3.5, "completed"),
        ("h1", "held-out-only", "2025-01-05 10:00", 8.0, "completed"),
        ("c1", "cancelled-only", "2024-06-05 10:00", 8.0, "cancelled"),
    ]
    start = datetime.datetime(2024, 1, 1, 12)
    rows += [(f"d{i}", "daily", f"{start + datetime.timedelta(days=i):%Y-%m-%d %H:%M}", 1.0 + i / 7, "completed") for i in range(300)]
    rows += [("dd", "daily", f"{start:%Y-%m-%d %H:%M}", 0.5, "completed")]
    hand = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "revenue", "status"])
    hand["ordered_at"] = pd.to_datetime(hand["ordered_at"]).astype("datetime64[us]")
    return pd.concat([hand, _random_orders(6, 300, 1000)], ignore_index=True)


@pytest.mark.parametrize("split", [None, datetime.date(2024, 12, 11), datetime.date(2024, 12, 31),
                                   datetime.date(2024, 8, 31), datetime.date(2021, 1, 1)])
@pytest.mark.parametrize("unit", ["day", "week"])
def test_bitmap_summary_equals_the_general_summary(split, unit):
    """DuckDB's one-aggregation summary gives the general route's frame bit for bit (monetary values
    from exact decimal sums included), whatever the orders on the first day, later days and the split
    day, with more purchase days than a bitmap window has, and with customers who first bought after
    the split or only after calibration_end."""
    orders = ibis.memtable(_bitmap_orders())
    end = datetime.date(2024, 12, 31)
    fast = _summary_frame(summary_module.bitmap_summary(orders, end, unit, split))
    general = _summary_frame(rfm_summary(orders, end, unit, split=split))
    pd.testing.assert_frame_equal(fast, general, check_exact=True)
    by_id = fast.set_index("customer_id")
    assert "held-out-only" not in by_id.index and "cancelled-only" not in by_id.index
    first_ties = by_id.loc["first-ties"]
    assert first_ties["frequency"] == 3
    assert first_ties["monetary_value"] == (1.3 + 3.0 + 4.0) / 3  # the first day's 0.1 + 0.2 + 0.7 left out
    assert by_id.loc["one-tie-late", "monetary_value"] == 2.75
    assert by_id.loc["daily", "frequency"] == 299
    if split == datetime.date(2024, 12, 11):
        assert first_ties["n_days_split"] == 3 and first_ties["bought_after_split"] == 1
        assert by_id.loc["after-split", "n_days_split"] == 0 and np.isnan(by_id.loc["after-split", "recency_split"])


def test_bitmap_summary_leaves_long_histories_and_other_backends_to_the_general_route(monkeypatch):
    end = datetime.date(2024, 12, 31)
    assert summary_module.bitmap_summary(ibis.memtable(_random_orders(4, 50, 5000)), end) is None
    assert summary_module.bitmap_summary(_orders(ORDERS), end) is not None
    with pytest.raises(ValueError, match="split"):
        summary_module.bitmap_summary(_orders(ORDERS), end, split=datetime.date(2025, 1, 1))

    class OtherBackend:
        name = "pyspark"

    monkeypatch.setattr(summary_module.ibis, "get_backend", lambda expr: OtherBackend())
    assert summary_module.bitmap_summary(_orders(ORDERS), end) is None


def _loaded(folder, orders: pd.DataFrame, as_of: datetime.date, holdout_days: int):
    """``orders`` (and their customers, plus one without orders) as a dataset loaded as of ``as_of``, with
    ``[clv] holdout_days``."""
    from keepwise.config import load_settings
    from keepwise.data import load

    ids = sorted(set(orders["customer_id"])) + ["no-orders"]
    pd.DataFrame({"customer_id": ids}).to_parquet(folder / "customers.parquet")
    orders.to_parquet(folder / "orders.parquet")
    settings = load_settings()
    settings = settings.model_copy(update={"clv": settings.clv.model_copy(update={"holdout_days": holdout_days})})
    return load(folder, as_of, settings)


@pytest.mark.parametrize("holdout_days", [20, 122, 1460])
@pytest.mark.parametrize("unit", ["day", "week"])
def test_summary_from_the_features_equals_the_summary_from_the_orders(tmp_path, holdout_days, unit):
    """The features' aggregate of the orders gives the summary (split at the held-out days' start and not)
    bit for bit: first-day ties (whose revenue is read from their orders again), ties on later days and on
    the split day, more purchase days than a bitmap window holds, first purchases after the split, orders
    after the as-of date and customers without completed orders."""
    from keepwise.metrics.features import customer_feature_frame
    from keepwise.metrics.table_aggregates import holdout_day
    from keepwise.models.summary import customer_summary

    orders = _bitmap_orders()
    end = datetime.date(2024, 12, 31)
    ds = _loaded(tmp_path, orders, end, holdout_days)
    features = customer_feature_frame(ds, end)
    split = holdout_day(end, ds.settings)
    assert split == end - datetime.timedelta(days=holdout_days)
    for at in (split, None):
        expected = customer_summary(ds, end, unit, split=at)
        pd.testing.assert_frame_equal(customer_summary(ds, end, unit, split=at, features=features), expected,
                                      check_exact=True)
        general = _summary_frame(rfm_summary(ibis.memtable(orders), end, unit, split=at))
        pd.testing.assert_frame_equal(expected, general, check_exact=True)
    by_id = features.set_index("customer_id")
    assert np.isnan(by_id.loc["first-ties", "repeat_revenue"])  # three orders on its first day
    assert by_id.loc["daily", "n_purchase_days"] == 300
    assert by_id.loc["no-orders", "n_orders"] == 0 and by_id.loc["no-orders", "repeat_revenue"] == 0
    assert "held-out-only" in by_id.index  # in the features, without orders up to the as-of date
    plain = by_id.loc["plain"]  # one order on each of two days
    assert plain["repeat_revenue"] == 3.5 and by_id.loc["single", "repeat_revenue"] == 0.0
    before = [day for day in ("2024-06-01 10:00", "2024-12-05 10:00") if pd.Timestamp(day).date() <= split]
    assert plain["n_purchase_days_before_holdout"] == len(before)
    last = plain["last_order_at_before_holdout"]
    assert last == pd.Timestamp(before[-1]) if before else pd.isna(last)
    with pytest.raises(ValueError, match="split"):
        customer_summary(ds, end, unit, split=split - datetime.timedelta(days=1), features=features)


def test_summary_from_the_features_is_read_only_where_it_can_be(tmp_path, monkeypatch):
    """Features without the purchase columns, or another backend, leave the summary to the orders."""
    from keepwise.metrics.features import customer_feature_frame
    from keepwise.models.summary import features_summary

    end = datetime.date(2024, 12, 31)
    ds = _loaded(tmp_path, _bitmap_orders(), end, 20)
    features = customer_feature_frame(ds, end)
    assert features_summary(ds, features, end, "day") is not None
    assert features_summary(ds, features.drop(columns=["repeat_revenue"]), end, "day") is None
    monkeypatch.setattr(type(ds.con), "name", "pyspark", raising=False)
    assert features_summary(ds, features, end, "day") is None


def test_the_features_count_the_same_days_on_the_general_route(tmp_path, monkeypatch):
    """Without day bitmaps (a history longer than they hold, or another backend), the features count the
    distinct (customer, day) pairs: the same frame, the day counts before the held-out days included."""
    from keepwise.metrics import table_aggregates
    from keepwise.metrics.features import customer_feature_frame, customer_features

    end = datetime.date(2024, 12, 31)
    ds = _loaded(tmp_path, _bitmap_orders(), end, 122)
    with_bitmaps = customer_feature_frame(ds, end)
    monkeypatch.setattr(table_aggregates, "BITMAPS_PER_ROW", 0)
    general = _loaded(tmp_path, _bitmap_orders(), end, 122)
    assert "bit_or" not in str(ibis.to_sql(customer_features(general, end))).lower()
    pd.testing.assert_frame_equal(customer_feature_frame(general, end), with_bitmaps, check_exact=True)
    assert with_bitmaps["n_purchase_days_before_holdout"].between(1, 299).any()
