"""Which purchase model describes this business: chosen by how well each predicted a held-out period.

``[clv] transaction_model = "auto"`` fits each of ``[clv] transaction_candidates`` on the orders up to
``as_of - holdout_days`` and scores, on the customers known then, its probability of at least one
purchase in the held-out days against what they did (Brier score, lower is better). The best is then
fitted on all orders up to ``as_of``. The choice and its figures are stated, so the output can say which
model was used and why. The fits and the score take the customers collapsed in the engine to their
distinct (frequency, recency, T, bought in the held-out days) with a count (``transaction_statistics``), the
count weighting each row, which gives the per-customer fits and mean exactly.

BG/NBD is not a default candidate: under it a customer who never bought again is alive with
probability 1 however long ago their one purchase was. MBG/NBD and Pareto/NBD let every customer's
P(alive) fall with the time since their last purchase, one-time buyers included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.metrics.table_aggregates import holdout_day
from keepwise.models.fitting import transaction_fitter
from keepwise.models.summary import TIME_UNIT_DAYS, summary_arrays, transaction_statistics

__all__ = ["TransactionChoice", "choice_split", "choose_transaction_model", "with_transaction_model"]


@dataclass
class TransactionChoice:
    name: str | None  # the model to use; None when no candidate could be fitted
    reason: str  # why, in one technical line (``assess --json`` and ``--verbose``)
    scores: dict[str, float] = field(default_factory=dict)  # candidate -> holdout Brier score
    failures: dict[str, str] = field(default_factory=dict)  # candidate -> why it could not be fitted
    how: str = "holdout"  # chosen by the held-out days' scores; "setting": named by the settings; "no_history"
    holdout_days: int | None = None

    def facts(self) -> dict:
        """How the model was chosen, for the text layer (``keepwise.text.purchase_model``): ``how``, ``model``,
        ``days`` held out, and with ``how`` "holdout" the candidates' ``scores`` and the ``not_fitted``."""
        return {"how": self.how, "model": self.name, "days": self.holdout_days, "scores": dict(self.scores),
                "not_fitted": list(self.failures)}


def choice_split(as_of: date, settings: Settings) -> date | None:
    """The last day the candidates are fitted on when the model is chosen (``"auto"``), else None:
    ``customer_summary(ds, as_of, unit, split=...)`` then also gives the choice its statistics."""
    return holdout_day(as_of, settings) if settings.clv.transaction_model == "auto" else None


def choose_transaction_model(ds: Dataset, as_of: date, settings: Settings | None = None,
                             statistics: dict[str, np.ndarray] | None = None) -> TransactionChoice:
    """The configured model, or with ``"auto"`` the candidate that predicted the held-out days best.
    ``statistics``: ``split_statistics`` of a summary split at :func:`choice_split`, when the caller
    has one (the orders are then not read again)."""
    config = (settings or ds.settings).clv
    if config.transaction_model != "auto":
        return TransactionChoice(config.transaction_model, f"{config.transaction_model}: set by [clv] transaction_model",
                                 how="setting")
    unit = config.time_unit
    unit_days = TIME_UNIT_DAYS[unit]
    calibration_end = holdout_day(as_of, settings or ds.settings)
    if statistics is None:
        statistics = summary_arrays(
            transaction_statistics(ds.table("orders"), calibration_end, unit, observation_end=as_of))
    candidates = list(config.transaction_candidates)
    if statistics["n_customers"].size == 0:
        return TransactionChoice(
            candidates[0], f"{candidates[0]}: no orders before the held-out {config.holdout_days} days to compare on",
            how="no_history", holdout_days=config.holdout_days)
    x, t_x, t_cal, customers = (statistics[c] for c in ("frequency", "recency", "T", "n_customers"))
    bought = statistics["bought_in_holdout"]
    horizon = config.holdout_days / unit_days
    choice = TransactionChoice(None, "", holdout_days=config.holdout_days)
    for name in candidates:
        try:
            fitter = transaction_fitter(name).fit(x, t_x, t_cal, weights=customers)
            p_buy = np.clip(fitter.probability_of_purchase_in_next(horizon, x, t_x, t_cal), 0.0, 1.0)
        except ValueError as error:  # ConvergenceError included
            choice.failures[name] = str(error)
            continue
        if not np.all(np.isfinite(p_buy)):
            choice.failures[name] = "its predictions are not finite numbers on this data"
            continue
        # The mean over customers: each row stands for n_customers of them.
        choice.scores[name] = float(np.average((p_buy - bought) ** 2, weights=customers))
    if not choice.scores:
        choice.reason = "no purchase model could be fitted on the orders before the held-out period"
        return choice
    best = min(choice.scores, key=choice.scores.get)
    others = ", ".join(f"{name} {score:.4f}" for name, score in choice.scores.items() if name != best)
    choice.name = best
    choice.reason = (
        f"{best}: predicted who bought in the last {config.holdout_days} days best "
        f"(Brier score {choice.scores[best]:.4f}" + (f"; {others}" if others else "") + ")"
    )
    if choice.failures:
        choice.reason += "; not fitted: " + ", ".join(choice.failures)
    return choice


def with_transaction_model(settings: Settings, name: str | None) -> Settings:
    """``settings`` with ``[clv] transaction_model`` set to the model in use (so the churn backtest scores it)."""
    if name is None or settings.clv.transaction_model == name:
        return settings
    return settings.model_copy(update={"clv": settings.clv.model_copy(update={"transaction_model": name})})


def resolved_transaction_model(ds: Dataset, as_of: date, settings: Settings) -> str | None:
    """The concrete model ``settings`` ask for on ``ds`` as of ``as_of`` (choosing when it is auto)."""
    if settings.clv.transaction_model != "auto":
        return settings.clv.transaction_model
    return choose_transaction_model(ds, as_of, settings).name
