"""Fixtures: a sample business with planted customer types, and hand-made feature rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from keepwise.data import load
from keepwise.metrics import FEATURE_COLUMNS
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="session")
def sample_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    generate_sample(folder, n_customers=4000, seed=11, as_of=AS_OF)
    truth = pd.read_csv(folder / "_truth.csv", dtype=str)
    return load(folder, AS_OF), truth


@pytest.fixture(scope="session")
def sample_run(sample_dataset):
    """The sample's assessment on the production path, models plugged in exactly as `keepwise assess` runs
    them (``assess_with_models``): made once, shared by the tests that read it, which must not change it."""
    from keepwise.assess import assess_with_models

    ds, _ = sample_dataset
    return assess_with_models(ds, AS_OF)


def healthy_row(customer_id: str, **overrides) -> dict:
    """A steady, profitable customer with no problems; override any feature."""
    row: dict = {}
    for column in FEATURE_COLUMNS:
        if column.endswith("_at"):
            row[column] = pd.NaT
        elif column in ("language", "country", "referred_by", "tags", "exit_reason"):
            row[column] = None
        else:
            row[column] = 0
    row.update(
        customer_id=customer_id,
        language="en",
        marketing_opt_in=True,
        tag_values_conflict=False,
        unsubscribed=False,
        last_survey_score=float("nan"),
        exit_score=float("nan"),
        n_orders=20,
        n_orders_all=20,
        n_orders_all_recent=8,
        n_purchase_days=20,
        first_order_at=pd.Timestamp("2024-07-01"),
        last_order_at=pd.Timestamp("2026-06-10"),
        days_since_last_order=20,
        tenure_days=730,
        mean_purchase_gap_days=36.0,
        revenue=2000.0,
        list_price=2000.0,
        cost_of_goods=1100.0,
        gross_margin=900.0,
        revenue_last_period=500.0,
        revenue_prior_period=500.0,
        n_invoices=20,
        n_invoices_recent=8,
        n_delivered=20,
        n_referrals=1,
        profit=900.0,
        profit_customer_view=900.0,
    )
    row.update(overrides)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    table = pd.DataFrame(list(rows))
    for column in table.columns:
        if column.endswith("_at"):
            table[column] = pd.to_datetime(table[column])
    return table
