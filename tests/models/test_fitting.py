"""Gradients, compression, parameter recovery, predictions and robustness of the fitters."""

import numpy as np
import pytest

from keepwise.models import (
    BetaGeoFitter,
    ConvergenceError,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)
from keepwise.models.clv import customer_lifetime_value
from keepwise.models.compressed import DistinctRows, _factorize, compress_columns, per_distinct_row
from keepwise.models.hypergeometric import hyp2f1_unit_a
from keepwise.models.simulate import simulate_bgnbd, simulate_gamma_gamma_spend, simulate_pareto_nbd
from keepwise.models.softplus import softplus_and_sigmoid

TRANSACTION_FITTERS = [BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter]


def _rfm_data(frequency, recency, T, weights=None):
    weights = np.ones(len(frequency)) if weights is None else weights
    return compress_columns({"frequency": np.asarray(frequency, float), "recency": np.asarray(recency, float),
                             "T": np.asarray(T, float)}, weights)


def _numeric_gradient(fitter, params, data):
    gradient = np.empty_like(params)
    for j in range(params.shape[0]):
        step = 1e-6 * params[j]
        up, down = params.copy(), params.copy()
        up[j] += step
        down[j] -= step
        gradient[j] = (fitter._log_likelihood(up, data)[0] - fitter._log_likelihood(down, data)[0]) / (2 * step)
    return gradient


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
@pytest.mark.parametrize("params", [[0.243, 4.4, 0.79, 2.4], [1.5, 0.7, 3.0, 0.6], [0.05, 40.0, 0.2, 30.0],
                                    [0.5, 200.0, 1.2, 2.0]])
def test_analytic_gradient_matches_finite_differences(fitter, params, cdnow_rounded):
    data = _rfm_data(cdnow_rounded["frequency"], cdnow_rounded["recency"], cdnow_rounded["T"])
    params = np.array(params)
    _, analytic = fitter()._log_likelihood(params, data)
    numeric = _numeric_gradient(fitter(), params, data)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("fitter", [BetaGeoFitter, ModifiedBetaGeoFitter])
@pytest.mark.parametrize("params", [[0.243, 4.4, 0.79, 2.4], [1.5, 0.7, 3.0, 0.6], [0.05, 40.0, 0.2, 30.0]])
def test_analytic_hessian_matches_differences_of_the_gradient(fitter, params, cdnow_rounded):
    data = _rfm_data(cdnow_rounded["frequency"], cdnow_rounded["recency"], cdnow_rounded["T"])
    params = np.array(params)
    value, gradient, hessian = fitter()._log_likelihood_hessian(params, data)
    assert (value, list(gradient)) == (fitter()._log_likelihood(params, data)[0],
                                       list(fitter()._log_likelihood(params, data)[1]))
    numeric = np.empty((4, 4))
    for j in range(4):
        step = 1e-6 * params[j]
        up, down = params.copy(), params.copy()
        up[j] += step
        down[j] -= step
        numeric[:, j] = (fitter()._log_likelihood(up, data)[1] - fitter()._log_likelihood(down, data)[1]) / (2 * step)
    np.testing.assert_allclose(hessian, hessian.T)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-2)


def test_newton_polish_and_analytic_standard_errors_agree_with_the_general_route():
    """BG/NBD on data big enough to be screened on a subsample ends with Newton steps and takes its
    standard errors from the analytic Hessian; the general route (L-BFGS-B polish, differenced
    gradient) must land on the same estimates and errors."""
    truth = {"r": 0.5, "alpha": 30.0, "a": 0.8, "b": 3.0}
    rng = np.random.default_rng(41)
    sim = simulate_bgnbd(120_000, rng.integers(30, 730, 120_000).astype(float), **truth, seed=42)
    newton = BetaGeoFitter().fit(sim.frequency, sim.recency, sim.T)
    assert newton.convergence_["message"].startswith("Newton")
    assert newton.n_distinct_ > 40_000

    class GeneralRoute(BetaGeoFitter):
        analytic_hessian = False
        newton_finish = True

    general = GeneralRoute().fit(sim.frequency, sim.recency, sim.T)
    assert not general.convergence_["message"].startswith("Newton")
    assert newton.log_likelihood_ >= general.log_likelihood_ - 1e-6
    # The general route ends with a Newton step on the differenced Hessian: at the maximum itself.
    assert general.convergence_["gradient_norm_per_customer"] < 1e-12
    for name, value in general.params_.items():
        assert newton.params_[name] == pytest.approx(value, rel=1e-9)
        assert newton.standard_errors_[name] == pytest.approx(general.standard_errors_[name], rel=1e-3)

    class PlainRoute(GeneralRoute):
        newton_finish = False  # the Gamma-Gamma's route: L-BFGS-B to the end

    plain = PlainRoute().fit(sim.frequency, sim.recency, sim.T)
    for name, value in general.params_.items():
        assert plain.params_[name] == pytest.approx(value, rel=1e-6)


