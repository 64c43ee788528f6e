"""The stages after the models align their rows with the feature frame's by rows they were given
(``CustomerPredictions.feature_rows``, ``AssessmentRun.feature_rows``) instead of looking a million ids up
again; what they give is what the lookup by id gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.assess import assess_frames
from keepwise.assess.engine import _merge_predictions, judge_features
from keepwise.cadence.tiers import with_tier
from keepwise.data.positions import inverse_positions, positions

from .conftest import AS_OF


def test_rows_given_to_the_later_stages_are_the_rows_of_the_same_customers(sample_dataset, sample_run):
    ds, _ = sample_dataset
    run = sample_run
    features, assessment, predictions = run.features, run.assessment, run.predictions
    # Each assessment row is the feature row of its customer; each prediction row too.
    taken = features["customer_id"].to_numpy()[run.feature_rows]
    assert taken.tolist() == assessment["customer_id"].tolist()
    ids = predictions.table["customer_id"]
    assert predictions.feature_rows.tolist() == positions(ids, features["customer_id"]).tolist()
    assert (predictions.feature_rows >= 0).all() and len(predictions.feature_rows) < len(features)  # some never bought
    # The tier by the given rows is the tier by id.
    pd.testing.assert_frame_equal(with_tier(assessment, features, ds.settings, run.feature_rows),
                                  with_tier(assessment, features, ds.settings))


def test_the_assessment_with_the_prediction_rows_given_is_the_one_looked_up_by_id(sample_dataset, sample_run):
    ds, _ = sample_dataset
    run = sample_run
    features, predictions = run.features, run.predictions
    model = predictions.for_assessment()
    rows = inverse_positions(predictions.feature_rows, len(features))
    rhythm = judge_features(features, AS_OF, ds.settings, True).rhythm
    given = _merge_predictions(model, rhythm, features["customer_id"], rows)
    pd.testing.assert_frame_equal(given, _merge_predictions(model, rhythm, features["customer_id"]))
    # The model's values landed on their own customers' rows (the rhythm rule's elsewhere).
    held = rows >= 0
    assert np.allclose(given["clv"].to_numpy()[held], model["clv"].to_numpy(float)[rows[held]], equal_nan=True)
    pd.testing.assert_frame_equal(
        assess_frames(features, AS_OF, ds.settings, model, prediction_rows=rows),
        assess_frames(features, AS_OF, ds.settings, model))
