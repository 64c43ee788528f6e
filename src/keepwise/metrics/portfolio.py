"""Customer economics of the whole portfolio: churn, cohorts, RFM segments, historic value, whale curve.

Everything here reads the validated ``Dataset`` (see ``keepwise.data.loader``). Activity (who bought
when) comes straight from completed orders; anything about money per customer (revenue, margin, cost
to serve, profit) comes from ``keepwise.metrics.features.customer_features``, the one place cost to
serve is computed. Aggregations run in DuckDB through ibis; pandas only reshapes small results.

``portfolio_summary`` bundles it all for the CLI (``keepwise metrics``) and the HTML report;
``keepwise.metrics.render.render_summary`` draws it with Rich.
"""


from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ibis
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.activity import (
    ActivityRule,
    average_churn_rate,
    churn_by_period,
    default_rule,
    resolve_as_of,
)
from keepwise.metrics.cohorts import CohortMatrix, cohort_retention
from keepwise.metrics.features import customer_feature_frame
from keepwise.metrics.figures import MONEY_DECIMALS, SHARE_DECIMALS, json_value, round_or_none
from keepwise.metrics.periods import check_period
from keepwise.metrics.rfm import rfm_scores, segment_counts
from keepwise.metrics.value import WhaleCurve, historic_value, total, value_summary, whale_curve

# The customer features the summary reads (with ``customer_id``): counts, the last order and the money
# figures, the RFM "monetary" measure among them (``[rfm] monetary``: revenue, gross_margin or profit).
PORTFOLIO_COLUMNS = ("n_orders", "last_order_at", "revenue", "cost_of_goods", "gross_margin", "cost_to_serve",
                     "profit", "change_requests")
# The tables whose records cost the business to serve a customer (beside the orders' change requests).
COST_TABLES = frozenset({"tickets", "returns", "invoices"})

__all__ = ["PortfolioSummary", "portfolio_summary"]


@dataclass
class PortfolioSummary:
    """Everything ``keepwise metrics`` shows; ``to_dict`` / ``to_json`` give the ``--json`` form."""

    as_of: date
    period: str
    currency: str
    rule: ActivityRule  # who counts as lost
    customers: int
    customers_with_orders: int
    active_customers: int
    revenue: float
    cost_of_goods: float
    gross_margin: float
    cost_to_serve: float
    profit: float
    # Whether the data records anything that costs to serve (tickets, returns, invoices, order changes): without
    # any (CDNOW and other order-only data), a zero cost to serve means "not recorded", not "free".
    cost_recorded: bool
    churn: pd.DataFrame
    average_churn_rate: float | None
    historic_value: dict[str, Any]
    profit_summary: dict[str, Any]
    whale: WhaleCurve
    rfm: pd.DataFrame
    rfm_segments: dict[str, int]
    cohorts: CohortMatrix

    @property
    def average_retention_rate(self) -> float | None:
        return None if self.average_churn_rate is None else 1.0 - self.average_churn_rate

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: dates ISO, money to the cent, rates and shares to 4 decimals, NaN as null."""

        def money(values: dict[str, Any]) -> dict[str, Any]:
            return {k: v if k == "customers" else round_or_none(v, MONEY_DECIMALS) for k, v in values.items()}

        periods = [{k: json_value(v) for k, v in row.items()} for row in self.churn.to_dict("records")]
        return {
            "as_of": self.as_of.isoformat(),
            "period": self.period,
            "currency": self.currency,
            "cost_recorded": self.cost_recorded,
            "customers": {
                "total": self.customers,
                "with_orders": self.customers_with_orders,
                "active": self.active_customers,
            },
            "money": {
                name: round_or_none(getattr(self, name), MONEY_DECIMALS)
                for name in ("revenue", "cost_of_goods", "gross_margin", "cost_to_serve", "profit")
            },
            "churn": {
                "rule": self.rule.description,
                "average_churn_rate": round_or_none(self.average_churn_rate, SHARE_DECIMALS),
                "average_retention_rate": round_or_none(self.average_retention_rate, SHARE_DECIMALS),
                "periods": periods,
            },
            "historic_value": money(self.historic_value),
            "profit_per_customer": money(self.profit_summary),
            "whale": self.whale.to_dict(),
            "rfm_segments": dict(self.rfm_segments),
            "cohorts": self.cohorts.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _main_currency(ds: Dataset) -> str:
    orders = ds.table("orders")
    by_currency = orders.group_by("currency").aggregate(n=orders.count()).order_by(ibis.desc("n"), "currency")
    top = by_currency.limit(1).execute()
    return str(top["currency"].iloc[0]) if len(top) else str(ds.settings.general.currency).upper()


def portfolio_summary(
    ds: Dataset,
    as_of: date | datetime | str | None = None,
    period: str = "month",
    rule: ActivityRule | None = None,
    features: pd.DataFrame | None = None,
    churn: pd.DataFrame | None = None,
) -> PortfolioSummary:
    """Churn, cohorts, RFM, historic value and whale curve of ``ds`` at ``as_of``, in one object.

    ``features`` (the executed ``customer_features`` table) may be passed when the caller already
    has it; otherwise it is computed here. ``rule`` decides who is lost (default: ``[churn]``);
    ``churn``: ``churn_by_period`` by ``period`` with that rule, when the caller has it.
    """
    check_period(period)
    as_of = resolve_as_of(ds, as_of)
    rule = rule or default_rule(ds)
    if features is None:  # only what is read here: the engine computes no other aggregate
        features = customer_feature_frame(ds, as_of, columns=PORTFOLIO_COLUMNS)
    churn = churn if churn is not None else churn_by_period(ds, as_of, period, rule=rule)
    rfm = rfm_scores(features, as_of, monetary=ds.settings.rfm.monetary)
    values = historic_value(features)
    return PortfolioSummary(
        as_of=as_of,
        period=period,
        currency=_main_currency(ds),
        rule=rule,
        customers=int(len(features)),
        customers_with_orders=int((features["n_orders"] > 0).sum()),
        active_customers=int(churn["customers_at_end"].iloc[-1]) if len(churn) else 0,
        revenue=total(features["revenue"]),
        cost_of_goods=total(features["cost_of_goods"]),
        gross_margin=total(features["gross_margin"]),
        cost_to_serve=total(features["cost_to_serve"]),
        profit=total(features["profit"]),
        cost_recorded=bool(COST_TABLES & ds.present) or bool(features.get("change_requests", pd.Series()).gt(0).any()),
        churn=churn,
        average_churn_rate=average_churn_rate(churn) if len(churn) else None,
        historic_value=value_summary(values["historic_value"]),
        profit_summary=value_summary(values["profit"]),
        whale=whale_curve(features),
        rfm=rfm,
        rfm_segments=segment_counts(rfm),
        cohorts=cohort_retention(ds, as_of, by=period),
    )
