"""The churn classifier: time split, calibration, reasons from pred_contrib, backtest and source choice."""

from __future__ import annotations

import copy
import threading
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from keepwise.assess.churn_reasons import churn_reasons
from keepwise.config import load_settings
from keepwise.data.loader import load
from keepwise.models import churn_classifier
from keepwise.models.churn_backtest import backtest, choose_churn_source, churn_sources, compare_churn_sources
from keepwise.models.churn_classifier import ChurnModel, design_matrix
from keepwise.models.churn_labels import FeatureFrames
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
CDNOW_AS_OF = date(1998, 6, 30)
# Two training cutoffs instead of the default three: every cutoff costs one customer_features query,
# and the query's compilation, not the data, sets this file's run time.
FAST = {"churn_model": {"n_training_cutoffs": 2}}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """3,000 synthetic customers, their backtest and a model fitted at AS_OF, sharing feature frames."""
    folder = tmp_path_factory.mktemp("churn_sample")
    generate_sample(folder, n_customers=3000, seed=11, as_of=AS_OF)
    ds = load(folder, AS_OF, load_settings(overrides=FAST))
    frames = FeatureFrames(ds, ds.settings)
    result = backtest(ds, AS_OF, n_cutoffs=3, frames=frames)
    model = ChurnModel(ds.settings).fit(ds, AS_OF, frames=frames)
    truth = pd.read_csv(folder / "_truth.csv", dtype=str)
    return ds, frames, result, model, truth


@pytest.fixture(scope="module")
def cdnow(cdnow_dir):
    settings = load_settings(overrides={"general": {"currency": "USD"}, **FAST})
    ds = load(cdnow_dir, CDNOW_AS_OF, settings)
    frames = FeatureFrames(ds, settings)
    return ds, settings, frames, backtest(ds, CDNOW_AS_OF, n_cutoffs=2, frames=frames)


def _scores(result: pd.DataFrame, source: str) -> pd.DataFrame:
    return result[result["source"] == source].set_index("cutoff")


# -- sample data ------------------------------------------------------------------------------------


def test_backtest_has_every_cutoff_and_source(sample):
    _, _, result, _, _ = sample
    period = timedelta(days=90)
    assert sorted(set(result["cutoff"])) == [AS_OF - 3 * period, AS_OF - 2 * period, AS_OF - period]
    # [clv] transaction_model = "auto": the model chosen at as_of is the one scored, by its name.
    chosen = {"classifier", "blend", "recency"} | (set(result["source"]) & {"mbgnbd", "pareto-nbd"})
    assert set(result["source"]) == chosen and len(chosen) == 4
    assert len(churn_sources()) == 4
    assert len(result) == 3 * len(churn_sources())
    # Sources are scored on the same customers at a cutoff.
    assert result.groupby("cutoff")["n_customers"].nunique().eq(1).all()


def test_classifier_beats_recency_baseline(sample):
    _, _, result, _, _ = sample
    classifier, recency = _scores(result, "classifier"), _scores(result, "recency")
    assert classifier["auc"].notna().all()
    assert classifier["auc"].mean() > recency["auc"].mean()
    latest = max(result["cutoff"])
    assert classifier.loc[latest, "auc"] > recency.loc[latest, "auc"]
    assert classifier["brier"].mean() < recency["brier"].mean()


def test_probabilities_in_range_and_calibrated(sample):
    ds, frames, result, model, _ = sample
    risk = model.predict_proba(ds, AS_OF, frames=frames)
    assert len(risk) == ds.row_count("customers")
    assert risk["customer_id"].is_unique
    assert risk["churn_risk"].between(0.0, 1.0).all()
    # On the most recent backtest cutoff (a holdout the model at that cutoff never saw), the mean
    # predicted risk matches the observed churn rate.
    latest = _scores(result, "classifier").loc[max(result["cutoff"])]
    assert latest["mean_predicted"] == pytest.approx(latest["churn_rate"], abs=0.05)
    assert 0.0 < model.never_bought_risk_ < 1.0


def test_isotonic_calibration_keeps_the_holdouts_churn_rate_and_the_scores_order(sample):
    ds, frames, _, model, _ = sample
    settings = load_settings(overrides={**FAST, "churn_model": {**FAST["churn_model"], "calibration": "isotonic"}})
    isotonic = ChurnModel(settings).fit(ds, AS_OF, frames=frames)
    # Pooling adjacent violators keeps each pool's mean label: over the holdout it was fitted on, the mean
    # calibrated risk is the holdout's churn rate.
    assert isotonic.holdout_predicted_rate_ == pytest.approx(isotonic.holdout_churn_rate_, abs=1e-12)
    risk = isotonic.predict_proba(ds, AS_OF, frames=frames)["churn_risk"].to_numpy()
    assert ((risk >= 0) & (risk <= 1)).all()
    # The same booster as the sigmoid's: calibration only maps its scores, in the same order.
    assert isotonic.booster_.model_to_string() == model.booster_.model_to_string()
    raw = np.linspace(-6, 6, 200)
    assert (np.diff(isotonic._calibrate(raw)) >= 0).all()


