"""Buy-till-you-die models: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma, fitted on compressed data.

Each fitter follows the scikit-learn pattern: ``fit(...)`` returns the fitter, estimates end in ``_``
(``params_``, ``log_likelihood_``, ``standard_errors_``, ``n_customers_``), ``summary()`` gives a table.
:func:`rfm_summary` builds the per-customer input as an Ibis expression, :func:`sufficient_statistics`
collapses it to the distinct rows the fitters need, weighted by customers, and
:func:`transaction_statistics` computes those rows straight from the orders, the fastest way the backend allows.
"""

from keepwise.models.base import BaseFitter, ConvergenceError
from keepwise.models.bgnbd import BetaGeoFitter, ModifiedBetaGeoFitter
from keepwise.models.gamma_gamma import GammaGammaFitter
from keepwise.models.pareto_nbd import ParetoNBDFitter
from keepwise.models.summary import rfm_summary, sufficient_statistics, summary_arrays, transaction_statistics

__all__ = [
    "BaseFitter",
    "BetaGeoFitter",
    "ConvergenceError",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "ParetoNBDFitter",
    "rfm_summary",
    "sufficient_statistics",
    "summary_arrays",
    "transaction_statistics",
]
