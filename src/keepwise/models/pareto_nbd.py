"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the Fader-Hardie formulation."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from keepwise.models.base import CompressedData, TransactionModelFitter, compress_columns

__all__ = ["ParetoNBDFitter", "hyp2f1_unit_a"]

_SERIES_TOLERANCE = 1e-15
_SERIES_MAX_TERMS = 200_000


def hyp2f1_unit_a(b, c, z, derivatives: bool = False):
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
    value = np.ones(n_el)
    d_b = np.zeros(n_el)
    d_c = np.zeros(n_el)
    d_z = np.zeros(n_el)
    active = np.arange(n_el)
    # coeff = (b)_n/(c)_n z^{n-1} for the current n ≥ 1, so term t_n = coeff·z and ∂t_n/∂z = n·coeff.
    bb, cc, zz = b, c, z
    coeff = bb / cc
    sum_b = 1.0 / bb
    sum_c = 1.0 / cc
    n = 1
    while active.shape[0] and n < _SERIES_MAX_TERMS:
        term = coeff * zz
        value[active] += term
        if derivatives:
            d_b[active] += term * sum_b
            d_c[active] -= term * sum_c
            d_z[active] += n * coeff
        coeff = coeff * zz * (bb + n) / (cc + n)
        if derivatives:
            sum_b = sum_b + 1.0 / (bb + n)
            sum_c = sum_c + 1.0 / (cc + n)
        n += 1
        if n % 8 == 0:
            # Remaining tail ≤ next term / (1 − z); stop an element once that is negligible.
            tail = (n * coeff) / np.maximum(1.0 - zz, 1e-300)
            if derivatives:
                tail = tail * (1.0 + sum_b + sum_c)
            still = tail > _SERIES_TOLERANCE * value[active]
            if not np.all(still):
                active = active[still]
                bb, cc, zz, coeff = bb[still], cc[still], zz[still], coeff[still]
                if derivatives:
                    sum_b, sum_c = sum_b[still], sum_c[still]
    if derivatives:
        return value.reshape(shape), d_b.reshape(shape), d_c.reshape(shape), d_z.reshape(shape)
    return value.reshape(shape)


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
        return [(1.0, mean_T), (0.5, 0.5 * mean_T), (2.0, 4.0 * mean_T)]

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

    def _log_branches(self, params, data: CompressedData, derivatives: bool):
        """Per-row ℓ_alive and ℓ_dead (without the common factor), optionally with gradients."""
        r, alpha, s, beta = params
        x = data.columns["frequency"]
        pairs = data.extras.get("pareto_pairs")
        if pairs is None:
            pairs = _distinct_pairs(data)
            data.extras["pareto_pairs"] = pairs
        pair_x, pair_t, index_tx, index_T = pairs
        log_h, grad_h = self._log_h(params, pair_x, pair_t, derivatives)
        log_h_tx, log_h_T = log_h[index_tx], log_h[index_T]

        log_alpha_T = np.log(alpha + data.values["T"])[data.codes["T"]]
        log_beta_T = np.log(beta + data.values["T"])[data.codes["T"]]
        alive = -(r + x) * log_alpha_T - s * log_beta_T
        gap = np.minimum(log_h_T - log_h_tx, 0.0)
        with np.errstate(divide="ignore"):
            log_gap_factor = np.log(-np.expm1(gap))
        dead = np.log(s) - np.log(r + s + x) + log_h_tx + log_gap_factor
        if not derivatives:
            return alive, dead, None, None
        inv_alpha_T = (1.0 / (alpha + data.values["T"]))[data.codes["T"]]
        inv_beta_T = (1.0 / (beta + data.values["T"]))[data.codes["T"]]
        zeros = np.zeros_like(x)
        grad_alive = np.column_stack([-log_alpha_T, -(r + x) * inv_alpha_T, -log_beta_T, -s * inv_beta_T])
        g_tx, g_T = grad_h[index_tx], grad_h[index_T]
        # d/dgap ln(1 − e^gap) = −1/expm1(−gap); rows with gap = 0 have ℓ_dead = −inf and zero weight.
        with np.errstate(divide="ignore"):
            factor = np.where(gap < 0, -1.0 / np.expm1(-gap), 0.0)
        inv_rsx = 1.0 / (r + s + x)
        grad_dead = g_tx + factor[:, None] * (g_T - g_tx)
        grad_dead += np.column_stack([-inv_rsx, zeros, 1.0 / s - inv_rsx, zeros])
        return alive, dead, grad_alive, grad_dead

    def _log_likelihood(self, params, data: CompressedData):
        r, alpha, s, beta = params
        w = data.weights
        xv, xc = data.values["frequency"], data.codes["frequency"]
        alive, dead, grad_alive, grad_dead = self._log_branches(params, data, derivatives=True)
        combined = np.logaddexp(alive, dead)
        w_x = np.bincount(xc, weights=w, minlength=xv.shape[0])
        sum_w = w.sum()
        const = sum_w * (r * np.log(alpha) + s * np.log(beta) - gammaln(r))
        total = float(np.dot(w_x, gammaln(r + xv)) + const + np.dot(w, combined))
        weight_dead = np.exp(dead - combined)
        weight_alive = 1.0 - weight_dead
        grad_rows = weight_alive[:, None] * grad_alive + np.where(weight_dead > 0, weight_dead, 0.0)[:, None] * \
            np.where(np.isfinite(grad_dead), grad_dead, 0.0)
        gradient = w @ grad_rows
        gradient[0] += np.dot(w_x, digamma(r + xv)) + sum_w * (np.log(alpha) - digamma(r))
        gradient[1] += sum_w * r / alpha
        gradient[2] += sum_w * np.log(beta)
        gradient[3] += sum_w * s / beta
        return total, gradient

    # -- predictions -----------------------------------------------------------------------------
    def _prediction_branches(self, x, t_x, t_cal):
        shape = x.shape
        x, t_x, t_cal = x.ravel(), t_x.ravel(), t_cal.ravel()
        data = compress_for_prediction(x, t_x, t_cal)
        alive, dead, _, _ = self._log_branches(self._param_array(), data, derivatives=False)
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
        if abs(s - 1.0) > 1e-10:
            # [1 − (1+u)^{−(s−1)}]/(s−1), written with expm1 so that it stays exact near s = 1.
            horizon = -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0)
        else:
            horizon = log_ratio
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


def _distinct_pairs(data: CompressedData):
    """Distinct (x, t) pairs over t ∈ {t_x, T} and the index of each row's two pairs."""
    x = data.columns["frequency"]
    n_rows = x.shape[0]
    both_t = np.concatenate([data.columns["recency"], data.columns["T"]])
    both_x = np.concatenate([x, x])
    t_values, t_codes = np.unique(both_t, return_inverse=True)
    x_codes = np.concatenate([data.codes["frequency"], data.codes["frequency"]])
    key = x_codes * np.int64(t_values.shape[0]) + t_codes
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return both_x[first], both_t[first], inverse[:n_rows], inverse[n_rows:]


def compress_for_prediction(x, t_x, t_cal) -> CompressedData:
    return compress_columns({"frequency": x, "recency": t_x, "T": t_cal}, np.ones(x.shape[0]))
