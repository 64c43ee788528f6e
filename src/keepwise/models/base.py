"""Shared machinery of the buy-till-you-die fitters.

The fitters follow the lifelines / scikit-learn pattern: a model class holds only its own formulas
(log-likelihood with gradient, predictions); the fitting lives here, in one place:

* maximum likelihood by L-BFGS-B on log-parameters from several starts, on data compressed to its
  distinct rows (``keepwise.models.compressed``) after the inputs are checked
  (``keepwise.models.inputs``),
* convergence checks raising :class:`ConvergenceError`,
* standard errors from a numeric Hessian of the log-likelihood in natural parameters,
* :meth:`BaseFitter.summary`.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod

import numpy as np
import pandas as pd
from scipy import optimize
from threadpoolctl import threadpool_limits

from keepwise.models.compressed import CompressedData, compress_columns, weighted_subsample
from keepwise.models.inputs import validate_rfm

__all__ = ["BaseFitter", "ConvergenceError", "TransactionModelFitter"]

# Log-parameters are boxed in [-LOG_BOUND, LOG_BOUND]: e^±18 ≈ 1.5e-8 .. 6.6e7 covers every sensible
# parameter value in days or weeks; an optimum on this box is a boundary solution, not an estimate.
LOG_BOUND = 18.0
# Rows of compressed data above which the start points are screened on a weighted subsample first.
SCREENING_ROWS = 40_000
# Draws of the smaller weighted subsample on which the start points are then searched from: the
# starts only pick the basin, which the screening subsample's one minimisation and the full data's
# polish then refine (a third of the Pareto/NBD's evaluations of 40k rows at 100k customers).
SEARCH_ROWS = 5_000
# Stopping rules of the screening subsample's fit from the search's optimum where it is refined with
# the search's Hessian (see BaseFitter._refine): its optimum is a start for the full data's, which
# lies ~1e-2 away (another sample), so a gradient of 1e-6 in the preconditioned coordinates is plenty.
SCREENING_TOLERANCES = {"ftol": 1e-10, "gtol": 1e-6}
# The standard normal's 97.5% quantile: a two-sided 95% interval is this many standard errors either side.
Z_95 = 1.959964


class ConvergenceError(ValueError):
    """The maximum-likelihood fit has no usable interior optimum; the message says why."""


class _RunawayStop(Exception):
    """Raised from the optimiser's callback when :meth:`BaseFitter._runaway` reports a boundary."""


