"""What drives churn, for the model-diagnostics section of the report.

Preferred source: the churn classifier's feature importance (``keepwise.models.churn_classifier``), its
features grouped into the reasons a person reads (recency, spend trend, deliveries, ...). When the
classifier cannot be trained on the data, the assessment's own reasons stand in: the first reason given for every
customer the assessment wants to retain or win back, with the figures blanked out so that reasons of
one kind ("N days since the last order ...") are counted together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset

# The actions of customers who are slipping away or gone.
AT_RISK_ACTIONS = ("retain", "win_back")
TOP_REASONS = 8
_DATE_SPAN = re.compile(r"\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?")
_NUMBER = re.compile(r"\d+([.,]\d+)?")


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


def _with_shares(table: pd.DataFrame) -> pd.DataFrame:
    total = float(table["weight"].sum())
    return table.assign(share=table["weight"] / total if total > 0 else 0.0).reset_index(drop=True)


def churn_model_reasons(ds: Dataset, as_of: date, model=None) -> ChurnReasons:
    """Feature importance (total gain) of the churn classifier, summed per reason group, or why there is none.

    ``model``: a ``ChurnModel`` already fitted at ``as_of`` (by the predictions); otherwise one is fitted here.
    """
    try:
        from keepwise.models.churn_classifier import ChurnModel, reason_group
    except ImportError as error:
        return ChurnReasons(unavailable=f"the churn model is not part of this installation ({error})")
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
        table=_with_shares(table),
        source="model",
        holdout_churn_rate=model.holdout_churn_rate_,
        holdout_predicted_rate=model.holdout_predicted_rate_,
        period_days=int(ds.settings.churn_model.period_days),
    )


def reason_kind(reason: str) -> str:
    """A reason with its dates and figures replaced by placeholders, so reasons of one kind count together."""
    text = _DATE_SPAN.sub("…", reason.strip())
    return _NUMBER.sub("N", text)


def reasons_from_assessment(assessment: pd.DataFrame) -> ChurnReasons:
    """The most frequent first reasons of the customers to retain or win back."""
    at_risk = assessment[assessment["action"].isin(AT_RISK_ACTIONS)]
    first = at_risk["reasons"].fillna("").astype(str).str.split(";").str[0].str.strip()
    first = first[first != ""]
    if first.empty:
        return ChurnReasons(unavailable="no customer is slipping away or gone, so there are no churn reasons")
    counts = first.map(reason_kind).value_counts().head(TOP_REASONS)
    table = pd.DataFrame({"reason": counts.index.astype(str), "weight": counts.to_numpy(dtype=float)})
    return ChurnReasons(table=_with_shares(table), source="assessment")