def test_newton_gives_way_to_l_bfgs_when_the_hessian_is_not_negative_definite(cdnow_rounded, monkeypatch):
    x, t_x, t_cal = cdnow_rounded["frequency"], cdnow_rounded["recency"], cdnow_rounded["T"]
    reference = BetaGeoFitter().fit(x, t_x, t_cal)
    data = _rfm_data(x, t_x, t_cal)
    theta = np.log(np.array(list(reference.params_.values())) * 1.05)
    fitter = BetaGeoFitter()
    assert fitter._newton(theta, data) is not None
    true_evaluate = BetaGeoFitter._log_likelihood_hessian

    def convex_hessian(self, params, data):
        value, gradient, hessian = true_evaluate(self, params, data)
        return value, gradient, -hessian

    monkeypatch.setattr(BetaGeoFitter, "_log_likelihood_hessian", convex_hessian)
    assert fitter._newton(theta, data) is None
    monkeypatch.undo()
    monkeypatch.setattr(BetaGeoFitter, "_newton", lambda self, log_start, data: None)
    fallback = BetaGeoFitter().fit(x, t_x, t_cal)
    assert not fallback.convergence_["message"].startswith("Newton")
    for name, value in reference.params_.items():
        assert fallback.params_[name] == pytest.approx(value, rel=1e-5)
        assert fallback.standard_errors_[name] == pytest.approx(reference.standard_errors_[name], rel=1e-4)


def test_softplus_and_sigmoid_match_the_reference_functions():
    from scipy.special import expit

    rng = np.random.default_rng(5)
    u = np.concatenate([rng.normal(0, 5, 10_000), [0.0, -0.0, 1e-300, -1e-300, 35.99, 36.0, 36.01, 50.0, 709.0,
                                                    710.0, 1e5, -36.0, -50.0, -745.0, -746.0, -1e5]])
    softplus, sigmoid = softplus_and_sigmoid(u)
    np.testing.assert_allclose(softplus, np.logaddexp(0.0, u), rtol=1e-15, atol=4e-15)
    np.testing.assert_allclose(sigmoid, expit(u), rtol=1e-15, atol=1e-300)
    buffers = [np.empty_like(u) for _ in range(3)]
    again = softplus_and_sigmoid(u, buffers)
    assert again[0] is buffers[2] and again[1] is buffers[1]
    np.testing.assert_array_equal(again[0], softplus)


@pytest.mark.parametrize("values", [
    np.array([3.0, 1.0, 3.0, 0.0, 730.0]),  # whole numbers in a compact range: the lookup route
    np.arange(1000, dtype=float)[::-1] / 7.0,  # weeks: fractions, the hashing route
    np.array([-5.0, 2.0, -5.0]),
    np.array([0.0, 1e9]),  # whole but spread out: hashing
    np.array([7.0]),
])
def test_factorize_gives_sorted_distinct_values_and_codes(values):
    distinct, codes = _factorize(values)
    np.testing.assert_array_equal(distinct, np.unique(values))
    np.testing.assert_array_equal(distinct[codes], values)
    assert codes.dtype == np.int64


