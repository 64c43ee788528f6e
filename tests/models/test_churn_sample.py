"""The churn classifier's training sample: at most [churn_model] max_customers_per_fit customers, seeded.

A business with more customers is trained and backtested on a seeded sample of that many (every table
restricted to them); one with no more is used whole, exactly as before the cap existed.
"""

from __future__ import annotations

import dataclasses
import gc
from datetime import date

import numpy as np
import pandas as pd
import pytest

from keepwise.config import load_settings
from keepwise.data.loader import load
from keepwise.data.schema import TABLES
from keepwise.models.churn_backtest import backtest
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_labels import FeatureFrames, training_sample
from keepwise.models.predict import predict_customers
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
N_CUSTOMERS = 2000
CAP = 600


def _settings(cap: int):
    return load_settings(overrides={"churn_model": {"n_training_cutoffs": 2, "max_customers_per_fit": cap},
                                    "clv": {"transaction_model": "mbgnbd"}})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("churn_training_sample")
    generate_sample(path, n_customers=N_CUSTOMERS, seed=5, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def capped(folder):
    return load(folder, AS_OF, _settings(CAP))


def _ids(ds, table: str) -> set[str]:
    return set(ds.table(table).select("customer_id").to_pyarrow().column(0).to_pylist())


def test_sample_has_cap_customers_and_only_their_rows(capped):
    sample = training_sample(capped)
    chosen = _ids(sample, "customers")
    assert len(chosen) == CAP and chosen < _ids(capped, "customers")
    for name in TABLES:
        full = capped.table(name)
        theirs = full.filter(full.customer_id.isin(list(chosen))).count().execute()
        assert sample.row_count(name) == theirs, name  # every row of the sampled customers, no other
        assert _ids(sample, name) <= chosen, name
    assert sample.row_count("orders") < capped.row_count("orders")


def test_sample_is_seeded(capped, folder):
    first = _ids(training_sample(capped), "customers")
    assert _ids(training_sample(load(folder, AS_OF, _settings(CAP))), "customers") == first
    other_seed = capped.settings.model_copy(update={"churn_model": capped.settings.churn_model.model_copy(
        update={"seed": capped.settings.churn_model.seed + 1})})
    assert _ids(training_sample(capped, other_seed), "customers") != first


def test_business_within_the_cap_is_used_whole(folder):
    ds = load(folder, AS_OF, _settings(N_CUSTOMERS))
    assert training_sample(ds) is ds


def test_subset_tables_are_made_when_read_and_dropped_with_the_subset(capped):
    def temporary() -> int:
        return capped.duckdb.sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]

    before = temporary()
    sample = training_sample(capped)
    assert temporary() == before  # nothing is copied before it is read
    orders = sample.row_count("orders")
    assert temporary() == before + 1
    assert sample.row_count("orders") == orders and temporary() == before + 1  # made once
    for name in TABLES:
        sample.row_count(name)
    assert temporary() == before + len(TABLES)
    del sample
    gc.collect()
    assert temporary() == before


def test_fit_uses_at_most_cap_customers_and_is_deterministic(capped):
    model = ChurnModel(capped.settings).fit(capped, AS_OF)
    full = FeatureFrames(capped, capped.settings)
    period = capped.settings.churn_model.period_days
    holdout_cutoff = date.fromordinal(AS_OF.toordinal() - period)
    # Customers who had bought by the holdout cutoff: far more in the business than the fit saw.
    assert model.holdout_rows_ <= CAP < len(full.labels(holdout_cutoff, period))
    assert model.training_rows_ <= 2 * CAP
    again = ChurnModel(capped.settings).fit(capped, AS_OF)
    first = model.predict_proba(capped, AS_OF)
    # Scoring covers every customer, not only the sample.
    assert len(first) == N_CUSTOMERS and first["churn_risk"].between(0.0, 1.0).all()
    pd.testing.assert_frame_equal(first, again.predict_proba(capped, AS_OF))


