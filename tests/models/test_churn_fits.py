"""The churn classifier's fits started ahead in worker threads (``ChurnFits``, [engine] classifier_fit_workers):
the same models as fitted one after the other, errors raised where the fit is asked for, and the engine used
only by the caller's thread."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

import keepwise.models.churn_classifier as churn_classifier
import keepwise.models.churn_labels as churn_labels
from keepwise.config import load_settings
from keepwise.data.loader import load
from keepwise.data.threads import available_cores
from keepwise.models.churn_classifier import ChurnModel, lightgbm_threads
from keepwise.models.churn_fits import ChurnFits
from keepwise.models.churn_labels import FeatureFrames, training_sample
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
PERIOD = timedelta(days=90)
CUTOFFS = [AS_OF - PERIOD, AS_OF - 2 * PERIOD, AS_OF]  # the backtest's two and the final fit's


def _settings(**churn_model):
    return load_settings(overrides={"churn_model": {"n_training_cutoffs": 2, "max_customers_per_fit": 500,
                                                    "period_days": 90, **churn_model}})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("churn_fits")
    generate_sample(path, n_customers=1500, seed=11, as_of=AS_OF)
    return path


def _frames(folder, settings) -> FeatureFrames:
    return FeatureFrames(training_sample(load(folder, AS_OF, settings)), settings)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_fits_in_worker_threads_are_the_fits_made_in_turn(folder, workers):
    settings = _settings()
    in_turn = ChurnFits(_frames(folder, settings), settings)
    expected = {cutoff: in_turn.model(cutoff) for cutoff in CUTOFFS}
    with ChurnFits(_frames(folder, settings), settings, workers=workers).start(CUTOFFS) as ahead:
        for cutoff in reversed(CUTOFFS):  # asked in another order than started
            model = ahead.model(cutoff)
            assert model.booster_.model_to_string() == expected[cutoff].booster_.model_to_string()
            assert model.never_bought_risk_ == expected[cutoff].never_bought_risk_
            assert model.holdout_predicted_rate_ == expected[cutoff].holdout_predicted_rate_


def test_lightgbm_threads_per_fit_do_not_change_the_model(folder):
    # [churn_model] n_jobs is a matter of speed only: LightGBM is deterministic here whatever its threads.
    models = {}
    for threads in (1, 2):
        settings = _settings(n_jobs=threads)
        fits = ChurnFits(_frames(folder, settings), settings)
        models[threads] = fits.model(AS_OF)
    # the same trees and importances; the parameters the booster records name its threads
    trees = {threads: model.booster_.model_to_string().split("\nparameters:\n")[0] for threads, model in models.items()}
    assert "Tree=0" in trees[1] and trees[1] == trees[2]
    assert models[1].holdout_predicted_rate_ == models[2].holdout_predicted_rate_


@pytest.mark.parametrize(("cores", "workers", "n_jobs", "threads"), [
    (2, 2, 0, 1), (8, 2, 0, 4), (8, 0, 0, 8), (8, 3, 0, 2), (1, 2, 0, 1), (8, 2, 3, 3)])
def test_lightgbm_threads_share_the_cores_among_the_fits(monkeypatch, cores, workers, n_jobs, threads):
    monkeypatch.setattr(churn_classifier, "available_cores", lambda: cores)
    settings = load_settings(overrides={"churn_model": {"n_jobs": n_jobs}, "engine": {"classifier_fit_workers": workers}})
    assert lightgbm_threads(settings) == threads
    assert ChurnModel(settings)._lgb_params()["num_threads"] == threads


def test_available_cores_are_those_the_process_may_use():
    assert 1 <= available_cores() <= os.cpu_count()


def test_worker_threads_never_use_the_engine(folder, monkeypatch):
    """Every feature frame and the orders the labels come from are read by the caller's thread, in
    ``start``: a DuckDB connection is not thread-safe."""
    readers: list[str] = []
    compute, read = churn_labels.customer_feature_frame, FeatureFrames._read_purchases

    def computing(*args, **kwargs):
        readers.append(threading.current_thread().name)
        return compute(*args, **kwargs)

    def reading(self):
        if not self._purchases_read:
            readers.append(threading.current_thread().name)
        return read(self)

    monkeypatch.setattr(churn_labels, "customer_feature_frame", computing)
    monkeypatch.setattr(FeatureFrames, "_read_purchases", reading)
    settings = _settings()
    with ChurnFits(_frames(folder, settings), settings, workers=2).start(CUTOFFS) as fits:
        assert len(readers) == 1 + 5  # the orders, then the features at the 5 cutoffs the 3 fits read
        for cutoff in CUTOFFS:
            fits.model(cutoff)
    assert set(readers) == {threading.main_thread().name}


def test_a_fit_that_cannot_be_made_raises_where_it_is_asked_for(folder):
    settings = _settings(min_labelled_rows=10**9)
    with pytest.raises(ValueError) as in_turn:
        ChurnFits(_frames(folder, settings), settings).model(AS_OF)
    ahead = ChurnFits(_frames(folder, settings), settings, workers=2).start(CUTOFFS)
    with ahead, pytest.raises(ValueError) as started:
        ahead.model(AS_OF)
    assert str(started.value) == str(in_turn.value) and "fewer than the" in str(started.value)


def test_without_workers_nothing_is_fitted_until_asked(folder, monkeypatch):
    settings = _settings()
    fitted: list[date] = []
    fits = ChurnFits(_frames(folder, settings), settings)
    monkeypatch.setattr(ChurnFits, "_fit", lambda self, cutoff: fitted.append(cutoff) or cutoff)
    fits.start(CUTOFFS)
    assert fitted == []
    assert fits.model(CUTOFFS[1]) == CUTOFFS[1] and fitted == [CUTOFFS[1]]


def test_frames_make_each_kept_value_once_across_threads(folder):
    settings = _settings()
    frames = FeatureFrames(load(folder, AS_OF, settings), settings)
    made: list[int] = []

    def make():
        made.append(1)
        time.sleep(0.02)  # long enough for every thread to ask before the first has finished
        return object()

    with ThreadPoolExecutor(4) as pool:
        values = list(pool.map(lambda _: frames.kept(("key",), make), range(8)))
    assert len(made) == 1 and all(value is values[0] for value in values)


def test_negative_workers_are_refused():
    with pytest.raises(Exception, match="classifier_fit_workers"):
        load_settings(overrides={"engine": {"classifier_fit_workers": -1}})


def test_predictions_use_lightgbm_threads_and_do_not_depend_on_them(folder, monkeypatch):
    # Every prediction names its thread count (LightGBM's default would be every core, in each score
    # thread side by side); the risks, contributions and drivers are the same whatever the count.
    settings = _settings(n_jobs=1)
    model = ChurnFits(_frames(folder, settings), settings).model(AS_OF)
    ds = load(folder, AS_OF, settings)
    customers = ds.table("customers").customer_id.execute().tolist()[:40]
    asked = []
    predict = lgb.Booster.predict

    def recording(booster, data, *args, **kwargs):
        asked.append(kwargs.get("num_threads"))
        return predict(booster, data, *args, **kwargs)

    monkeypatch.setattr(lgb.Booster, "predict", recording)
    results = {}
    for threads in (1, 3):
        model.settings = _settings(n_jobs=threads)
        asked.clear()
        drivers = model.drivers(ds, AS_OF, customers)
        results[threads] = (model.predict_proba(ds, AS_OF), model.contributions(ds, AS_OF, customers),
                            drivers.order, drivers.pushing)
        assert asked and set(asked) <= {threads, 1}  # 1: a tree's few distinct paths (grouped_contributions)
        assert threads in asked
    risk, contributions, order, pushing = results[1]
    pd.testing.assert_frame_equal(risk, results[3][0])
    assert risk["churn_risk"].between(0, 1).all() and risk["churn_risk"].nunique() > 10
    pd.testing.assert_frame_equal(contributions, results[3][1])
    assert len(contributions) > 0 and (contributions.abs().sum(axis=1) > 0).all()
    np.testing.assert_array_equal(order, results[3][2])
    np.testing.assert_array_equal(pushing, results[3][3])