@pytest.mark.parametrize("params", [[6.25, 3.74, 15.4], [1.0, 1.5, 3.0], [20.0, 10.0, 100.0]])
def test_gamma_gamma_gradient(params, cdnow_rounded):
    repeat = cdnow_rounded["frequency"] > 0
    data = compress_columns({"frequency": cdnow_rounded["frequency"][repeat],
                             "monetary_value": cdnow_rounded["monetary_value"][repeat]}, np.ones(int(repeat.sum())))
    params = np.array(params)
    _, analytic = GammaGammaFitter()._log_likelihood(params, data)
    np.testing.assert_allclose(analytic, _numeric_gradient(GammaGammaFitter(), params, data), rtol=1e-5, atol=1e-3)


def test_series_hypergeometric_matches_scipy():
    from scipy.special import hyp2f1

    rng = np.random.default_rng(3)
    b = np.exp(rng.uniform(-3, 8, 500))
    c = b + np.exp(rng.uniform(-3, 2, 500)) + 1
    z = rng.uniform(0, 0.999, 500)
    np.testing.assert_allclose(hyp2f1_unit_a(b, c, z), hyp2f1(1.0, b, c, z), rtol=1e-10)


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_compressed_and_weighted_fits_agree(fitter, cdnow_rounded):
    x, t_x, t_cal = cdnow_rounded["frequency"], cdnow_rounded["recency"], cdnow_rounded["T"]
    plain = fitter().fit(x, t_x, t_cal)
    data = _rfm_data(x, t_x, t_cal)
    assert data.n_rows < len(x) and data.weights.sum() == len(x)
    weighted = fitter().fit(data.columns["frequency"], data.columns["recency"], data.columns["T"],
                            weights=data.weights)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, abs=1e-6)
    for name, value in plain.params_.items():
        assert weighted.params_[name] == pytest.approx(value, rel=1e-5)
    # Evaluated directly, the uncompressed log-likelihood equals the compressed one.
    rows = compress_columns({"frequency": x, "recency": t_x, "T": t_cal}, np.ones(len(x)))
    params = np.array(list(plain.params_.values()))
    singles = [fitter()._log_likelihood(params, _rfm_data(x[i:i + 1], t_x[i:i + 1], t_cal[i:i + 1]))[0]
               for i in range(0, len(x), 7)]
    assert np.all(np.isfinite(singles))
    assert fitter()._log_likelihood(params, rows)[0] == pytest.approx(plain.log_likelihood_, abs=1e-6)


def _within_three_se(model, truth):
    for name, value in truth.items():
        se = model.standard_errors_[name]
        assert np.isfinite(se) and se > 0, name
        assert abs(model.params_[name] - value) <= 3 * se, (name, model.params_[name], value, se)


def test_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 30.0, "a": 0.8, "b": 3.0}
    rng = np.random.default_rng(11)
    sim = simulate_bgnbd(20_000, rng.integers(30, 365, 20_000).astype(float), **truth, seed=12)
    _within_three_se(BetaGeoFitter().fit(sim.frequency, sim.recency, sim.T), truth)


def test_pareto_nbd_recovers_simulated_parameters():
    truth = {"r": 0.6, "alpha": 40.0, "s": 0.8, "beta": 90.0}
    rng = np.random.default_rng(21)
    sim = simulate_pareto_nbd(20_000, rng.integers(30, 365, 20_000).astype(float), **truth, seed=22)
    _within_three_se(ParetoNBDFitter().fit(sim.frequency, sim.recency, sim.T), truth)


def test_gamma_gamma_recovers_simulated_parameters():
    truth = {"p": 4.0, "q": 3.0, "v": 20.0}
    frequency = np.random.default_rng(31).integers(1, 10, 5_000).astype(float)
    spend = simulate_gamma_gamma_spend(frequency, **truth, seed=32)
    _within_three_se(GammaGammaFitter().fit(frequency, spend), truth)


def test_simulated_transaction_log_matches_summary():
    sim = simulate_pareto_nbd(2_000, 100.0, 1.0, 10.0, 1.0, 50.0, seed=5, transactions=True)
    counts = np.bincount(sim.log_customer, minlength=2_000)
    assert np.array_equal(counts, sim.frequency)
    assert np.all(sim.log_time <= 100.0)
    last = np.zeros(2_000)
    np.maximum.at(last, sim.log_customer, sim.log_time)
    np.testing.assert_allclose(last, sim.recency)
    bg = simulate_bgnbd(2_000, 100.0, 1.0, 10.0, 0.5, 2.0, seed=6, transactions=True)
    assert np.array_equal(np.bincount(bg.log_customer, minlength=2_000), bg.frequency)


