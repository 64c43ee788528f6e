"""The fitters' inputs checked and converted in one place: per-customer (frequency, recency, T) for the
transaction models, (frequency, monetary value) for the spend model, and the rows' weights."""

from __future__ import annotations

import numpy as np

__all__ = ["validate_rfm", "validate_spend"]


def _as_float_array(name: str, values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def validate_rfm(frequency, recency, T, weights=None):
    """Check and convert (frequency, recency, T[, weights]) to float arrays of one length.

    frequency: whole number of repeat purchases ≥ 0; recency: time of the last repeat purchase since
    the first purchase (0 when frequency is 0), 0 ≤ recency ≤ T; weights: number of customers a row
    stands for (≥ 0, default 1).
    """
    x = _as_float_array("frequency", frequency)
    t_x = _as_float_array("recency", recency)
    t_cal = _as_float_array("T", T)
    if not (x.shape == t_x.shape == t_cal.shape):
        raise ValueError(f"frequency, recency and T differ in length: {x.shape[0]}, {t_x.shape[0]}, "
                         f"{t_cal.shape[0]}")
    if x.shape[0] == 0:
        raise ValueError("no customers given")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must hold whole numbers ≥ 0 (repeat purchases)")
    if np.any(t_x < 0):
        raise ValueError("recency must be ≥ 0")
    # Summaries rounded to 2 decimals (e.g. the CDNOW files) may put recency a hair above T.
    slack = 1e-6 + 0.006 * (t_cal > 0)
    if np.any(t_x > t_cal + slack):
        raise ValueError("recency must not exceed T (the last purchase cannot follow the end of "
                         "the observation period)")
    t_x = np.minimum(t_x, t_cal)
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("recency must be 0 for customers with frequency 0")
    w = _validate_weights(weights, x.shape[0])
    return x, t_x, t_cal, w


def validate_spend(frequency, monetary_value, weights=None):
    """Check (frequency, monetary_value[, weights]) for the spend model: monetary_value is the mean
    value of the ``frequency`` repeat transactions and must be > 0 where frequency > 0."""
    x = _as_float_array("frequency", frequency)
    m = _as_float_array("monetary_value", monetary_value)
    if x.shape != m.shape:
        raise ValueError(f"frequency and monetary_value differ in length: {x.shape[0]}, {m.shape[0]}")
    if x.shape[0] == 0:
        raise ValueError("no customers given")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ValueError("frequency must hold whole numbers ≥ 0")
    if np.any((x > 0) & (m <= 0)):
        raise ValueError("monetary_value must be > 0 for customers with frequency > 0")
    w = _validate_weights(weights, x.shape[0])
    return x, m, w


def _validate_weights(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = _as_float_array("weights", weights)
    if w.shape[0] != n:
        raise ValueError(f"weights has length {w.shape[0]}, expected {n}")
    if np.any(w < 0):
        raise ValueError("weights must be ≥ 0")
    return w
