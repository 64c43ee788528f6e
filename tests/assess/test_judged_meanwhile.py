"""What the assessment judges from the features alone is judged while the models are fitted ([engine]
judge_during_models, keepwise.assess.run), and the assessment is the one judged after them."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

import keepwise.assess.run as run_module
from keepwise.assess import assess_with_models
from keepwise.config import load_settings
from keepwise.data import load

from .conftest import AS_OF


def _judged_in(monkeypatch, fail: bool = False) -> list[str]:
    """The names of the threads judge_features runs in (raising when ``fail``)."""
    names: list[str] = []
    judge = run_module.judge_features

    def recorded(*args):
        names.append(threading.current_thread().name)
        if fail:
            raise RuntimeError("judging failed")
        return judge(*args)

    monkeypatch.setattr(run_module, "judge_features", recorded)
    return names


def test_features_judged_while_the_models_are_fitted_give_the_same_assessment(sample_dataset, monkeypatch):
    ds, _ = sample_dataset
    names = _judged_in(monkeypatch)
    meanwhile = assess_with_models(ds, AS_OF)
    assert len(names) == 1 and names[0].startswith("keepwise-judge")
    after = assess_with_models(load(ds.source, AS_OF, load_settings(overrides={"engine": {"judge_during_models": False}})),
                               AS_OF)
    assert names == [names[0]]  # not judged in a thread of its own: in assess_frames
    assert meanwhile.churn_source == after.churn_source and meanwhile.transaction_model == after.transaction_model
    pd.testing.assert_frame_equal(meanwhile.assessment, after.assessment, check_exact=True)


def test_a_failure_of_the_judging_thread_is_raised_by_the_assessment(sample_dataset, monkeypatch):
    ds, _ = sample_dataset
    names = _judged_in(monkeypatch, fail=True)
    with pytest.raises(RuntimeError, match="judging failed"):
        assess_with_models(ds, AS_OF)
    assert len(names) == 1 and names[0].startswith("keepwise-judge")
