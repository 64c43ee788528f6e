"""The portfolio charts' data as JSON, and the report's figures drawn back from it.

The report draws the churn trend, the whale curve and the cohort heatmap straight from an
``Analysis``; a stored assessment run (``keepwise.store``) keeps the same data as JSON
(``portfolio_chart_data``) so the staff app's dashboard draws the very same figures later, in the
reader's language (``portfolio_figures``). The points kept (``whale_points``, ``cohorts_shown``)
are the ones the report draws: one selection for both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from keepwise.metrics.cohorts import CohortMatrix
from keepwise.metrics.portfolio import PortfolioSummary
from keepwise.metrics.value import WhaleCurve
from keepwise.report import charts
from keepwise.text.translator import Translator

# Cohort heatmap: the most recent cohorts and the first periods after joining; more is unreadable.
MAX_COHORTS = 24
MAX_COHORT_PERIODS = 24
# The whale curve has a point per customer; this many points draw the same line in a fraction of the bytes.
WHALE_POINTS = 400
# What a stored run keeps per chart; the order is the dashboard's.
CHARTS = ("churn", "whale", "cohorts")
_CHURN_COLUMNS = ("period_start", "customers_at_end", "churn_rate", "partial")


def whale_points(curve: WhaleCurve) -> np.ndarray:
    """Indices of the whale curve's points drawn (at most ``WHALE_POINTS``, both ends kept)."""
    return np.unique(np.linspace(0, curve.n_customers, min(curve.n_customers + 1, WHALE_POINTS)).round().astype(int))


def cohorts_shown(matrix: CohortMatrix) -> pd.DataFrame:
    """The cohort shares drawn: the latest ``MAX_COHORTS`` cohorts, the first ``MAX_COHORT_PERIODS`` periods."""
    return matrix.shares.iloc[-MAX_COHORTS:, :MAX_COHORT_PERIODS]


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def portfolio_chart_data(portfolio: PortfolioSummary) -> dict[str, Any]:
    """JSON-serialisable data of the portfolio charts; a chart without data is left out."""
    data: dict[str, Any] = {"period": portfolio.period}
    churn = portfolio.churn
    if not churn.empty:
        data["churn"] = {
            "period_start": [pd.Timestamp(v).date().isoformat() for v in churn["period_start"]],
            "customers_at_end": [int(v) for v in churn["customers_at_end"]],
            "churn_rate": [_number(v) for v in churn["churn_rate"]],
            "partial": [bool(v) for v in churn["partial"]],
        }
    curve = portfolio.whale
    if curve.n_customers:
        points = whale_points(curve)
        data["whale"] = {
            "customer_share": [float(v) for v in curve.customer_share[points]],
            "cumulative_profit": [float(v) for v in curve.cumulative_profit[points]],
            "peak_share": float(curve.peak_customer_share),
            "peak_profit": float(curve.peak_profit),
            "total_profit": float(curve.total_profit),
        }
    matrix = portfolio.cohorts
    if not matrix.shares.empty:
        shown = cohorts_shown(matrix)
        data["cohorts"] = {
            "cohorts": [str(c) for c in shown.index],
            "periods": [int(p) for p in shown.columns],
            "sizes": [int(v) for v in matrix.sizes.loc[shown.index]],
            "shares": [[_number(v) for v in row] for row in shown.to_numpy(dtype=float)],
        }
    return data


def portfolio_figures(data: dict[str, Any], t: Translator) -> list[tuple[str, go.Figure]]:
    """The report's figures of ``portfolio_chart_data`` output, as (chart name, figure), labels in ``t``'s language."""
    figures: list[tuple[str, go.Figure]] = []
    if churn := data.get("churn"):
        frame = pd.DataFrame({name: churn[name] for name in _CHURN_COLUMNS})
        frame["period_start"] = pd.to_datetime(frame["period_start"])
        frame["churn_rate"] = frame["churn_rate"].astype(float)
        figures.append(("churn", charts.churn_trend(frame, t, t.period_name(data.get('period', 'month')))))
    if whale := data.get("whale"):
        figures.append(("whale", charts.whale_curve(np.asarray(whale["customer_share"], dtype=float),
                                                    np.asarray(whale["cumulative_profit"], dtype=float),
                                                    whale["peak_share"], whale["peak_profit"], whale["total_profit"],
                                                    t)))
    if cohorts := data.get("cohorts"):
        shares = pd.DataFrame(np.array(cohorts["shares"], dtype=float), index=cohorts["cohorts"],
                              columns=cohorts["periods"])
        sizes = pd.Series(cohorts["sizes"], index=cohorts["cohorts"])
        figures.append(("cohorts", charts.cohort_heatmap(shares, sizes, t)))
    return figures