def test_scores_are_the_same_in_one_batch_or_many_on_several_threads(sample, monkeypatch):
    ds, frames, _, model, _ = sample
    whole = model.predict_proba(ds, AS_OF, frames=frames)  # 3,000 customers: one batch
    threads_used = set()
    predict = model.booster_.predict
    for threads in (1, 3):
        batched = copy.copy(model)
        batched.settings = load_settings(overrides={**FAST, "engine": {"score_batch_rows": 257, "score_threads": threads}})
        batched.booster_ = copy.copy(model.booster_)

        def spy(*args, **kwargs):
            threads_used.add(threading.current_thread().name)
            return predict(*args, **kwargs)

        monkeypatch.setattr(batched.booster_, "predict", spy)
        pd.testing.assert_frame_equal(batched.predict_proba(ds, AS_OF, frames=frames), whole)
    assert len([name for name in threads_used if name.startswith("keepwise-score")]) > 1


def test_fit_is_deterministic(sample):
    ds, frames, _, model, _ = sample
    again = ChurnModel(ds.settings).fit(ds, AS_OF, frames=frames)
    assert again.booster_.model_to_string() == model.booster_.model_to_string()


def test_labelled_columns_are_those_of_the_whole_labelled_frame(sample):
    _, frames, _, _, _ = sample
    cutoff = AS_OF - timedelta(days=90)
    whole, labels = frames.labelled(cutoff, 90)
    part, same_labels = frames.labelled(cutoff, 90, ["customer_id", "days_since_last_order"])
    pd.testing.assert_frame_equal(part, whole[["customer_id", "days_since_last_order"]])
    np.testing.assert_array_equal(same_labels, labels)


def test_labelled_risk_is_the_calibrated_score_of_the_labelled_rows(sample):
    _, frames, _, model, _ = sample
    cutoff = AS_OF - timedelta(days=90)  # the model's holdout: its design matrix is kept with the frames
    frame, labels = frames.labelled(cutoff, 90)
    risk = model.labelled_risk(frames, cutoff)
    assert len(risk) == len(labels) > 0
    np.testing.assert_array_equal(risk, model._calibrate(model.raw_scores(frame, cutoff)))


def test_choose_churn_source_names_its_evidence(sample):
    ds, _, result, _, _ = sample
    source, reason = choose_churn_source(result, ds.settings)
    # [clv] transaction_model = "auto": the backtest scores the model chosen at as_of, by its name.
    (transaction,) = set(result["source"]) - {"classifier", "blend", "recency"}
    assert transaction in ("mbgnbd", "pareto-nbd")
    assert source in ("classifier", transaction, "blend")
    # The sample business has real dropout, so the purchase model is fitted at every cutoff.
    assert _scores(result, transaction)["brier"].notna().all()
    assert reason.startswith(f"{source}: AUC ") and "Brier" in reason and "cutoff" in reason


def test_choose_churn_source_rules():
    def frame(classifier, bgnbd, blend):
        rows = []
        for cutoff in (date(2026, 1, 1), date(2026, 4, 1)):
            for source, (auc, brier) in (("classifier", classifier), ("bgnbd", bgnbd), ("blend", blend)):
                rows.append({"cutoff": cutoff, "source": source, "auc": auc, "brier": brier, "note": ""})
        return pd.DataFrame(rows)

    assert choose_churn_source(frame((0.84, 0.12), (0.78, 0.15), (0.82, 0.13)))[0] == "classifier"
    assert choose_churn_source(frame((0.70, 0.20), (0.78, 0.15), (0.75, 0.16)))[0] == "bgnbd"
    source, reason = choose_churn_source(frame((0.80, 0.15), (0.80, 0.15), (0.82, 0.12)))
    assert source == "blend" and reason == "blend: AUC 0.82 vs 0.80, Brier 0.120 vs 0.150 (classifier) over 2 cutoffs"
    # The figures it was chosen by, for the text layer to phrase in the reader's language.
    compared = compare_churn_sources(frame((0.80, 0.15), (0.80, 0.15), (0.82, 0.12)))
    assert compared.facts() == {"best": "blend", "other": "classifier", "auc": [pytest.approx(0.82), pytest.approx(0.80)],
                                "brier": [pytest.approx(0.12), pytest.approx(0.15)], "cutoffs": 2}
    failed = frame((np.nan, np.nan), (0.78, 0.15), (np.nan, np.nan))
    failed.loc[failed["source"] == "classifier", "note"] = "too few customers"
    assert choose_churn_source(failed) == ("bgnbd", "bgnbd: the classifier could not be trained (too few customers)")
    assert compare_churn_sources(failed).facts() is None  # nothing compared: the technical note stands


