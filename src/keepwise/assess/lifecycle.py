"""Where each customer is in their life with the business: active, slipping, lapsed or never bought.

Two sources, one seam:

- ``rhythm_predictions(features, settings)``: the interim rule, from the customer's own purchase
  rhythm. It returns the same columns a fitted model would (``p_alive``, ``churn_risk``, ``clv``).
- model predictions (BG/NBD and friends) passed to ``assess(..., predictions=...)``.

``lifecycle_stage`` then turns either into a stage: with model predictions from ``p_alive``
thresholds, otherwise from the rhythm ratio directly. Thresholds are in ``[lifecycle]`` and
``[clv]``.

The rhythm rule, documented:

- usual gap = the customer's mean gap between purchase days, shrunk towards the population's
  median gap as if ``prior_gap_weight`` gaps of it had been seen (so one or two purchases do not
  make a rhythm, and one-time buyers get the population's);
- ratio = days since the last order / usual gap (for customers who never bought: days since
  sign-up / median gap);
- p_alive = 1 / (1 + exp(steepness x (ratio - midpoint))): near 1 while the customer keeps their
  rhythm, 0.5 at ``midpoint`` gaps of silence, near 0 well beyond;
- churn_risk = 1 - p_alive x (1 - exp(-period / usual gap)): no purchase in the next period,
  either because the customer is gone or because, alive and buying at their usual Poisson rate,
  they happen not to buy;
- clv = p_alive x yearly margin rate x horizon, where the yearly margin rate is the customer's
  own profit (costs of the business's failures excluded) per year of active span (first order to
  last order plus one usual gap, at least ``min_active_days``). It is negative for customers who
  cost more than they bring, which is exactly what it should say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.config import Settings

__all__ = ["STAGES", "lifecycle_stage", "rhythm_predictions", "yearly_margin_rate"]

STAGES = ("never_bought", "active", "slipping", "lapsed")


def usual_gap_days(features: pd.DataFrame, settings: Settings) -> pd.Series:
    """The customer's usual days between purchase days, shrunk towards the population median."""
    own_gap = features["mean_purchase_gap_days"].astype(float)
    repeat = own_gap.dropna()
    population_gap = float(repeat.median()) if len(repeat) else settings.lifecycle.default_gap_days
    population_gap = max(population_gap, 1.0)
    n_gaps = (features["n_purchase_days"] - 1).clip(lower=0).astype(float)
    prior = settings.lifecycle.prior_gap_weight
    shrunk = (own_gap.fillna(0.0) * n_gaps + population_gap * prior) / (n_gaps + prior)
    return shrunk.clip(lower=1.0)


def rhythm_ratio(features: pd.DataFrame, usual_gap: pd.Series) -> pd.Series:
    """Days of silence in units of the customer's usual gap."""
    quiet_days = features["days_since_last_order"].astype(float)
    quiet_days = quiet_days.fillna(features["tenure_days"].astype(float)).fillna(0.0)
    return quiet_days / usual_gap


def yearly_margin_rate(features: pd.DataFrame, usual_gap: pd.Series, settings: Settings) -> pd.Series:
    """The customer's own profit per year of active span (0 for customers who never bought)."""
    span_days = (features["last_order_at"] - features["first_order_at"]).dt.days.astype(float)
    span_days = (span_days + usual_gap).clip(lower=settings.clv.min_active_days)
    rate = features["profit_customer_view"].astype(float) / (span_days / 365.0)
    return rate.where(features["n_orders"] > 0, 0.0).fillna(0.0)


def rhythm_predictions(features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The interim stand-in for model predictions: p_alive, churn_risk, clv (plus the rhythm behind them)."""
    life = settings.lifecycle
    usual_gap = usual_gap_days(features, settings)
    ratio = rhythm_ratio(features, usual_gap)
    p_alive = 1.0 / (1.0 + np.exp(life.p_alive_steepness * (ratio - life.p_alive_midpoint_ratio)))
    # The same period as the churn classifier's label, so every churn_risk means the same thing.
    buys_in_period = 1.0 - np.exp(-settings.churn_model.period_days / usual_gap)
    churn_risk = 1.0 - p_alive * buys_in_period
    margin_rate = yearly_margin_rate(features, usual_gap, settings)
    clv = p_alive * margin_rate * (settings.clv.horizon_days / 365.0)
    return pd.DataFrame(
        {
            "p_alive": p_alive.clip(0.0, 1.0),
            "churn_risk": churn_risk.clip(0.0, 1.0),
            "clv": clv,
            "usual_gap_days": usual_gap,
            "rhythm_ratio": ratio,
            "yearly_margin_rate": margin_rate,
        },
        index=features.index,
    )


def lifecycle_stage(
    features: pd.DataFrame, predictions: pd.DataFrame, settings: Settings, from_model: bool
) -> pd.Series:
    """never_bought / active / slipping / lapsed for every customer.

    ``from_model``: stages come from the model's ``p_alive`` thresholds; otherwise from the rhythm
    ratio thresholds. Either way a customer quiet for fewer than ``min_days_quiet`` days is active.
    """
    life = settings.lifecycle
    if from_model:
        slipping = predictions["p_alive"] < life.slipping_p_alive
        lapsed = predictions["p_alive"] < life.lapsed_p_alive
    else:
        slipping = predictions["rhythm_ratio"] > life.slipping_gap_ratio
        lapsed = predictions["rhythm_ratio"] > life.lapsed_gap_ratio
    quiet_long_enough = features["days_since_last_order"].fillna(0).astype(float) >= life.min_days_quiet
    stage = np.where(
        lapsed & quiet_long_enough, "lapsed", np.where(slipping & quiet_long_enough, "slipping", "active")
    )
    stage = np.where(features["n_orders"] > 0, stage, "never_bought")
    return pd.Series(stage, index=features.index, name="lifecycle")
