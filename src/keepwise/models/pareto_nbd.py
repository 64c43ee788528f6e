"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the Fader-Hardie formulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma, expit, gammaln, hyp2f1

from keepwise.models.base import CompressedData, TransactionModelFitter, compress_columns

__all__ = ["ParetoNBDFitter", "hyp2f1_unit_a"]

_SERIES_TOLERANCE = 1e-15
_SERIES_MAX_TERMS = 200_000
_SERIES_MAX_Z = 0.9


def hyp2f1_unit_a(b, c, z, derivatives: bool = False):
    """₂F₁(1, b; c; z) for 0 ≤ z < 1 and 0 < b < c, optionally with ∂/∂b, ∂/∂c and ∂/∂z.

    For z ≤ 0.9 the power series (:func:`_hyp2f1_unit_a_series`, at most a few hundred terms). Above,
    where the series needs ~1/(1−z) terms, scipy's ₂F₁ (which uses the 1−z connection formulas):
    ∂/∂z = (b/c) ₂F₁(2, b+1; c+1; z) exactly and ∂/∂b, ∂/∂c by central differences. Elements on
    which scipy returns a non-finite value (it does for some large b near z = 1) go to the series.
    """
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (b, c, z)))
    shape = b.shape
    b, c, z = b.ravel(), c.ravel(), z.ravel()
    near_one = z > _SERIES_MAX_Z
    results = np.empty((4 if derivatives else 1, b.shape[0]))
    if np.any(near_one):
        bb, cc, zz = b[near_one], c[near_one], z[near_one]
        value = hyp2f1(1.0, bb, cc, zz)
        block = [value]
        if derivatives:
            step_b, step_c = 1e-5 * np.maximum(bb, 1.0), 1e-5 * np.maximum(cc, 1.0)
            block.append((hyp2f1(1.0, bb + step_b, cc, zz) - hyp2f1(1.0, bb - step_b, cc, zz)) / (2 * step_b))
            block.append((hyp2f1(1.0, bb, cc + step_c, zz) - hyp2f1(1.0, bb, cc - step_c, zz)) / (2 * step_c))
            block.append(bb / cc * hyp2f1(2.0, bb + 1.0, cc + 1.0, zz))
        block = np.vstack(block)
        failed = ~np.all(np.isfinite(block), axis=0) | (block[0] < 1.0)
        near_index = np.flatnonzero(near_one)
        results[:, near_index[~failed]] = block[:, ~failed]
        near_one[near_index[failed]] = False
    series = ~near_one
    if np.any(series):
        block = _hyp2f1_unit_a_series(b[series], c[series], z[series], derivatives)
        results[:, series] = np.vstack(block) if derivatives else block
    if derivatives:
        return tuple(row.reshape(shape) for row in results)
    return results[0].reshape(shape)