def test_features_come_only_from_before_the_cutoff(sample):
    ds, frames, _, _, _ = sample
    cutoff = AS_OF - timedelta(days=180)
    frame = frames.at(cutoff)
    assert frame["last_order_at"].max() <= pd.Timestamp(cutoff) + timedelta(days=1)
    matrix = design_matrix(frame, cutoff)
    assert "n_referrals" not in matrix.columns  # counts customers who signed up later
    assert matrix["days_since_last_order"].min() >= 0


# -- reasons -----------------------------------------------------------------------------------------


def test_long_gap_customer_is_told_about_recency(sample):
    ds, frames, _, model, truth = sample
    features = frames.at(AS_OF).merge(truth, on="customer_id")
    lapsed = features[(features["customer_type"] == "lapsed_valuable") & (features["n_orders"] > 0)]
    longest_gaps = lapsed.nlargest(5, "days_since_last_order")["customer_id"].tolist()
    reasons = churn_reasons(model, ds, AS_OF, longest_gaps, frames=frames)
    for customer_id in longest_gaps:
        days = int(lapsed.set_index("customer_id").at[customer_id, "days_since_last_order"])
        assert reasons[customer_id][0].startswith(f"no purchase for {days} days"), reasons[customer_id]
        assert len(reasons[customer_id]) <= model.config.top_reasons


def test_reasons_only_for_requested_customers(sample, monkeypatch):
    ds, frames, _, model, truth = sample
    requested = truth["customer_id"].iloc[[3, 50, 700]].tolist()
    scored_rows = []
    contributions = churn_classifier.grouped_contributions

    def counting_contributions(booster, features, membership, threads):
        scored_rows.append(len(features))
        return contributions(booster, features, membership, threads)

    monkeypatch.setattr(churn_classifier, "grouped_contributions", counting_contributions)
    reasons = churn_reasons(model, ds, AS_OF, [*requested, requested[0], "NO_SUCH_CUSTOMER"], top=2)
    assert set(reasons) == {*requested, "NO_SUCH_CUSTOMER"}
    assert reasons["NO_SUCH_CUSTOMER"] == []
    bought = frames.at(AS_OF).set_index("customer_id").loc[requested, "n_orders"].gt(0).sum()
    assert scored_rows == [bought]
    assert all(len(texts) <= 2 for texts in reasons.values())


def test_contributions_add_up_to_the_raw_score(sample):
    ds, frames, _, model, truth = sample
    requested = truth["customer_id"].iloc[:40].tolist()
    contributions = model.contributions(ds, AS_OF, requested, frames=frames)
    assert list(contributions.columns) == [*model.features_, "bias"]
    frame = frames.at(AS_OF).set_index("customer_id").loc[contributions.index].reset_index()
    raw = model.raw_scores(frame, AS_OF)
    np.testing.assert_allclose(contributions.sum(axis=1).to_numpy(), raw, rtol=0, atol=1e-9)
    # ... and the calibrated raw score is the published churn risk.
    risk = model.predict_proba(ds, AS_OF, frames=frames).set_index("customer_id")["churn_risk"]
    np.testing.assert_allclose(model._calibrate(raw), risk.loc[contributions.index].to_numpy(), atol=1e-12)


# -- too little data -----------------------------------------------------------------------------------


