"""₂F₁(1, b; c; z), the Gauss hypergeometric function with a = 1, and its derivatives: the numerics
behind the Pareto/NBD likelihood. A power series for z ≤ 0.9, Gauss-Legendre quadrature of Euler's
integral nearer 1 (where the series needs too many terms).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import hyp2f1

__all__ = ["hyp2f1_unit_a"]

_SERIES_TOLERANCE = 1e-15
_SERIES_MAX_TERMS = 200_000
_SERIES_MAX_Z = 0.9
# Series summed as a table (see _series_by_table): the lengths it tries, and its largest size.
_TABLE_TERMS = np.array([8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024])
_TABLE_CELLS_PER_ELEMENT = 16
_TABLE_MIN_CELLS = 1 << 17
# Gauss-Legendre quadrature of Euler's integral for z > _SERIES_MAX_Z (see _hyp2f1_unit_a_quadrature).
_QUADRATURE_MIN_C_MINUS_1 = 0.05
_QUADRATURE_LEVELS = np.array([0.5, 2.0, 5.0, 10.0, 18.0, 30.0, 46.0])
_QUADRATURE_KNEE = np.array([-2.0, 0.0, 2.0])
_QUADRATURE_BISECTIONS = 14
_QUADRATURE_NEWTON = 4
_QUADRATURE_CHUNK = 4096
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(12)


def _flat(b, c, z) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[int, ...]]:
    """``b, c, z`` broadcast together, as flat float arrays, and their common shape."""
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (b, c, z)))
    return (b.ravel(), c.ravel(), z.ravel()), b.shape


def _shaped(results: np.ndarray, shape: tuple[int, ...], derivatives: bool):
    """Rows of ``results`` (value, then the derivatives) in the arguments' ``shape``: the value alone, or
    the tuple ``(value, d_b, d_c, d_z)``."""
    if derivatives:
        return tuple(row.reshape(shape) for row in results)
    return results[0].reshape(shape)


def hyp2f1_unit_a(b, c, z, derivatives: bool = False, one_minus_z=None):
    """₂F₁(1, b; c; z) for 0 ≤ z < 1 and 0 < b < c, optionally with ∂/∂b, ∂/∂c and ∂/∂z.

    For z ≤ 0.9 the power series (:func:`_hyp2f1_unit_a_series`, at most a few hundred terms). Above,
    where the series needs ~1/(1−z) terms (and ~b/(c−b) more when b is large), Gauss-Legendre
    quadrature of Euler's integral (:func:`_hyp2f1_unit_a_quadrature`, a fixed cost per element, with
    analytic derivatives) when c ≥ 1.05, else scipy's ₂F₁ (which uses the 1−z connection formulas):
    ∂/∂z = (b/c) ₂F₁(2, b+1; c+1; z) exactly and ∂/∂b, ∂/∂c by central differences; elements on
    which scipy returns a non-finite value go to the series. ``one_minus_z`` (same shape as z) is
    1 − z computed without cancellation; near z = 1 the result depends on it sensitively.
    """
    (b, c, z), shape = _flat(b, c, z)
    if one_minus_z is None:
        eps = 1.0 - z
    else:
        eps = np.broadcast_to(np.asarray(one_minus_z, dtype=float), shape).ravel()
    near_one = z > _SERIES_MAX_Z
    results = np.empty((4 if derivatives else 1, b.shape[0]))
    by_quadrature = near_one & (c >= 1.0 + _QUADRATURE_MIN_C_MINUS_1) & (eps > 0)
    if np.any(by_quadrature):
        where = np.flatnonzero(by_quadrature)
        for start in range(0, where.shape[0], _QUADRATURE_CHUNK):
            chunk = where[start:start + _QUADRATURE_CHUNK]
            block = _hyp2f1_unit_a_quadrature(b[chunk], c[chunk], eps[chunk], derivatives)
            results[:, chunk] = np.vstack(block) if derivatives else block
        near_one &= ~by_quadrature
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
    series = ~(near_one | by_quadrature)
    if np.any(series):
        block = _hyp2f1_unit_a_series(b[series], c[series], z[series], derivatives)
        results[:, series] = np.vstack(block) if derivatives else block
    return _shaped(results, shape, derivatives)


def _hyp2f1_unit_a_series(b, c, z, derivatives: bool = False):
    r"""₂F₁(1, b; c; z) for 0 ≤ z < 1 and 0 < b < c, by its power series, optionally with ∂/∂b,
    ∂/∂c and ∂/∂z.

    The series Σ_n t_n, t_n = P_n z^n with P_n = (b)_n/(c)_n, has positive terms whose ratio
    (b+n)/(c+n)·z is below z, so it converges at least geometrically, never cancels and never
    overflows (all terms ≤ 1). The derivatives come from the same terms: ∂t_n/∂b = t_n S_b(n),
    ∂t_n/∂c = −t_n S_c(n) with S_b(n) = Σ_{k<n} 1/(b+k), S_c(n) = Σ_{k<n} 1/(c+k), and
    ∂t_n/∂z = n P_n z^{n−1}. The sum stops after N terms once the tail bound
    N P_N z^{N−1} (1 + S_b(N) + S_c(N)) / (1 − z) (the last factor only with derivatives) is at most
    10⁻¹⁵ times the value.

    The likelihoods call this with few distinct (b, c) (one per purchase count) and few distinct z
    (one per time): then the sums are those of a table, P_n (and P_n S_b(n), P_n S_c(n), (n+1) P_{n+1})
    per distinct (b, c) times z^n per distinct z, a matrix product per group of z needing about as many
    terms (:func:`_series_by_table`). Other elements are summed term by term (:func:`_series_by_loop`).

    Returns ``value`` or ``(value, d_b, d_c, d_z)``.
    """
    (b, c, z), shape = _flat(b, c, z)
    out = np.empty((4 if derivatives else 1, b.shape[0]))
    left = _series_by_table(b, c, z, derivatives, out)
    if np.any(left):
        block = _series_by_loop(b[left], c[left], z[left], derivatives)
        out[:, left] = np.vstack(block) if derivatives else block
    return _shaped(out, shape, derivatives)


def _series_by_table(b, c, z, derivatives: bool, out: np.ndarray) -> np.ndarray:
    """Sum the series of :func:`_hyp2f1_unit_a_series` into ``out`` (one row per result) for the
    elements whose distinct (b, c) and distinct z make a table of at most ``_TABLE_CELLS_PER_ELEMENT``
    cells per element; returns the mask of the elements left to the loop (all of them when the table
    would be too large, those whose z needs more than ``_TABLE_TERMS[-1]`` terms otherwise)."""
    n = b.shape[0]
    everything = np.ones(n, dtype=bool)
    if n == 0:
        return everything
    b_codes, _ = pd.factorize(b)
    c_codes, c_values = pd.factorize(c)
    rows, _ = pd.factorize(b_codes.astype(np.int64) * np.int64(c_values.shape[0]) + c_codes)
    cols, z_values = pd.factorize(z)
    n_rows, n_cols = int(rows.max()) + 1, z_values.shape[0]
    if (n_rows * n_cols > _TABLE_CELLS_PER_ELEMENT * n + _TABLE_MIN_CELLS
            or min(cols.min(), b_codes.min(), c_codes.min()) < 0):
        return everything
    first = np.empty(n_rows, dtype=np.int64)
    first[rows] = np.arange(n)
    row_b, row_c = b[first][:, None], c[first][:, None]
    z_values = np.asarray(z_values, dtype=float)
    # Terms needed: a crude bound (P_N ≤ 1, S(N) ≤ 1/b + ln(1 + N/b)) for the largest z caps the table,
    # then the table's own P_N and S(N) give each z the shortest length that meets the tail bound.
    terms = _TABLE_TERMS
    harmonic = 0.0
    if derivatives:
        b_min, c_min = float(row_b.min()), float(row_c.min())
        harmonic = 1.0 / b_min + np.log1p(terms / b_min) + 1.0 / c_min + np.log1p(terms / c_min)
    z_max = float(z_values.max())
    with np.errstate(divide="ignore", under="ignore"):
        crude = terms * z_max ** (terms - 1.0) * (1.0 + harmonic) <= _SERIES_TOLERANCE * (1.0 - z_max)
    n_cap = int(terms[np.argmax(crude)]) if np.any(crude) else int(terms[-1])
    terms = terms[terms <= n_cap]
    k = np.arange(n_cap, dtype=float)
    coefficient = np.empty((n_rows, n_cap + 1))
    coefficient[:, 0] = 1.0
    np.cumprod((row_b + k) / (row_c + k), axis=1, out=coefficient[:, 1:])  # P_n, n = 0..n_cap
    bound = np.max(coefficient[:, terms], axis=0) * terms
    if derivatives:
        sum_b = np.zeros((n_rows, n_cap + 1))
        sum_c = np.zeros((n_rows, n_cap + 1))
        np.cumsum(1.0 / (row_b + k), axis=1, out=sum_b[:, 1:])  # S_b(n), n = 0..n_cap
        np.cumsum(1.0 / (row_c + k), axis=1, out=sum_c[:, 1:])
        bound = np.max(coefficient[:, terms] * (1.0 + sum_b[:, terms] + sum_c[:, terms]), axis=0) * terms
    with np.errstate(divide="ignore", under="ignore"):
        meets = (bound[None, :] * z_values[:, None] ** (terms[None, :] - 1.0)
                 <= _SERIES_TOLERANCE * (1.0 - z_values[:, None]))
    length = np.where(meets.any(axis=1), terms[np.argmax(meets, axis=1)], 0)
    # Per distinct z, the sums of P_n z^n (and the derivatives' coefficients) over its length.
    if derivatives:
        table = np.stack([coefficient[:, :-1], coefficient[:, :-1] * sum_b[:, :-1],
                          -coefficient[:, :-1] * sum_c[:, :-1], coefficient[:, 1:] * (k + 1.0)])
    else:
        table = coefficient[None, :, :-1]
    n_out = table.shape[0]
    order = np.argsort(length, kind="stable")
    position = np.empty(n_cols, dtype=np.int64)
    position[order] = np.arange(n_cols)
    sums = np.empty((n_out, n_rows, n_cols))
    sorted_length = length[order]
    for start, count in zip(*np.unique(sorted_length, return_index=True, return_counts=True)[1:], strict=True):
        n_terms = int(sorted_length[start])
        if n_terms == 0:
            continue
        chosen = z_values[order[start:start + count]]
        powers = np.empty((count, n_terms))
        powers[:, 0] = 1.0
        if n_terms > 1:
            np.cumprod(np.broadcast_to(chosen[:, None], (count, n_terms - 1)), axis=1, out=powers[:, 1:])
        block = table[:, :, :n_terms].reshape(n_out * n_rows, n_terms) @ powers.T
        sums[:, :, start:start + count] = block.reshape(n_out, n_rows, count)
    left = length[cols] == 0
    done = ~left
    out[:, done] = sums.reshape(n_out, -1)[:, rows[done] * n_cols + position[cols[done]]]
    return left


def _series_by_loop(b, c, z, derivatives: bool):
    """The series of :func:`_hyp2f1_unit_a_series` term by term on all elements at once; elements are
    dropped from the loop as they converge, by the tail bound stated there (checked every 8 terms)."""
    (b, c, z), shape = _flat(b, c, z)
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
    return _shaped(out, shape, derivatives)


def _level_crossings(psi, target, start, end, rising: bool):
    """Where the convex ψ (``psi(y)`` → value, slope) reaches ``target`` between ``start`` (its
    minimum) and ``end`` (beyond the crossing): bisection, then Newton steps kept on the far side."""
    lo, hi = (start, end) if rising else (end, start)
    for _ in range(_QUADRATURE_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = psi(mid)[0] >= target
        if rising:
            hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
        else:
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    y = hi if rising else lo
    for _ in range(_QUADRATURE_NEWTON):
        value, slope = psi(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(value > target, (value - target) / slope, 0.0)
        y = np.clip(y - step, lo, y) if rising else np.clip(y - step, y, hi)
    return y


def _hyp2f1_unit_a_quadrature(b, c, eps, derivatives: bool = False):
    r"""₂F₁(1, b; c; 1 − ε) for c > 1, 0 < ε ≤ 0.1, by quadrature of Euler's integral.

    With 1 − u = e^{−y}: ₂F₁(1, b; c; z) = (c−1) ∫_0^∞ e^{−ψ(y)} dy, ψ(y) = (c−1) y + b ln(ε + z e^{−y}).
    ψ is convex (ψ'' = b z ε e^{−y}/(ε + z e^{−y})² > 0), with its minimum at
    y* = max(0, ln(z (b−c+1)/((c−1) ε))), a slope between c−1−b and c−1 and a knee of width ~1 near
    y = ln(z/ε). The integral is cut where ψ − ψ(y*) = 46 (e^{−46} ≈ 1e-20) and split at the
    crossings of the levels ψ − ψ(y*) ∈ {0.5, 2, 5, 10, 18, 30, 46} on both sides of y* and at
    ln(z/(ε(1+b))) + {−2, 0, 2}, where the factor (ε + z e^{−y})^{−b} cuts off; each piece gets 12
    Gauss-Legendre nodes. Relative error ~1e-12 for c ≥ 1.05 and ε ≥ 1e-5, < 1e-7 down to ε = 1e-14.
    The derivatives are integrals of the same nodes: ∂/∂b of the integrand is −ln(ε + z e^{−y}), ∂/∂c
    (besides the factor c−1) −y, ∂/∂z b (1 − e^{−y})/(ε + z e^{−y}).

    Returns ``value`` or ``(value, d_b, d_c, d_z)``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (1.0 - eps) * (b - (c - 1.0)) / ((c - 1.0) * eps)
    interior = ratio > 1.0
    if np.all(interior) or not np.any(interior):
        return _quadrature_block(b, c, eps, bool(interior[0]), derivatives)
    out = np.empty((4 if derivatives else 1, b.shape[0]))
    for group in (interior, ~interior):
        block = _quadrature_block(b[group], c[group], eps[group], group is interior, derivatives)
        out[:, group] = np.vstack(block) if derivatives else block
    return tuple(out) if derivatives else out[0]