def test_backtest_scores_the_sample(capped):
    result = backtest(capped, AS_OF, n_cutoffs=2)
    assert (result["n_customers"] <= CAP).all() and (result["n_customers"] > 0).all()
    scored = result[result["source"].isin(["classifier", "mbgnbd", "recency"])]
    assert np.isfinite(scored["brier"]).all(), result.to_string()


def test_predictions_cover_every_customer_with_a_capped_fit(capped):
    first = predict_customers(capped, AS_OF)
    second = predict_customers(capped, AS_OF)
    assert first.churn_source in ("classifier", "blend", "mbgnbd")
    assert (first.backtest["n_customers"] <= CAP).all()
    assert first.table["churn_risk"].notna().all()
    pd.testing.assert_frame_equal(first.table, second.table)


def test_within_the_cap_the_fit_is_the_one_on_all_customers(folder):
    ds = load(folder, AS_OF, _settings(N_CUSTOMERS))
    by_default = ChurnModel(ds.settings).fit(ds, AS_OF)
    on_all = ChurnModel(ds.settings).fit(ds, AS_OF, frames=FeatureFrames(ds, ds.settings))
    assert by_default.holdout_rows_ == on_all.holdout_rows_ > CAP
    pd.testing.assert_frame_equal(by_default.predict_proba(ds, AS_OF), on_all.predict_proba(ds, AS_OF))


def _overlap_settings(cap: int, overlap: bool, fit_workers: int = 0):
    return load_settings(overrides={"churn_model": {"n_training_cutoffs": 2, "max_customers_per_fit": cap},
                                    "clv": {"transaction_model": "auto", "churn_source": "auto"},
                                    "engine": {"overlap_models": overlap, "classifier_fit_workers": fit_workers}})


def _assert_same_predictions(first, second):
    pd.testing.assert_frame_equal(first.table, second.table, check_exact=True)
    assert (first.churn_source, first.churn_source_reason) == (second.churn_source, second.churn_source_reason)
    assert (first.transaction_model_name, first.transaction_model_reason) == (
        second.transaction_model_name, second.transaction_model_reason)
    assert first.notes == second.notes and first.plain_notes == second.plain_notes
    if first.backtest is None:
        assert second.backtest is None
    else:
        pd.testing.assert_frame_equal(first.backtest, second.backtest, check_exact=True)


@pytest.mark.parametrize("cap", [CAP, N_CUSTOMERS])  # trained on a sample; on the whole business
@pytest.mark.parametrize("overlap, fit_workers", [(True, 0), (True, 2), (False, 2)])
def test_overlapped_models_predict_as_one_after_the_other(folder, cap, overlap, fit_workers):
    """[engine] overlap_models fits the purchase model in a thread while the engine prefetches the
    classifier's feature frames, and [engine] classifier_fit_workers fits the classifier at every cutoff in
    worker threads: the same predictions, backtest and notes, to the last bit."""
    sequential = predict_customers(load(folder, AS_OF, _overlap_settings(cap, False)), AS_OF)
    overlapped = predict_customers(load(folder, AS_OF, _overlap_settings(cap, overlap, fit_workers)), AS_OF)
    assert overlapped.transaction_model_name is not None and overlapped.backtest is not None
    _assert_same_predictions(overlapped, sequential)


def test_overlapped_purchase_model_errors_surface_as_one_after_the_other(folder, monkeypatch):
    """A purchase model that cannot be fitted is a note and the classifier alone is used, as without the
    overlap; any other error of the worker thread is raised by predict_customers itself."""
    import keepwise.models.predict as predict
    from keepwise.models.base import ConvergenceError

    def cannot_fit(name):
        raise ConvergenceError(f"{name}: no dropout visible")

    monkeypatch.setattr(predict, "transaction_fitter", cannot_fit)
    results = [predict_customers(load(folder, AS_OF, _overlap_settings(CAP, overlap, workers)), AS_OF)
               for overlap, workers in ((False, 0), (True, 2))]
    assert results[1].churn_source == "classifier"
    assert any("cannot be fitted on this data" in note for note in results[1].notes)
    _assert_same_predictions(results[1], results[0])

    def broken(name):
        raise RuntimeError("not a data problem")

    monkeypatch.setattr(predict, "transaction_fitter", broken)
    with pytest.raises(RuntimeError, match="not a data problem"):
        predict_customers(load(folder, AS_OF, _overlap_settings(CAP, True, 2)), AS_OF)


