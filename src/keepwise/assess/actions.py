"""One action per customer, the money at stake, and the priority, vectorised.

Only current problems count; a problem that has stopped (``keepwise.assess.change``) never decides
an action, it is named in ``past_flags`` and in the reasons. Each current problem weighs its
``[actions]`` weight, a money problem only when its cost is not minor against the margin the
customer brought (``keepwise.assess.severity``). The decision, first match wins:

1. ``offboard``: the problem score (sum of the weights) reaches ``offboard_min_score``: confirmed
   fraud or abuse of staff alone, or several lesser problems together.
2. ``offboard``: the relationship destroys value through the customer's conduct and it cannot be
   repriced: a net loss to date, and current problems listed in ``not_repriceable`` (trivial,
   constant complaints) cost more than all the margin the customer brought.
3. ``fix_service``: the customer was served clearly worse than the business's norm
   (``service_failure``). The business's fault comes before any judgement of the customer.
4. ``make_profitable``: a current, not minor money problem the business can act on (bad payer,
   return abuser, fickle, chronic complainer): reprice, require prepayment, cut cost to serve.
5. ``deprioritize``: a current deal seeker or values conflict: stop spending effort on them.
6. ``fix_service``: the customer left saying the business failed them (delivery, quality or service) and
   their records bear it out (``keepwise.assess.exit_answers``). A claim weighs less than a failure
   measured against the norm (3.), so the customer's own problems (4., 5.) decide first.
7. ``make_profitable``: unprofitable with no other current problem.
8. By lifecycle: lapsed -> ``win_back`` if valuable else ``deprioritize``; slipping -> ``retain``
   if valuable else ``keep``; active -> ``nurture`` (top margin, regular) or ``grow`` (unless
   ``no_growth_potential``) or ``keep``; never bought -> ``keep``.

Money at stake, in the configured currency, over the CLV horizon:
- retain / win_back: value if kept active x (1 - p_alive): the CLV at risk;
- offboard / deprioritize: the customer's cost to serve per year x horizon, plus any yearly loss:
  what ending the relationship saves;
- make_profitable: the yearly loss x horizon (the profit gained by bringing them to break-even),
  or, for profitable customers with a money problem, the yearly cost to serve of that problem;
- fix_service: the customer's value if kept plus the yearly cost of the business's failures;
- nurture / grow / keep: the CLV (never below 0).

Priority: actions in ``priority_order``; within an action more independent problems first, then
the higher problem score, then more money at stake. It is a dense rank, so ties share a number.
"""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd

from keepwise.assess.flags import PROBLEM_FLAGS, tenure_years
from keepwise.assess.severity import MONEY_PROBLEMS, cost_shares, problem_costs
from keepwise.config import Action, Settings
from keepwise.data.positions import positions
from keepwise.text.columns import spread, to_series

__all__ = ["ACTIONS", "decide_actions", "priority_rank", "problem_weights"]

ACTIONS: tuple[str, ...] = get_args(Action)
EFFORT_PROBLEMS = ("deal_seeker", "values_conflict")