@pytest.fixture(scope="module")
def fitted_models(cdnow_rounded):
    d = cdnow_rounded
    return {cls.__name__: cls().fit(d["frequency"], d["recency"], d["T"]) for cls in TRANSACTION_FITTERS}


@pytest.mark.parametrize("name", ["BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter"])
def test_predictions_are_sane(name, fitted_models):
    model = fitted_models[name]
    x = np.array([0, 0, 1, 2, 5, 5, 5000, 30])
    t_x = np.array([0, 0, 5, 30.4, 38, 2, 38.8, 1e-9])
    T = np.array([38.86, 0, 38.86, 38.86, 38.86, 38.86, 38.86, 38.86])
    alive = model.conditional_probability_alive(x, t_x, T)
    expected = model.conditional_expected_number_of_purchases_up_to_time(10.0, x, t_x, T)
    purchase = model.probability_of_purchase_in_next(10.0, x, t_x, T)
    for values in (alive, expected, purchase):
        assert np.all(np.isfinite(values))
    assert np.all((alive >= 0) & (alive <= 1)) and np.all((purchase >= 0) & (purchase <= 1))
    assert alive[4] > alive[5]  # a recent last purchase means more likely alive
    assert expected[6] > expected[4] > 0  # heavy buyers are expected to buy more
    assert np.all(purchase <= alive + 1e-12)
    # Longer horizons: more purchases and a higher chance of at least one.
    later = model.conditional_expected_number_of_purchases_up_to_time(20.0, x, t_x, T)
    assert np.all(later >= expected)
    assert np.all(model.probability_of_purchase_in_next(20.0, x, t_x, T) >= purchase - 1e-12)
    curve = model.expected_number_of_purchases_up_to_time(np.array([0.0, 1.0, 10.0, 100.0]))
    assert curve[0] == 0 and np.all(np.diff(curve) > 0)


def test_per_distinct_row_gives_every_row_its_own_value():
    calls = []

    def function(x, t):
        calls.append(x.shape[0])
        return x * 10.0 + t

    x = np.array([1.0, 2.0, 1.0, 2.0, 3.0, 1.0])
    t = np.array([0.5, 0.5, 0.5, 0.25, 0.5, 0.5])
    np.testing.assert_array_equal(per_distinct_row(function, {"x": x, "t": t}), x * 10.0 + t)
    assert calls == [4]  # (1, .5), (2, .5), (2, .25), (3, .5)
    with_nan = np.array([1.0, np.nan, 1.0])  # NaN has no distinct row: evaluated as given
    np.testing.assert_array_equal(per_distinct_row(function, {"x": with_nan, "t": np.zeros(3)}), with_nan * 10.0)
    assert per_distinct_row(function, {"x": np.zeros(0), "t": np.zeros(0)}).shape == (0,)


@pytest.mark.parametrize("name", ["BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter"])
def test_expected_purchases_up_to_times_are_those_up_to_each_time(name, cdnow_rounded, fitted_models):
    """At several horizons at once (P(alive) and the distinct rows found once): bit for bit what each
    horizon gives alone, on CDNOW's customers and on rows with a value that is not finite."""
    model = fitted_models[name]
    d = cdnow_rounded
    times = [4.35 * period for period in range(1, 13)] + [0.0, 1e-9, 520.0]
    for x, t_x, T in [(d["frequency"], d["recency"], d["T"]),
                      (np.array([0.0, 2.0, np.nan, 2.0]), np.array([0.0, 30.0, 1.0, 30.0]),
                       np.array([38.0, 38.0, 38.0, np.inf]))]:
        together = list(model.conditional_expected_number_of_purchases_up_to_times(times, x, t_x, T))
        assert len(together) == len(times)
        for t, values in zip(times, together, strict=True):
            alone = model.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T)
            np.testing.assert_array_equal(values, alone)
    assert list(model.conditional_expected_number_of_purchases_up_to_times([], d["frequency"], d["recency"], d["T"])) == []


