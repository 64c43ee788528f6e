"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the Fader-Hardie formulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from keepwise.models.base import TransactionModelFitter
from keepwise.models.compressed import CompressedData, compress_columns
from keepwise.models.hypergeometric import hyp2f1_unit_a
from keepwise.models.softplus import softplus_and_sigmoid

__all__ = ["ParetoNBDFitter"]

# Expected share of customers dying within the longest T below which a fit counts as "no dropout".
_NO_DROPOUT_SHARE = 1e-3


class ParetoNBDFitter(TransactionModelFitter):
    r"""Pareto/NBD: exponential lifetimes with gamma-heterogeneous dropout, NBD purchasing.

    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987), "Counting Your Customers: Who Are They
    and What Will They Do Next?", *Management Science* 33(1), 1-24; likelihood as in Fader, P. S. &
    Hardie, B. G. S. (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
    (brucehardie.com/notes/009) and Fader, Hardie & Lee (2005, *Marketing Science*, eq. A1).

    While alive, purchases follow a Poisson process with rate λ ~ Gamma(r, α); the lifetime is
    exponential with rate μ ~ Gamma(s, β). For x repeat purchases, the last at t_x, and length T:

    .. math::

        L = \frac{Γ(r+x) α^r β^s}{Γ(r)} \Big[ \frac{1}{(α+T)^{r+x} (β+T)^s}
            + \frac{s}{r+s+x} \big(H(t_x) − H(T)\big) \Big]

    where (r+s+x)·H(t)/s·… is the dropout integral ∫_t^∞ s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, which the
    note writes with ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^{r+s+x} for α ≥ β and
    ₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^{r+s+x} for α < β. Those ₂F₁ grow without bound
    as z → 1 (c − a − b < 0); Euler's transformation ₂F₁(a, b; c; z) = (1−z)^{c−a−b} ₂F₁(c−a, c−b; c; z)
    turns them into bounded series with first parameter 1:

    * α ≥ β: H(t) = ₂F₁(1, r+x; r+s+x+1; z) (α+t)^{−(r+x)} (β+t)^{−s},  z = (α−β)/(α+t)
    * α < β: H(t) = ₂F₁(1, s+1; r+s+x+1; z) (α+t)^{−(r+x−1)} (β+t)^{−(s+1)},  z = (β−α)/(β+t)

    summed by :func:`hyp2f1_unit_a` (terms positive, all ≤ 1). Everything is combined in log space:
    ``ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + logaddexp(ℓ_alive, ℓ_dead)`` with
    ``ℓ_dead = ln s − ln(r+s+x) + ln H(t_x) + ln(−expm1(ln H(T) − ln H(t_x)))``. The series is evaluated
    once per distinct (x, t) pair, the gamma-function terms once per distinct x; the gradient is
    analytic (the series carries its own derivatives).

    Predictions (Fader & Hardie 2005 note, eqs. 11 and 22; Schmittlein et al. 1987):

    * P(alive | x, t_x, T) = e^{ℓ_alive} / (e^{ℓ_alive} + e^{ℓ_dead})
    * E[Y(t) | x, t_x, T] = P(alive) (r+x)(β+T) / ((α+T)(s−1)) [1 − ((β+T)/(β+T+t))^{s−1}]
    * P(at least one purchase in (T, T+t] | x, t_x, T): an alive customer with rates λ, μ buys before
      dying and before T+t with probability λ/(λ+μ) (1 − e^{−(λ+μ)t}); under the alive-branch posterior
      λ ~ Gamma(r+x, A=α+T) and μ ~ Gamma(s, B=β+T) are independent, so the closed form is
      P(alive) [E(A, B) − (A/(A+t))^{r+x} (B/(B+t))^s E(A+t, B+t)] with
      E(A, B) = E[λ/(λ+μ)] = (B/A) k/(k+s) ₂F₁(1, k+1; k+s+1; 1−B/A) for A ≥ B and
      k/(k+s) ₂F₁(1, s; k+s+1; 1−A/B) for A < B (k = r+x; Euler integral of the beta distribution of
      λA/(λA+μB), with Pfaff's transformation for A < B).
    """

    param_names = ("r", "alpha", "s", "beta")
    newton_finish = True
    # e^±12 ≈ 6e-6 .. 1.6e5 still covers every sensible value in days or weeks, and keeps a runaway
    # towards the boundary short.
    log_bound = 12.0
    # s beyond which the dropout rates μ ~ Gamma(s, β) are practically homogeneous (coefficient of
    # variation 1/√s < 5%): from here on the fit checks whether s and β are running off together.
    _RUNAWAY_LOG_S = 6.0
    # Step of ln s and ln β along the ray (s, β) → (s, β)·e^step used by that check.
    _RUNAWAY_STEP = 2.0

    def _dropout_start_pairs(self, mean_T):
        # s and beta: mean lifetime beta/(s-1) around a few multiples of the typical observation span.
        return [(1.0, mean_T), (0.5, 0.5 * mean_T), (2.0, 2.0 * mean_T)]

    def _runaway(self, log_params, data: CompressedData):
        """Boundaries of the dropout distribution μ ~ Gamma(s, β) where the likelihood has its
        supremum without attaining it:

        * s, β → ∞ with s/β fixed: μ becomes a point mass (every customer has the same dropout rate);
        * s/β → 0 (β → ∞ or s → 0): practically nobody drops out within the observation period.

        Checked once the iterate is in such a regime (s > e^6, i.e. a coefficient of variation of μ
        below 5%, or an expected share dying within the longest T below 0.1%, or s or β near the edge
        of the box): when ln L is higher still a factor e² further towards the limit, the fit stops."""
        log_s, log_beta = log_params[2], log_params[3]
        r, alpha, s, beta = np.exp(log_params)
        t_max = float(np.max(data.values["T"]))
        dying = -np.expm1(-s * np.log1p(t_max / beta))
        near_edge = max(abs(log_s), abs(log_beta)) >= self.log_bound - 1.0
        if log_s < self._RUNAWAY_LOG_S and dying >= _NO_DROPOUT_SHARE and not near_edge:
            return None
        with np.errstate(all="ignore"):
            here = self._log_likelihood(np.exp(log_params), data)[0]
        if not np.isfinite(here):
            return None
        for direction in ((0.0, 0.0, 1.0, 1.0), (0.0, 0.0, 0.0, 1.0), (0.0, 0.0, -1.0, 0.0)):
            farther = log_params + self._RUNAWAY_STEP * np.asarray(direction)
            with np.errstate(all="ignore"):
                there = self._log_likelihood(np.exp(farther), data)[0]
            if np.isfinite(there) and there >= here - 1e-9 * abs(here):
                break
        else:
            return None
        name = type(self).__name__
        state = (f"r={r:.3g}, alpha={alpha:.3g}, s={s:.3g}, beta={beta:.3g}; the model expects "
                 f"{dying:.2%} of the customers to drop out within the longest observation span "
                 f"T={t_max:.3g}; 1/(mean dropout rate) = beta/s = {beta / s:.3g}")
        if dying < _NO_DROPOUT_SHARE or direction != (0.0, 0.0, 1.0, 1.0):
            return (f"{name}: the likelihood has no interior maximum (a boundary solution); the dropout "
                    f"parameters run off towards no dropout at all (s/beta → 0: {state}). The data ({data.n_customers:g} "
                    "customers) show no sign of customers dropping out, so they cannot identify s "
                    "and beta. Use a longer calibration period, or a model of purchasing only.")
        return (f"{name}: the likelihood has no interior maximum (a boundary solution); s and beta run "
                f"off to infinity together with s/beta, the mean dropout rate, settling at {s / beta:.3g} per time "
                f"unit ({state}). In that limit every customer has the same dropout rate, so the "
                f"data ({data.n_customers:g} customers) cannot identify the dropout distribution: "
                "they show too little dropout, or too little variation in it. Use a longer "
                "calibration period, or the BG/NBD.")

    # -- the dropout integral H ------------------------------------------------------------------
    @staticmethod
    def _log_h(params, x, t, derivatives: bool):
        """ln H(t) for arrays x, t (see class docstring) and optionally its gradient (4 columns)."""
        r, alpha, s, beta = params
        c = r + s + x + 1.0
        if alpha >= beta:
            b_series = r + x
            z = (alpha - beta) / (alpha + t)
            one_minus_z = (beta + t) / (alpha + t)
            exp_alpha, exp_beta = r + x, s
        else:
            b_series = s + 1.0 + 0.0 * x
            z = (beta - alpha) / (beta + t)
            one_minus_z = (alpha + t) / (beta + t)
            exp_alpha, exp_beta = r + x - 1.0, s + 1.0
        log_alpha_t = np.log(alpha + t)
        log_beta_t = np.log(beta + t)
        if not derivatives:
            series = hyp2f1_unit_a(b_series, c, z, one_minus_z=one_minus_z)
            return np.log(series) - exp_alpha * log_alpha_t - exp_beta * log_beta_t, None
        series, d_b, d_c, d_z = hyp2f1_unit_a(b_series, c, z, derivatives=True, one_minus_z=one_minus_z)
        log_h = np.log(series) - exp_alpha * log_alpha_t - exp_beta * log_beta_t
        g_b, g_c, g_z = d_b / series, d_c / series, d_z / series
        if alpha >= beta:
            dz_alpha = (beta + t) / (alpha + t) ** 2
            dz_beta = -1.0 / (alpha + t)
            d_r = g_b + g_c - log_alpha_t
            d_s = g_c - log_beta_t
        else:
            dz_alpha = -1.0 / (beta + t)
            dz_beta = (alpha + t) / (beta + t) ** 2
            d_r = g_c - log_alpha_t
            d_s = g_b + g_c - log_beta_t
        d_alpha = g_z * dz_alpha - exp_alpha / (alpha + t)
        d_beta = g_z * dz_beta - exp_beta / (beta + t)
        return log_h, np.column_stack([d_r, d_alpha, d_s, d_beta])

    @staticmethod
    def _pairs(data: CompressedData):
        if "pareto_pairs" not in data.extras:
            data.extras["pareto_pairs"] = _distinct_pairs(data)
        return data.extras["pareto_pairs"]

    def _log_branches(self, params, data: CompressedData):
        """Per-row ℓ_alive and ℓ_dead (without the common factor Γ(r+x)α^r β^s/Γ(r))."""
        r, alpha, s, beta = params
        x = data.columns["frequency"]
        pair_x, pair_t, index_tx, index_T = self._pairs(data)
        log_h, _ = self._log_h(params, pair_x, pair_t, derivatives=False)
        log_h_tx, log_h_T = log_h[index_tx], log_h[index_T]
        alive = -(r + x) * np.log(alpha + data.columns["T"]) - s * np.log(beta + data.columns["T"])
        gap = np.minimum(log_h_T - log_h_tx, 0.0)
        with np.errstate(divide="ignore"):
            dead = np.log(s) - np.log(r + s + x) + log_h_tx + np.log(-np.expm1(gap))
        return alive, dead

    def _log_likelihood(self, params, data: CompressedData):
        r, alpha, s, beta = params
        cache = _pareto_cache(data)
        pair_x, pair_t, index_tx, index_T = self._pairs(data)
        xv, w_x, sum_w = data.values["frequency"], cache["w_x"], cache["sum_w"]
        tv, w_T, wx_T = data.values["T"], cache["w_T"], cache["wx_T"]
        w = data.weights

        # ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + ℓ_alive + softplus(ℓ_dead − ℓ_alive). The alive
        # branch −(r+x) ln(α+T) − s ln(β+T) is summed over distinct T.
        log_alpha_tv, log_beta_tv = np.log(alpha + tv), np.log(beta + tv)
        total = (np.dot(w_x, gammaln(r + xv)) + sum_w * (r * np.log(alpha) + s * np.log(beta) - gammaln(r))
                 - np.dot(r * w_T + wx_T, log_alpha_tv) - s * np.dot(w_T, log_beta_tv))
        gradient = np.array([
            np.dot(w_x, digamma(r + xv)) + sum_w * (np.log(alpha) - digamma(r)) - np.dot(w_T, log_alpha_tv),
            sum_w * r / alpha - np.dot(r * w_T + wx_T, 1.0 / (alpha + tv)),
            sum_w * np.log(beta) - np.dot(w_T, log_beta_tv),
            sum_w * s / beta - s * np.dot(w_T, 1.0 / (beta + tv)),
        ])

        # Per distinct (x, t) pair: ln H(t) and, for t used as T, c = ln s − ln(r+s+x) − (ℓ_alive − ln H(T)),
        # so that per row ℓ_dead − ℓ_alive = c[T-pair] + d + ln(1 − e^{−d}) with d = ln H(t_x) − ln H(T) ≥ 0.
        log_h, grad_h = self._log_h(params, pair_x, pair_t, derivatives=True)
        log_alpha_pt, log_beta_pt = np.log(alpha + pair_t), np.log(beta + pair_t)
        inv_rsx = 1.0 / (r + s + pair_x)
        alive_pair = -(r + pair_x) * log_alpha_pt - s * log_beta_pt
        c_pair = np.log(s) - np.log(r + s + pair_x) - alive_pair + log_h
        grad_c = grad_h + np.column_stack([log_alpha_pt - inv_rsx, (r + pair_x) / (alpha + pair_t),
                                           log_beta_pt + 1.0 / s - inv_rsx, s / (beta + pair_t)])

        d = np.maximum(log_h[index_tx] - log_h[index_T], 0.0)
        # Rows with d = 0 have t_x = T (one pair for both), so their ρ below cancels in by_h and their
        # dead branch is e^{−690}-negligible; flooring 1 − e^{−d} keeps every number finite.
        one_minus = np.maximum(-np.expm1(-d), 1e-300)
        v = c_pair[index_T] + d + np.log(one_minus)
        softplus, weight_dead = softplus_and_sigmoid(v)
        total += np.dot(w, softplus)
        weight_dead *= w
        # d/dd [d + ln(1 − e^{−d})] = 1/(1 − e^{−d})
        rho = weight_dead / one_minus
        n_pairs = pair_x.shape[0]
        by_T = np.bincount(index_T, weights=weight_dead, minlength=n_pairs)
        by_h = np.bincount(index_tx, weights=rho, minlength=n_pairs) - np.bincount(index_T, weights=rho,
                                                                                   minlength=n_pairs)
        gradient += by_T @ grad_c + by_h @ grad_h
        return float(total), gradient

    # -- predictions -----------------------------------------------------------------------------
    def _prediction_branches(self, x, t_x, t_cal):
        shape = x.shape
        x, t_x, t_cal = x.ravel(), t_x.ravel(), t_cal.ravel()
        data = compress_for_prediction(x, t_x, t_cal)
        alive, dead = self._log_branches(self._param_array(), data)
        return alive[data.inverse].reshape(shape), dead[data.inverse].reshape(shape)

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T) = e^{ℓ_alive} / (e^{ℓ_alive} + e^{ℓ_dead})."""
        x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
        alive, dead = self._prediction_branches(x, t_x, t_cal)
        return np.exp(alive - np.logaddexp(alive, dead))

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T] = P(alive) (r+x)(β+T)/((α+T)(s−1)) [1 − ((β+T)/(β+T+t))^{s−1}]."""
        t, x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, frequency, recency, T)))
        return self._rate_if_alive(x, t_x, t_cal) * self._horizon_factor(t, t_cal)

    def conditional_expected_number_of_purchases_up_to_times(self, times, frequency, recency, T):
        """``conditional_expected_number_of_purchases_up_to_time`` at each number of ``times``, one after the
        other (the same numbers), with P(alive) (r+x)(β+T)/(α+T) computed once for them all."""
        x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
        rate = self._rate_if_alive(x, t_x, t_cal)
        for t in times:
            yield rate * self._horizon_factor(np.asarray(t, dtype=float), t_cal)

    def _rate_if_alive(self, x, t_x, t_cal):
        """P(alive) (r+x)(β+T)/(α+T): the expectation but for its horizon's factor."""
        r, alpha, _, beta = self._param_array()
        return self.conditional_probability_alive(x, t_x, t_cal) * (r + x) * (beta + t_cal) / (alpha + t_cal)

    def _horizon_factor(self, t, t_cal):
        """[1 − ((β+T)/(β+T+t))^{s−1}]/(s−1)."""
        _, _, s, beta = self._param_array()
        log_ratio = np.log1p(t / (beta + t_cal))
        # [1 − (1+u)^{−(s−1)}]/(s−1), written with expm1 so that it stays exact near s = 1.
        return -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0) if abs(s - 1.0) > 1e-10 else log_ratio

    def probability_of_purchase_in_next(self, t, frequency, recency, T):
        """P(at least one purchase in (T, T+t] | x, t_x, T); closed form in the class docstring."""
        t, x, t_x, t_cal = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, frequency, recency, T)))
        r, alpha, s, beta = self._param_array()
        k = r + x
        rate_a, rate_b = alpha + t_cal, beta + t_cal
        now = _expected_share(k, s, rate_a, rate_b)
        later = _expected_share(k, s, rate_a + t, rate_b + t)
        survive = np.exp(-k * np.log1p(t / rate_a) - s * np.log1p(t / rate_b))
        return self.conditional_probability_alive(x, t_x, t_cal) * np.clip(now - survive * later, 0.0, 1.0)


