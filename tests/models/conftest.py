"""CDNOW fixtures for the model tests (files copied into tests/models/data from the lifetimes package).

CDNOW_sample.txt: 1/10 systematic sample (2,357 customers) of the CDNOW cohort of Q1 1997 (Fader &
Hardie 2001); columns master id, sample id, date YYYYMMDD, number of CDs, dollars; no header.
cdnow_customers_summary_with_transactions.csv: its calibration summary (weeks, 2 decimals).
"""

import datetime
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"
CALIBRATION_END = datetime.date(1997, 9, 30)
OBSERVATION_END = datetime.date(1998, 6, 30)


@pytest.fixture(scope="session")
def cdnow_orders() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "n_cds", "revenue"],
                      dtype={"master_id": str, "customer_id": str, "date": str})
    return pd.DataFrame({
        "order_id": [str(i) for i in range(len(raw))],
        "customer_id": raw["customer_id"].astype(int).astype(str),
        "ordered_at": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[us]"),
        "revenue": raw["revenue"].astype(float),
        "status": "completed",
    })


@pytest.fixture(scope="session")
def cdnow_published_summary() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    frame["ID"] = frame["ID"].astype(str)
    return frame


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_orders) -> pd.DataFrame:
    from keepwise.models.summary import rfm_summary

    expr = rfm_summary(ibis.memtable(cdnow_orders), CALIBRATION_END, "week", observation_end=OBSERVATION_END)
    return expr.to_pandas().sort_values("customer_id", key=lambda s: s.astype(int)).reset_index(drop=True)


@pytest.fixture(scope="session")
def cdnow_rounded() -> dict[str, np.ndarray]:
    frame = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    return {"frequency": frame["x"].to_numpy(float), "recency": frame["t_x"].to_numpy(float),
            "T": frame["T"].to_numpy(float), "monetary_value": frame["zbar"].to_numpy(float)}
