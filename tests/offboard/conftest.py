"""The hand-built business of ``business.py``, written once, loaded and assessed once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from keepwise.assess import assess_with_models
from keepwise.data import load
from keepwise.data.loader import Dataset

from .business import AS_OF, business_tables
from datafactory import write_csv_folder


@dataclass
class Business:
    folder: Path
    tables: dict[str, list[dict[str, str]]]
    dataset: Dataset
    assessment: pd.DataFrame
    features: pd.DataFrame

    def assessed(self, customer_id: str) -> dict:
        rows = self.assessment.loc[self.assessment["customer_id"] == customer_id]
        return rows.iloc[0].to_dict()


@pytest.fixture(scope="session")
def business(tmp_path_factory) -> Business:
    tables = business_tables()
    folder = write_csv_folder(tmp_path_factory.mktemp("offboard") / "business", tables)
    dataset = load(folder, AS_OF)
    run = assess_with_models(dataset, AS_OF)
    return Business(folder, tables, dataset, run.assessment, run.features)
