"""What drives churn across the base: the churn classifier's reason groups when it trains, else the
assessment's own reasons for the customers it wants to retain or win back. (One customer's reasons
in words are ``keepwise.assess.churn_reasons``.)

The stand-in counts the first reason given for every customer at risk, with the figures blanked
out so that reasons of one kind ("N days since the last order ...") are counted together.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from keepwise.assess.urgent import first_reasons
from keepwise.data.loader import Dataset
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_drivers import TOP_REASONS, ChurnReasons, churn_model_reasons, with_shares

# The actions of customers who are slipping away or gone.
AT_RISK_ACTIONS = ("retain", "win_back")
_DATE_SPAN = re.compile(r"\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?")
_NUMBER = re.compile(r"\d+([.,]\d+)?")


def reason_kind(reason: str) -> str:
    """A reason with its dates and figures replaced by placeholders, so reasons of one kind count together."""
    text = _DATE_SPAN.sub("…", reason.strip())
    return _NUMBER.sub("N", text)


def reasons_from_assessment(assessment: pd.DataFrame) -> ChurnReasons:
    """The most frequent first reasons of the customers to retain or win back."""
    at_risk = assessment[assessment["action"].isin(AT_RISK_ACTIONS)]
    first = first_reasons(at_risk["reasons"])
    first = first[first != ""]
    if first.empty:
        return ChurnReasons(unavailable="no customer is slipping away or gone, so there are no churn reasons")
    counts = first.map(reason_kind).value_counts().head(TOP_REASONS)
    table = pd.DataFrame({"reason": counts.index.astype(str), "weight": counts.to_numpy(dtype=float)})
    return ChurnReasons(table=with_shares(table), source="assessment")


def churn_drivers(ds: Dataset, as_of: date, assessment: pd.DataFrame,
                  churn_model: ChurnModel | None = None) -> ChurnReasons:
    """The classifier's reasons (``churn_model`` when the predictions trained one, else one trained here,
    unless ``[report] churn_classifier`` is off); without them, the assessment's reasons stand in and
    ``unavailable`` says why the classifier's are missing."""
    if ds.settings.report.churn_classifier:
        reasons = churn_model_reasons(ds, as_of, churn_model)
    else:
        reasons = ChurnReasons(unavailable="the churn classifier is switched off ([report] churn_classifier)")
    if reasons.table is None:
        fallback = reasons_from_assessment(assessment)
        if fallback.table is not None:
            fallback.unavailable = reasons.unavailable
            return fallback
    return reasons
