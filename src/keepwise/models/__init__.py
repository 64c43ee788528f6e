"""Buy-till-you-die models: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma, fitted on compressed data."""

from keepwise.models.base import BaseFitter, ConvergenceError
from keepwise.models.bgnbd import BetaGeoFitter, ModifiedBetaGeoFitter

__all__ = ["BaseFitter", "BetaGeoFitter", "ConvergenceError", "ModifiedBetaGeoFitter"]
