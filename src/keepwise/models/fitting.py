"""Fit and apply the buy-till-you-die models on a loaded dataset: what `keepwise clv` runs.

The CLI stays thin; this module turns a ``Dataset`` into the contract's summary (one
transaction per customer-day, completed orders up to the calibration end) and back into
the contract's JSON and prediction table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.models.base import BaseFitter
from keepwise.models.bgnbd import BetaGeoFitter, ModifiedBetaGeoFitter
from keepwise.models.gamma_gamma import GammaGammaFitter
from keepwise.models.pareto_nbd import ParetoNBDFitter
from keepwise.models.summary import TIME_UNIT_DAYS, customer_summary, summary_arrays, transaction_statistics

# The names [clv] transaction_model and `clv fit --model` accept (config.TransactionModel), and their fitters.
TRANSACTION_MODELS: dict[str, type[BaseFitter]] = {
    "bgnbd": BetaGeoFitter,
    "mbgnbd": ModifiedBetaGeoFitter,
    "pareto-nbd": ParetoNBDFitter,
}
SPEND_MODELS: dict[str, type[BaseFitter]] = {"gamma-gamma": GammaGammaFitter}
MODEL_NAMES = (*TRANSACTION_MODELS, *SPEND_MODELS)
TIME_UNITS = tuple(TIME_UNIT_DAYS)


@dataclass
class FittedModel:
    name: str
    fitter: BaseFitter
    n_customers: int  # customers the model was fitted on

    def to_contract_json(self) -> dict:
        """``keepwise clv fit --json``: the contract's keys (model, params, log_likelihood, n_customers), plus standard errors."""
        return {
            "model": self.name,
            "params": {k: float(v) for k, v in self.fitter.params_.items()},
            "log_likelihood": float(self.fitter.log_likelihood_),
            "n_customers": int(self.n_customers),
            "standard_errors": {k: _finite_or_none(v) for k, v in self.fitter.standard_errors_.items()},
        }


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _check(model: str, time_unit: str, allowed: tuple[str, ...]) -> None:
    if model not in allowed:
        raise ValueError(f"--model must be one of {', '.join(allowed)} (got '{model}')")
    if time_unit not in TIME_UNITS:
        raise ValueError(f"--time-unit must be day or week (got '{time_unit}')")


def transaction_fitter(name: str) -> BaseFitter:
    """An unfitted transaction model by its setting name (``[clv] transaction_model``)."""
    try:
        return TRANSACTION_MODELS[name]()
    except KeyError:
        raise ValueError(f"unknown transaction model '{name}' (one of {', '.join(TRANSACTION_MODELS)})") from None


def churn_risk(fitter: BaseFitter, period_days: float, unit_days: float, frequency, recency, T) -> np.ndarray:
    """P(no purchase in the next ``period_days``) from a fitted transaction model: 1 - P(at least one)."""
    buy = fitter.probability_of_purchase_in_next(period_days / unit_days, frequency, recency, T)
    return np.clip(1.0 - np.asarray(buy, dtype=float), 0.0, 1.0)


def _no_orders(calibration_end: date) -> ValueError:
    return ValueError(f"no completed orders on or before the calibration end {calibration_end.isoformat()}")


def fit_model(ds: Dataset, model: str, calibration_end: date, time_unit: str) -> FittedModel:
    """Fit one model on ``ds``'s purchase tables (``data.schema.PURCHASE_TABLES``). The transaction
    models are fitted on the distinct (frequency, recency, T) rows weighted by customers, computed in
    the database (:func:`transaction_statistics`)."""
    _check(model, time_unit, MODEL_NAMES)
    if model in SPEND_MODELS:
        summary = customer_summary(ds, calibration_end, time_unit)
        if summary.empty:
            raise _no_orders(calibration_end)
        # Gamma-Gamma models the mean spend of repeat transactions: repeat customers only.
        repeaters = summary[summary["frequency"] > 0]
        if repeaters.empty:
            raise ValueError("gamma-gamma needs customers with repeat purchases; there are none")
        fitter = SPEND_MODELS[model]().fit(repeaters["frequency"], repeaters["monetary_value"])
        return FittedModel(model, fitter, len(repeaters))
    statistics = summary_arrays(transaction_statistics(ds.table("orders"), calibration_end, time_unit))
    if statistics["n_customers"].sum() == 0:
        raise _no_orders(calibration_end)
    fitter = transaction_fitter(model).fit(statistics["frequency"], statistics["recency"], statistics["T"],
                                             weights=statistics["n_customers"])
    return FittedModel(model, fitter, int(statistics["n_customers"].sum()))


def predict(ds: Dataset, model: str, calibration_end: date, time_unit: str, horizon: float) -> pd.DataFrame:
    """``keepwise clv predict``: the contract's columns first, then the probability of a purchase."""
    _check(model, time_unit, tuple(TRANSACTION_MODELS))
    if not horizon > 0:
        raise ValueError(f"--horizon must be a positive number of {time_unit}s (got {horizon})")
    summary = customer_summary(ds, calibration_end, time_unit)
    if summary.empty:
        raise _no_orders(calibration_end)
    args = (summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy())
    fitter = transaction_fitter(model).fit(*args)
    out = summary[["customer_id", "frequency", "recency", "T"]].copy()
    out["p_alive"] = fitter.conditional_probability_alive(*args)
    out["expected_purchases"] = fitter.conditional_expected_number_of_purchases_up_to_time(horizon, *args)
    out["p_purchase_in_horizon"] = fitter.probability_of_purchase_in_next(horizon, *args)
    out["monetary_value"] = summary["monetary_value"]
    return out
