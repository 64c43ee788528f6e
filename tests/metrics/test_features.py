"""customer_features on a tiny hand-made business whose every figure is worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from keepwise.data import load
from keepwise.metrics import FEATURE_COLUMNS, customer_features

AS_OF = date(2026, 6, 30)

TABLES = {
    "customers": [
        {"customer_id": "A", "signed_up_at": "2025-09-01", "language": "FA", "tags": "vip"},
        {"customer_id": "B", "signed_up_at": "2026-06-01", "referred_by": "A"},
        {
            "customer_id": "C",
            "signed_up_at": "2026-01-01",
            "referred_by": "A",
            "tags": "vip; Values_Conflict",
        },
    ],
    "orders": [
        # list 100, no cost_of_goods -> 55% of list = 55; late delivery; one change request
        {
            "order_id": "O1",
            "customer_id": "A",
            "ordered_at": "2026-01-10",
            "revenue": 80,
            "discount": 20,
            "promised_at": "2026-01-15",
            "delivered_at": "2026-01-17",
            "change_requests": 1,
        },
        {
            "order_id": "O2",
            "customer_id": "A",
            "ordered_at": "2026-03-01",
            "revenue": 100,
            "cost_of_goods": 40,
            "promised_at": "2026-03-05",
            "delivered_at": "2026-03-04",
        },
        {
            "order_id": "O3",
            "customer_id": "A",
            "ordered_at": "2026-03-01T15:00:00",
            "revenue": 50,
            "cost_of_goods": 20,
        },
        {
            "order_id": "O4",
            "customer_id": "A",
            "ordered_at": "2026-05-01",
            "revenue": 70,
            "status": "cancelled",
            "change_requests": 2,
        },
        # 40% off: a deep-discount order, in the prior trend period
        {
            "order_id": "O5",
            "customer_id": "A",
            "ordered_at": "2025-10-01",
            "revenue": 60,
            "discount": 40,
            "cost_of_goods": 30,
        },
        {"order_id": "O6", "customer_id": "C", "ordered_at": "2026-02-01", "revenue": 10},
        # after as_of: ignored
        {"order_id": "O7", "customer_id": "C", "ordered_at": "2026-07-02", "revenue": 1000},
    ],
    "returns": [
        {
            "return_id": "R1",
            "order_id": "O1",
            "customer_id": "A",
            "returned_at": "2026-01-20",
            "amount": 30,
            "defective": "true",
        },
        {
            "return_id": "R2",
            "order_id": "O2",
            "customer_id": "A",
            "returned_at": "2026-03-10",
            "amount": 40,
            "defective": "false",
        },
        {"return_id": "R3", "order_id": "O3", "customer_id": "A", "returned_at": "2026-03-11", "amount": 10},
    ],
    "tickets": [
        {
            "ticket_id": "T1",
            "customer_id": "A",
            "opened_at": "2026-01-18",
            "channel": "email",
            "kind": "complaint",
            "handle_minutes": 20,
            "substantiated": "true",
        },
        {
            "ticket_id": "T2",
            "customer_id": "A",
            "opened_at": "2026-02-01",
            "channel": "phone",
            "kind": "complaint",
            "handle_minutes": 30,
            "substantiated": "false",
        },
        {
            "ticket_id": "T3",
            "customer_id": "A",
            "opened_at": "2026-04-01",
            "channel": "chat",
            "kind": "complaint",
            "handle_minutes": 10,
        },
        {
            "ticket_id": "T4",
            "customer_id": "A",
            "opened_at": "2026-04-02",
            "channel": "chat",
            "kind": "question",
            "handle_minutes": 5,
        },
        {
            "ticket_id": "T5",
            "customer_id": "A",
            "opened_at": "2026-07-05",
            "channel": "chat",
            "kind": "complaint",
            "handle_minutes": 500,
        },
    ],
    "invoices": [
        # paid 30 days late: 100 x 10% x 30 / 365
        {
            "invoice_id": "I1",
            "customer_id": "A",
            "issued_at": "2026-01-01",
            "due_at": "2026-01-31",
            "amount": 100,
            "paid_at": "2026-03-02",
        },
        # unpaid, 60 days overdue at as_of: 200 x 10% x 60 / 365
        {
            "invoice_id": "I2",
            "customer_id": "A",
            "issued_at": "2026-04-01",
            "due_at": "2026-05-01",
            "amount": 200,
        },
        # written off: costs its unpaid 50, no interest on top
        {
            "invoice_id": "I3",
            "customer_id": "A",
            "issued_at": "2026-02-01",
            "due_at": "2026-03-01",
            "amount": 50,
            "written_off": "true",
        },
        # unpaid but not yet due
        {
            "invoice_id": "I4",
            "customer_id": "A",
            "issued_at": "2026-06-01",
            "due_at": "2026-07-01",
            "amount": 80,
        },
        # paid on time
        {
            "invoice_id": "I5",
            "customer_id": "A",
            "issued_at": "2026-01-01",
            "due_at": "2026-01-31",
            "amount": 10,
            "paid_at": "2026-01-05",
        },
    ],
    "incidents": [
        {
            "incident_id": "X1",
            "customer_id": "A",
            "occurred_at": "2026-02-01",
            "kind": "abuse_of_staff",
            "confirmed": "true",
        },
        {"incident_id": "X2", "customer_id": "A", "occurred_at": "2026-03-01", "kind": "abuse_of_staff"},
        {
            "incident_id": "X3",
            "customer_id": "A",
            "occurred_at": "2025-11-01",
            "kind": "fraud",
            "confirmed": "yes",
        },
    ],
    "engagement": [
        {"customer_id": "A", "at": "2025-10-01", "kind": "newsletter_subscribe"},
        {"customer_id": "A", "at": "2026-02-01", "kind": "newsletter_unsubscribe"},
        {"customer_id": "A", "at": "2026-01-01", "kind": "survey", "score": 3},
        {"customer_id": "A", "at": "2026-05-01", "kind": "survey", "score": 8},
        {"customer_id": "C", "at": "2026-02-01", "kind": "newsletter_unsubscribe"},
        {"customer_id": "C", "at": "2026-03-01", "kind": "newsletter_subscribe"},
    ],
}


def write_tables(folder, tables=TABLES) -> None:
    for name, rows in tables.items():
        # object dtype keeps whole numbers whole (no "1.0") where some cells are empty
        pd.DataFrame(rows, dtype=object).to_csv(folder / f"{name}.csv", index=False)


def frame_of(folder, tables) -> pd.DataFrame:
    """The features at AS_OF of ``tables`` written to ``folder``, by customer_id: the compiled statement's
    frame, checked equal to the expression's."""
    from keepwise.metrics.features import customer_feature_frame

    write_tables(folder, tables)
    ds = load(folder, AS_OF)
    frame = customer_feature_frame(ds, AS_OF).set_index("customer_id")
    assert frame.equals(customer_features(ds, AS_OF).execute().set_index("customer_id"))
    return frame