def problem_weights(flags: pd.DataFrame, features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The weight of every current problem (0 where it does not fire, has stopped or costs little),
    then ``cost_<code>`` and ``cost_share_<code>`` for the money problems."""
    costs = problem_costs(features, settings)
    shares = cost_shares(costs, features)
    minor = settings.actions.minor_cost_share
    weights = {}
    for code in PROBLEM_FLAGS:
        base = settings.actions.weights[code]
        counts = flags[f"{code}_current"].to_numpy(bool)
        if code in MONEY_PROBLEMS:
            counts = counts & (shares[code].to_numpy(float) >= minor)
        weights[code] = np.where(counts, base, 0.0)
    table = pd.DataFrame(weights, index=flags.index)
    for code in costs.columns:
        table[f"cost_{code}"] = costs[code]
        table[f"cost_share_{code}"] = shares[code]
    return table


def decide_actions(
    features: pd.DataFrame,
    flags: pd.DataFrame,
    weights: pd.DataFrame,
    predictions: pd.DataFrame,
    lifecycle: pd.Series,
    settings: Settings,
) -> pd.DataFrame:
    """Columns: action, money_at_stake, problem_score, n_problems, valuable."""
    config = settings.actions
    horizon_years = settings.clv.horizon_days / 365.0
    problems = weights[list(PROBLEM_FLAGS)]
    problem_score = problems.sum(axis=1)
    n_problems = (problems > 0).sum(axis=1)

    margin_rate = predictions["yearly_margin_rate"]
    buying = features["n_orders"] > 0
    if buying.any():
        valuable_bar = margin_rate[buying].quantile(config.valuable_quantile)
        nurture_bar = margin_rate[buying].quantile(config.nurture_quantile)
    else:
        valuable_bar = nurture_bar = np.inf
    valuable = buying & (margin_rate >= valuable_bar) & (margin_rate > 0)
    top = buying & (margin_rate >= nurture_bar) & (margin_rate > 0)

    money_problem = (weights[list(MONEY_PROBLEMS)] > 0).any(axis=1)
    effort_problem = (weights[list(EFFORT_PROBLEMS)] > 0).any(axis=1)
    unprofitable = flags["unprofitable_current"]
    conduct_cost = sum(
        weights[f"cost_{code}"].where(flags[f"{code}_current"], 0.0) for code in config.not_repriceable
    )
    destroys_value = unprofitable & (conduct_cost > features["gross_margin"].clip(lower=0.0)) & (conduct_cost > 0)

    stage = lifecycle.to_numpy()
    conditions = [
        problem_score >= config.offboard_min_score,
        destroys_value,
        flags["service_failure"],
        money_problem,
        effort_problem,
        flags["exit_claim_borne_out"],
        unprofitable,
        (stage == "lapsed") & valuable,
        stage == "lapsed",
        (stage == "slipping") & valuable,
        stage == "slipping",
        (stage == "active") & top & (features["n_purchase_days"] >= config.nurture_min_purchase_days),
        (stage == "active") & ~flags["no_growth_potential"],
    ]
    choices = [
        "offboard",
        "offboard",
        "fix_service",
        "make_profitable",
        "deprioritize",
        "fix_service",
        "make_profitable",
        "win_back",
        "deprioritize",
        "retain",
        "keep",
        "nurture",
        "grow",
    ]
    # Each customer's action as a number (its place among the names), then the names once as Arrow texts:
    # no NumPy text per customer to compare and convert.
    names = list(dict.fromkeys([*choices, "keep"]))
    code = np.select([np.asarray(c, dtype=bool) for c in conditions], [names.index(c) for c in choices],
                     default=names.index("keep"))

    # Money at stake over the horizon.
    years = tenure_years(features, settings)
    yearly_cost_to_serve = (features["cost_to_serve"] - features["cost_business_fault"]).to_numpy(float) / years
    yearly_business_fault = features["cost_business_fault"].to_numpy(float) / years
    yearly_loss = np.maximum(-margin_rate.to_numpy(float), 0.0)
    p_alive = predictions["p_alive"].to_numpy(float)
    clv = predictions["clv"].to_numpy(float)
    # The value if the customer stays active: the model's CLV undone by p_alive where it can be.
    floor = config.min_p_alive_for_value
    value_if_kept = np.where(
        p_alive > floor, clv / np.maximum(p_alive, floor), margin_rate.to_numpy(float) * horizon_years
    )
    value_if_kept = np.maximum(value_if_kept, 0.0)
    at_stake = {
        "retain": value_if_kept * (1 - p_alive),
        "win_back": value_if_kept * (1 - p_alive),
        "offboard": (yearly_cost_to_serve + yearly_loss) * horizon_years,
        "deprioritize": (yearly_cost_to_serve + yearly_loss) * horizon_years,
        "make_profitable": np.where(yearly_loss > 0, yearly_loss, yearly_cost_to_serve) * horizon_years,
        "fix_service": value_if_kept + yearly_business_fault * horizon_years,
    }
    money = np.maximum(clv, 0.0)
    for name, amount in at_stake.items():
        money = np.where(code == names.index(name), amount, money)

    return pd.DataFrame(
        {
            "action": to_series(spread(names, code), index=features.index),
            "money_at_stake": np.round(np.nan_to_num(money, nan=0.0), 2),
            "problem_score": problem_score.round(2),
            "n_problems": n_problems,
            "valuable": valuable,
            "destroys_value": destroys_value,
        },
        index=features.index,
    )


def priority_rank(decisions: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Dense rank from 1 over (action order, -n_problems, -problem_score, -money_at_stake)."""
    order = list(settings.actions.priority_order)
    # Each action's place in the order (by Arrow's lookup, no Python object per customer); unknown: last.
    tier = positions(decisions["action"], order)
    keys = pd.DataFrame(
        {
            "tier": np.where(tier >= 0, tier, len(order)),
            "problems": -decisions["n_problems"].to_numpy(int),
            "score": -decisions["problem_score"].round(2).to_numpy(float),
            "money": -decisions["money_at_stake"].round(0).to_numpy(float),
        }
    )
    sorted_keys = keys.sort_values(list(keys.columns), kind="stable")
    new_group = sorted_keys.ne(sorted_keys.shift()).any(axis=1)
    rank_sorted = new_group.cumsum().to_numpy()
    rank = np.empty(len(keys), dtype=np.int64)
    rank[sorted_keys.index.to_numpy()] = rank_sorted
    return rank