def _quadrature_block(b, c, eps, interior: bool, derivatives: bool):
    """:func:`_hyp2f1_unit_a_quadrature` for elements whose ψ has its minimum inside (0, ∞)
    (``interior``) or all at y = 0 (then the pieces left of the minimum are empty and skipped)."""
    z = 1.0 - eps
    c_minus_1 = c - 1.0
    bb, cm, ee, zz = b[:, None], c_minus_1[:, None], eps[:, None], z[:, None]

    def psi(y):
        decay = zz * np.exp(-y)
        inner = ee + decay
        return cm * y + bb * np.log(inner), cm - bb * decay / inner

    if interior:
        y_min = np.log(z * (b - c_minus_1) / (c_minus_1 * eps))[:, None]
        psi_min = psi(y_min)[0]
    else:
        y_min = np.zeros((b.shape[0], 1))
        psi_min = np.zeros((b.shape[0], 1))
    target = psi_min + _QUADRATURE_LEVELS[None, :]
    # ψ(y) ≥ (c−1) y + b ln ε bounds the crossings on the right.
    right = _level_crossings(psi, target, np.broadcast_to(y_min, target.shape),
                             np.maximum(y_min, (target - bb * np.log(ee)) / cm), rising=True)
    pieces = [y_min, right]
    if interior:
        left = _level_crossings(psi, target, np.broadcast_to(y_min, target.shape), np.zeros_like(target),
                                rising=False)
        pieces.append(left)
        lower = left[:, -1:]
    else:
        lower = y_min
    pieces.append(np.clip(np.log(zz / (ee * (1.0 + bb))) + _QUADRATURE_KNEE[None, :], lower, right[:, -1:]))
    breaks = np.sort(np.concatenate(pieces, axis=1), axis=1)
    half = 0.5 * (breaks[:, 1:] - breaks[:, :-1])
    middle = 0.5 * (breaks[:, 1:] + breaks[:, :-1])
    n = b.shape[0]
    y = (middle[:, :, None] + half[:, :, None] * _GL_NODES).reshape(n, -1)
    weights = (half[:, :, None] * _GL_WEIGHTS).reshape(n, -1)
    decay = np.exp(-y)
    inner = ee + zz * decay
    log_inner = np.log(inner)
    f = np.exp(psi_min - cm * y - bb * log_inner) * weights
    scale = c_minus_1 * np.exp(-psi_min[:, 0])
    value = scale * f.sum(axis=1)
    if not derivatives:
        return value
    d_b = -scale * np.einsum("ij,ij->i", f, log_inner)
    d_c = value / c_minus_1 - scale * np.einsum("ij,ij->i", f, y)
    d_z = scale * b * np.einsum("ij,ij->i", f, (1.0 - decay) / inner)
    return value, d_b, d_c, d_z
