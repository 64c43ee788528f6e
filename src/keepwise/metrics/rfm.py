"""RFM: recency, frequency and monetary quintile scores per customer and the segment grid."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from keepwise.metrics.periods import as_date

# Segments by recency score (rows, 5 = bought most recently) and the combined frequency-monetary
# score FM = round-half-up((F + M) / 2) (columns FM = 1..5). This is the usual R x F grid of RFM
# practice, with its Hibernating corner split so the worst cell (R = 1, FM = 1) reads "Lost":
#
#   R\FM  1                  2                  3                  4                  5
#   5     New                Potential loyalist Potential loyalist Champions          Champions
#   4     Promising          Potential loyalist Potential loyalist Loyal              Loyal
#   3     About to sleep     About to sleep     Need attention     Loyal              Loyal
#   2     Hibernating        Hibernating        At risk            At risk            Can't lose them
#   1     Lost               Hibernating        At risk            At risk            Can't lose them
RFM_SEGMENTS = (
    "Champions",
    "Loyal",
    "Potential loyalist",
    "New",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Can't lose them",
    "Hibernating",
    "Lost",
)
_SEGMENT_GRID = {
    5: ("New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
    4: ("Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"),
    3: ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"),
    1: ("Lost", "Hibernating", "At risk", "At risk", "Can't lose them"),
}
RFM_SCORES = 5
# The grid as an array: row R - 1, column FM - 1.
_SEGMENT_ARRAY = np.array([_SEGMENT_GRID[score] for score in range(1, RFM_SCORES + 1)], dtype=object)


def quintile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..5 by quintile: score = 1 + floor(5 x share of customers strictly worse).

    With distinct values each score holds a fifth of the customers. Tied values always share one
    score, the one of the tie's lowest position, so the result does not depend on row order (a
    value held by many customers, like "one order", can leave higher scores short or empty).
    """
    if values.empty:
        return pd.Series([], index=values.index, dtype="int64")
    oriented = values.astype(float) if higher_is_better else -values.astype(float)
    strictly_worse = oriented.rank(method="min") - 1
    return (1 + np.floor(RFM_SCORES * strictly_worse / len(values))).astype("int64")


def rfm_segment(recency_score: int, fm_score: int) -> str:
    """The named segment of an R score and a combined FM score (both 1..5); see the grid above."""
    if not (1 <= recency_score <= RFM_SCORES and 1 <= fm_score <= RFM_SCORES):
        raise ValueError(f"RFM scores run from 1 to {RFM_SCORES}, got R={recency_score}, FM={fm_score}")
    return str(_segments(np.array([recency_score]), np.array([fm_score]))[0])


def _segments(recency_scores: np.ndarray, fm_scores: np.ndarray) -> np.ndarray:
    """``rfm_segment`` of each pair of scores, looked up in the grid as one array (no Python call per customer)."""
    return _SEGMENT_ARRAY[np.asarray(recency_scores, dtype=np.int64) - 1, np.asarray(fm_scores, dtype=np.int64) - 1]


def rfm_scores(
    features: pd.DataFrame, as_of: date | datetime | str, monetary: str = "revenue"
) -> pd.DataFrame:
    """RFM scores and segment per customer who has bought, from ``customer_features`` output.

    recency = days from the last order to ``as_of`` (fewer is better), frequency = number of orders,
    monetary = the ``monetary`` column to date (``[rfm] monetary``: revenue, gross_margin or profit).
    Returns customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, fm_score,
    segment; customers without orders have no RFM and are left out.
    """
    if monetary not in features.columns:
        raise ValueError(f"monetary measure {monetary!r} is not a customer feature")
    # The four columns read, then the buyers among them: filtering the whole feature frame first copied its
    # ~120 columns. With the segments looked up as one array below: 0.96 -> 0.36 s at 1,000,000 customers.
    columns = features[["customer_id", "last_order_at", "n_orders", monetary]]
    buyers = columns[columns["n_orders"] > 0]
    as_of_day = pd.Timestamp(as_date(as_of))
    last_day = pd.to_datetime(buyers["last_order_at"]).dt.normalize()
    table = pd.DataFrame(
        {
            "customer_id": buyers["customer_id"].astype(str),
            "recency_days": (as_of_day - last_day).dt.days.astype("int64"),
            "frequency": buyers["n_orders"].astype("int64"),
            "monetary": buyers[monetary].astype(float),
        }
    ).reset_index(drop=True)
    table["r_score"] = quintile_scores(table["recency_days"], higher_is_better=False)
    table["f_score"] = quintile_scores(table["frequency"])
    table["m_score"] = quintile_scores(table["monetary"])
    # Round half up: integer arithmetic, so 1.5 -> 2 and 4.5 -> 5 without banker's rounding.
    table["fm_score"] = (table["f_score"] + table["m_score"] + 1) // 2
    table["segment"] = _segments(table["r_score"].to_numpy(), table["fm_score"].to_numpy())
    return table


def segment_counts(rfm: pd.DataFrame) -> dict[str, int]:
    """Customers per segment, every segment listed (zero included), in the order of ``RFM_SEGMENTS``."""
    counts = rfm["segment"].value_counts()
    return {name: int(counts.get(name, 0)) for name in RFM_SEGMENTS}
