"""The portfolio's figures in words: the labels, figures and sentences of ``keepwise metrics``' tables and of the
report's whale curve, from the catalogs (keepwise.text.locales) in the translator's language."""

from __future__ import annotations

import math

from keepwise.metrics.activity import ActivityRule, AliveProbabilityRule, RecencyRule
from keepwise.metrics.concentration import TOP_PROFIT_SHARE, profit_of_top
from keepwise.metrics.portfolio import PortfolioSummary
from keepwise.metrics.rfm import RFM_SEGMENTS
from keepwise.metrics.value import WhaleCurve
from keepwise.text.translator import MISSING, Translator

# The per-customer summary's figures (``value_summary``) shown, in order; its count of customers is not one.
_VALUE_FIGURES = ("total", "mean", "p10", "p25", "p50", "p75", "p90", "min", "max")


def share_of(part: float, whole: float) -> float | None:
    """``part`` as a share of ``whole``; None of nothing."""
    return part / whole if whole else None


def churn_rule_note(rule: ActivityRule, t: Translator) -> str:
    """The sentence saying when a customer counts as lost; a rule of the caller's own says it in its own words."""
    if isinstance(rule, RecencyRule):
        return t("note.churn_rule", days=rule.lost_after_days)
    if isinstance(rule, AliveProbabilityRule):
        return t("note.churn_rule_p_alive", threshold=t.percent(rule.threshold))
    return rule.description


def overview_rows(s: PortfolioSummary, t: Translator) -> list[list[str]]:
    """The portfolio's counts, money and average churn: (label, figure) rows."""
    period = t.period_name(s.period)
    whole = t.wholes_in((s.revenue, s.cost_of_goods, s.gross_margin, s.cost_to_serve, s.profit))
    return [
        [t("kpi.customers"), t.number(s.customers)],
        [t("kpi.customers_with_orders"), t.number(s.customers_with_orders)],
        [t("kpi.active_customers"), t.number(s.active_customers)],
        [t("kpi.revenue"), t.money(s.revenue, whole)],
        [t("kpi.cost_of_goods"), t.money(s.cost_of_goods, whole)],
        [t("kpi.gross_margin"), t.money(s.gross_margin, whole)],
        [t("kpi.cost_to_serve"), t.money(s.cost_to_serve, whole)],
        [t("kpi.profit"), t.money(s.profit, whole)],
        [t("kpi.churn_rate", period=period), t.percent(s.average_churn_rate, 1)],
        [t("kpi.retention_rate", period=period), t.percent(s.average_retention_rate, 1)],
    ]


CHURN_KEYS = ("col.period", "col.at_start", "col.new", "col.won_back", "col.lost", "col.at_end", "col.churn",
              "col.retention")


def churn_rows(s: PortfolioSummary, t: Translator) -> list[list[str]]:
    """A row per period (headers: ``CHURN_KEYS``); the period still running says the day it runs to."""
    rows = []
    for row in s.churn.itertuples(index=False):
        label = t.period(row.period, s.period)
        if row.partial:
            label = t("metrics.partial_period", period=label, day=t.date(row.period_end))
        rows.append([label, *(t.number(n) for n in (row.customers_at_start, row.new_customers, row.reactivated,
                                                    row.lost, row.customers_at_end)),
                     t.percent(row.churn_rate, 1), t.percent(row.retention_rate, 1)])
    return rows


def value_headers(t: Translator) -> list[str]:
    return [t("col.figure"), *(t(f"stat.{name}") for name in _VALUE_FIGURES)]


def value_rows(s: PortfolioSummary, t: Translator) -> list[list[str]]:
    """Historic value and profit per customer: their total, mean, percentiles, least and most (each column's
    money written alike)."""
    figures = (("metrics.historic_value", s.historic_value), ("kpi.profit", s.profit_summary))
    whole = {name: t.wholes_in(values.get(name) for _, values in figures) for name in _VALUE_FIGURES}
    return [[t(key), *(t.money(values.get(name), whole[name]) for name in _VALUE_FIGURES)] for key, values in figures]


def whale_takeaway(curve: WhaleCurve, t: Translator) -> str:
    """The whale curve in one sentence: what the top fifth earns and what the customers who cost money cost."""
    if curve.n_customers == 0:
        return t("takeaway.whale_empty")
    total = curve.total_profit
    top = t.percent(TOP_PROFIT_SHARE)
    top_profit = profit_of_top(curve)
    if curve.value_destroying_customers == 0:
        return t("takeaway.whale_none", top=top, share=t.percent(top_profit / total) if total > 0 else MISSING)
    if total > 0:
        return t("takeaway.whale", top=top, share=t.percent(top_profit / total),
                 destroying=t.percent(curve.value_destroying_share), cost=t.money(curve.value_destroying_cost))
    return t("takeaway.whale_loss", total=t.money(total), destroying=t.percent(curve.value_destroying_share),
             cost=t.money(curve.value_destroying_cost))


def whale_rows(curve: WhaleCurve, t: Translator) -> list[list[str]]:
    """The curve's peak, total and the customers who cost money: (label, figure) rows."""
    whole = t.wholes_in((curve.peak_profit, curve.total_profit, curve.value_destroying_cost))
    return [
        [t("whale.peak", share=t.percent(curve.peak_customer_share)), t.money(curve.peak_profit, whole)],
        [t("whale.peak_share"), t.percent(curve.peak_profit_share)],
        [t("whale.total"), t.money(curve.total_profit, whole)],
        [t("whale.destroying"),
         f"{t.number(curve.value_destroying_customers)} ({t.percent(curve.value_destroying_share)})"],
        [t("whale.destroying_cost"), t.money(curve.value_destroying_cost, whole)],
    ]


def segment_key(segment: str) -> str:
    """The catalog key of an RFM segment's name (``Can't lose them``: ``rfm.cant_lose_them``)."""
    return "rfm." + segment.lower().replace("'", "").replace(" ", "_")


def segment_rows(s: PortfolioSummary, t: Translator) -> list[list[str]]:
    """Customers per RFM segment and their share, every segment listed, in the order of ``RFM_SEGMENTS``."""
    total = sum(s.rfm_segments.values())
    return [[t(segment_key(name)), t.number(s.rfm_segments.get(name, 0)),
             t.percent(share_of(s.rfm_segments.get(name, 0), total), 1)] for name in RFM_SEGMENTS]


def cohort_headers(s: PortfolioSummary, t: Translator) -> list[str]:
    return [t("col.cohort"), t("col.customers"), *(t.number(since) for since in s.cohorts.shares.columns)]


def cohort_rows(s: PortfolioSummary, t: Translator) -> list[list[str]]:
    """Each cohort's size and the share of it buying in each later period (blank where the period is to come)."""
    matrix = s.cohorts
    return [[t.period(str(cohort), matrix.by), t.number(matrix.sizes[cohort]),
             *("" if math.isnan(share) else t.percent(share) for share in shares.tolist())]
            for cohort, shares in matrix.shares.iterrows()]
