"""Synthetic customers drawn from the BG/NBD, Pareto/NBD and Gamma-Gamma models (vectorised numpy).

Used for parameter-recovery tests and for the benchmark. Every customer makes a first purchase at
time 0 of her own clock and is observed for ``T`` time units after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SimulatedCustomers",
    "simulate_bgnbd",
    "simulate_gamma_gamma_spend",
    "simulate_pareto_nbd",
]


@dataclass
class SimulatedCustomers:
    """frequency / recency / T per customer; with ``transactions=True`` also the repeat-purchase log
    (``log_customer`` index into the customer arrays, ``log_time`` since the first purchase)."""

    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    log_customer: np.ndarray | None = None
    log_time: np.ndarray | None = None


def _observation_lengths(n: int, T, rng: np.random.Generator) -> np.ndarray:
    if np.ndim(T) == 0:
        return np.full(n, float(T))
    lengths = np.asarray(T, dtype=float)
    if lengths.shape != (n,):
        raise ValueError(f"T must be a scalar or have length {n}")
    return lengths


def _last_of_sorted_uniforms(count: np.ndarray, kept: np.ndarray, span: np.ndarray,
                             rng: np.random.Generator) -> np.ndarray:
    """Time of the ``kept``-th of ``count`` uniform arrival times on [0, span] (0 when kept = 0): the
    k-th order statistic of n uniforms is span·Beta(k, n − k + 1)."""
    recency = np.zeros(count.shape[0])
    has = kept > 0
    recency[has] = span[has] * rng.beta(kept[has], count[has] - kept[has] + 1)
    return recency


def _transaction_log(count: np.ndarray, kept: np.ndarray, span: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ``count`` uniform arrivals on [0, span] per customer, sorted, keeping the first ``kept``."""
    customer = np.repeat(np.arange(count.shape[0]), count)
    times = rng.uniform(size=customer.shape[0]) * span[customer]
    order = np.lexsort((times, customer))
    customer, times = customer[order], times[order]
    starts = np.cumsum(count) - count
    rank = np.arange(customer.shape[0]) - starts[customer]
    keep = rank < kept[customer]
    customer, times = customer[keep], times[keep]
    recency = np.zeros(count.shape[0])
    last = np.cumsum(kept) - 1
    has = kept > 0
    recency[has] = times[last[has]]
    return customer, times, recency


def simulate_bgnbd(n: int, T, r: float, alpha: float, a: float, b: float, *, seed=None,
                   transactions: bool = False) -> SimulatedCustomers:
    """Draw ``n`` BG/NBD customers: λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases are Poisson(λ) on
    [0, T] until the customer drops out, with probability p right after each repeat purchase."""
    rng = np.random.default_rng(seed)
    span = _observation_lengths(n, T, rng)
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    dropout = rng.beta(a, b, size=n)
    potential = rng.poisson(rate * span)
    # Index of the repeat purchase after which the customer leaves (geometric on 1, 2, ...).
    last_possible = rng.geometric(np.clip(dropout, 1e-300, 1.0))
    frequency = np.minimum(potential, last_possible)
    if transactions:
        customer, times, recency = _transaction_log(potential, frequency, span, rng)
        return SimulatedCustomers(frequency.astype(float), recency, span, customer, times)
    recency = _last_of_sorted_uniforms(potential, frequency, span, rng)
    return SimulatedCustomers(frequency.astype(float), recency, span)


def simulate_pareto_nbd(n: int, T, r: float, alpha: float, s: float, beta: float, *, seed=None,
                        transactions: bool = False) -> SimulatedCustomers:
    """Draw ``n`` Pareto/NBD customers: λ ~ Gamma(r, rate α), μ ~ Gamma(s, rate β), lifetime
    τ ~ Exponential(μ); purchases are Poisson(λ) on [0, min(τ, T)]."""
    rng = np.random.default_rng(seed)
    span = _observation_lengths(n, T, rng)
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    death_rate = rng.gamma(s, 1.0 / beta, size=n)
    lifetime = rng.exponential(1.0 / np.maximum(death_rate, 1e-300))
    active_span = np.minimum(lifetime, span)
    frequency = rng.poisson(rate * active_span)
    if transactions:
        customer, times, recency = _transaction_log(frequency, frequency, active_span, rng)
        return SimulatedCustomers(frequency.astype(float), recency, span, customer, times)
    recency = _last_of_sorted_uniforms(frequency, frequency, active_span, rng)
    return SimulatedCustomers(frequency.astype(float), recency, span)


def simulate_gamma_gamma_spend(frequency, p: float, q: float, v: float, *, seed=None) -> np.ndarray:
    """Mean spend of each customer's ``frequency`` transactions under the Gamma-Gamma model:
    ν ~ Gamma(q, rate v), each transaction z ~ Gamma(p, rate ν); 0 where frequency = 0."""
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, size=x.shape[0])
    # The sum of x Gamma(p, ν) draws is Gamma(p·x, ν).
    has = x > 0
    mean_spend = np.zeros(x.shape[0])
    mean_spend[has] = rng.gamma(p * x[has], 1.0 / nu[has]) / x[has]
    return mean_spend
