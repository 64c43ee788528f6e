"""``keepwise assess`` validates and loads only the tables the assessment reads (``data.schema.FEATURE_TABLES``):
the features, the models and the texts read no others, and the assessment is the whole dataset's. ``explain``
reads the touches too, for the customer's timeline only."""

from __future__ import annotations

import pandas as pd
import pytest
from ibis.common.exceptions import TableNotFound

from keepwise.assess import assess_with_models, explain
from keepwise.data import load
from keepwise.data.schema import FEATURE_TABLES, TABLES
from keepwise.metrics.features import customer_features

from .conftest import AS_OF


def test_the_assessment_reads_only_the_feature_tables(sample_dataset, sample_run):
    ds, _ = sample_dataset
    assert set(ds.columns_read(customer_features(ds, AS_OF))) == set(FEATURE_TABLES)
    assert set(TABLES) - set(FEATURE_TABLES) == {"touches"}
    few = load(ds.source, AS_OF, only=FEATURE_TABLES)
    assert few.tables == tuple(name for name in TABLES if name in FEATURE_TABLES)
    with pytest.raises(TableNotFound, match="touches"):
        few.table("touches")
    whole, part = sample_run, assess_with_models(few, AS_OF)
    assert (part.churn_source, part.transaction_model) == (whole.churn_source, whole.transaction_model)
    pd.testing.assert_frame_equal(part.assessment, whole.assessment, check_exact=True)
    # (the features in one row order: the engine's may differ between two loads)
    part_features, whole_features = (run.features.sort_values("customer_id").reset_index(drop=True)
                                     for run in (part, whole))
    pd.testing.assert_frame_equal(part_features, whole_features, check_exact=True)


def test_a_dossier_reads_the_touches_for_its_timeline_only(sample_dataset, sample_run):
    """A dossier from the assessment's tables alone is the whole dataset's but for the touches' events on its
    timeline: its action, flags, reasons, figures and other events (the exit surveys' too) are the same."""
    ds, _ = sample_dataset
    few = load(ds.source, AS_OF, only=FEATURE_TABLES)
    whole = sample_run.assessment
    touched = ds.table("touches").execute()["customer_id"]
    surveyed = ds.table("exit_surveys").execute()["customer_id"]
    # an offboarded customer (the richest dossier: flags, evidence, timeline), the first in priority, one who
    # was touched and one who answered an exit survey
    for customer_id in {whole.loc[whole["action"] == "offboard", "customer_id"].iloc[0], whole["customer_id"].iloc[0],
                        touched.iloc[0], surveyed.iloc[0]}:
        part, dossier = explain(few, customer_id, AS_OF), explain(ds, customer_id, AS_OF)
        assert part["timeline"]
        assert {k: v for k, v in part.items() if k != "timeline"} == {
            k: v for k, v in dossier.items() if k != "timeline"}
        told = [event for event in dossier["timeline"] if event["table"] == "touches"]
        assert part["timeline"] == [event for event in dossier["timeline"] if event not in told]
        if customer_id == touched.iloc[0]:
            assert told
        if customer_id == surveyed.iloc[0]:
            assert any(event["event"] == "survey.exit" for event in part["timeline"])