def test_feature_cutoffs_are_every_cutoff_the_backtest_and_final_fit_read(capped, monkeypatch):
    """The cutoffs predict_customers prefetches are exactly those the backtest and the final fit ask for."""
    from keepwise.models.churn_backtest import feature_cutoffs

    settings = capped.settings
    period = settings.churn_model.period_days
    expected = [date.fromordinal(AS_OF.toordinal() - m * period) for m in range(1, 6)]  # 2 backtest + 2 + 1
    assert feature_cutoffs(AS_OF, settings, n_cutoffs=2) == expected
    asked: set[date] = set()
    at = FeatureFrames.at
    monkeypatch.setattr(FeatureFrames, "at", lambda self, cutoff: asked.add(cutoff) or at(self, cutoff))
    frames = FeatureFrames(training_sample(capped), settings)
    backtest(capped, AS_OF, n_cutoffs=2, settings=settings, frames=frames)
    ChurnModel(settings).fit(capped, AS_OF, frames=frames)
    assert asked == set(expected)


def test_prefetch_computes_what_labelled_reads(capped):
    settings = capped.settings
    period = settings.churn_model.period_days
    early = date(2000, 1, 1)  # before anyone bought: no labels, so no features either
    frames = FeatureFrames(training_sample(capped), settings)
    frames.prefetch([AS_OF.replace(day=1), early], period)
    assert set(frames._frames) == {AS_OF.replace(day=1)}
    fresh = FeatureFrames(training_sample(capped), settings)
    pd.testing.assert_frame_equal(frames.labelled(AS_OF.replace(day=1), period)[0],
                                  fresh.labelled(AS_OF.replace(day=1), period)[0], check_exact=True)


def test_sample_keeps_the_columns_its_features_read_and_computes_them_as_the_whole(capped, monkeypatch):
    """The sample's tables keep only the columns the features name (``Dataset.columns_read``), and its
    feature expression is the whole business's over them (not built again): its features and labels are
    the whole business's, for the sampled customers (but n_referrals, which counts referrals among the
    sampled customers only), and all of them those of a dataset holding only the sample's tables."""
    import keepwise.metrics.features as features
    from keepwise.metrics.features import customer_feature_frame

    sample = training_sample(capped)
    assert sample.subset_of is capped
    monkeypatch.setattr(features, "_build", lambda *args: pytest.fail("the sample's expression was built again"))
    compile_sql, compiled = features._parameterised_tree, []
    monkeypatch.setattr(features, "_parameterised_tree",
                        lambda con, table, params: compiled.append(table) or compile_sql(con, table, params))
    assert "order_id" not in sample.table("orders").columns and "email" not in sample.table("customers").columns
    assert sample.table("touches").columns == capped.table("touches").columns  # the features read no touches
    cutoff = AS_OF.replace(day=1)
    chosen = _ids(sample, "customers")
    order = ["customer_id"]
    sampled = customer_feature_frame(sample, cutoff).sort_values(order).reset_index(drop=True)
    ours = sampled.drop(columns="n_referrals")
    whole = customer_feature_frame(capped, cutoff).drop(columns="n_referrals")
    whole = whole[whole["customer_id"].isin(chosen)]
    pd.testing.assert_frame_equal(ours, whole.sort_values(order).reset_index(drop=True), check_exact=True)
    # Its SQL is the whole business's with the sample's tables in it, as compiling its own expression gives it.
    template = features._template(sample, capped.settings)
    assert all(table is not template.table for table in compiled)  # (the parent's may be compiled already)
    dialect = sample.con.compiler.dialect
    own = compile_sql(sample.con, template.table, template.params).sql(dialect=dialect)
    assert template.tree(sample.con).sql(dialect=dialect) == own
    assert all(sample.table(name).get_name() in own for name in ("orders", "customers", "engagement"))
    # The same tables in a dataset not known as a subset: its expression is built from them alone (the
    # orders' day bitmaps counted from its own first order) and compiled on its own. Its features are the
    # sample's, n_referrals included.
    monkeypatch.undo()
    alone = customer_feature_frame(dataclasses.replace(sample, subset_of=None), cutoff)
    pd.testing.assert_frame_equal(sampled, alone.sort_values(order).reset_index(drop=True), check_exact=True)
    period = capped.settings.churn_model.period_days
    labels = FeatureFrames(capped, capped.settings).labels(cutoff, period)
    pd.testing.assert_frame_equal(FeatureFrames(sample, capped.settings).labels(cutoff, period),
                                  labels[labels["customer_id"].isin(chosen)].reset_index(drop=True))


