"""The purchase model chosen per business by holdout (issue 10): which, why, and P(alive) that falls
with the time since the last purchase for one-time buyers too."""

from __future__ import annotations

from datetime import date

import numpy as np

from keepwise.config import load_settings
from keepwise.data import load
from keepwise.data.cdnow import cdnow_folder
from keepwise.models.fitting import transaction_fitter
from keepwise.models.transaction_choice import choose_transaction_model, with_transaction_model

AS_OF = date(1998, 6, 30)


def test_auto_picks_the_candidate_with_the_best_holdout_score_and_says_why():
    ds = load(cdnow_folder(), AS_OF, load_settings(overrides={"general": {"currency": "USD"}}))
    choice = choose_transaction_model(ds, AS_OF)
    assert set(choice.scores) == {"mbgnbd", "pareto-nbd"}
    assert choice.name == min(choice.scores, key=choice.scores.get)
    assert choice.reason.startswith(f"{choice.name}: predicted who bought in the last 180 days best (Brier score")
    assert all(0 < score < 0.25 for score in choice.scores.values())


def test_a_configured_model_is_used_as_set():
    ds = load(cdnow_folder(), AS_OF, load_settings(overrides={"clv": {"transaction_model": "bgnbd"}}))
    choice = choose_transaction_model(ds, AS_OF)
    assert choice.name == "bgnbd" and "set by [clv] transaction_model" in choice.reason
    assert with_transaction_model(ds.settings, "mbgnbd").clv.transaction_model == "mbgnbd"


def test_one_time_buyers_p_alive_falls_with_time_under_the_candidates_not_under_bgnbd():
    # Fitted on the CDNOW 1/10 sample summary, in weeks, as the assessment fits them.
    from keepwise.models.summary import customer_summary

    ds = load(cdnow_folder(), AS_OF)
    summary = customer_summary(ds, AS_OF, "week")
    x, t_x, t = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    ages = np.array([10.0, 30.0, 60.0, 78.0])
    zeros = np.zeros_like(ages)
    for name in ("mbgnbd", "pareto-nbd"):
        p_alive = transaction_fitter(name).fit(x, t_x, t).conditional_probability_alive(zeros, zeros, ages)
        assert np.all(np.diff(p_alive) < 0), name
    bgnbd = transaction_fitter("bgnbd").fit(x, t_x, t).conditional_probability_alive(zeros, zeros, ages)
    assert np.allclose(bgnbd, 1.0)


def test_the_choice_on_compressed_statistics_equals_the_per_customer_fit_and_mean():
    # The engine's (frequency, recency, T, bought) rows with their counts are the customers collapsed:
    # the counts add up to the customers, the weighted fits give the per-customer fits' parameters and
    # the weighted Brier score the per-customer mean.
    from datetime import timedelta

    from keepwise.models.summary import TIME_UNIT_DAYS, rfm_summary, summary_arrays, transaction_statistics

    ds = load(cdnow_folder(), AS_OF)
    config = ds.settings.clv
    calibration_end = AS_OF - timedelta(days=config.holdout_days)
    customers = rfm_summary(ds.table("orders"), calibration_end, config.time_unit, observation_end=AS_OF).to_pandas()
    customers["bought_in_holdout"] = (customers["frequency_holdout"] > 0).astype(int)
    columns = ["frequency", "recency", "T", "bought_in_holdout"]
    statistics = summary_arrays(transaction_statistics(ds.table("orders"), calibration_end, config.time_unit,
                                                      observation_end=AS_OF))
    expected = customers.groupby(columns).size()
    assert len(statistics["n_customers"]) == len(expected) < len(customers)
    assert statistics["n_customers"].sum() == len(customers)
    counted = dict(zip(zip(*(statistics[c] for c in columns), strict=True), statistics["n_customers"], strict=True))
    assert counted == {tuple(float(v) for v in key): n for key, n in expected.items()}

    x, t_x, t = (customers[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    bought = customers["bought_in_holdout"].to_numpy(dtype=float)
    horizon = config.holdout_days / TIME_UNIT_DAYS[config.time_unit]
    choice = choose_transaction_model(ds, AS_OF)
    assert set(choice.scores) == set(config.transaction_candidates)
    for name, score in choice.scores.items():
        per_customer = transaction_fitter(name).fit(x, t_x, t)
        weighted = transaction_fitter(name).fit(statistics["frequency"], statistics["recency"], statistics["T"],
                                                weights=statistics["n_customers"])
        # The optimiser stops within ~1e-8 relative of the optimum: Pareto/NBD's parameters move by that
        # much with the order of the same rows alone (DuckDB returns them in varying order), so the
        # parameters are compared at that precision and the log-likelihood, which is flat there, tighter.
        for key, value in per_customer.params_.items():
            assert np.isclose(weighted.params_[key], value, rtol=1e-6, atol=0), (name, key)
        assert np.isclose(weighted.log_likelihood_, per_customer.log_likelihood_, rtol=1e-10, atol=0), name
        p_buy = np.clip(per_customer.probability_of_purchase_in_next(horizon, x, t_x, t), 0.0, 1.0)
        assert np.isclose(score, np.mean((p_buy - bought) ** 2), rtol=1e-8, atol=0), name