@pytest.fixture(scope="module")
def features(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("tiny")
    write_tables(folder)
    ds = load(folder, AS_OF)
    frame = customer_features(ds, AS_OF).execute()
    return frame.set_index("customer_id")


def test_one_row_per_customer_with_all_columns(features):
    assert sorted(features.index) == ["A", "B", "C"]
    assert list(features.reset_index().columns) == list(FEATURE_COLUMNS)


def test_customer_columns(features):
    assert features.loc["A", "language"] == "fa"
    assert features.loc["B", "language"] == "en"
    assert bool(features.loc["C", "tag_values_conflict"])
    assert not bool(features.loc["A", "tag_values_conflict"])
    assert features.loc["A", "n_referrals"] == 2
    assert features.loc["B", "n_referrals"] == 0


def test_order_features(features):
    a = features.loc["A"]
    assert a.n_orders == 4 and a.n_cancelled == 1 and a.n_orders_all == 5
    assert a.first_order_at == pd.Timestamp("2025-10-01")
    assert a.last_order_at == pd.Timestamp("2026-03-01T15:00:00")
    assert a.days_since_last_order == 121
    assert a.tenure_days == 272  # from the first order, 2025-10-01
    assert a.n_purchase_days == 3
    assert a.mean_purchase_gap_days == pytest.approx(151 / 2)
    assert a.revenue == pytest.approx(290)
    assert a.list_price == pytest.approx(350)
    assert a.discount == pytest.approx(60)
    assert a.discount_share == pytest.approx(60 / 350)
    assert a.n_deep_discount_orders == 1
    assert a.deep_discount_order_share == pytest.approx(0.25)
    assert a.revenue_last_period == pytest.approx(230) and a.orders_last_period == 3
    assert a.revenue_prior_period == pytest.approx(60) and a.orders_prior_period == 1
    assert a.change_requests == 3 and a.n_orders_changed == 2 and a.n_fickle_orders == 2
    assert a.last_fickle_at == pd.Timestamp("2026-05-01")
    assert a.n_fickle_orders_recent == 2 and a.n_orders_all_recent == 5


def test_cost_of_goods_defaults_to_55_percent_of_list_price(features):
    # O1: list 100 -> 55; O2 40, O3 20, O5 30; C's O6: list 10 -> 5.5
    assert features.loc["A", "cost_of_goods"] == pytest.approx(145)
    assert features.loc["A", "gross_margin"] == pytest.approx(145)
    assert features.loc["C", "cost_of_goods"] == pytest.approx(5.5)


def test_deliveries(features):
    a = features.loc["A"]
    assert a.n_delivered == 2 and a.n_late == 1 and a.late_share == pytest.approx(0.5)
    assert a.last_late_at == pd.Timestamp("2026-01-17")


def test_returns(features):
    a = features.loc["A"]
    assert a.n_returns == 3 and a.returned_amount == pytest.approx(80)
    assert a.n_defective_returns == 1 and a.defective_returned_amount == pytest.approx(30)
    # an empty "defective" is an ordinary return
    assert a.n_non_defective_returns == 2 and a.non_defective_returned_amount == pytest.approx(50)
    assert a.n_non_defective_returns_recent == 2
    assert a.return_share_of_revenue == pytest.approx(80 / 290)
    assert a.non_defective_return_share == pytest.approx(50 / 290)
    assert a.cost_returns == pytest.approx(3 * 8 + 80)
    assert a.cost_returns_business_fault == pytest.approx(8 + 30)


def test_tickets_and_staff_cost(features):
    a = features.loc["A"]
    assert a.n_tickets == 4  # T5 is after as_of
    assert a.n_complaints == 3
    assert (a.n_complaints_substantiated, a.n_complaints_unsubstantiated, a.n_complaints_not_judged) == (
        1,
        1,
        1,
    )
    assert a.first_complaint_at == pd.Timestamp("2026-01-18")
    assert a.last_complaint_at == pd.Timestamp("2026-04-01")
    assert a.last_unfounded_complaint_at == pd.Timestamp("2026-04-01")
    assert a.n_unfounded_complaints_recent == 2
    assert a.handle_minutes == pytest.approx(65)
    assert a.cost_staff == pytest.approx(65 * 1.0)
    assert a.cost_staff_business_fault == pytest.approx(20)
    assert a.handle_minutes_unfounded == pytest.approx(40)


def test_invoices_and_late_payment_interest(features):
    a = features.loc["A"]
    assert a.n_invoices == 5
    assert a.n_paid_late == 1
    assert a.n_late_payments_recent == 2 and a.n_invoices_recent == 5
    assert a.n_unpaid_overdue == 1 and a.overdue_unpaid_amount == pytest.approx(200)
    assert a.n_written_off == 1 and a.written_off_amount == pytest.approx(50)
    interest = 100 * 0.10 * 30 / 365 + 200 * 0.10 * 60 / 365
    assert a.late_payment_interest == pytest.approx(interest)
    assert a.cost_late_payment == pytest.approx(interest)
    assert a.cost_write_offs == pytest.approx(50)


def test_incidents_count_confirmed_only(features):
    a = features.loc["A"]
    assert a.n_abuse_of_staff == 1 and a.last_abuse_of_staff_at == pd.Timestamp("2026-02-01")
    assert a.n_fraud == 1 and a.first_fraud_at == pd.Timestamp("2025-11-01")
    assert a.n_chargeback == 0
    assert a.n_incidents_unconfirmed == 1


def test_engagement(features):
    a = features.loc["A"]
    assert bool(a.unsubscribed)
    assert a.last_survey_score == 8 and a.last_survey_at == pd.Timestamp("2026-05-01")
    assert not bool(features.loc["C", "unsubscribed"])  # re-subscribed after unsubscribing
    assert pd.isna(features.loc["B", "last_survey_score"])


@pytest.mark.parametrize("first", ["newsletter_subscribe", "newsletter_unsubscribe"])
def test_an_unsubscribe_at_the_same_moment_as_a_subscribe_counts_whatever_the_rows_order(tmp_path, first):
    """Dates without a time of day make a subscribe and an unsubscribe on one day equal moments: the customer
    is unsubscribed, in either order of the rows (the kind of the latest event was picked at random)."""
    kinds = [first, ({"newsletter_subscribe", "newsletter_unsubscribe"} - {first}).pop()]
    events = [{"customer_id": "B", "at": "2026-04-01", "kind": kind} for kind in kinds]
    # C unsubscribed, then subscribed again later on the same day: subscribed
    events += [{"customer_id": "C", "at": "2026-04-02T09:00:00", "kind": "newsletter_unsubscribe"},
               {"customer_id": "C", "at": "2026-04-02T17:00:00", "kind": "newsletter_subscribe"}]
    frame = frame_of(tmp_path, {**TABLES, "engagement": events})
    assert frame["unsubscribed"].to_dict() == {"A": False, "B": True, "C": False}


@pytest.mark.parametrize("scores", [(9, 4, 7), (4, 9, 7), (7, 9, 4)])
def test_of_surveys_at_the_same_last_moment_the_lowest_score_counts_whatever_the_rows_order(tmp_path, scores):
    events = [{"customer_id": "B", "at": "2026-04-01", "kind": "survey", "score": score} for score in scores]
    events.append({"customer_id": "B", "at": "2026-03-01", "kind": "survey", "score": 1})  # earlier: not the last
    frame = frame_of(tmp_path, {**TABLES, "engagement": events})
    assert frame.loc["B", "last_survey_score"] == 4
    assert frame.loc["B", "last_survey_at"] == pd.Timestamp("2026-04-01")


@pytest.mark.parametrize("reverse", [False, True])
def test_the_latest_exit_survey_up_to_the_day(tmp_path, reverse):
    surveys = [
        {"customer_id": "A", "at": "2025-12-01", "reason": "price", "score": 6},
        {"customer_id": "A", "at": "2026-03-01", "reason": "delivery"},  # the latest; no score given
        {"customer_id": "A", "at": "2026-07-15", "reason": "quality", "score": 1},  # after the day: not read
        # two answers at one moment, in either order of the rows: the same one
        {"customer_id": "B", "at": "2026-04-01", "reason": "delivery", "score": 9},
        {"customer_id": "B", "at": "2026-04-01", "reason": "service", "score": 2},
    ]
    frame = frame_of(tmp_path, {**TABLES, "exit_surveys": surveys[::-1] if reverse else surveys})
    a, b, c = (frame.loc[customer] for customer in "ABC")
    assert (a.exit_survey_at, a.exit_reason) == (pd.Timestamp("2026-03-01"), "delivery") and pd.isna(a.exit_score)
    assert (b.exit_survey_at, b.exit_reason, b.exit_score) == (pd.Timestamp("2026-04-01"), "service", 2)
    assert pd.isna(c.exit_survey_at) and pd.isna(c.exit_reason) and pd.isna(c.exit_score)


def test_cost_to_serve_and_profit(features):
    a = features.loc["A"]
    interest = 100 * 0.10 * 30 / 365 + 200 * 0.10 * 60 / 365
    assert a.cost_changes == pytest.approx(3 * 15)
    cost_to_serve = 65 + 104 + 45 + interest + 50
    assert a.cost_to_serve == pytest.approx(cost_to_serve)
    assert a.profit == pytest.approx(290 - 145 - cost_to_serve)
    assert a.cost_business_fault == pytest.approx(20 + 38)
    assert a.profit_customer_view == pytest.approx(290 - 145 - cost_to_serve + 58)


def test_customer_without_orders_gets_zeros_not_nulls(features):
    b = features.loc["B"]
    assert b.n_orders == 0 and b.revenue == 0 and b.cost_to_serve == 0 and b.profit == 0
    assert pd.isna(b.last_order_at) and pd.isna(b.days_since_last_order)
    assert b.tenure_days == 29  # from sign-up, 2026-06-01


def test_costs_follow_settings(tmp_path):
    from keepwise.config import load_settings

    write_tables(tmp_path)
    settings = load_settings(overrides={"costs": {"staff_minute": 2.0, "change_request": 20.0}})
    ds = load(tmp_path, AS_OF, settings)
    a = customer_features(ds, AS_OF).execute().set_index("customer_id").loc["A"]
    assert a.cost_staff == pytest.approx(130)
    assert a.cost_changes == pytest.approx(60)


# -- one expression per dataset, dates substituted per call -------------------------------------------

EARLIER = date(2026, 2, 15)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_cutoffs")
    write_tables(folder)
    return load(folder, AS_OF)


def test_an_earlier_cutoff_on_the_same_dataset(dataset, features):
    early = customer_features(dataset, EARLIER).execute().set_index("customer_id")
    a = early.loc["A"]
    # O5 (2025-10-01) and O1 (2026-01-10) only; T1 and T2; invoices I1, I3, I5 issued by then
    assert a.n_orders == 2 and a.n_orders_all == 2 and a.n_cancelled == 0
    assert a.revenue == pytest.approx(140) and a.list_price == pytest.approx(200)
    assert a.last_order_at == pd.Timestamp("2026-01-10")
    assert a.days_since_last_order == 36
    assert a.tenure_days == 137  # from the first order, 2025-10-01
    assert a.n_tickets == 2 and a.n_complaints == 2 and a.handle_minutes == pytest.approx(50)
    assert a.n_invoices == 3
    assert a.n_returns == 1 and a.returned_amount == pytest.approx(30)
    assert a.n_abuse_of_staff == 1 and a.n_incidents_unconfirmed == 0
    assert a.last_survey_score == 3
    assert early.loc["C", "n_orders"] == 1 and early.loc["C", "revenue"] == pytest.approx(10)
    assert early.loc["B", "tenure_days"] == 0  # signs up after the cutoff: clipped at 0
    # and the later cutoff is unchanged afterwards
    again = customer_features(dataset, AS_OF).execute().set_index("customer_id")
    pd.testing.assert_frame_equal(again, features)


def test_substituted_dates_compile_like_literal_dates(dataset):
    import ibis

    from keepwise.metrics import features as module
    from keepwise.metrics.table_aggregates import Moments, moment_values

    for as_of in (AS_OF, EARLIER, date(2025, 1, 1)):
        values = moment_values(as_of, dataset.settings)
        literal = Moments(**{name: ibis.literal(value) for name, value in values.items()})
        direct = module._build(dataset, literal, dataset.settings)
        assert dataset.con.compile(customer_features(dataset, as_of)) == dataset.con.compile(direct)


def test_other_settings_on_the_same_dataset(dataset):
    from keepwise.config import load_settings

    settings = load_settings(overrides={"costs": {"staff_minute": 2.0}})
    a = customer_features(dataset, AS_OF, settings).execute().set_index("customer_id").loc["A"]
    assert a.cost_staff == pytest.approx(130)
    b = customer_features(dataset, AS_OF).execute().set_index("customer_id").loc["A"]
    assert b.cost_staff == pytest.approx(65)


def test_execute_features_gives_the_same_frame_as_execute(dataset, features):
    from keepwise.metrics.features import execute_features

    table = customer_features(dataset, AS_OF)
    fast = execute_features(table).set_index("customer_id")
    pd.testing.assert_frame_equal(fast.loc[features.index], features)
    pd.testing.assert_series_equal(fast.dtypes, table.execute().set_index("customer_id").dtypes)


def test_the_compiled_statement_gives_the_frame_of_the_expression(dataset):
    """customer_feature_frame runs the SQL compiled once with the dates as statement parameters: at
    every cutoff its frame is the one the substituted expression gives (values and dtypes)."""
    from keepwise.metrics.features import customer_feature_frame, execute_features

    for as_of in (AS_OF, EARLIER, date(2025, 1, 1), AS_OF):
        frame = customer_feature_frame(dataset, as_of).set_index("customer_id").sort_index()
        expected = execute_features(customer_features(dataset, as_of)).set_index("customer_id").sort_index()
        pd.testing.assert_frame_equal(frame, expected)


def test_a_frame_of_some_columns_holds_the_values_of_the_whole_frame(dataset):
    """customer_feature_frame(columns=...): customer_id and those columns, each as the whole frame has it."""
    from keepwise.metrics.features import customer_feature_frame

    # money from every table (through cost to serve and profit), counts and a date
    columns = ["revenue", "n_orders", "n_returns", "handle_minutes", "cost_late_payment", "cost_to_serve", "profit",
               "last_order_at"]
    for as_of in (AS_OF, EARLIER):
        whole = customer_feature_frame(dataset, as_of).set_index("customer_id").sort_index()
        some = customer_feature_frame(dataset, as_of, columns=columns).set_index("customer_id").sort_index()
        assert list(some.columns) == columns and whole["profit"].abs().sum() > 0
        pd.testing.assert_frame_equal(some, whole[columns], check_exact=True)
    assert list(customer_feature_frame(dataset, AS_OF, columns=["n_orders"]).columns) == ["customer_id", "n_orders"]


def test_a_frame_of_some_columns_reads_only_the_tables_they_need(dataset):
    """customer_features(columns=...) joins only the aggregates its columns read (a LEFT JOIN nobody reads
    would still be aggregated): revenue reads the orders alone, cost to serve the orders (change requests),
    returns, tickets and invoices, the last survey score the engagement; the whole table reads all seven."""
    def read(columns):
        return set(dataset.columns_read(customer_features(dataset, AS_OF, columns=columns)))

    assert read(["revenue"]) == {"customers", "orders"}
    assert read(["cost_to_serve"]) == {"customers", "orders", "returns", "tickets", "invoices"}
    assert read(["last_survey_score", "n_referrals"]) == {"customers", "engagement"}
    assert read(None) == {"customers", "orders", "returns", "tickets", "invoices", "incidents", "engagement",
                          "exit_surveys"}
    with pytest.raises(ValueError, match="not a feature column: last_problem_due"):
        customer_features(dataset, AS_OF, columns=["revenue", "last_problem_due"])


def test_purchase_days_past_the_width_of_one_bitmap(tmp_path):
    """n_purchase_days counts distinct days with a completed order over every day bitmap: 300 days, two
    orders on some of them, a cancelled order on a day of its own, across three 127-day windows."""
    from keepwise.metrics.features import customer_feature_frame

    tables = {name: list(rows) for name, rows in TABLES.items()}
    first = date(2025, 6, 1)
    orders = []
    for i in range(300):
        day = (pd.Timestamp(first) + pd.Timedelta(days=i)).date().isoformat()
        orders.append({"order_id": f"P{i}", "customer_id": "B", "ordered_at": day, "revenue": 1})
        if i % 7 == 0:
            orders.append({"order_id": f"Q{i}", "customer_id": "B", "ordered_at": f"{day}T18:00:00", "revenue": 1})
    orders.append({"order_id": "X", "customer_id": "B", "ordered_at": "2026-05-01", "revenue": 1,
                   "status": "cancelled"})
    tables["orders"] = tables["orders"] + orders
    write_tables(tmp_path, tables)
    ds = load(tmp_path, AS_OF)
    b = customer_feature_frame(ds, AS_OF).set_index("customer_id").loc["B"]
    assert b.n_purchase_days == 300 and b.n_orders == 300 + 43
    early = customer_feature_frame(ds, date(2025, 6, 10)).set_index("customer_id").loc["B"]
    assert early.n_purchase_days == 10


def test_sums_over_no_matching_rows_are_zero_and_the_clean_record_since_a_problem(tmp_path):
    """An amount summed over a customer's rows of which none counts is 0, not null (C has an order, but
    none in the prior period, and returns of which none is defective); the invoices due since the last
    payment problem count only after that problem (B: paid late, then two on time, one not yet due),
    and a customer without any problem has none (C)."""

    tables = {name: list(rows) for name, rows in TABLES.items()}
    tables["returns"] = tables["returns"] + [
        {"return_id": "R9", "order_id": "O6", "customer_id": "C", "returned_at": "2026-02-10", "amount": 4,
         "defective": "false"},
    ]

    def invoice(i, customer, due, paid=None):
        issued = (pd.Timestamp(due) - pd.Timedelta(days=30)).date().isoformat()
        return {"invoice_id": f"J{i}", "customer_id": customer, "issued_at": issued, "due_at": due,
                "amount": 10, "paid_at": paid, "amount_paid": 10 if paid else None}

    tables["invoices"] = tables["invoices"] + [
        invoice(1, "B", "2026-03-01", "2026-03-20"),  # paid late: the problem
        invoice(2, "B", "2026-04-01", "2026-03-30"),
        invoice(3, "B", "2026-05-01", "2026-04-30"),
        invoice(4, "B", "2026-07-15"),  # not due at as_of
        invoice(5, "C", "2026-04-01", "2026-03-30"),
    ]
    frame = frame_of(tmp_path, tables)
    c = frame.loc["C"]
    assert c.revenue_prior_period == 0.0 and c.revenue_last_period == pytest.approx(10)
    assert c.n_defective_returns == 0 and c.defective_returned_amount == 0.0
    assert c.non_defective_returned_amount == pytest.approx(4)
    assert c.overdue_unpaid_amount == 0.0 and c.written_off_amount == 0.0 and c.n_invoices == 1
    assert c.n_invoices_due_since_problem == 0 and pd.isna(c.last_payment_problem_at)
    b = frame.loc["B"]
    assert b.n_paid_late == 1 and b.n_invoices_due == 3 and b.n_invoices_due_since_problem == 2
    assert frame.loc["A", "n_invoices_due_since_problem"] == 0  # last problem due 2026-05-01, I4 not yet due


def test_the_two_order_aggregates_add_up(tmp_path):
    """The orders' two aggregates (completed orders; the others and the changed ones) add up to the
    counts over all orders: B has a cancelled order changed once, a completed one changed twice and two
    others (one without a status: completed, the contract's default); C has only a cancelled order (no
    purchase figures). Sums stay exact past 10^12."""

    tables = {name: list(rows) for name, rows in TABLES.items()}
    tables["orders"] = [row for row in tables["orders"] if row["customer_id"] == "A"] + [
        {"order_id": "B1", "customer_id": "B", "ordered_at": "2026-06-10", "revenue": 2e12, "status": "completed",
         "change_requests": 2},
        {"order_id": "B2", "customer_id": "B", "ordered_at": "2026-06-11", "revenue": 0.25, "status": "completed"},
        {"order_id": "B3", "customer_id": "B", "ordered_at": "2026-06-12", "revenue": 5, "status": None},
        {"order_id": "B4", "customer_id": "B", "ordered_at": "2024-06-12", "revenue": 5, "status": "cancelled",
         "change_requests": 1},
        {"order_id": "C1", "customer_id": "C", "ordered_at": "2026-06-12", "revenue": 5, "status": "cancelled"},
    ]
    frame = frame_of(tmp_path, tables)
    b = frame.loc["B"]
    assert (b.n_orders, b.n_cancelled, b.n_orders_all, b.n_orders_all_recent) == (3, 1, 4, 3)
    assert b.revenue == 2e12 + 5.25 and b.revenue_last_period == 2e12 + 5.25
    assert (b.change_requests, b.n_orders_changed, b.n_fickle_orders, b.n_fickle_orders_recent) == (3, 2, 2, 1)
    assert b.first_fickle_at == pd.Timestamp("2024-06-12") and b.last_fickle_at == pd.Timestamp("2026-06-10")
    assert b.n_purchase_days == 3 and b.first_order_at == pd.Timestamp("2026-06-10")
    c = frame.loc["C"]
    assert (c.n_orders, c.n_cancelled, c.n_orders_all, c.n_fickle_orders, c.revenue) == (0, 1, 1, 1, 0.0)
    assert pd.isna(c.first_order_at) and c.n_purchase_days == 0