@pytest.mark.parametrize("forced", ["classifier", None])  # None: the source the backtest chooses
def test_with_fits_started_ahead_the_classifier_scores_at_as_of_once_while_the_backtests_fits_run(
        folder, monkeypatch, forced):
    """With the fits in worker threads, the classifier's scores at as_of are made once, after the backtest has
    scored the other sources and before it asks for the classifier's fits (while they may still run); one
    after the other they are made after the backtest. The same predictions either way."""
    import keepwise.models.churn_backtest as churn_backtest

    if forced:
        monkeypatch.setattr(churn_backtest, "compare_churn_sources",
                            lambda scores, settings: churn_backtest.SourceComparison(forced, "bgnbd", failure="forced"))
    events: list[str] = []
    predict_proba, labelled_risk = ChurnModel.predict_proba, ChurnModel.labelled_risk
    monkeypatch.setattr(ChurnModel, "predict_proba",
                        lambda self, *a, **k: events.append("score at as_of") or predict_proba(self, *a, **k))
    monkeypatch.setattr(ChurnModel, "labelled_risk",
                        lambda self, *a, **k: events.append("backtest") or labelled_risk(self, *a, **k))
    sequential = predict_customers(load(folder, AS_OF, _overlap_settings(CAP, False)), AS_OF)
    in_turn, events[:] = list(events), []
    ahead = predict_customers(load(folder, AS_OF, _overlap_settings(CAP, True, 2)), AS_OF)
    _assert_same_predictions(ahead, sequential)
    assert ahead.churn_source != ahead.transaction_model_name or forced is None
    classifier_used = ahead.churn_source in ("classifier", "blend")
    assert in_turn == ["backtest", "backtest", *(["score at as_of"] if classifier_used else [])]
    assert events == ["score at as_of", "backtest", "backtest"]


@pytest.mark.parametrize("model", ["auto", "mbgnbd"])
def test_predictions_from_the_features_summary_equal_those_from_the_orders(folder, monkeypatch, model):
    """Given the features at the as-of date (as the assessment gives them), the purchase model's summary
    is read from them, without aggregating the orders again: the same predictions as from the orders, to
    the last bit, with the model chosen on held-out days (the summary split at their start) and with a
    model set."""
    from keepwise.metrics.features import customer_feature_frame
    from keepwise.models import summary

    settings = load_settings(overrides={"churn_model": {"n_training_cutoffs": 2, "max_customers_per_fit": CAP},
                                        "clv": {"transaction_model": model}})
    ds = load(folder, AS_OF, settings)
    features = customer_feature_frame(ds, AS_OF)
    monkeypatch.setattr(summary, "features_summary", lambda *args: None)
    from_orders = predict_customers(ds, AS_OF, features)
    monkeypatch.undo()
    aggregated = []  # the (orders, day) of each summary aggregated from orders: the sample's at its cutoffs
    bitmap_summary = summary.bitmap_summary
    monkeypatch.setattr(summary, "bitmap_summary",
                        lambda orders, day, *args: aggregated.append((orders, day)) or bitmap_summary(orders, day, *args))
    from_features = predict_customers(ds, AS_OF, features)
    monkeypatch.undo()
    orders = ds.table("orders")
    assert not [day for table, day in aggregated if table.equals(orders) or day == AS_OF]
    assert from_features.transaction_model_name is not None
    _assert_same_predictions(from_features, from_orders)