def test_distinct_rows_serve_several_functions():
    rows = DistinctRows({"x": np.array([1.0, 2.0, 1.0, 2.0]), "t": np.array([0.5, 0.5, 0.5, 0.25])})
    assert rows.columns["x"].shape == (3,)
    calls = []

    def function(x, t):
        calls.append(x.shape[0])
        return x + t

    np.testing.assert_array_equal(rows.spread(function), [1.5, 2.5, 1.5, 2.25])
    np.testing.assert_array_equal(rows.spread(lambda x, t: x * t), [0.5, 1.0, 0.5, 0.5])
    assert calls == [3]


@pytest.mark.parametrize("name", ["BetaGeoFitter", "ModifiedBetaGeoFitter"])
def test_bgnbd_expected_purchases_are_each_customers_own(name, fitted_models):
    """Customers sharing (x, T) or (x, t_x, T) get exactly what each would get alone, for one t or a t each."""
    model = fitted_models[name]
    x = np.array([0.0, 2.0, 2.0, 2.0, 7.0, 0.0])
    t_x = np.array([0.0, 30.0, 30.0, 12.0, 35.5, 0.0])
    T = np.array([38.86, 38.86, 38.86, 38.86, 38.86, 20.0])
    t = np.array([10.0, 10.0, 5.0, 10.0, 10.0, 10.0])
    for horizon in (10.0, t):
        together = model.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)
        alone = [model.conditional_expected_number_of_purchases_up_to_time(np.broadcast_to(horizon, 6)[i], x[i],
                                                                           t_x[i], T[i]) for i in range(6)]
        np.testing.assert_array_equal(together, np.array(alone))
    assert model.conditional_expected_number_of_purchases_up_to_time(10.0, 2.0, 30.0, 38.86).shape == ()


@pytest.mark.parametrize("name", ["BetaGeoFitter", "ParetoNBDFitter"])
def test_probability_of_purchase_matches_monte_carlo(name, fitted_models):
    """Closed forms of P(≥1 purchase in (T, T+t] | x, t_x, T) vs simulation from the posterior, by
    rejection: simulate customers with the fitted parameters and keep those with the given history."""
    model = fitted_models[name]
    params = model.params_
    simulate = simulate_bgnbd if name == "BetaGeoFitter" else simulate_pareto_nbd
    rng = np.random.default_rng(7)
    n = 400_000
    sim = simulate(n, 40.0, **params, seed=8, transactions=True)
    # History over the first 20 weeks; rounding t_x to a 2-week bin keeps the rejection step cheap.
    in_calibration = sim.log_time <= 20.0
    x = np.bincount(sim.log_customer[in_calibration], minlength=n)
    last = np.zeros(n)
    np.maximum.at(last, sim.log_customer[in_calibration], sim.log_time[in_calibration])
    later = np.bincount(sim.log_customer[(sim.log_time > 20.0) & (sim.log_time <= 30.0)], minlength=n) > 0
    for x_value, lo, hi in [(0, 0.0, 0.0), (1, 2.0, 4.0), (2, 16.0, 18.0)]:
        keep = (x == x_value) & (last >= lo) & (last <= hi)
        predicted = model.probability_of_purchase_in_next(10.0, np.full(keep.sum(), x_value), last[keep], 20.0).mean()
        observed = later[keep].mean()
        tolerance = 4 * np.sqrt(observed * (1 - observed) / keep.sum()) + 0.01
        assert abs(predicted - observed) < tolerance, (x_value, predicted, observed, keep.sum())
    del rng


