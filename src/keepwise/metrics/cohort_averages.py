"""Cohort retention in two numbers: the share of a cohort still buying one period after joining, and
a year (or four periods) after, averaged over cohorts weighted by their size."""

from __future__ import annotations

from dataclasses import dataclass

from keepwise.metrics.cohorts import CohortMatrix

# The "later" period: a year on for monthly cohorts, four periods on otherwise.
LATER_PERIOD = {"month": 12}
LATER_PERIOD_DEFAULT = 4


@dataclass(frozen=True)
class CohortAverages:
    """``first``: retention one period after joining; ``last``: after ``later`` periods (None when unseen)."""

    later: int
    first: float | None
    last: float | None


def cohort_averages(cohorts: CohortMatrix) -> CohortAverages | None:
    """Size-weighted retention after one period and after ``later`` periods; None without cohorts."""
    shares = cohorts.shares
    if shares.empty:
        return None
    weights = cohorts.sizes.reindex(shares.index).astype(float)

    def weighted(column: int) -> float | None:
        if column not in shares.columns:
            return None
        values = shares[column]
        seen = values.notna()
        return float((values[seen] * weights[seen]).sum() / weights[seen].sum()) if seen.any() else None

    later = min(LATER_PERIOD.get(cohorts.by, LATER_PERIOD_DEFAULT), shares.columns.max())
    return CohortAverages(later=int(later), first=weighted(1), last=weighted(later))