def _hyp2f1_unit_a_series(b, c, z, derivatives: bool = False):
    r"""₂F₁(1, b; c; z) for 0 ≤ z < 1 and 0 < b < c, by its power series, optionally with ∂/∂b,
    ∂/∂c and ∂/∂z.

    The series Σ_n (b)_n/(c)_n z^n has positive terms whose ratio (b+n)/(c+n)·z is below z, so it
    converges at least geometrically, never cancels and never overflows (all terms ≤ 1). The
    derivatives come from the same terms: ∂t_n/∂b = t_n Σ_{k<n} 1/(b+k), ∂t_n/∂c = −t_n Σ_{k<n}
    1/(c+k), ∂t_n/∂z = n t_n / z. Elements are dropped from the loop as they converge.

    Returns ``value`` or ``(value, d_b, d_c, d_z)``.
    """
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (b, c, z)))
    shape = b.shape
    b, c, z = b.ravel(), c.ravel(), z.ravel()
    n_el = b.shape[0]
    out = np.empty((4, n_el))
    # State of the elements still summing; finished ones are written to ``out`` and dropped.
    index = np.arange(n_el)
    bb, cc, zz = b.copy(), c.copy(), z.copy()
    value = np.ones(n_el)
    d_b, d_c, d_z = np.zeros(n_el), np.zeros(n_el), np.zeros(n_el)
    coeff = bb / cc  # (b)_n/(c)_n z^{n−1}: term t_n = coeff·z and ∂t_n/∂z = n·coeff
    sum_b, sum_c = 1.0 / bb, 1.0 / cc
    n = 1
    while index.shape[0]:
        term = coeff * zz
        value += term
        if derivatives:
            d_b += term * sum_b
            d_c -= term * sum_c
            d_z += n * coeff
            bn, cn = bb + n, cc + n
            coeff = term * bn / cn
            sum_b += 1.0 / bn
            sum_c += 1.0 / cn
        else:
            coeff = term * (bb + n) / (cc + n)
        n += 1
        if n % 8 == 0 or n >= _SERIES_MAX_TERMS:
            # The tail after term n is at most n·coeff/(1 − z) (ratios below z); with derivatives the
            # harmonic sums bound their extra factors.
            tail = n * coeff / np.maximum(1.0 - zz, 1e-300)
            if derivatives:
                tail *= 1.0 + sum_b + sum_c
            done = (tail <= _SERIES_TOLERANCE * value) | (n >= _SERIES_MAX_TERMS)
            if np.any(done):
                finished = index[done]
                out[0, finished] = value[done]
                if derivatives:
                    out[1, finished], out[2, finished], out[3, finished] = d_b[done], d_c[done], d_z[done]
                keep = ~done
                index, bb, cc, zz, coeff, value = index[keep], bb[keep], cc[keep], zz[keep], coeff[keep], value[keep]
                if derivatives:
                    d_b, d_c, d_z, sum_b, sum_c = d_b[keep], d_c[keep], d_z[keep], sum_b[keep], sum_c[keep]
    if derivatives:
        return tuple(row.reshape(shape) for row in out)
    return out[0].reshape(shape)


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

    def _dropout_start_pairs(self, mean_T):
        # s and beta: mean lifetime beta/(s-1) around a few multiples of the typical observation span.
        return [(1.0, mean_T), (0.5, 0.5 * mean_T), (2.0, 2.0 * mean_T)]

    # -- the dropout integral H ------------------------------------------------------------------
    @staticmethod
    def _log_h(params, x, t, derivatives: bool):
        """ln H(t) for arrays x, t (see class docstring) and optionally its gradient (4 columns)."""
        r, alpha, s, beta = params
        c = r + s + x + 1.0
        if alpha >= beta:
            b_series = r + x
            z = (alpha - beta) / (alpha + t)
            exp_alpha, exp_beta = r + x, s
        else:
            b_series = s + 1.0 + 0.0 * x
            z = (beta - alpha) / (beta + t)
            exp_alpha, exp_beta = r + x - 1.0, s + 1.0
        log_alpha_t = np.log(alpha + t)
        log_beta_t = np.log(beta + t)
        if not derivatives:
            series = hyp2f1_unit_a(b_series, c, z)
            return np.log(series) - exp_alpha * log_alpha_t - exp_beta * log_beta_t, None
        series, d_b, d_c, d_z = hyp2f1_unit_a(b_series, c, z, derivatives=True)
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
        total += np.dot(w, np.logaddexp(0.0, v))
        weight_dead = w * expit(v)
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
        r, alpha, s, beta = self._param_array()
        log_ratio = np.log1p(t / (beta + t_cal))
        # [1 − (1+u)^{−(s−1)}]/(s−1), written with expm1 so that it stays exact near s = 1.
        horizon = -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0) if abs(s - 1.0) > 1e-10 else log_ratio
        return self.conditional_probability_alive(x, t_x, t_cal) * (r + x) * (beta + t_cal) / (alpha + t_cal) * horizon

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
    z = np.where(a_larger, 1.0 - rate_b / rate_a, 1.0 - rate_a / rate_b)
    b_series = np.where(a_larger, k + 1.0, s)
    series = hyp2f1_unit_a(b_series, k + s + 1.0, z)
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
