"""``keepwise sample``: contract format, determinism, integrity and the planted customer types."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from keepwise.data.schema import (
    ENGAGEMENT_KINDS,
    INCIDENT_KINDS,
    ORDER_STATUSES,
    TABLES,
    TICKET_CHANNELS,
    TICKET_KINDS,
    Kind,
)
from keepwise.sample import CUSTOMER_TYPES, REMAINDER_TYPE, TRUTH_FILE, generate_sample, generate_tables

N = 2000
SEED = 7
AS_OF = date(2026, 6, 30)
AS_OF_TS = pd.Timestamp(AS_OF)
DATA_TABLES = ("customers", "orders", "returns", "invoices", "tickets", "incidents", "engagement", "touches",
               "exit_surveys")
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY = re.compile(r"^\d+\.\d{2}$")


def days_before_as_of(stamps: pd.Series) -> pd.Series:
    return (AS_OF_TS - stamps) / pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def sample():
    tables, truth = generate_tables(N, SEED, AS_OF)
    return tables, truth.set_index("customer_id")["customer_type"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return generate_sample(out, N, SEED, AS_OF)


@pytest.fixture(scope="module")
def text(written):
    """The CSV files as raw text cells (empty string = empty cell)."""
    return {
        name: pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
        for name, path in written.paths.items()
    }


def customers_of(types: pd.Series, *names: str) -> pd.Index:
    return types.index[types.isin(names)]


def with_type(frame: pd.DataFrame, types: pd.Series) -> pd.DataFrame:
    return frame.assign(customer_type=frame["customer_id"].map(types))


# --------------------------------------------------------------------------------------------
# Files and format


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path, written):
    again = generate_sample(tmp_path / "again", N, SEED, AS_OF)
    other = generate_sample(tmp_path / "other", N, SEED + 1, AS_OF)
    for file in (*(f"{name}.csv" for name in DATA_TABLES), TRUTH_FILE):
        first = (written.out_dir / file).read_bytes()
        assert (again.out_dir / file).read_bytes() == first, file
        if file not in ("customers.csv", TRUTH_FILE):  # ids alone could coincide; content cannot
            assert (other.out_dir / file).read_bytes() != first, file
    assert (other.out_dir / "customers.csv").read_bytes() != (written.out_dir / "customers.csv").read_bytes()


def test_parquet_is_deterministic_and_has_the_contract_columns(tmp_path):
    first = generate_sample(tmp_path / "a", 300, SEED, AS_OF, fmt="parquet")
    second = generate_sample(tmp_path / "b", 300, SEED, AS_OF, fmt="parquet")
    for name in DATA_TABLES:
        assert first.paths[name].suffix == ".parquet"
        assert first.paths[name].read_bytes() == second.paths[name].read_bytes()
        assert list(pd.read_parquet(first.paths[name]).columns) == TABLES[name].names
    assert first.truth_path.name == TRUTH_FILE
    # Writing the other format into the same folder replaces the tables rather than doubling them.
    generate_sample(tmp_path / "a", 300, SEED, AS_OF, fmt="csv")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(
        [f"{name}.csv" for name in DATA_TABLES] + [TRUTH_FILE]
    )


def test_result_reports_paths_counts_and_types(written, text):
    assert list(written.paths) == list(DATA_TABLES)
    for name in DATA_TABLES:
        assert written.paths[name] == written.out_dir / f"{name}.csv"
        assert written.row_counts[name] == len(text[name]) > 0
    assert sum(written.type_counts.values()) == N
    assert written.truth_path == written.out_dir / TRUTH_FILE


def test_every_table_has_exactly_the_contract_columns_in_order(written, sample):
    tables, _ = sample
    for name in DATA_TABLES:
        header = written.paths[name].read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == TABLES[name].names
        assert list(tables[name].columns) == TABLES[name].names


def test_truth_lists_every_customer_once(written, text):
    truth = pd.read_csv(written.truth_path, dtype=str)
    assert list(truth.columns) == ["customer_id", "customer_type", "dropped_out_at"]
    assert truth["customer_id"].tolist() == text["customers"]["customer_id"].tolist()
    assert set(truth["customer_type"]) == set(CUSTOMER_TYPES)


def test_cells_are_written_as_the_contract_says(text):
    for name, frame in text.items():
        for column in TABLES[name].columns:
            cells = frame[column.name]
            filled = cells[cells != ""]
            if not column.nullable:
                assert (cells != "").all(), f"{name}.{column.name} has empty cells"
            if column.kind is Kind.TIMESTAMP:
                pattern = ISO_DATE if column.name == "signed_up_at" else ISO_TIMESTAMP
                assert filled.str.match(pattern).all(), f"{name}.{column.name}"
            elif column.kind is Kind.MONEY:
                assert filled.str.match(MONEY).all(), f"{name}.{column.name}"
            elif column.kind is Kind.BOOL:
                assert set(filled) <= {"true", "false"}, f"{name}.{column.name}"
            elif column.kind is Kind.INT:
                assert filled.str.fullmatch(r"\d+").all(), f"{name}.{column.name}"
            elif column.kind is Kind.ENUM:
                assert set(filled) <= set(column.choices), f"{name}.{column.name}"


def test_ids_are_prefixed_numbered_and_unique(text):
    for name, column, prefix in (
        ("customers", "customer_id", "C"),
        ("orders", "order_id", "O"),
        ("returns", "return_id", "R"),
        ("invoices", "invoice_id", "I"),
        ("tickets", "ticket_id", "T"),
        ("incidents", "incident_id", "X"),
    ):
        ids = text[name][column]
        assert ids.is_unique, column
        assert ids.str.fullmatch(prefix + r"\d{6,}").all(), column
    assert text["customers"]["customer_id"].iloc[0] == "C000001"
    assert text["orders"]["order_id"].iloc[0] == "O0000001"


def test_one_currency_and_the_three_languages(sample):
    tables, _ = sample
    assert set(tables["orders"]["currency"]) == {"EUR"}
    languages = tables["customers"]["language"].value_counts(normalize=True)
    assert languages["en"] > 0.75
    assert languages["fa"] > 0.02 and languages["ru"] > 0.02


def test_a_russian_family_name_agrees_with_the_given_name(sample):
    """Анна Иванова and Иван Иванов (the demo's letters and lists read "Мария Попов", "Сергей Иванова"), in the
    e-mail address too; names of the other languages have one form."""
    tables, _ = sample
    customers = tables["customers"]
    russian = customers[customers["language"] == "ru"]
    given, family = russian["name"].str.split(" ", n=1).str[0], russian["name"].str.split(" ", n=1).str[1]
    feminine = given.isin(["Анна", "Ольга", "Мария", "Елена"])
    assert feminine.sum() > 10 and (~feminine).sum() > 10
    assert family[feminine].str.endswith("ова").all() and family[~feminine].str.endswith("ов").all()
    emails = russian["email"].dropna()
    assert emails[feminine].str.contains(r"\.[a-z]+ova\d+@").all()
    assert emails[~feminine].str.contains(r"\.[a-z]+ov\d+@").all()
    english = customers.loc[customers["language"] == "en", "name"].str.split(" ", n=1).str[1]
    assert not english.str.endswith("a").any()  # no ending added to another language's names


# --------------------------------------------------------------------------------------------
# Integrity


def test_every_reference_points_at_an_existing_row(sample):
    tables, _ = sample
    customer_ids = set(tables["customers"]["customer_id"])
    for name in DATA_TABLES[1:]:
        assert set(tables[name]["customer_id"]) <= customer_ids, name
    returns = tables["returns"].merge(
        tables["orders"], on="order_id", how="left", suffixes=("", "_order"), validate="many_to_one"
    )
    assert returns["customer_id_order"].notna().all()
    assert (returns["customer_id"] == returns["customer_id_order"]).all()
    assert (returns["amount"] <= returns["revenue"]).all()
    assert (returns["returned_at"] > returns["ordered_at"]).all()
    assert (returns["returned_at"] > returns["delivered_at"]).all()
    assert (returns["status"] == "completed").all()


def test_referrers_exist_and_signed_up_earlier(sample):
    tables, types = sample
    customers = tables["customers"].set_index("customer_id")
    referred = customers[customers["referred_by"].notna()]
    assert 0.1 < len(referred) / len(customers) < 0.3
    assert referred["referred_by"].isin(customers.index).all()
    referrer_signup = customers.loc[referred["referred_by"], "signed_up_at"].to_numpy()
    assert (referrer_signup < referred["signed_up_at"].to_numpy()).all()
    # Loyal customers refer far more than ordinary ones.
    referrals = referred["referred_by"].map(types).value_counts() / types.value_counts()
    assert referrals["loyal_high_value"] > 4 * referrals["healthy_regular"]


def test_no_event_on_or_after_as_of_and_no_order_before_signup(sample):
    tables, _ = sample
    event_columns = {
        "customers": ["signed_up_at"],
        "orders": ["ordered_at", "delivered_at"],
        "returns": ["returned_at"],
        "invoices": ["issued_at", "paid_at"],
        "tickets": ["opened_at", "closed_at"],
        "incidents": ["occurred_at"],
        "engagement": ["at"],
    }
    for name, columns in event_columns.items():
        for column in columns:
            assert (tables[name][column].dropna() < AS_OF_TS).all(), f"{name}.{column}"
    orders = tables["orders"].merge(tables["customers"][["customer_id", "signed_up_at"]], on="customer_id")
    assert (orders["ordered_at"] > orders["signed_up_at"]).all()
    assert set(orders["customer_id"]) == set(tables["customers"]["customer_id"])  # everyone bought once
    first_day = pd.Timestamp(AS_OF) - pd.Timedelta(days=3 * 365)
    assert orders["ordered_at"].min() >= first_day


def test_money_and_numbers_are_in_range(sample):
    tables, _ = sample
    orders, invoices = tables["orders"], tables["invoices"]
    for name, column in (
        ("orders", "revenue"),
        ("orders", "discount"),
        ("orders", "cost_of_goods"),
        ("returns", "amount"),
        ("invoices", "amount"),
        ("invoices", "amount_paid"),
    ):
        assert (tables[name][column].dropna() >= 0).all(), f"{name}.{column}"
    assert (orders["revenue"] > 0).all()
    assert 0.01 < orders["cost_of_goods"].isna().mean() < 0.1  # exercises the contract default
    list_price = orders["revenue"] + orders["discount"]
    cost_share = orders["cost_of_goods"] / list_price
    assert cost_share.dropna().between(0.45, 0.65).all()
    assert (orders["change_requests"] >= 0).all()
    assert (tables["tickets"]["handle_minutes"] >= 0).all()
    surveys = tables["engagement"][tables["engagement"]["kind"] == "survey"]
    assert surveys["score"].between(0, 10).all()
    assert tables["engagement"].loc[tables["engagement"]["kind"] != "survey", "score"].isna().all()
    paid = invoices[invoices["paid_at"].notna()]
    assert (paid["amount_paid"].dropna() == paid.loc[paid["amount_paid"].notna(), "amount"]).all()
    assert invoices.loc[invoices["paid_at"].isna(), "amount_paid"].isna().all()


def test_vocabularies(sample):
    tables, _ = sample
    assert set(tables["orders"]["status"]) == set(ORDER_STATUSES)
    assert set(tables["tickets"]["channel"]) <= set(TICKET_CHANNELS)
    assert set(tables["tickets"]["kind"]) == set(TICKET_KINDS)
    assert set(tables["incidents"]["kind"]) <= set(INCIDENT_KINDS)
    assert set(tables["engagement"]["kind"]) == set(ENGAGEMENT_KINDS)
    tickets = tables["tickets"]
    assert tickets.loc[tickets["kind"] != "complaint", "substantiated"].isna().all()
    complaints = tickets[tickets["kind"] == "complaint"]
    assert complaints["substantiated"].isna().any()  # some complaints were never judged


def test_orders_deliveries_and_invoices_fit_together(sample):
    tables, _ = sample
    orders, invoices = tables["orders"], tables["invoices"]
    assert ((orders["revenue"] + orders["discount"]).round(2) >= orders["revenue"]).all()
    promise_days = (orders["promised_at"].dt.floor("D") - orders["ordered_at"].dt.floor("D")).dt.days
    assert promise_days.between(3, 7).all()
    cancelled = orders["status"] == "cancelled"
    assert orders.loc[cancelled, "delivered_at"].isna().all()
    assert (orders["delivered_at"].dropna() > orders.loc[orders["delivered_at"].notna(), "ordered_at"]).all()
    late = orders["delivered_at"] > orders["promised_at"]
    assert 0.02 < late.mean() < 0.2
    # One invoice per completed order, issued with the order, due 30 days later, for its revenue.
    completed = orders[~cancelled]
    assert len(invoices) == len(completed)
    assert ((invoices["due_at"] - invoices["issued_at"]) == pd.Timedelta(days=30)).all()
    assert invoices["amount"].sum() == pytest.approx(completed["revenue"].sum())
    assert invoices.loc[invoices["written_off"], "paid_at"].isna().all()
    paid = invoices["paid_at"].notna()
    assert (invoices.loc[paid, "paid_at"] >= invoices.loc[paid, "issued_at"]).all()  # never before it was issued


def test_purchases_peak_in_december_and_dip_in_summer(sample):
    tables, _ = sample
    months = tables["orders"]["ordered_at"].dt.month.value_counts()
    assert months[12] > 1.3 * months[7]
    assert months[12] > months[[3, 4, 10]].mean()


# --------------------------------------------------------------------------------------------
# Planted customer types


def test_type_shares_match_the_plan(sample):
    _, types = sample
    shares = types.value_counts(normalize=True)
    planted = sum(spec.share for name, spec in CUSTOMER_TYPES.items() if name != REMAINDER_TYPE)
    for name, spec in CUSTOMER_TYPES.items():
        expected = 1 - planted if name == REMAINDER_TYPE else spec.share
        assert shares[name] == pytest.approx(expected, abs=0.002), name


@pytest.fixture(scope="module")
def purchases(sample):
    """Per customer: completed orders, revenue, days since the last order and the median gap."""
    tables, types = sample
    orders = tables["orders"][tables["orders"]["status"] == "completed"]
    days = orders.assign(day=orders["ordered_at"].dt.floor("D")).drop_duplicates(["customer_id", "day"])
    gaps = days.sort_values("day").groupby("customer_id")["day"].diff() / pd.Timedelta(days=1)
    summary = pd.DataFrame(
        {
            "orders": orders.groupby("customer_id").size(),
            "revenue": orders.groupby("customer_id")["revenue"].sum(),
            "days_since_last": days_before_as_of(orders.groupby("customer_id")["ordered_at"].max()),
            "median_gap": gaps.groupby(days["customer_id"]).median(),
        }
    )
    summary["customer_type"] = summary.index.map(types)
    return summary


def test_loyal_customers_buy_often_spend_much_and_score_high(sample, purchases):
    tables, types = sample
    by_type = purchases.groupby("customer_type").median()
    assert by_type.loc["loyal_high_value", "orders"] > 2 * by_type.loc["healthy_regular", "orders"]
    assert by_type.loc["loyal_high_value", "revenue"] > 3 * by_type.loc["healthy_regular", "revenue"]
    assert purchases.loc[purchases["customer_type"] == "loyal_high_value", "days_since_last"].median() < 30
    surveys = with_type(tables["engagement"], types).query("kind == 'survey'")
    assert surveys.loc[surveys["customer_type"] == "loyal_high_value", "score"].between(8, 10).all()
    occasional = purchases[purchases["customer_type"] == "occasional_low"]
    assert occasional["orders"].median() <= 5
    assert occasional["revenue"].median() < 0.25 * by_type.loc["healthy_regular", "revenue"]


def test_slipping_customers_stopped_two_to_five_usual_gaps_ago(purchases):
    slipping = purchases[purchases["customer_type"] == "slipping_valuable"]
    ratio = slipping["days_since_last"] / slipping["median_gap"]
    assert ratio.between(2, 5).mean() >= 0.9
    assert slipping["days_since_last"].between(30, 200).all()
    # They were valuable regulars, unlike occasional buyers.
    assert slipping["orders"].median() > 10
    healthy = purchases[purchases["customer_type"] == "healthy_regular"]
    assert (healthy["days_since_last"] / healthy["median_gap"]).median() < 1.5


def test_slipping_customers_bought_less_in_their_last_six_months(sample):
    tables, types = sample
    orders = with_type(tables["orders"], types).query("customer_type == 'slipping_valuable'")
    age = days_before_as_of(orders["ordered_at"])
    recent_rate = (age < 180).sum() / 180
    earlier_rate = ((age >= 180) & (age < 540)).sum() / 360
    assert recent_rate < 0.6 * earlier_rate


def test_lapsed_customers_stopped_six_to_fourteen_months_ago(purchases):
    lapsed = purchases[purchases["customer_type"] == "lapsed_valuable"]
    assert lapsed["days_since_last"].between(180, 430).all()
    assert lapsed["orders"].median() > 5
    assert (
        lapsed["revenue"].median()
        > 2 * purchases.loc[purchases["customer_type"] == "healthy_regular", "revenue"].median()
    )


def test_fraudsters_have_confirmed_fraud_and_written_off_invoices(sample):
    tables, types = sample
    incidents = with_type(tables["incidents"], types)
    fraud = incidents[incidents["kind"].isin(["fraud", "chargeback"]) & incidents["confirmed"]]
    fraudsters = customers_of(types, "fraudster")
    assert set(fraud["customer_id"]) == set(fraudsters)
    assert (
        incidents.loc[incidents["kind"].isin(["fraud", "chargeback"]), "customer_type"].eq("fraudster").all()
    )
    invoices = with_type(tables["invoices"], types)
    written_off = invoices[invoices["written_off"]]
    assert set(written_off["customer_id"]) >= set(fraudsters)
    assert set(written_off["customer_type"]) <= {"fraudster", "bad_payer"}
    assert written_off["paid_at"].isna().all()


def test_abusive_customers_have_several_recent_staff_reports(sample):
    tables, types = sample
    incidents = with_type(tables["incidents"], types)
    abuse = incidents[incidents["kind"] == "abuse_of_staff"]
    assert abuse["customer_type"].eq("abusive_to_staff").all()
    per_customer = abuse.groupby("customer_id")
    assert set(per_customer.groups) == set(customers_of(types, "abusive_to_staff"))
    assert (per_customer.size() >= 3).all()
    assert per_customer["confirmed"].any().all()
    assert abuse["confirmed"].mean() > 0.7
    assert days_before_as_of(abuse["occurred_at"]).max() <= 270
    assert abuse["reported_by"].notna().all() and abuse["reported_by"].nunique() > 3


def test_chronic_complainers_complain_often_without_ground(sample):
    tables, types = sample
    tickets = with_type(tables["tickets"], types)
    complaints = tickets[(tickets["kind"] == "complaint") & (days_before_as_of(tickets["opened_at"]) <= 545)]
    chronic = complaints[complaints["customer_type"] == "chronic_complainer"]
    counts = (
        chronic.groupby("customer_id").size().reindex(customers_of(types, "chronic_complainer"), fill_value=0)
    )
    assert (counts >= 6).all()
    judged = chronic["substantiated"].dropna()
    assert (~judged).mean() >= 0.8
    assert chronic["handle_minutes"].median() >= 25
    others = complaints[complaints["customer_type"] == "healthy_regular"]
    assert others.groupby("customer_id").size().median() <= 2
    orders = with_type(tables["orders"], types).query("customer_type == 'chronic_complainer'")
    assert (orders["delivered_at"] > orders["promised_at"]).mean() < 0.05


def test_bad_payers_pay_late_or_not_at_all(sample):
    tables, types = sample
    invoices = with_type(tables["invoices"], types)
    overdue_days = (invoices["paid_at"] - invoices["due_at"]) / pd.Timedelta(days=1)
    past_due_unpaid = invoices["paid_at"].isna() & (invoices["due_at"] < AS_OF_TS)
    invoices = invoices.assign(very_late=overdue_days > 30, past_due_unpaid=past_due_unpaid)
    bad = invoices[invoices["customer_type"] == "bad_payer"]
    assert bad["very_late"].mean() > 0.4
    assert bad["past_due_unpaid"].mean() > 0.05
    in_trouble = bad["very_late"] | bad["past_due_unpaid"]
    assert in_trouble.groupby(bad["customer_id"]).any().all()
    good = invoices[invoices["customer_type"].isin(["healthy_regular", "loyal_high_value"])]
    assert good["very_late"].mean() == 0
    assert good["past_due_unpaid"].mean() < 0.01
    assert (overdue_days > 0)[invoices["customer_type"] == "healthy_regular"].any()  # noise: a late payment


def test_return_abusers_return_much_and_nothing_is_defective(sample, purchases):
    tables, types = sample
    returns = with_type(tables["returns"], types)
    abuser_returns = returns[returns["customer_type"] == "return_abuser"]
    assert not abuser_returns["defective"].any()
    assert (
        abuser_returns["reason"]
        .dropna()
        .isin(["changed mind", "did not fit", "not as expected", "ordered by mistake", "found it cheaper"])
        .all()
    )
    returned = returns.groupby("customer_id")["amount"].sum()
    share = (returned / purchases["revenue"]).fillna(0)
    abusers = share[purchases["customer_type"] == "return_abuser"]
    assert (abusers >= 0.35).mean() >= 0.9
    assert share[purchases["customer_type"] == "healthy_regular"].median() < 0.1
    assert returns.loc[returns["customer_type"] == "healthy_regular", "customer_id"].nunique() > 0  # noise


def test_deal_seekers_buy_at_deep_discounts(sample):
    tables, types = sample
    orders = with_type(tables["orders"], types)
    discount_share = orders["discount"] / (orders["revenue"] + orders["discount"])
    deep = (discount_share >= 0.35).groupby(orders["customer_type"]).mean()
    assert deep["deal_seeker"] >= 0.85
    assert deep.drop("deal_seeker").max() < 0.05
    seekers = orders[orders["customer_type"] == "deal_seeker"].dropna(subset=["cost_of_goods"])
    margin = (seekers["revenue"] - seekers["cost_of_goods"]).sum() / seekers["revenue"].sum()
    assert margin < 0.15


def test_fickle_customers_change_and_cancel_a_lot(sample):
    tables, types = sample
    orders = with_type(tables["orders"], types)
    by_type = orders.groupby("customer_type")
    cancelled = by_type["status"].apply(lambda s: (s == "cancelled").mean())
    changes = by_type["change_requests"].mean()
    assert 0.3 <= cancelled["fickle"] <= 0.5
    assert cancelled.drop("fickle").max() < 0.05
    assert 2 <= changes["fickle"] <= 6
    assert changes.drop("fickle").max() < 0.2


def test_business_fault_customers_suffer_late_deliveries_valid_complaints_and_defects(sample):
    tables, types = sample
    orders = with_type(tables["orders"], types)
    recent = orders[days_before_as_of(orders["ordered_at"]) <= 365].dropna(subset=["delivered_at"])
    late = (recent["delivered_at"] > recent["promised_at"]).groupby(recent["customer_type"]).mean()
    assert late["business_fault"] > 0.6
    assert late.drop("business_fault").max() < 0.1
    days_late = (recent["delivered_at"] - recent["promised_at"]) / pd.Timedelta(days=1)
    assert days_late[(recent["customer_type"] == "business_fault") & (days_late > 0)].median() >= 5
    tickets = with_type(tables["tickets"], types)
    complaints = tickets[(tickets["kind"] == "complaint") & (tickets["customer_type"] == "business_fault")]
    assert complaints["substantiated"].dropna().mean() >= 0.75
    assert complaints.groupby("customer_id").size().median() >= 3
    returns = with_type(tables["returns"], types)
    assert returns.loc[returns["customer_type"] == "business_fault", "defective"].mean() >= 0.8


def test_reformed_customers_had_trouble_only_long_ago(sample, purchases):
    tables, types = sample
    reformed = customers_of(types, "reformed")
    tickets = with_type(tables["tickets"], types)
    complaints = tickets[(tickets["kind"] == "complaint") & tickets["customer_id"].isin(reformed)]
    age = days_before_as_of(complaints["opened_at"])
    assert (age > 400).sum() >= 3 * len(reformed)
    assert (age <= 365).sum() <= 0.3 * len(reformed)  # only the odd background complaint
    invoices = tables["invoices"][tables["invoices"]["customer_id"].isin(reformed)]
    overdue = (invoices["paid_at"] - invoices["due_at"]) / pd.Timedelta(days=1)
    issued_recently = days_before_as_of(invoices["issued_at"]) <= 365
    assert (overdue[~issued_recently] > 21).sum() > 0
    assert (overdue[issued_recently] > 21).sum() == 0  # background lateness is at most 20 days
    incidents = tables["incidents"][tables["incidents"]["customer_id"].isin(reformed)]
    assert (days_before_as_of(incidents["occurred_at"]) > 400).all()
    assert len(incidents) > 0 and incidents["kind"].isin(["policy_abuse"]).all()
    orders = tables["orders"][tables["orders"]["customer_id"].isin(reformed)]
    recent_orders = orders[days_before_as_of(orders["ordered_at"]) <= 365].groupby("customer_id").size()
    assert (recent_orders.reindex(reformed, fill_value=0) >= 3).all()


def test_values_conflict_customers_are_tagged_or_on_record(sample):
    tables, types = sample
    customers = with_type(tables["customers"], types)
    tagged = customers["tags"].fillna("").str.split(";").apply(lambda tags: "values_conflict" in tags)
    incidents = with_type(tables["incidents"], types)
    on_record = incidents[incidents["kind"].isin(["values_conflict", "unethical_request"])]
    assert on_record["confirmed"].all()
    flagged = set(customers.loc[tagged, "customer_id"]) | set(on_record["customer_id"])
    assert flagged == set(customers_of(types, "values_conflict"))
    assert tagged.sum() > 0 and len(on_record) > 0
    assert customers["tags"].isna().mean() > 0.9  # tags are mostly empty


def test_ordinary_customers_show_realistic_noise(sample):
    tables, types = sample
    healthy = set(customers_of(types, "healthy_regular"))
    tickets = tables["tickets"][tables["tickets"]["customer_id"].isin(healthy)]
    complaints = tickets[tickets["kind"] == "complaint"]
    assert 0 < complaints["customer_id"].nunique() < 0.5 * len(healthy)
    assert (complaints["substantiated"] == False).any()  # noqa: E712 - nullable boolean
    incidents = tables["incidents"][tables["incidents"]["customer_id"].isin(healthy)]
    assert not incidents["confirmed"].any()


def test_twenty_thousand_customers_generate():
    tables, truth = generate_tables(20_000, 11, AS_OF)
    assert len(tables["customers"]) == len(truth) == 20_000
    orders_per_customer = len(tables["orders"]) / 20_000
    assert 12 <= orders_per_customer <= 18
    for name in DATA_TABLES:
        assert len(tables[name]) > 0, name


def test_generate_sample_rejects_unknown_format(tmp_path: Path):
    with pytest.raises(ValueError, match="fmt"):
        generate_sample(tmp_path, 100, fmt="xlsx")
    assert not any(tmp_path.iterdir())


def test_customers_drop_out_for_real(sample):
    """Real dropout (issue 10): some customers leave of their own accord, at a day in _truth.csv, and buy
    nothing after it; their lifetimes vary."""
    tables, _ = sample
    truth = generate_tables(N, SEED, AS_OF)[1].set_index("customer_id")
    left = truth["dropped_out_at"].dropna()
    assert 0.05 * N < len(left) < 0.5 * N
    assert set(truth.loc[left.index, "customer_type"]) <= {"occasional_low", "tried_and_left"}
    orders = tables["orders"]
    last = orders.groupby("customer_id")["ordered_at"].max()
    assert (last.reindex(left.index) <= pd.to_datetime(left) + pd.Timedelta(days=1)).all()
    lifetimes = (pd.to_datetime(left) - orders.groupby("customer_id")["ordered_at"].min().reindex(left.index)).dt.days
    assert lifetimes.std() > 0.5 * lifetimes.mean()
