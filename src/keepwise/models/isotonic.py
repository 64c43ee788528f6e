"""``IsotonicCurve``: an increasing, piecewise linear curve fitted to labels, for a probability that must rise with
a score (the churn backtest's recency baseline, the classifier's isotonic calibration).

The fit is the pool-adjacent-violators solution of SciPy's ``optimize.isotonic_regression`` on each
distinct score's mean label, clipped to ``[lower, upper]``; a prediction interpolates linearly between the
distinct scores and holds the end values beyond them. That is what scikit-learn's ``IsotonicRegression(
increasing=True, out_of_bounds="clip")`` computes (it calls the same SciPy function); keepwise does not
import scikit-learn for it, because importing scikit-learn imports ``scipy.stats`` (~0.5 s of one core on
every ``assess``). tests/models/test_isotonic.py compares the two.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import isotonic_regression

from keepwise.data.distinct import equal_runs

__all__ = ["IsotonicCurve"]


class IsotonicCurve:
    """``fit(scores, labels)`` returns self; fitted state: ``x_`` (the distinct scores, ascending) and ``y_``
    (the increasing fitted values there, within ``[lower, upper]``)."""

    def __init__(self, lower: float = 0.0, upper: float = 1.0):
        self.lower = lower
        self.upper = upper

    def fit(self, scores: np.ndarray, labels: np.ndarray) -> IsotonicCurve:
        scores = np.asarray(scores, dtype=float)
        labels = np.asarray(labels, dtype=float)
        if scores.ndim != 1 or scores.shape != labels.shape or len(scores) == 0:
            raise ValueError("IsotonicCurve.fit needs two one-dimensional arrays of the same, non-zero length")
        if not (np.all(np.isfinite(scores)) and np.all(np.isfinite(labels))):
            raise ValueError("IsotonicCurve.fit needs finite scores and labels")
        order = np.argsort(scores, kind="stable")
        scores, labels = scores[order], labels[order]
        starts, ends = equal_runs(scores)
        counts = (ends - starts).astype(float)
        means = np.add.reduceat(labels, starts) / counts
        fitted = isotonic_regression(means, weights=counts, increasing=True).x
        self.x_ = scores[starts]
        self.y_ = np.clip(fitted, self.lower, self.upper)
        return self

    def predict(self, scores: np.ndarray) -> np.ndarray:
        if not hasattr(self, "x_"):
            raise ValueError("IsotonicCurve is not fitted yet: call fit(scores, labels) first")
        return np.interp(np.asarray(scores, dtype=float), self.x_, self.y_)
