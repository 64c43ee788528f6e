"""``texts_for``: every customer judged and ranked, only the named customers' reasons and evidence written."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import keepwise.assess.run as run_module
from keepwise.assess import assess_with_models

from .conftest import AS_OF

TEXTS = ["reasons", "evidence"]


@pytest.fixture(scope="module")
def everyone(sample_dataset, sample_run):
    ds, _ = sample_dataset
    return ds, sample_run.assessment


def _some_of_each_action(assessment: pd.DataFrame) -> list[str]:
    return [cid for _, group in assessment.groupby("action") for cid in group["customer_id"].head(3)]


def test_the_named_customers_texts_are_the_ones_written_for_everyone(everyone):
    ds, full = everyone
    chosen = _some_of_each_action(full)
    assert {"retain", "win_back", "offboard"} <= set(full.set_index("customer_id").loc[chosen, "action"])
    some = assess_with_models(ds, AS_OF, texts_for=[*chosen, "NOT-A-CUSTOMER"]).assessment
    # The same rows in the same order, the same judgement, priorities ranked among all customers.
    pd.testing.assert_frame_equal(some.drop(columns=TEXTS), full.drop(columns=TEXTS))
    named = full["customer_id"].isin(chosen).to_numpy()
    assert named.sum() == len(chosen)
    for column in TEXTS:
        assert some[column][named].tolist() == full[column][named].tolist()
        assert some[column][~named].isna().all()
    # The classifier's own reasons (for retain, win_back, offboard) are among those written.
    drivers = run_module.messages("en")["reason.churn_drivers"].format(drivers="\0").split("\0")[0]
    assert some.loc[named, "reasons"].str.contains(drivers, regex=False).any()


def test_no_texts_at_all_leaves_every_other_column_as_it_is(everyone):
    ds, full = everyone
    none = assess_with_models(ds, AS_OF, texts_for=()).assessment
    pd.testing.assert_frame_equal(none.drop(columns=TEXTS), full.drop(columns=TEXTS))
    assert none[TEXTS].isna().all().all()


def test_the_classifier_explains_only_the_named_read_customers(monkeypatch):
    asked = []

    def lines(model, ds, as_of, wanted, separator, *, frames, lang):
        asked.append(list(wanted))
        return wanted, np.ones(len(wanted), dtype=int), pa.array([f"driver of {c}" for c in wanted])

    monkeypatch.setattr(run_module, "churn_reason_lines", lines)
    explaining = run_module._ChurnReasonsMeanwhile(SimpleNamespace(churn_model=object(), churn_frames=None),
                                                   None, AS_OF, "en", texts_for=["C1", "C2", "C4"])
    ids = pd.Series([f"C{i}" for i in range(5)])
    actions = pd.Series(["keep", "retain", "grow", "offboard", "win_back"])
    table = pd.DataFrame({"customer_id": ids, "action": actions,
                          "reasons": pd.Series([None, "reason 1", "reason 2", None, "reason 4"], dtype="str")})
    explaining.start(ids, actions)
    explaining.append_to(table, np.arange(len(table)))
    # C1 and C4 are read and named; C2 is named but not read (grow); C3 is read but not named.
    assert asked == [["C1", "C4"]]
    label = run_module.messages("en")["reason.churn_drivers"]
    assert table["reasons"].tolist()[1] == f"reason 1;{label.format(drivers='driver of C1')}"
    assert table["reasons"].tolist()[4] == f"reason 4;{label.format(drivers='driver of C4')}"
    assert table["reasons"].tolist()[2] == "reason 2"
    assert pd.isna(table["reasons"].tolist()[0]) and pd.isna(table["reasons"].tolist()[3])
