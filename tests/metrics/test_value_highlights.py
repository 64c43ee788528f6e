"""Who holds the value, who was hurt by our failures, how cohorts keep buying: hand-made inputs, known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from keepwise.metrics.cohort_averages import cohort_averages
from keepwise.metrics.cohorts import CohortMatrix
from keepwise.metrics.concentration import value_share_of_top
from keepwise.metrics.growth import retention_scenario
from keepwise.metrics.service_failures import customers_hurt, hurt_most


def test_top_tenth_share_of_positive_value():
    # Ten customers: the top one holds 50 of the 100 positive; the one at -40 holds none.
    values = pd.Series([50, 10, 10, 10, 10, 5, 5, 0, 0, -40], dtype=float)
    share, total = value_share_of_top(values)
    assert total == 100.0 and share == pytest.approx(0.5)
    # Eleven customers: the top tenth rounds up to two.
    share, _ = value_share_of_top(pd.Series([50, 10, 10, 10, 10, 5, 5, 0, 0, 0, 0], dtype=float))
    assert share == pytest.approx(0.6)
    assert value_share_of_top(pd.Series([-1.0, 0.0])) == (None, 0.0)


def _features() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["A", "B", "C", "D"],
        "n_late": [2, 0, 1, 0],
        "n_complaints_substantiated": [0, 1, 1, 0],
        "n_defective_returns": [0, 1, 0, 0],
        "cost_business_fault": [10.0, 30.0, 5.0, 0.0],
        "cost_staff_business_fault": [0.0, 12.5, 7.5, 0.0],
    })


def test_customers_hurt_and_hurt_most():
    hurt = customers_hurt(_features())
    assert (hurt.late, hurt.complained, hurt.defective) == (2, 2, 1)
    assert hurt.complaint_staff_cost == 20.0
    # A, B and C have two failures each; the costlier first; D had none and is left out.
    top = hurt_most(_features(), top=10)
    assert top["customer_id"].tolist() == ["B", "A", "C"]
    assert top["failures"].tolist() == [2, 2, 2]
    assert hurt_most(_features(), top=1)["customer_id"].tolist() == ["B"]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_customers_hurt_alike_are_listed_by_id_whatever_the_rows_order(order):
    features = pd.DataFrame({
        "customer_id": ["Q", "P", "R"], "n_late": [1, 1, 1], "n_complaints_substantiated": [0, 0, 0],
        "n_defective_returns": [0, 0, 0], "cost_business_fault": [4.0, 4.0, 4.0],
        "cost_staff_business_fault": [0.0, 0.0, 0.0],
    }).iloc[order]
    assert hurt_most(features, top=2)["customer_id"].tolist() == ["P", "Q"]


def test_cohort_averages_weight_cohorts_by_size():
    shares = pd.DataFrame({0: [1.0, 1.0], 1: [0.5, 0.2], 2: [0.4, np.nan]}, index=["2024-01", "2024-02"])
    sizes = pd.Series([100, 300], index=shares.index)
    matrix = CohortMatrix(by="month", cohort_on="first_purchase", shares=shares, buyers=shares, sizes=sizes)
    retention = cohort_averages(matrix)
    # Month 1: (0.5 * 100 + 0.2 * 300) / 400; "later" is month 2 here (no twelfth month yet), seen by one cohort.
    assert retention.first == pytest.approx(0.275)
    assert retention.later == 2 and retention.last == pytest.approx(0.4)
    empty = CohortMatrix(by="month", cohort_on="first_purchase", shares=pd.DataFrame(), buyers=pd.DataFrame(),
                         sizes=pd.Series(dtype=float))
    assert cohort_averages(empty) is None


def test_retention_scenario_runs_both_retentions():
    # 1000 customers, 80% retention, 20% acquisition: flat; 5 points better grows 5% a year.
    scenario = retention_scenario(1000, 0.8, 0.2, 5.0, 2)
    assert scenario.better_retention == pytest.approx(0.85)
    assert scenario.current["customers"].tolist() == pytest.approx([1000, 1000, 1000])
    assert scenario.better["customers"].tolist() == pytest.approx([1000, 1050, 1102.5])
    assert scenario.extra_customers == pytest.approx(102.5)
    assert retention_scenario(10, 0.99, 0.0, 5.0, 1).better_retention == 1.0
