"""Why customers said they left (the ``exit_surveys`` table), set against the business's own failures.

Reasons are counted by calendar period and by segment; then each reason that points at the business
(``delivery``, ``quality``, ``service``) is set against the failure that matches it in the same
period and the one before: late deliveries, defective returns, complaints the business was found at
fault for (the service measures per period, passed in). A finding is a fact with its numbers
(share citing the reason, the failure's count then and now, how it changed); the text layer words
it ("34% cite delivery; late deliveries doubled in the same quarter").
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from keepwise.data.schema import EXIT_REASONS

# Reason -> the failure column of the per-period service measures that matches it.
REASON_FAILURE = {
    "delivery": "late_deliveries",
    "quality": "defective_returns",
    "service": "substantiated_complaints",
}
_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}
# "Doubled" from this ratio up; a change below this share either way is "held steady".
DOUBLED_RATIO = 2.0
STEADY_SHARE = 0.1


def _period(moments: pd.Series, period: str) -> pd.Series:
    return pd.to_datetime(moments).dt.to_period(_FREQ[period]).astype(str)


def reasons_by(surveys: pd.DataFrame, by: pd.Series) -> list[dict[str, Any]]:
    """Per value of ``by``: how many answered, and the count and share of every reason."""
    rows = []
    for key, group in surveys.groupby(by.to_numpy(), sort=True):
        counts = group["reason"].value_counts()
        n = int(len(group))
        rows.append(
            {
                "key": str(key),
                "answers": n,
                "reasons": {r: int(counts.get(r, 0)) for r in EXIT_REASONS},
                "shares": {r: round(float(counts.get(r, 0)) / n, 4) for r in EXIT_REASONS},
                "mean_score": None if group["score"].isna().all() else round(float(group["score"].mean()), 2),
            }
        )
    return rows


def change_word(before: float, after: float) -> str:
    if before <= 0:
        return "rose" if after > 0 else "flat"
    ratio = after / before
    if ratio >= DOUBLED_RATIO:
        return "doubled"
    if abs(ratio - 1) < STEADY_SHARE:
        return "flat"
    return "rose" if ratio > 1 else "fell"


def exit_survey_summary(
    surveys: pd.DataFrame,
    segments: pd.Series | None,
    failures: pd.DataFrame | None,
    period: str,
    min_answers: int,
) -> dict[str, Any]:
    """Aggregates and findings: a reason pointing at the business is a finding of a period when at least
    ``min_answers`` of the period's answers cite it (``[campaigns] exit_finding_min_answers``).

    ``surveys``: customer_id, at, reason, score. ``segments``: segment per customer_id (index), e.g.
    the RFM segment or the action; customers without one are "none". ``failures``: one row per period
    (``period`` as a string like ``2024Q3``) with counts ``late_deliveries``, ``defective_returns``,
    ``substantiated_complaints`` (any may be missing).
    """
    surveys = surveys.copy()
    surveys["customer_id"] = surveys["customer_id"].astype(str)
    periods = _period(surveys["at"], period)
    out: dict[str, Any] = {"period": period, "answers": int(len(surveys))}
    out["by_period"] = reasons_by(surveys, periods)
    if segments is not None:
        segment = surveys["customer_id"].map(segments).fillna("none").astype(str)
        out["by_segment"] = reasons_by(surveys, segment)
    findings = []
    if failures is not None and len(failures):
        table = failures.set_index("period")
        order = list(table.index)
        for row in out["by_period"]:
            if row["key"] not in table.index or order.index(row["key"]) == 0:
                continue
            previous = order[order.index(row["key"]) - 1]
            for reason, failure in REASON_FAILURE.items():
                if failure not in table.columns or row["reasons"][reason] < min_answers:
                    continue
                before, after = table.at[previous, failure], table.at[row["key"], failure]
                if pd.isna(before) or pd.isna(after):
                    continue
                findings.append(
                    {
                        "period": row["key"],
                        "reason": reason,
                        "share": row["shares"][reason],
                        "answers": row["answers"],
                        "failure": failure,
                        "before_period": str(previous),
                        "before": int(before),
                        "after": int(after),
                        "change": change_word(float(before), float(after)),
                    }
                )
    out["findings"] = findings
    return out


def failures_by_period(service_periods: pd.DataFrame, period: str) -> pd.DataFrame:
    """The failure counts per period from the service measures (``period_start``, ``n_delivered``, ...)."""
    frame = service_periods.copy()
    out = pd.DataFrame({"period": _period(frame["period_start"], period)})
    if "n_delivered" in frame and "n_on_time" in frame:
        out["late_deliveries"] = (frame["n_delivered"] - frame["n_on_time"]).to_numpy()
    if "n_defective_returns" in frame:
        out["defective_returns"] = frame["n_defective_returns"].to_numpy()
    if "substantiated_complaints" in frame:
        out["substantiated_complaints"] = frame["substantiated_complaints"].to_numpy()
    return out