# -- robustness ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_heavy_buyers_zero_frequency_and_zero_T(fitter, cdnow_rounded):
    d = cdnow_rounded
    x = np.concatenate([d["frequency"], [5000, 0, 0, 3000]])
    t_x = np.concatenate([d["recency"], [38.5, 0, 0, 20.0]])
    T = np.concatenate([d["T"], [38.86, 0, 0, 38.0]])
    model = fitter().fit(x, t_x, T)
    assert np.all(np.isfinite(list(model.params_.values())))
    assert np.isfinite(model.log_likelihood_)
    assert np.all(np.isfinite(model.conditional_probability_alive(x, t_x, T)))
    assert np.all(np.isfinite(model.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T)))
    # T = 0 rows carry no information: adding them leaves the fit unchanged.
    base = fitter().fit(d["frequency"], d["recency"], d["T"])
    with_zero = fitter().fit(np.append(d["frequency"], [0, 0]), np.append(d["recency"], [0, 0]),
                             np.append(d["T"], [0, 0]))
    for name, value in base.params_.items():
        assert with_zero.params_[name] == pytest.approx(value, rel=1e-5)


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_all_one_time_buyers_raise_a_clear_error(fitter):
    with pytest.raises(ConvergenceError, match="no customer made a repeat purchase"):
        fitter().fit(np.zeros(100), np.zeros(100), np.linspace(1, 50, 100))


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_only_T_zero_customers_raise(fitter):
    with pytest.raises(ConvergenceError, match="T = 0"):
        fitter().fit([0, 0], [0, 0], [0, 0])


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_single_customer_gives_a_clear_error_not_nan(fitter):
    with pytest.raises(ConvergenceError, match="cannot identify|boundary|gradient"):
        fitter().fit([3], [20.0], [30.0])


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError, match="recency must not exceed T"):
        BetaGeoFitter().fit([1], [40.0], [30.0])
    with pytest.raises(ValueError, match="whole numbers"):
        BetaGeoFitter().fit([1.5], [1.0], [30.0])
    with pytest.raises(ValueError, match="NaN"):
        BetaGeoFitter().fit([1], [np.nan], [30.0])
    with pytest.raises(ValueError, match="differ in length"):
        BetaGeoFitter().fit([1, 2], [1.0], [30.0])
    with pytest.raises(ValueError, match="not fitted"):
        BetaGeoFitter().conditional_probability_alive(1, 1, 2)
    with pytest.raises(ConvergenceError, match="no customer with frequency > 0"):
        GammaGammaFitter().fit([0, 0], [0, 0])


def test_customer_lifetime_value(cdnow_rounded, fitted_models):
    d = cdnow_rounded
    spend_model = GammaGammaFitter().fit(d["frequency"], d["monetary_value"])
    spend = spend_model.conditional_expected_average_profit(d["frequency"], d["monetary_value"])
    model = fitted_models["BetaGeoFitter"]
    args = (model, spend, d["frequency"], d["recency"], d["T"])
    # Weeks as the model unit, monthly periods.
    clv = customer_lifetime_value(*args, periods=12, discount_rate=0.01, period_length=4.35)
    assert np.all(np.isfinite(clv)) and np.all(clv >= 0)
    undiscounted = customer_lifetime_value(*args, periods=12, discount_rate=0.0, period_length=4.35)
    expected = model.conditional_expected_number_of_purchases_up_to_time(12 * 4.35, d["frequency"], d["recency"], d["T"])
    np.testing.assert_allclose(undiscounted, spend * expected)
    assert np.all(clv <= undiscounted + 1e-9)
    # One period: the purchases of that period discounted once.
    one = customer_lifetime_value(*args, periods=1, discount_rate=0.01, period_length=4.35)
    first = model.conditional_expected_number_of_purchases_up_to_time(4.35, d["frequency"], d["recency"], d["T"])
    np.testing.assert_allclose(one, spend * first / 1.01)
    half = customer_lifetime_value(*args, periods=12, discount_rate=0.01, period_length=4.35, margin=0.5)
    np.testing.assert_allclose(half, 0.5 * clv)
    population_mean = spend_model.params_["p"] * spend_model.params_["v"] / (spend_model.params_["q"] - 1)
    assert spend_model.conditional_expected_average_profit(0, 0) == pytest.approx(population_mean)
    with pytest.raises(ValueError, match="at least one"):
        customer_lifetime_value(*args, periods=0, discount_rate=0.01, period_length=4.35)


