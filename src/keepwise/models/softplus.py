"""The softplus and the sigmoid of one array together, as the transaction models' likelihoods need them."""

from __future__ import annotations

import numpy as np

__all__ = ["softplus_and_sigmoid"]

# Beyond u = 36, ln(1 + e^u) = u in double precision (e^-36 < 2^-52 / 36).
_SOFTPLUS_CAP = 36.0


def softplus_and_sigmoid(u: np.ndarray, out: list[np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(ln(1 + e^u), 1 / (1 + e^-u))`` element-wise with one exp and one log.

    About twice as fast as ``np.logaddexp(0, u)`` with scipy's ``expit``. The softplus has an
    absolute error below 4e-15 (what a sum of log-likelihood terms needs; its relative error on
    values near 0 is larger), the sigmoid is exact to rounding. ``out``: three float arrays shaped
    like ``u`` to work in; the two returned arrays are two of them.
    """
    excess, sigmoid, softplus = out if out is not None else (np.empty_like(u) for _ in range(3))
    np.minimum(u, _SOFTPLUS_CAP, out=excess)
    np.exp(excess, out=sigmoid)
    np.subtract(u, excess, out=excess)  # 0 unless u > cap
    np.add(sigmoid, 1.0, out=softplus)
    np.divide(sigmoid, softplus, out=sigmoid)
    np.log(softplus, out=softplus)
    softplus += excess
    return softplus, sigmoid
