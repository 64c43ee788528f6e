"""Rich tables for ``keepwise metrics``: the portfolio summary as the terminal shows it, in the reader's language
(its words and figures: ``keepwise.metrics.wording``)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from keepwise.metrics import wording
from keepwise.metrics.portfolio import PortfolioSummary
from keepwise.text.translator import Translator


def _table(title: str, headers: list[str] | None, rows: list[list[str]], caption: str | None = None) -> Table:
    """A table whose first column names what the others' figures (right-aligned) are; ``headers`` None: a
    table of (label, figure) rows, its labels bold and no header shown."""
    table = Table(title=title, caption=caption, show_header=headers is not None)
    for position, header in enumerate(headers or ["", ""]):
        first = position == 0
        table.add_column(header, justify="left" if first else "right", style="bold" if first and not headers else None)
    for row in rows:
        table.add_row(*row)
    return table


def render_summary(summary: PortfolioSummary, t: Translator) -> Group:
    """The summary as Rich tables, in reading order; ``console.print(render_summary(s, t))`` shows them."""
    period = t(f"period.{summary.period}")
    return Group(
        _table(t("metrics.title", day=t.date(summary.as_of)), None, wording.overview_rows(summary, t)),
        _table(t("metrics.churn_title", period=period), [t(key) for key in wording.CHURN_KEYS],
               wording.churn_rows(summary, t), caption=wording.churn_rule_note(summary.rule, t)),
        _table(t("metrics.value_title"), wording.value_headers(t), wording.value_rows(summary, t)),
        _table(t("section.whale"), None, wording.whale_rows(summary.whale, t),
               caption=wording.whale_takeaway(summary.whale, t)),
        _table(t("metrics.rfm_title"), [t("col.segment"), t("col.customers"), t("col.share")],
               wording.segment_rows(summary, t)),
        _table(t("section.cohorts"), wording.cohort_headers(summary, t), wording.cohort_rows(summary, t),
               caption=t("intro.cohorts", period=t(f"period.{summary.cohorts.by}"))),
    )
