"""What drives churn: the churn classifier's feature importance, grouped into the reasons a person
reads (recency, spend trend, deliveries, ...). When the classifier cannot be trained the assessment's
own reasons stand in (``keepwise.assess.churn_reasons``), in the same ``ChurnReasons`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.models.churn_classifier import ChurnModel, reason_group

# The strongest this-many reasons are shown.
TOP_REASONS = 8


@dataclass
class ChurnReasons:
    """What drives churn: the churn model's feature importance or the assessment's reasons.

    ``table`` columns: reason, weight (importance, or customers citing it), share (of the total).
    """

    table: pd.DataFrame | None = None
    source: str = ""  # "model" (churn classifier) or "assessment" (first reasons of at-risk customers)
    unavailable: str | None = None
    # The classifier's own check on its holdout period (model source only).
    holdout_churn_rate: float | None = None
    holdout_predicted_rate: float | None = None
    period_days: int | None = None


def with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (reason, weight) with each weight's share of the total."""
    total = float(table["weight"].sum())
    return table.assign(share=table["weight"] / total if total > 0 else 0.0).reset_index(drop=True)


def churn_model_reasons(ds: Dataset, as_of: date, model: ChurnModel | None = None) -> ChurnReasons:
    """Feature importance (total gain) of the churn classifier, summed per reason group, or why there is none.

    ``model``: a ``ChurnModel`` already fitted at ``as_of`` (by the predictions); otherwise one is fitted here.
    """
    if model is None:
        try:
            model = ChurnModel(ds.settings).fit(ds, as_of)
        except ValueError as error:
            return ChurnReasons(unavailable=str(error))
    gain = model.booster_.feature_importance(importance_type="gain")
    by_group = pd.Series(gain, index=[reason_group(f) for f in model.features_]).groupby(level=0).sum()
    by_group = by_group[by_group > 0].sort_values(ascending=False).head(TOP_REASONS)
    if by_group.empty:
        return ChurnReasons(unavailable="the churn model found no feature that separates churners")
    table = pd.DataFrame({"reason": by_group.index.astype(str), "weight": by_group.to_numpy(dtype=float)})
    return ChurnReasons(
        table=with_shares(table),
        source="model",
        holdout_churn_rate=model.holdout_churn_rate_,
        holdout_predicted_rate=model.holdout_predicted_rate_,
        period_days=int(ds.settings.churn_model.period_days),
    )
