"""The BG/NBD model (Fader, Hardie & Lee 2005) and its MBG/NBD variant (Batislam, Denizel & Filiztekin 2007)."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1, polygamma

from keepwise.models.base import TransactionModelFitter
from keepwise.models.compressed import CompressedData, DistinctRows, per_distinct_row
from keepwise.models.softplus import softplus_and_sigmoid

__all__ = ["BetaGeoFitter", "ModifiedBetaGeoFitter"]


def _broadcast(*arrays):
    return np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))


def _bgnbd_cache(data: CompressedData, shift: float) -> dict:
    """Weights summed per distinct x and per distinct T, and the rows that have a dropout branch."""
    key = ("bgnbd", shift)
    if key not in data.extras:
        w = data.weights
        x = data.columns["frequency"]
        branch = (x > 0) if not shift else np.ones(x.shape[0], dtype=bool)
        n_T = data.values["T"].shape[0]
        data.extras[key] = {
            "sum_w": float(w.sum()),
            "w_x": np.bincount(data.codes["frequency"], weights=w, minlength=data.values["frequency"].shape[0]),
            "w_T": np.bincount(data.codes["T"], weights=w, minlength=n_T),
            "wx_T": np.bincount(data.codes["T"], weights=w * x, minlength=n_T),
            "branch_rows": {
                "x": x[branch], "weights": w[branch], "x_codes": data.codes["frequency"][branch],
                "T_codes": data.codes["T"][branch], "tx_codes": data.codes["recency"][branch],
            },
        }
    return data.extras[key]


class BetaGeoFitter(TransactionModelFitter):
    r"""BG/NBD: beta-geometric dropout, NBD purchasing.

    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "'Counting Your Customers' the Easy Way:
    An Alternative to the Pareto/NBD Model", *Marketing Science* 24(2), 275-284.

    While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after every repeat
    purchase she drops out with probability p ~ Beta(a, b). For x repeat purchases, the last at t_x,
    in an observation period of length T (eq. 6 of the paper)

    .. math::

        L = \frac{B(a, b+x)}{B(a, b)} \frac{Γ(r+x) α^r}{Γ(r) (α+T)^{r+x}}
            + δ_{x>0} \frac{B(a+1, b+x-1)}{B(a, b)} \frac{Γ(r+x) α^r}{Γ(r) (α+t_x)^{r+x}}

    evaluated as
    ``ln L = lnΓ(r+x) − lnΓ(r) + r ln α + lnΓ(b+x) − lnΓ(a+b+x) + lnΓ(a+b) − lnΓ(b)
    + logaddexp(−(r+x) ln(α+T), δ_{x>0}[ln a − ln(b+x−1) − (r+x) ln(α+t_x)])``;
    the gamma-function terms are evaluated once per distinct x, the logarithms once per distinct
    t_x and T. Gradient and Hessian are analytic.

    Predictions (eqs. 8-10 of the paper; hypergeometric terms Euler-transformed so that they stay
    bounded for heavy buyers):

    * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x})
    * E[Y(t) | x, t_x, T] = P(alive) (a+b+x−1)/(a−1)
      [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)],  z = t/(α+T+t),
      where ((1−z))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z) = (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; a+b+x−1; z).
    * P(no purchase in (T, T+t] | x, t_x, T) = 1 − P(alive) + P(alive) ((α+T)/(α+T+t))^{r+x}:
      dropout happens only right after a purchase, so an alive customer makes none in (T, T+t] with
      probability E[e^{−λt}] under the alive-branch posterior λ ~ Gamma(r+x, α+T).
    """

    param_names = ("r", "alpha", "a", "b")
    analytic_hessian = True
    # The MBG/NBD variant differs by one shift; see ModifiedBetaGeoFitter.
    _dropout_at_first_purchase = False

    def _dropout_start_pairs(self, mean_T):
        return [(1.0, 3.0), (0.5, 1.0), (2.0, 10.0)]

    def _runaway(self, log_params, data: CompressedData):
        """The no-dropout limit p ~ Beta(a, b) → 0 (a → 0 or b → ∞) and the homogeneous limit
        a, b → ∞ with a/b fixed, where the likelihood has its supremum without attaining it. Checked
        once the mean dropout probability a/(a+b) is below 0.1%, a + b exceeds e^8 or a parameter is
        near the edge of the box: the fit stops when ln L is higher still a factor e² further on."""
        r, alpha, a, b = np.exp(log_params)
        near_edge = max(abs(log_params[2]), abs(log_params[3])) >= self.log_bound - 1.0
        if a / (a + b) >= 1e-3 and a + b <= np.exp(8.0) and not near_edge:
            return None
        with np.errstate(all="ignore"):
            here = self._log_likelihood(np.exp(log_params), data)[0]
        if not np.isfinite(here):
            return None
        for direction in ((0.0, 0.0, -1.0, 0.0), (0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0)):
            with np.errstate(all="ignore"):
                there = self._log_likelihood(np.exp(log_params + 2.0 * np.asarray(direction)), data)[0]
            if np.isfinite(there) and there >= here - 1e-9 * abs(here):
                break
        else:
            return None
        state = (f"r={r:.3g}, alpha={alpha:.3g}, a={a:.3g}, b={b:.3g}, "
                 f"mean dropout probability {a / (a + b):.3g}")
        if direction == (0.0, 0.0, 1.0, 1.0):
            why = ("a and b run off to infinity together: every customer would have the same dropout "
                   "probability, so the data cannot identify its distribution")
        else:
            why = ("the dropout probability p ~ Beta(a, b) runs off towards 0 (a → 0 or b → ∞): the data "
                   "show no sign of customers dropping out, so they cannot identify a and b")
        return (f"{type(self).__name__}: the likelihood has no interior maximum (a boundary solution); "
                f"{why} ({state}; {data.n_customers:g} customers). Use a longer calibration period, or a model of "
                "purchasing only.")

    def _log_likelihood(self, params, data: CompressedData):
        value, gradient, _ = self._evaluate(params, data, with_hessian=False)
        return value, gradient

    def _log_likelihood_hessian(self, params, data: CompressedData):
        return self._evaluate(params, data, with_hessian=True)

    def _evaluate(self, params, data: CompressedData, with_hessian: bool):
        r, alpha, a, b = params
        shift = 1.0 if self._dropout_at_first_purchase else 0.0
        cache = _bgnbd_cache(data, shift)
        xv, w_x = data.values["frequency"], cache["w_x"]
        tv, w_T, wx_T = data.values["T"], cache["w_T"], cache["wx_T"]
        sum_w = cache["sum_w"]
        # ln L = lnΓ(r+x) + lnΓ(b+x+σ) − lnΓ(a+b+x+σ) + const − (r+x) ln(α+T) + softplus(u), where
        # u = ln a − ln(b+x−1+σ) + (r+x)(ln(α+T) − ln(α+t_x)) on rows with a dropout branch (σ = 0 for
        # BG/NBD, 1 for MBG/NBD). Terms in x alone or T alone are summed over distinct values.
        log_alpha_tv, inv_alpha_tv = np.log(alpha + tv), 1.0 / (alpha + tv)
        rw_T = r * w_T + wx_T
        const = r * np.log(alpha) + gammaln(a + b) - gammaln(b) - gammaln(r)
        total = (np.dot(w_x, gammaln(r + xv) + gammaln(b + xv + shift) - gammaln(a + b + xv + shift))
                 + sum_w * const - np.dot(rw_T, log_alpha_tv))
        psi_abx = np.dot(w_x, digamma(a + b + xv + shift))
        gradient = np.array([
            np.dot(w_x, digamma(r + xv)) + sum_w * (np.log(alpha) - digamma(r)) - np.dot(w_T, log_alpha_tv),
            sum_w * r / alpha - np.dot(rw_T, inv_alpha_tv),
            sum_w * digamma(a + b) - psi_abx,
            np.dot(w_x, digamma(b + xv + shift)) - psi_abx + sum_w * (digamma(a + b) - digamma(b)),
        ])
        hessian = None
        if with_hessian:
            trigamma_ab = polygamma(1, a + b)
            h_ab = sum_w * trigamma_ab - np.dot(w_x, polygamma(1, a + b + xv + shift))
            h_r_alpha = sum_w / alpha - np.dot(w_T, inv_alpha_tv)
            hessian = np.array([
                [np.dot(w_x, polygamma(1, r + xv)) - sum_w * polygamma(1, r), h_r_alpha, 0.0, 0.0],
                [h_r_alpha, -sum_w * r / alpha**2 + np.dot(rw_T, inv_alpha_tv**2), 0.0, 0.0],
                [0.0, 0.0, h_ab, h_ab],
                [0.0, 0.0, h_ab, h_ab + np.dot(w_x, polygamma(1, b + xv + shift)) - sum_w * polygamma(1, b)],
            ])

        rows = cache["branch_rows"]
        n_branch = rows["weights"].shape[0]
        if n_branch:
            total += self._add_dropout_branch(params, data, rows, shift, log_alpha_tv, inv_alpha_tv,
                                              gradient, hessian)
        return float(total), gradient, hessian

    @staticmethod
    def _add_dropout_branch(params, data: CompressedData, rows: dict, shift: float, log_alpha_tv,
                            inv_alpha_tv, gradient, hessian) -> float:
        """Σ w softplus(u) over the rows with a dropout branch; its derivatives are added
        to ``gradient`` (and ``hessian`` unless None). Here u = (r+x) G + ln a − ln B with
        G = ln(α+T) − ln(α+t_x) and B = b+x−1+σ. With s = sigmoid(u) and q = s(1−s),
        d softplus(u) = s du and d² softplus(u) = q du duᵀ + s d²u, where du = (G, (r+x) G', 1/a, −1/B),
        G' = 1/(α+T) − 1/(α+t_x), and d²u has (r,α) = G', (α,α) = (r+x) G'', (a,a) = −1/a²,
        (b,b) = 1/B², G'' = 1/(α+t_x)² − 1/(α+T)². Per-row work goes into reused buffers (it is the
        only per-row work of an evaluation); terms in x alone are summed per distinct x."""
        r, alpha, a, b = params
        xv = data.values["frequency"]
        n_x = xv.shape[0]
        xb, w = rows["x"], rows["weights"]
        T_codes, tx_codes, x_codes = rows["T_codes"], rows["tx_codes"], rows["x_codes"]
        n_buffers = 9 if hessian is not None else 6
        gap, rx, u, *work = data.scratch("bgnbd", xb.shape[0], n_buffers)
        inv_alpha_rv = 1.0 / (alpha + data.values["recency"])
        np.take(log_alpha_tv, T_codes, out=gap)
        gap -= np.take(np.log(alpha + data.values["recency"]), tx_codes, out=u)
        np.add(xb, r, out=rx)
        # B > 0 on every branch row; B ≤ 0 (x = 0 in the BG/NBD) is never gathered and has zero
        # sums per x, so its entries are set to 0 to keep every product finite.
        b_term = b + xv - 1.0 + shift
        positive = b_term > 0
        safe_b = np.where(positive, b_term, 1.0)
        inv_b = np.where(positive, 1.0 / safe_b, 0.0)
        np.take(np.log(a) - np.log(safe_b), x_codes, out=u)
        u += np.multiply(rx, gap, out=work[0])
        softplus, sigmoid = softplus_and_sigmoid(u, work[:3])
        total = float(np.dot(w, softplus))
        if hessian is not None:
            omega = np.subtract(1.0, sigmoid, out=work[2])  # softplus is no longer needed
            omega *= sigmoid
            omega *= w
        w_sigmoid = sigmoid
        w_sigmoid *= w
        d_gap = np.take(inv_alpha_tv, T_codes, out=u)
        d_gap -= np.take(inv_alpha_rv, tx_codes, out=work[0])
        v_alpha = np.multiply(rx, d_gap, out=work[0])  # du/dα
        gradient[0] += np.dot(w_sigmoid, gap)
        gradient[1] += np.dot(w_sigmoid, v_alpha)
        sigmoid_by_x = np.bincount(x_codes, weights=w_sigmoid, minlength=n_x)
        gradient[2] += sigmoid_by_x.sum() / a
        gradient[3] -= np.dot(sigmoid_by_x, inv_b)
        if hessian is None:
            return total
        omega_gap = np.multiply(omega, gap, out=work[3])
        omega_v_alpha = np.multiply(omega, v_alpha, out=work[4])
        h = np.empty((4, 4))
        h[0, 0] = np.dot(omega_gap, gap)
        h[0, 1] = np.dot(omega_gap, v_alpha) + np.dot(w_sigmoid, d_gap)
        h[1, 1] = np.dot(omega_v_alpha, v_alpha)
        omega_by_x = np.bincount(x_codes, weights=omega, minlength=n_x)
        omega_gap_by_x = np.bincount(x_codes, weights=omega_gap, minlength=n_x)
        omega_v_by_x = np.bincount(x_codes, weights=omega_v_alpha, minlength=n_x)
        # (r+x) G'' into a buffer whose content is used up
        second = np.take(inv_alpha_rv**2, tx_codes, out=work[5])
        second -= np.take(inv_alpha_tv**2, T_codes, out=gap)
        second *= rx
        h[1, 1] += np.dot(w_sigmoid, second)
        h[0, 2] = omega_gap_by_x.sum() / a
        h[0, 3] = -np.dot(omega_gap_by_x, inv_b)
        h[1, 2] = omega_v_by_x.sum() / a
        h[1, 3] = -np.dot(omega_v_by_x, inv_b)
        h[2, 2] = (omega_by_x.sum() - sigmoid_by_x.sum()) / a**2
        h[2, 3] = -np.dot(omega_by_x, inv_b) / a
        h[3, 3] = np.dot(omega_by_x + sigmoid_by_x, inv_b**2)
        upper = np.triu_indices(4)
        h.T[upper] = h[upper]
        hessian += h
        return total

    # -- predictions -----------------------------------------------------------------------------
    def _log_odds_dead(self, x, t_x, T):
        """ln of P(dropped out)/P(alive) given the data; −inf when the customer must be alive."""
        r, alpha, a, b = self._param_array()
        if self._dropout_at_first_purchase:
            return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.log(a) - np.log(b + x - 1.0) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return np.where(x > 0, value, -np.inf)

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive at T | x, t_x, T)."""
        x, t_x, t_cal = _broadcast(frequency, recency, T)
        return 1.0 / (1.0 + np.exp(np.minimum(self._log_odds_dead(x, t_x, t_cal), 700.0)))

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T], expected purchases in (T, T+t] (eq. 10, Euler-transformed ₂F₁)."""
        horizon = np.asarray(t, dtype=float)
        t, x, t_x, t_cal = _broadcast(t, frequency, recency, T)
        # All but P(alive) depends on (t, x, T) alone: evaluated once per distinct (t,) x, T (a few ten
        # thousand among a million customers), the ₂F₁ above all.
        columns = {"x": x.ravel(), "t_cal": t_cal.ravel()}
        if horizon.ndim:  # one t per customer, not one for all
            columns["t"] = t.ravel()
        factor = per_distinct_row(lambda x, t_cal, t=horizon: self._expectation_factor(t, x, t_cal), columns)
        return factor.reshape(x.shape) * self.conditional_probability_alive(x, t_x, t_cal)

    def conditional_expected_number_of_purchases_up_to_times(self, times, frequency, recency, T):
        """``conditional_expected_number_of_purchases_up_to_time`` at each number of ``times``, one after the
        other (the same numbers), with P(alive) and the distinct (x, T) found once for them all."""
        x, t_x, t_cal = _broadcast(frequency, recency, T)
        alive = self.conditional_probability_alive(x, t_x, t_cal)
        distinct = DistinctRows({"x": x.ravel(), "t_cal": t_cal.ravel()})
        for t in times:
            horizon = np.asarray(t, dtype=float)
            factor = distinct.spread(lambda x, t_cal, t=horizon: self._expectation_factor(t, x, t_cal))
            yield factor.reshape(x.shape) * alive

    def _expectation_factor(self, t, x, t_cal):
        """E[Y(t) | x, t_x, T] / P(alive): (c/(a−1)) [1 − (1−z)^{a−1} ₂F₁(a+b−1(+1)−r, a−1; c; z)] with
        z = t/(α+T+t), c = a+b+x−1(+1) (+1 in the MBG/NBD)."""
        r, alpha, a, b = self._param_array()
        shift = 1.0 if self._dropout_at_first_purchase else 0.0
        z = t / (alpha + t_cal + t)
        c = a + b + x - 1.0 + shift
        bracket = 1.0 - np.exp((a - 1.0) * np.log1p(-z)) * hyp2f1(a + b - 1.0 + shift - r, a - 1.0, c, z)
        return (c / (a - 1.0)) * bracket

    def probability_of_purchase_in_next(self, t, frequency, recency, T):
        """P(at least one purchase in (T, T+t] | x, t_x, T) = P(alive) (1 − ((α+T)/(α+T+t))^{r+x})."""
        t, x, t_x, t_cal = _broadcast(t, frequency, recency, T)
        r, alpha, _, _ = self._param_array()
        no_purchase_if_alive = np.exp(-(r + x) * np.log1p(t / (alpha + t_cal)))
        return self.conditional_probability_alive(x, t_x, t_cal) * (1.0 - no_purchase_if_alive)


class ModifiedBetaGeoFitter(BetaGeoFitter):
    r"""MBG/NBD: the BG/NBD with a dropout chance also right after the first purchase.

    Batislam, E. P., Denizel, M. & Filiztekin, A. (2007), "Empirical validation and comparison of
    models for customer base analysis", *International Journal of Research in Marketing* 24(3), 201-209.

    .. math::

        L = \frac{B(a, b+x+1)}{B(a, b)} \frac{Γ(r+x) α^r}{Γ(r) (α+T)^{r+x}}
            + \frac{B(a+1, b+x)}{B(a, b)} \frac{Γ(r+x) α^r}{Γ(r) (α+t_x)^{r+x}}

    i.e. the BG/NBD formulas with b+x−1 → b+x and the dropout branch present for x = 0 as well:
    P(alive) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x}); E[Y(t) | ·] = P(alive) (a+b+x)/(a−1)
    [1 − (1−z)^{a−1} ₂F₁(a+b−r, a−1; a+b+x; z)]. A customer with T = 0 has L = b/(a+b) + a/(a+b) = 1
    and so carries no information, as in the BG/NBD; with x = t_x = T = 0 the conditional
    expectation is the unconditional E[X(t)] = b/(a−1) [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].
    """

    _dropout_at_first_purchase = True