def _write_business(folder, n_customers: int, orders_every_days: int | None, start: date, end: date):
    """customers.csv and orders.csv: everyone buys on the first day, then every ``orders_every_days``."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"C{i:04d}" for i in range(n_customers)]
    pd.DataFrame({"customer_id": ids, "signed_up_at": start.isoformat()}).to_csv(
        folder / "customers.csv", index=False)
    step = orders_every_days or (end - start).days + 1
    days = [start + timedelta(days=d) for d in range(0, (end - start).days + 1, step)]
    rows = [(f"O{i}-{j}", customer, day.isoformat(), 10.0)
            for i, customer in enumerate(ids) for j, day in enumerate(days)]
    pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "revenue"]).to_csv(
        folder / "orders.csv", index=False)


def test_too_few_customers_is_a_clear_error(tmp_path):
    _write_business(tmp_path / "tiny", 30, 20, date(2025, 1, 1), date(2026, 6, 1))
    ds = load(tmp_path / "tiny", AS_OF)
    with pytest.raises(ValueError, match=r"cannot be trained .* only \d+ labelled customer-periods .* BG/NBD"):
        ChurnModel(ds.settings).fit(ds, AS_OF)
    with pytest.raises(ValueError, match="not fitted"):
        ChurnModel(ds.settings).predict_proba(ds, AS_OF)


def test_one_class_only_is_a_clear_error(tmp_path):
    # Every customer buys every week: nobody ever churns.
    _write_business(tmp_path / "loyal", 150, 7, date(2025, 1, 1), date(2026, 6, 29))
    ds = load(tmp_path / "loyal", AS_OF)
    with pytest.raises(ValueError, match="0 churned customer-periods"):
        ChurnModel(ds.settings).fit(ds, AS_OF)


# -- CDNOW ------------------------------------------------------------------------------------------


def test_cdnow_backtest_is_finite_for_every_source(cdnow):
    _, _, _, result = cdnow
    (transaction,) = set(result["source"]) - {"classifier", "blend", "recency"}  # chosen by holdout (auto)
    for source in ("classifier", transaction, "recency"):
        scores = _scores(result, source)[["auc", "pr_auc", "brier"]]
        assert np.isfinite(scores.to_numpy()).all(), (source, result.to_string())
    assert choose_churn_source(result)[0] in ("classifier", transaction, "blend")


def test_cdnow_classifier_fits_and_predicts(cdnow):
    ds, settings, frames, _ = cdnow
    model = ChurnModel(settings).fit(ds, CDNOW_AS_OF, frames=frames)
    risk = model.predict_proba(ds, CDNOW_AS_OF, frames=frames)
    assert risk["churn_risk"].between(0.0, 1.0).all()
    assert len(risk) == ds.row_count("customers")
    top = risk.nlargest(3, "churn_risk")["customer_id"].tolist()
    reasons = churn_reasons(model, ds, CDNOW_AS_OF, top, frames=frames)
    assert all(reasons[c] for c in top)


def test_feature_rows_are_the_frame_rows_made_on_demand(monkeypatch):
    from keepwise.models.churn_classifier import FeatureRows

    frame = pd.DataFrame({"customer_id": ["c3", "c1", "c2"], "n_orders": [2, 5, 1],
                          "last_order_at": pd.to_datetime(["2026-01-02", "2025-05-06", None])})
    expected = {row["customer_id"]: row for row in frame.to_dict("records")}
    monkeypatch.setattr(FeatureRows, "CHUNK", 2)  # items cross a chunk boundary
    rows = FeatureRows(frame.set_index(pd.Index([7, 8, 9])))
    assert dict(rows.items()) == expected and list(rows) == ["c3", "c1", "c2"] and len(rows) == 3
    assert rows["c1"] == expected["c1"]
    with pytest.raises(KeyError):
        rows["c9"]


def test_rows_of_wanted_ids_are_their_first_rows_and_minus_one_for_unknown():
    ids = pd.Series(["C3", "C1", "C2", "C1"], dtype="string[pyarrow]")
    rows = churn_classifier._rows_of(ids, ["C1", "C9", "C3", "C2"])
    assert rows.tolist() == [1, -1, 0, 2]


def test_requested_rows_split_buyers_from_the_others_in_the_order_asked(sample):
    ds, frames, _, model, _ = sample
    every = frames.at(AS_OF)
    bought = every.loc[every["n_orders"] > 0, "customer_id"].tolist()
    never = every.loc[every["n_orders"] == 0, "customer_id"].tolist()
    wanted = [bought[5], never[0], bought[1], never[2]]
    for asked in (wanted, [*wanted, "NO_SUCH_CUSTOMER"]):
        buyers, others = model._requested(ds, AS_OF, asked, frames)
        assert buyers["customer_id"].tolist() == [bought[5], bought[1]]
        assert others["customer_id"].tolist() == [never[0], never[2]]
        assert buyers.columns[0] == "customer_id" and list(buyers.index) == [0, 1]
    expected = model._features_at(ds, AS_OF, wanted, frames).iloc[[0, 2]].reset_index(drop=True)
    pd.testing.assert_frame_equal(model._requested(ds, AS_OF, wanted, frames)[0], expected)