def test_every_transaction_model_setting_has_a_fitter():
    from typing import get_args

    from keepwise.config import TransactionModel
    from keepwise.models.fitting import TRANSACTION_MODELS, transaction_fitter

    assert tuple(TRANSACTION_MODELS) == get_args(TransactionModel)
    assert isinstance(transaction_fitter("mbgnbd"), ModifiedBetaGeoFitter)
    with pytest.raises(ValueError, match="unknown transaction model 'bg-nbd'"):
        transaction_fitter("bg-nbd")


def _pure_nbd(n, seed, r=0.8, alpha=10.0):
    """Poisson purchasing with gamma-distributed rates and no dropout at all."""
    rng = np.random.default_rng(seed)
    t_cal = rng.uniform(20.0, 80.0, n)
    frequency = rng.poisson(rng.gamma(r, 1.0 / alpha, n) * t_cal).astype(float)
    recency = np.where(frequency > 0, t_cal * rng.beta(np.maximum(frequency, 1.0), 1.0), 0.0)
    return frequency, recency, t_cal


@pytest.mark.parametrize("fitter", TRANSACTION_FITTERS)
def test_data_without_dropout_raise_quickly(fitter):
    # The likelihood's supremum is in the no-dropout limit (s/beta → 0, resp. p → 0): the fit must
    # stop there with a clear error instead of crawling along the ridge for minutes.
    frequency, recency, t_cal = _pure_nbd(5_000, 2)
    with pytest.raises(ConvergenceError, match="no interior maximum.*(dropout|s and beta)"):
        fitter().fit(frequency, recency, t_cal)


def test_pareto_nbd_homogeneous_dropout_limit_raises():
    # Here the supremum is where s and beta grow together (one common, tiny dropout rate).
    frequency, recency, t_cal = _pure_nbd(2_000, 1)
    with pytest.raises(ConvergenceError, match="s and beta run off to infinity together"):
        ParetoNBDFitter().fit(frequency, recency, t_cal)


def test_hypergeometric_series_by_table_matches_the_term_by_term_sum():
    """Few distinct (b, c) and z, as in the Pareto/NBD likelihood (one per purchase count, one per
    time): summed as a table; the same values and derivatives as term by term, to rounding."""
    from keepwise.models.hypergeometric import _hyp2f1_unit_a_series, _series_by_loop, _series_by_table

    rng = np.random.default_rng(8)
    x = rng.integers(0, 60, 20_000).astype(float)
    t = rng.integers(0, 900, 20_000) / 7.0
    for r, s, spread in ((2.9, 0.035, 15.3), (0.004, 1.7, 3.9), (30.0, 0.5, 0.2)):
        b, c, z = r + x, r + s + x + 1.0, np.minimum(spread / (spread + 1.4 + t), 0.9)
        for derivatives in (False, True):
            out = np.empty((4 if derivatives else 1, x.shape[0]))
            assert not np.any(_series_by_table(b, c, z, derivatives, out))
            by_table = _hyp2f1_unit_a_series(b, c, z, derivatives)
            by_loop = _series_by_loop(b, c, z, derivatives)
            for got, want in zip(*((v,) if not derivatives else v for v in (by_table, by_loop)), strict=True):
                np.testing.assert_allclose(got, want, rtol=1e-13)
    # All distinct: the table would be too large, every element is summed term by term.
    b = np.exp(rng.uniform(-3, 5, 2_000))
    out = np.empty((1, 2_000))
    assert np.all(_series_by_table(b, b + 1.5, rng.uniform(0, 0.9, 2_000), False, out))


def test_hypergeometric_quadrature_near_one_matches_series():
    from keepwise.models.hypergeometric import _hyp2f1_unit_a_series

    rng = np.random.default_rng(5)
    b = np.exp(rng.uniform(-2, 7, 300))
    c = np.maximum(b + np.exp(rng.uniform(-2, 4, 300)), 1.05)
    one_minus_z = np.exp(rng.uniform(np.log(5e-4), np.log(0.1), 300))
    fast = hyp2f1_unit_a(b, c, 1.0 - one_minus_z, derivatives=True, one_minus_z=one_minus_z)
    exact = _hyp2f1_unit_a_series(b, c, 1.0 - one_minus_z, derivatives=True)
    for got, want in zip(fast, exact, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-8)