def _expected_share(k, s, rate_a, rate_b):
    """E[λ/(λ+μ)] for independent λ ~ Gamma(k, rate_a), μ ~ Gamma(s, rate_b)."""
    k, s, rate_a, rate_b = np.broadcast_arrays(k, s, rate_a, rate_b)
    mean_share = k / (k + s)
    a_larger = rate_a >= rate_b
    one_minus_z = np.where(a_larger, rate_b / rate_a, rate_a / rate_b)
    b_series = np.where(a_larger, k + 1.0, s)
    series = hyp2f1_unit_a(b_series, k + s + 1.0, 1.0 - one_minus_z, one_minus_z=one_minus_z)
    return np.where(a_larger, rate_b / rate_a, 1.0) * mean_share * series


def _pareto_cache(data: CompressedData) -> dict:
    """Weights summed per distinct x and per distinct T."""
    if "pareto" not in data.extras:
        w = data.weights
        n_T = data.values["T"].shape[0]
        data.extras["pareto"] = {
            "sum_w": float(w.sum()),
            "w_x": np.bincount(data.codes["frequency"], weights=w, minlength=data.values["frequency"].shape[0]),
            "w_T": np.bincount(data.codes["T"], weights=w, minlength=n_T),
            "wx_T": np.bincount(data.codes["T"], weights=w * data.columns["frequency"], minlength=n_T),
        }
    return data.extras["pareto"]


def _distinct_pairs(data: CompressedData):
    """Distinct (x, t) pairs over t ∈ {t_x, T} and the index of each row's two pairs."""
    n_rows = data.n_rows
    both_t = np.concatenate([data.columns["recency"], data.columns["T"]])
    both_x = np.concatenate([data.columns["frequency"], data.columns["frequency"]])
    t_codes, t_values = pd.factorize(both_t)
    x_codes = np.concatenate([data.codes["frequency"], data.codes["frequency"]])
    key = x_codes * np.int64(t_values.shape[0]) + t_codes
    inverse, distinct = pd.factorize(key)
    first = np.empty(distinct.shape[0], dtype=np.int64)
    first[inverse] = np.arange(key.shape[0])
    return both_x[first], both_t[first], inverse[:n_rows], inverse[n_rows:]


def compress_for_prediction(x, t_x, t_cal) -> CompressedData:
    return compress_columns({"frequency": x, "recency": t_x, "T": t_cal}, np.ones(x.shape[0]))