class BaseFitter(ABC):
    """Maximum-likelihood fitting on compressed data; subclasses supply the model's formulas.

    A subclass defines ``param_names`` and implements :meth:`_log_likelihood` (total weighted
    log-likelihood and its gradient with respect to the natural parameters),
    :meth:`_start_points` and usually :meth:`_check_data`. A subclass that can also give the
    Hessian sets ``analytic_hessian = True`` and implements ``_log_likelihood_hessian(params, data)
    -> (value, gradient, hessian)`` in the natural parameters: the fit
    on large data then ends with a few Newton steps, and the standard errors come from that Hessian.
    Without it, the fit on large data is refined by L-BFGS-B preconditioned with a subsample's
    Hessian (:meth:`_refine`) and, where the subclass sets ``newton_finish``, ends with one Newton
    step on the differenced Hessian (:meth:`_last_newton_step`), which also gives the standard errors.

    Fitted attributes: ``params_`` (dict name → estimate), ``log_likelihood_``,
    ``standard_errors_`` (dict name → standard error), ``n_customers_``, ``n_distinct_`` (rows the
    likelihood was evaluated on), ``covariance_`` (DataFrame), ``convergence_`` (dict with the
    optimiser's diagnostics).
    """

    param_names: tuple[str, ...] = ()
    # Box of the log-parameters; a subclass may narrow it (see LOG_BOUND).
    log_bound: float = LOG_BOUND
    analytic_hessian: bool = False
    # Without an analytic Hessian, on data screened on subsamples: True refines the screening fit with
    # the search's Hessian, starts the full data's refinement with Newton's step and ends the fit with
    # one Newton step on the differenced Hessian (:meth:`_refine`, :meth:`_last_newton_step`; fewer
    # evaluations, estimates at the maximum to ~1e-12); False keeps plain L-BFGS-B on the screening
    # sample and its unit first step on the full data, whose estimates are ~1e-8 off the maximum (the
    # Gamma-Gamma: its estimates, and the rounded CLV they give, stay as they were).
    newton_finish: bool = False

    def __init__(self, n_starts: int = 3, gradient_tolerance: float = 1e-4, random_state: int = 0):
        self.n_starts = n_starts
        self.gradient_tolerance = gradient_tolerance
        self.random_state = random_state

    # -- the model's formulas -------------------------------------------------------------------
    @abstractmethod
    def _log_likelihood(self, params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
        """Weighted total log-likelihood and its gradient in the natural parameters."""

    @abstractmethod
    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        """Candidate start points (natural parameters), best guess first."""

    def _check_data(self, data: CompressedData) -> None:  # noqa: B027 - optional hook, no-op by default
        """Raise :class:`ConvergenceError` when the data cannot identify the model."""

    def _runaway(self, log_params: np.ndarray, data: CompressedData) -> str | None:
        """Called after every optimiser iteration: a message when the iterate is running off to a
        boundary of the parameter space (the fit then stops with :class:`ConvergenceError`), else None."""
        return None

    # -- fitting ---------------------------------------------------------------------------------
    def _fit_compressed(self, data: CompressedData) -> BaseFitter:
        # The work is element-wise; multi-threaded BLAS on the 1-D dot products only adds overhead.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit_single_threaded(data)

    def _fit_single_threaded(self, data: CompressedData) -> BaseFitter:
        self._check_data(data)
        n_total = data.n_customers
        rng = np.random.default_rng(self.random_state)
        screening = data if data.n_rows <= SCREENING_ROWS else weighted_subsample(data, SCREENING_ROWS, rng)
        search = screening if screening is data else weighted_subsample(data, SEARCH_ROWS, rng)

        candidates = [np.asarray(p, dtype=float) for p in self._start_points(search)]
        starts = self._screen_starts(candidates, search)
        try:
            results = [self._minimise(np.log(start), search) for start in starts]
            finite = [res for res in results if np.isfinite(res.fun)]
            if finite and search is not screening:
                best = min(finite, key=lambda res: res.fun)
                # The search's Hessian preconditions the screening fit (the models with an analytic
                # Hessian keep L-BFGS-B here, Newton's method follows on the full data).
                if self.newton_finish and not self.analytic_hessian:
                    finite = [self._refine(best.x, search, screening, **SCREENING_TOLERANCES)]
                else:
                    finite = [self._minimise(best.x, screening)]
        except _RunawayStop as stop:
            raise ConvergenceError(str(stop)) from None
        finite = [res for res in finite if np.isfinite(res.fun)]
        if not finite:
            raise ConvergenceError(f"{type(self).__name__}: the log-likelihood is not finite at any "
                                   "start point")
        best = min(finite, key=lambda res: res.fun)
        hessian = None
        if screening is not data or self.analytic_hessian:
            try:
                best = self._polish(best.x, screening, data)
            except _RunawayStop as stop:
                raise ConvergenceError(str(stop)) from None
            if self.newton_finish and not self.analytic_hessian:
                best, hessian = self._last_newton_step(best, data)
        self._check_convergence(best, data)

        params = np.exp(best.x)
        if getattr(best, "natural", None) is not None:
            log_likelihood, gradient, hessian = best.natural
        else:
            log_likelihood, gradient = self._log_likelihood(params, data)
        self.params_ = dict(zip(self.param_names, (float(p) for p in params), strict=True))
        self.log_likelihood_ = float(log_likelihood)
        self.n_customers_ = n_total
        self.n_distinct_ = data.n_rows
        self.convergence_ = {
            "message": str(best.message), "iterations": int(best.nit), "evaluations": int(best.nfev),
            "gradient_norm_per_customer": float(np.max(np.abs(gradient * params)) / n_total),
            "starts": len(starts),
            "start_log_likelihoods": [float(-res.fun * n_total) for res in results],
        }
        self._set_standard_errors(params, data, hessian)
        return self

    def _screen_starts(self, candidates: list[np.ndarray], data: CompressedData) -> list[np.ndarray]:
        """Keep the ``n_starts`` candidates with the highest log-likelihood (one evaluation each)."""
        scored = []
        for index, candidate in enumerate(candidates):
            with np.errstate(all="ignore"):
                value, _ = self._log_likelihood(candidate, data)
            scored.append((-value if np.isfinite(value) else np.inf, index))
        scored.sort()
        return [candidates[index] for _, index in scored[: max(1, self.n_starts)]]

    def _objective(self, log_params: np.ndarray, data: CompressedData) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            value, gradient = self._log_likelihood(params, data)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            # Tell the line search to step back rather than letting NaN reach the optimiser.
            return np.inf, np.zeros_like(log_params)
        scale = data.n_customers
        return -value / scale, -gradient * params / scale

    def _minimise(self, log_start: np.ndarray, data: CompressedData) -> optimize.OptimizeResult:
        bound = self.log_bound
        bounds = [(-bound, bound)] * len(self.param_names)
        start = np.clip(log_start, -bound + 1, bound - 1)

        def callback(log_params):
            message = self._runaway(np.asarray(log_params, dtype=float), data)
            if message is not None:
                raise _RunawayStop(message)

        return optimize.minimize(self._objective, start, args=(data,), jac=True, method="L-BFGS-B",
                                 bounds=bounds, callback=callback,
                                 options={"maxiter": 1000, "maxfun": 3000, "ftol": 1e-13, "gtol": 1e-9,
                                          "maxcor": 20})

    def _log_space_hessian(self, log_params: np.ndarray, data: CompressedData) -> np.ndarray:
        k = log_params.shape[0]
        step = 1e-5
        base_gradient = self._objective(log_params, data)[1]
        hessian = np.empty((k, k))
        for j in range(k):
            moved = log_params.copy()
            moved[j] += step
            hessian[:, j] = (self._objective(moved, data)[1] - base_gradient) / step
        return 0.5 * (hessian + hessian.T)

    def _polish(self, log_start: np.ndarray, screening: CompressedData,
                data: CompressedData) -> optimize.OptimizeResult:
        """Refine the subsample optimum on the full data: by Newton's method where the model gives
        its Hessian (falling back to L-BFGS-B if that fails), else by :meth:`_refine` with the
        subsample's Hessian."""
        if self.analytic_hessian:
            result = self._newton(log_start, data)
            if result is not None:
                return result
        return self._refine(log_start, screening, data)

    def _refine(self, log_start: np.ndarray, sample: CompressedData, data: CompressedData,
                ftol: float = 1e-14, gtol: float = 1e-10) -> optimize.OptimizeResult:
        """Maximise the log-likelihood of ``data`` from ``log_start``, the optimum of ``sample`` (a
        subsample of it), by L-BFGS-B preconditioned with the sample's Hessian.

        The sample's Hessian H = L Lᵀ (per customer, like the data's) preconditions the problem: in
        y with θ = θ₀ + L⁻ᵀ y the objective is close to ½‖y‖² + gᵀy, so Newton's step is y = −g, and
        L-BFGS-B needs only a few evaluations of the data. Its first trial step has length 1, which
        from near the optimum (‖g‖ ≪ 1) lands far out where an evaluation is both useless and
        expensive; with ``newton_finish`` the variables are u = y/‖g‖, in which that first step is
        Newton's (the stopping rules are stated in y). Falls back to the plain optimiser if H is not
        positive definite."""
        try:
            cholesky = np.linalg.cholesky(self._log_space_hessian(log_start, sample))
        except np.linalg.LinAlgError:
            return self._minimise(log_start, data)
        transform = np.linalg.inv(cholesky).T  # θ − θ₀ = transform @ y
        start = self._objective(log_start, data)
        scale = float(np.linalg.norm(transform.T @ start[1])) if self.newton_finish else 1.0
        if not (np.isfinite(scale) and scale > 0.0):
            scale = 1.0
        transform = transform * scale  # θ − θ₀ = transform @ u

        def objective(u):
            value, gradient = start if not np.any(u) else self._objective(log_start + transform @ u, data)
            return value, transform.T @ gradient

        result = optimize.minimize(objective, np.zeros_like(log_start), jac=True, method="L-BFGS-B",
                                   options={"maxiter": 200, "ftol": ftol, "gtol": gtol * scale})
        theta = log_start + transform @ result.x
        if not np.all(np.abs(theta) < self.log_bound):
            return self._minimise(log_start, data)
        result.x = theta
        return result

    # Newton's last step: once a step moves no log-parameter by more than this, it is taken and the
    # iteration ends (quadratic convergence leaves an error of about its square, ~1e-10).
    NEWTON_FINAL_STEP = 1e-5
    NEWTON_MAX_ITERATIONS = 30

    def _newton(self, log_start: np.ndarray, data: CompressedData) -> optimize.OptimizeResult | None:
        """Maximise the log-likelihood by Newton's method in log-parameters θ = ln p from a point near
        the optimum, halving steps that do not raise it. Converges quadratically, so from the
        subsample's optimum it takes 2-4 evaluations of the full data, and leaves the Hessian at the
        optimum for the standard errors. None when the Hessian is not negative definite or a step
        fails (the caller falls back to L-BFGS-B)."""
        theta = np.asarray(log_start, dtype=float)
        with np.errstate(all="ignore"):
            natural = self._log_likelihood_hessian(np.exp(theta), data)
        evaluations = 1
        for iteration in range(self.NEWTON_MAX_ITERATIONS):
            value, gradient, hessian = natural
            if not (np.isfinite(value) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
                return None
            params = np.exp(theta)
            grad_theta = gradient * params
            hess_theta = hessian * np.outer(params, params) + np.diag(grad_theta)
            try:
                step = -np.linalg.solve(hess_theta, grad_theta)
                np.linalg.cholesky(-hess_theta)
            except np.linalg.LinAlgError:
                return None
            size = np.max(np.abs(step))
            if size < self.NEWTON_FINAL_STEP and np.all(np.abs(theta + step) < self.log_bound):
                # The last step is taken without evaluating the data again: the iterate's error is
                # then O(size²), and the log-likelihood gains ½ gᵀΔ up to O(size³) per customer.
                # The gradient and Hessian are those of the previous iterate, a distance size away.
                natural = (value + 0.5 * float(grad_theta @ step), gradient, hessian)
                return optimize.OptimizeResult(
                    x=theta + step, fun=-natural[0] / data.n_customers, nit=iteration + 1, nfev=evaluations,
                    message=f"Newton: last step {size:.1e}", success=True, natural=natural)
            for _ in range(40):
                candidate = theta + step
                if np.all(np.abs(candidate) < self.log_bound):
                    with np.errstate(all="ignore"):
                        trial = self._log_likelihood_hessian(np.exp(candidate), data)
                    evaluations += 1
                    if np.isfinite(trial[0]) and trial[0] >= value - 1e-12 * abs(value):
                        break
                step = step / 2.0
            else:
                return None
            message = self._runaway(candidate, data)
            if message is not None:
                raise _RunawayStop(message)
            theta, natural = candidate, trial
        return None

    # Largest relative parameter change _last_newton_step takes (it corrects the last digits only).
    LAST_STEP_MAX = 1e-4

    def _last_newton_step(self, result: optimize.OptimizeResult,
                          data: CompressedData) -> tuple[optimize.OptimizeResult, np.ndarray | None]:
        """One Newton step from the end of :meth:`_refine` with the data's Hessian (differences of the
        gradient, :meth:`_difference_hessian`), which the standard errors need anyway.

        L-BFGS-B stops once ln L no longer changes in double precision, with the gradient still large
        enough to leave the parameters up to ~1e-6 (relative) off the maximum (the fit's result then
        depended on the path to it at that level); this step takes them to it to ~1e-12, without
        another evaluation than those of the Hessian. Returns the result (moved unless the Hessian is
        not negative definite or the step exceeds ``LAST_STEP_MAX``) and the Hessian for the standard
        errors (None when it is not finite; it is that of the point before the step, ~1e-7 away)."""
        params = np.exp(result.x)
        with np.errstate(all="ignore"):
            gradient = self._natural_gradient(params, data)
            hessian = self._difference_hessian(params, data, gradient)
        if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
            return result, None
        try:
            np.linalg.cholesky(-0.5 * (hessian + hessian.T))
            step = np.linalg.solve(hessian, -gradient)
        except np.linalg.LinAlgError:
            return result, hessian
        if not np.max(np.abs(step / params)) <= self.LAST_STEP_MAX:
            return result, hessian
        result.x = np.log(params + step)
        return result, hessian

    def _check_convergence(self, result: optimize.OptimizeResult, data: CompressedData) -> None:
        name = type(self).__name__
        if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
            raise ConvergenceError(f"{name}: the optimiser ended at a non-finite point ({result.message})")
        message = self._runaway(np.asarray(result.x, dtype=float), data)
        if message is not None:
            raise ConvergenceError(message)
        at_bound = [p for p, v in zip(self.param_names, result.x, strict=True)
                    if abs(v) >= self.log_bound - 1e-3]
        if at_bound:
            values = ", ".join(f"{p}={np.exp(v):.3g}" for p, v in zip(self.param_names, result.x, strict=True))
            raise ConvergenceError(
                f"{name}: the likelihood has no interior maximum; parameter(s) {', '.join(at_bound)} ran "
                f"to the boundary ({values}). The data ({data.n_customers:g} customers, "
                f"{data.n_rows} distinct rows) cannot identify the model.")
        if getattr(result, "natural", None) is not None:
            gradient = result.natural[1] * np.exp(result.x) / data.n_customers
        else:
            _, gradient = self._objective(result.x, data)
        gradient_norm = float(np.max(np.abs(gradient)))
        if gradient_norm > self.gradient_tolerance:
            raise ConvergenceError(
                f"{name}: L-BFGS-B stopped with gradient norm {gradient_norm:.2e} per customer "
                f"(tolerance {self.gradient_tolerance:g}) after {result.nit} iterations: {result.message}")

    # -- standard errors and summary ---------------------------------------------------------------
    def _natural_gradient(self, params: np.ndarray, data: CompressedData) -> np.ndarray:
        return self._log_likelihood(params, data)[1]

    def _set_standard_errors(self, params: np.ndarray, data: CompressedData,
                             hessian: np.ndarray | None = None) -> None:
        """Covariance = inverse of the negative Hessian of the log-likelihood in natural parameters:
        the model's analytic Hessian where it has one, else central differences of the analytic
        gradient (forward differences on large data, where one evaluation costs more and the
        curvature is smooth at that scale)."""
        if hessian is None and self.analytic_hessian:
            hessian = self._log_likelihood_hessian(params, data)[2]
        if hessian is None:
            hessian = self._difference_hessian(params, data)
        self._set_covariance(hessian)

    def _difference_hessian(self, params: np.ndarray, data: CompressedData,
                            base_gradient: np.ndarray | None = None) -> np.ndarray:
        """The Hessian in natural parameters from differences of the analytic gradient: central
        differences on small data, else forward ones from ``base_gradient`` (the gradient at
        ``params``, evaluated here unless given)."""
        k = params.shape[0]
        hessian = np.empty((k, k))
        central = data.n_rows <= SCREENING_ROWS
        if not central and base_gradient is None:
            base_gradient = self._natural_gradient(params, data)
        for j in range(k):
            step = (1e-5 if central else 1e-6) * params[j]
            up = params.copy()
            up[j] += step
            if central:
                down = params.copy()
                down[j] -= step
                hessian[:, j] = (self._natural_gradient(up, data) - self._natural_gradient(down, data)) / (2 * step)
            else:
                hessian[:, j] = (self._natural_gradient(up, data) - base_gradient) / step
        return hessian

    def _set_covariance(self, hessian: np.ndarray) -> None:
        k = hessian.shape[0]
        information = -0.5 * (hessian + hessian.T)
        eigenvalues = np.linalg.eigvalsh(information)
        if not np.all(np.isfinite(information)) or eigenvalues.min() <= 1e-12 * max(eigenvalues.max(), 1e-300):
            warnings.warn(f"{type(self).__name__}: the observed information matrix is not positive "
                          "definite; standard errors are reported as NaN", RuntimeWarning, stacklevel=4)
            covariance = np.full((k, k), np.nan)
        else:
            covariance = np.linalg.inv(information)
        self.covariance_ = pd.DataFrame(covariance, index=list(self.param_names),
                                        columns=list(self.param_names))
        self.standard_errors_ = dict(zip(self.param_names,
                                         (float(v) for v in np.sqrt(np.clip(np.diag(covariance), 0, None))),
                                         strict=True))

    def _require_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def _param_array(self) -> np.ndarray:
        self._require_fitted()
        return np.array([self.params_[name] for name in self.param_names])

    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and Wald 95% intervals on the log scale: every parameter of these
        models is positive, and ``estimate ± 1.96 se`` put a lower bound below zero where the error is large
        (BG/NBD's ``b`` of the sample business: 11.59 ± 12.13); ``estimate · exp(± 1.96 se / estimate)``
        (the log's standard error by the delta method) stays positive. The log-likelihood, number of
        customers and of distinct rows are in ``DataFrame.attrs``."""
        self._require_fitted()
        estimate = np.array([self.params_[p] for p in self.param_names])
        se = np.array([self.standard_errors_[p] for p in self.param_names])
        spread = np.exp(Z_95 * se / estimate)
        frame = pd.DataFrame({"param": list(self.param_names), "estimate": estimate, "se": se,
                              "lower_95": estimate / spread, "upper_95": estimate * spread})
        frame.attrs.update(log_likelihood=self.log_likelihood_, n_customers=self.n_customers_,
                           n_distinct=self.n_distinct_)
        return frame

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<{type(self).__name__}: not fitted>"
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: {values}, log-likelihood={self.log_likelihood_:.2f}>"


class TransactionModelFitter(BaseFitter):
    """Base of the purchase-count models fitted on (frequency, recency, T)."""

    def fit(self, frequency, recency, T, weights=None) -> TransactionModelFitter:
        """Fit by maximum likelihood; ``weights`` counts the customers a row stands for.

        Rows without weights (one per customer) are first collapsed to distinct rows; rows with
        weights are taken as they are, being sufficient statistics already (e.g. from
        :func:`keepwise.models.summary.transaction_statistics`).
        """
        x, t_x, t_cal, w = validate_rfm(frequency, recency, T, weights)
        data = compress_columns({"frequency": x, "recency": t_x, "T": t_cal}, w, merge=weights is None)
        return self._fit_compressed(data)

    def _check_data(self, data: CompressedData) -> None:
        name = type(self).__name__
        informative = data.columns["T"] > 0
        if not np.any(informative):
            raise ConvergenceError(f"{name}: every customer has T = 0 (first purchase at the end of "
                                   "the calibration period); such customers carry no information")
        if not np.any(data.columns["frequency"] > 0):
            raise ConvergenceError(
                f"{name}: no customer made a repeat purchase (all frequency = 0). The likelihood then "
                "increases without bound as the purchase rate goes to zero (r → 0), so no finite "
                "maximum-likelihood estimate exists.")

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        x, t_cal, w = data.columns["frequency"], data.columns["T"], data.weights
        rate = max(float(np.sum(w * x) / max(np.sum(w * t_cal), 1e-12)), 1e-8)
        # r/alpha is the mean purchase rate; scale the guesses by it so they suit days and weeks.
        mean_t = float(np.sum(w * t_cal) / np.sum(w))
        starts = []
        for r in (1.0, 0.25):
            for second in self._dropout_start_pairs(mean_t):
                starts.append(np.array([r, r / rate, *second]))
        return starts

    @abstractmethod
    def _dropout_start_pairs(self, mean_T: float) -> list[tuple[float, float]]:
        """Start values of the two dropout parameters."""

    # -- shared predictions ------------------------------------------------------------------------
    def expected_number_of_purchases_up_to_time(self, t):
        """Unconditional E[X(t)]: expected repeat purchases of a new customer in (0, t]."""
        t = np.asarray(t, dtype=float)
        zeros = np.zeros_like(t)
        return self.conditional_expected_number_of_purchases_up_to_time(t, zeros, zeros, zeros)

    @abstractmethod
    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t]."""

    @abstractmethod
    def conditional_expected_number_of_purchases_up_to_times(self, times, frequency, recency, T):
        """``conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)`` for each number
        ``t`` of ``times`` in turn, one array at a time (an iterator), the same numbers: what does not depend
        on t (P(alive) above all) is computed once for them all."""
