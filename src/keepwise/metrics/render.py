"""Rich tables for ``keepwise metrics``: the portfolio summary as the terminal shows it, in the reader's language
(its words and figures: ``keepwise.metrics.wording``)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from keepwise.metrics import wording
from keepwise.metrics.portfolio import PortfolioSummary
from keepwise.text.terminal import rows_table
from keepwise.text.translator import Translator


def render_summary(summary: PortfolioSummary, t: Translator) -> Group:
    """The summary as Rich tables, in reading order; ``console.print(render_summary(s, t))`` shows them."""
    period = t.period_name(summary.period)
    # Every column but the first holds figures.
    churn, values = [t(key) for key in wording.CHURN_KEYS], wording.value_headers(t)
    segments, cohorts = [t("col.segment"), t("col.customers"), t("col.share")], wording.cohort_headers(summary, t)
    overview = [rows_table(t("metrics.title", day=t.date(summary.as_of)), None, wording.overview_rows(summary, t),
                           {1})]
    if not summary.cost_recorded:  # a line of its own: as the caption it would widen the table to the sentence
        overview.append(Text(t("note.no_cost_records"), style="dim"))
    return Group(
        *overview,
        rows_table(t("metrics.churn_title", period=period), churn, wording.churn_rows(summary, t),
                   range(1, len(churn)), caption=wording.churn_rule_note(summary.rule, t)),
        rows_table(t("metrics.value_title"), values, wording.value_rows(summary, t), range(1, len(values))),
        rows_table(t("section.whale"), None, wording.whale_rows(summary.whale, t), {1},
                   caption=wording.whale_takeaway(summary.whale, t)),
        rows_table(t("metrics.rfm_title"), segments, wording.segment_rows(summary, t), {1, 2}),
        rows_table(t("section.cohorts"), cohorts, wording.cohort_rows(summary, t), range(1, len(cohorts)),
                   caption=t("intro.cohorts", period=t.period_name(summary.cohorts.by))),
    )
