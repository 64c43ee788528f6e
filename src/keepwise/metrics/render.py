"""Rich tables for ``keepwise metrics``: the portfolio summary as the terminal shows it."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from keepwise.metrics.portfolio import PortfolioSummary


def _money(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:,.2f} {currency}"


def _share(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.1%}"


def _overview(summary: PortfolioSummary) -> Table:
    table = Table(title=f"Customer economics at {summary.as_of.isoformat()}", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    currency = summary.currency
    rows = [
        ("Customers", f"{summary.customers:,}"),
        ("Customers with orders", f"{summary.customers_with_orders:,}"),
        ("Active customers", f"{summary.active_customers:,}"),
        ("Revenue", _money(summary.revenue, currency)),
        ("Cost of goods", _money(summary.cost_of_goods, currency)),
        ("Gross margin", _money(summary.gross_margin, currency)),
        ("Cost to serve", _money(summary.cost_to_serve, currency)),
        ("Profit", _money(summary.profit, currency)),
        (f"Average churn per {summary.period}", _share(summary.average_churn_rate)),
        (f"Average retention per {summary.period}", _share(summary.average_retention_rate)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _churn(summary: PortfolioSummary) -> Table:
    table = Table(title=f"Churn per {summary.period} ({summary.lost_rule})")
    for name in ("Period", "At start", "New", "Won back", "Lost", "At end", "Churn", "Retention"):
        table.add_column(name, justify="left" if name == "Period" else "right")
    for row in summary.churn.itertuples(index=False):
        label = f"{row.period} (to {row.period_end.isoformat()})" if row.partial else row.period
        table.add_row(
            label,
            f"{row.customers_at_start:,}",
            f"{row.new_customers:,}",
            f"{row.reactivated:,}",
            f"{row.lost:,}",
            f"{row.customers_at_end:,}",
            _share(row.churn_rate),
            _share(row.retention_rate),
        )
    return table


def _value(summary: PortfolioSummary) -> Table:
    table = Table(title="Per customer to date")
    table.add_column("figure", style="bold")
    for name in summary.historic_value:
        if name != "customers":
            table.add_column(name, justify="right")
    for label, values in (
        ("Historic value (margin)", summary.historic_value),
        ("Profit", summary.profit_summary),
    ):
        cells = [
            f"{values[name]:,.2f}" if values[name] is not None else "-"
            for name in values
            if name != "customers"
        ]
        table.add_row(label, *cells)
    return table


def _whale(summary: PortfolioSummary) -> Table:
    whale = summary.whale
    table = Table(title="Whale curve", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_row("Peak: top customers", _share(whale.peak_customer_share))
    table.add_row("Peak: share of total profit they earn", _share(whale.peak_profit_share))
    table.add_row("Peak profit", _money(whale.peak_profit, summary.currency))
    table.add_row(
        "Customers destroying value",
        f"{whale.value_destroying_customers:,} ({_share(whale.value_destroying_share)})",
    )
    table.add_row("Profit they cost", _money(whale.value_destroying_cost, summary.currency))
    table.caption = whale.headline()
    return table


def _segments(summary: PortfolioSummary) -> Table:
    table = Table(title="RFM segments")
    table.add_column("Segment")
    table.add_column("Customers", justify="right")
    table.add_column("Share", justify="right")
    total = sum(summary.rfm_segments.values())
    for name, count in summary.rfm_segments.items():
        table.add_row(name, f"{count:,}", _share(count / total if total else None))
    return table


def _cohorts(summary: PortfolioSummary) -> Table:
    cohorts = summary.cohorts
    table = Table(
        title=f"Cohort retention: share of each {cohorts.by}'s new customers buying, by {cohorts.by}s since"
    )
    table.add_column("Cohort")
    table.add_column("Size", justify="right")
    for since in cohorts.shares.columns:
        table.add_column(str(since), justify="right")
    for cohort, shares in cohorts.shares.iterrows():
        cells = ["" if math.isnan(v) else f"{v:.0%}" for v in shares.tolist()]
        table.add_row(str(cohort), f"{int(cohorts.sizes[cohort]):,}", *cells)
    return table


def render_summary(summary: PortfolioSummary) -> Group:
    """The summary as Rich tables, in reading order; ``console.print(render_summary(s))`` shows them."""
    return Group(
        _overview(summary),
        _churn(summary),
        _value(summary),
        _whale(summary),
        _segments(summary),
        _cohorts(summary),
        Text(f"Churn rule: {summary.lost_rule}.", style="dim"),
    )
