"""``build_report``: one self-contained HTML file a business owner can open anywhere, offline.

Plotly's JavaScript is inlined once in the head; every chart is a ``<div>`` drawn by it. There is no
external URL anywhere: no CDN, no web fonts, no images. Each section shows a chart, a one-line
takeaway computed from the data, and, where the data lacks what a section needs (CDNOW has no
tickets, returns or invoices), a plain "not available" with the reason instead of an empty chart.

HTML is assembled with f-strings; every piece of text that comes from data or translations passes
through ``html.escape`` (``_e``), and the Plotly divs are the only raw HTML inserted.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.offline

from keepwise.data.loader import Dataset
from keepwise.metrics.growth import simulate_growth
from keepwise.report import charts
from keepwise.report.service import ServiceQuality, service_quality
from keepwise.text.translator import MISSING, Translator

if TYPE_CHECKING:
    from keepwise.pipeline import PipelineResult

SECTION_IDS = (
    "at-a-glance",
    "whale-curve",
    "cohort-retention",
    "clv",
    "actions",
    "service-quality",
    "flags-findings",
    "growth-simulation",
    "model-diagnostics",
)
# Actions whose customers need someone to do something now (the rest is business as usual).
URGENT_ACTIONS = ("offboard", "fix_service", "retain", "make_profitable", "win_back")
ACTION_ORDER = ("offboard", "fix_service", "retain", "make_profitable", "win_back", "nurture", "grow",
                "deprioritize", "keep")
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
TREND_PERIODS = {"month": 3, "quarter": 2, "year": 1}
# Cohort heatmap: the most recent cohorts and the first periods after joining; more is unreadable.
MAX_COHORTS = 24
MAX_COHORT_PERIODS = 24


@dataclass
class ReportOptions:
    """The ``[report]`` settings (keepwise.toml documents them and holds the defaults)."""

    top_customers: int
    growth_years: int
    retention_uplift_points: float

    @classmethod
    def from_settings(cls, settings) -> ReportOptions:
        report = settings.report
        return cls(report.top_customers, report.growth_years, report.retention_uplift_points)


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _unavailable(t: Translator, reason: str) -> str:
    return f'<p class="unavailable"><strong>{_e(t("not_available"))}</strong> {_e(reason)}</p>'


def _takeaway(text: str) -> str:
    return f'<p class="takeaway">{_e(text)}</p>'


def _chart(fig, div_id: str) -> str:
    # Charts stay left-to-right inside a right-to-left page: time and amounts run that way on every axis.
    return f'<div class="chart" dir="ltr">{charts.to_div(fig, div_id)}</div>'


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th class="{"num" if i in numeric else ""}">{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        # <bdi>: data text (English reasons, Latin or Cyrillic names) keeps its own direction in an rtl page.
        "<tr>" + "".join(f'<td class="{"num" if i in numeric else ""}"><bdi>{_e(c)}</bdi></td>'
                         for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _section(section_id: str, title: str, intro: str, body: str) -> str:
    return (
        f'<section id="{section_id}" class="card"><h2>{_e(title)}</h2>'
        f'<p class="intro">{_e(intro)}</p>{body}</section>'
    )


def _period_word(t: Translator, period: str) -> str:
    return t(f"period.{period}")


def _share_of(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --------------------------------------------------------------------------------------------------
# Sections


def _glance(result: PipelineResult, t: Translator) -> str:
    summary = result.portfolio
    margin_share = _share_of(summary.gross_margin, summary.revenue)
    tiles = [
        (t("kpi.customers"), t.number(summary.customers), ""),
        (t("kpi.active_customers"), t.number(summary.active_customers),
         t("kpi.of_customers", share=t.percent(_share_of(summary.active_customers, summary.customers)))),
        (t("kpi.churn_rate", period=_period_word(t, summary.period)), t.percent(summary.average_churn_rate, 1), ""),
        (t("kpi.revenue"), t.money(summary.revenue), ""),
        (t("kpi.gross_margin"), t.money(summary.gross_margin), t("kpi.of_revenue", share=t.percent(margin_share))),
        (t("kpi.cost_to_serve"), t.money(summary.cost_to_serve), ""),
        (t("kpi.profit"), t.money(summary.profit), t("kpi.of_revenue", share=t.percent(_share_of(summary.profit,
                                                                                                summary.revenue)))),
    ]
    body = '<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="kpi-label">{_e(label)}</div><div class="kpi-value">{_e(value)}</div>'
        f'<div class="kpi-sub">{_e(sub)}</div></div>'
        for label, value, sub in tiles
    ) + "</div>"
    cost_tables = {"tickets", "returns", "invoices"} & result.dataset.present
    if not cost_tables and not result.features["change_requests"].any():
        # CDNOW and similar order-only data: a zero cost to serve means "not recorded", not "free".
        body += f'<p class="note">{_e(t("note.no_cost_records"))}</p>'
    churn = summary.churn
    if churn.empty:
        return _section("at-a-glance", t("section.glance"), t("intro.glance"),
                        body + _unavailable(t, t("reason.no_orders")))
    complete = churn[~churn["partial"].astype(bool) & (churn["customers_at_start"] > 0)]
    n = TREND_PERIODS.get(summary.period, 3)
    recent, prior = complete.iloc[-n:], complete.iloc[-2 * n : -n]

    def pooled(rows: pd.DataFrame) -> float | None:
        at_start = rows["customers_at_start"].sum()
        return float(rows["lost"].sum() / at_start) if at_start else None

    recent_rate, prior_rate = pooled(recent), pooled(prior)
    period = _period_word(t, summary.period)
    if recent_rate is not None and prior_rate is not None:
        direction = t("trend.flat") if math.isclose(recent_rate, prior_rate, rel_tol=0.1) else (
            t("trend.up") if recent_rate > prior_rate else t("trend.down"))
        takeaway = t("takeaway.churn_trend", average=t.percent(summary.average_churn_rate, 1), period=period,
                     n=n, recent=t.percent(recent_rate, 1), direction=direction, prior=t.percent(prior_rate, 1))
    else:
        takeaway = t("takeaway.churn_average", average=t.percent(summary.average_churn_rate, 1), period=period)
    note = f'<p class="note">{_e(t("note.churn_rule", days=result.settings.churn.lost_after_days))}</p>'
    chart = _chart(charts.churn_trend(churn, t, period), "chart-churn")
    return _section("at-a-glance", t("section.glance"), t("intro.glance"), body + chart + _takeaway(takeaway) + note)


def _whale(result: PipelineResult, t: Translator) -> str:
    whale = result.portfolio.whale
    title, intro = t("section.whale"), t("intro.whale")
    if whale.n_customers == 0:
        return _section("whale-curve", title, intro, _unavailable(t, t("reason.no_customers")))
    total = whale.total_profit
    top_share = 0.2
    top_profit = float(np.interp(top_share, whale.customer_share, whale.cumulative_profit))
    if total > 0:
        takeaway = t("takeaway.whale", top=t.percent(top_share), share=t.percent(top_profit / total),
                     destroying=t.percent(whale.value_destroying_share), cost=t.money(whale.value_destroying_cost))
    else:
        takeaway = t("takeaway.whale_loss", total=t.money(total), destroying=t.percent(whale.value_destroying_share),
                     cost=t.money(whale.value_destroying_cost))
    if whale.value_destroying_customers == 0:
        takeaway = t("takeaway.whale_none", top=t.percent(top_share),
                     share=t.percent(top_profit / total) if total > 0 else MISSING)
    # The curve has a point per customer; a few hundred points draw the same line in a fraction of the bytes.
    points = np.unique(np.linspace(0, whale.n_customers, min(whale.n_customers + 1, 400)).round().astype(int))
    fig = charts.whale_curve(whale.customer_share[points], whale.cumulative_profit[points], whale.peak_customer_share,
                             whale.peak_profit, total, t)
    facts = _table(
        [t("col.figure"), t("col.value")],
        [
            [t("whale.peak", share=t.percent(whale.peak_customer_share)), t.money(whale.peak_profit)],
            [t("whale.total"), t.money(total)],
            [t("whale.destroying"),
             f"{t.number(whale.value_destroying_customers)} ({t.percent(whale.value_destroying_share)})"],
            [t("whale.destroying_cost"), t.money(whale.value_destroying_cost)],
        ],
        numeric={1},
    )
    return _section("whale-curve", title, intro, _chart(fig, "chart-whale") + _takeaway(takeaway) + facts)


def _cohorts(result: PipelineResult, t: Translator) -> str:
    cohorts = result.portfolio.cohorts
    title, intro = t("section.cohorts"), t("intro.cohorts", period=_period_word(t, cohorts.by))
    shares = cohorts.shares
    if shares.empty:
        return _section("cohort-retention", title, intro, _unavailable(t, t("reason.no_orders")))
    shown = shares.iloc[-MAX_COHORTS:, :MAX_COHORT_PERIODS]
    sizes = cohorts.sizes.loc[shown.index]
    fig = charts.cohort_heatmap(shown, sizes, t)
    weights = cohorts.sizes.reindex(shares.index).astype(float)

    def weighted(column: int) -> float | None:
        if column not in shares.columns:
            return None
        values = shares[column]
        seen = values.notna()
        return float((values[seen] * weights[seen]).sum() / weights[seen].sum()) if seen.any() else None

    later = min(12 if cohorts.by == "month" else 4, shares.columns.max())
    first, last = weighted(1), weighted(later)
    if first is None:
        takeaway = t("takeaway.cohorts_young")
    else:
        takeaway = t("takeaway.cohorts", first=t.percent(first), later=t.number(later), last=t.percent(last),
                     period=_period_word(t, cohorts.by))
    note = ""
    if len(shares) > len(shown) or shares.shape[1] > shown.shape[1]:
        note = f'<p class="note">{_e(t("note.cohorts_trimmed", cohorts=len(shown), periods=shown.shape[1]))}</p>'
    return _section("cohort-retention", title, intro, _chart(fig, "chart-cohorts") + _takeaway(takeaway) + note)


def _customer_label(customer_id: str, names: dict[str, str]) -> str:
    name = names.get(customer_id)
    return f"{customer_id} · {name}" if name else customer_id


def _customer_names(ds: Dataset, ids: list[str]) -> dict[str, str]:
    if not ids or "customers" not in ds.present:
        return {}
    customers = ds.table("customers")
    rows = customers.filter(customers.customer_id.isin(ids) & customers.name.notnull()).select(
        "customer_id", "name").execute()
    return dict(zip(rows["customer_id"].astype(str), rows["name"].astype(str), strict=True))


def _clv(result: PipelineResult, t: Translator, options: ReportOptions) -> str:
    title, intro = t("section.clv"), t("intro.clv")
    assessment = result.assessment
    clv = assessment["clv"].astype(float)
    positive = clv.clip(lower=0)
    total = float(positive.sum())
    n_top = max(1, math.ceil(0.1 * len(clv)))
    top_value = float(positive.sort_values(ascending=False).head(n_top).sum())
    takeaway = t("takeaway.clv", share=t.percent(_share_of(top_value, total)), total=t.money(total),
                 negative=t.number(int((clv < 0).sum())))
    top = assessment.sort_values("clv", ascending=False).head(options.top_customers)
    names = _customer_names(result.dataset, top["customer_id"].astype(str).tolist())
    rows = [
        [_customer_label(str(r.customer_id), names), t.money(r.clv), t.percent(r.p_alive), t.money(r.profit),
         t(f"action.{r.action}")]
        for r in top.itertuples(index=False)
    ]
    table = _table([t("col.customer"), t("col.clv"), t("col.p_alive"), t("col.profit"), t("col.action")], rows,
                   numeric={1, 2, 3})
    note = f'<p class="note">{_e(t("note.clv", days=result.settings.clv.horizon_days))}</p>'
    note += f'<p class="note">{_e(_values_source(result, t))}</p>'
    return _section(
        "clv", title, intro,
        _chart(charts.clv_histogram(clv, t), "chart-clv") + _takeaway(takeaway)
        + f'<h3>{_e(t("heading.top_customers", n=len(rows)))}</h3>' + table + note,
    )


def _values_source(result: PipelineResult, t: Translator) -> str:
    key = "note.values_from_models" if result.predictions_from_models else "note.values_from_rhythm"
    return t(key, detail=result.predictions_detail)


def _actions_summary(assessment: pd.DataFrame) -> pd.DataFrame:
    grouped = assessment.groupby("action").agg(customers=("customer_id", "size"),
                                               money_at_stake=("money_at_stake", "sum"))
    order = [a for a in ACTION_ORDER if a in grouped.index] + [a for a in grouped.index if a not in ACTION_ORDER]
    return grouped.reindex(order).reset_index()


def _actions(result: PipelineResult, t: Translator) -> str:
    title, intro = t("section.actions"), t("intro.actions")
    assessment = result.assessment
    summary = _actions_summary(assessment)
    urgent = summary[summary["action"].isin(URGENT_ACTIONS)]
    largest = summary.sort_values("money_at_stake", ascending=False).iloc[0]
    takeaway = t("takeaway.actions", n=t.number(urgent["customers"].sum()), money=t.money(urgent["money_at_stake"].sum()),
                 action=t(f"action.{largest['action']}"), action_money=t.money(largest["money_at_stake"]))
    rows = [
        [t(f"action.{r.action}"), t(f"action_hint.{r.action}"), t.number(r.customers), t.money(r.money_at_stake)]
        for r in summary.itertuples(index=False)
    ]
    table = _table([t("col.action"), t("col.what_to_do"), t("col.customers"), t("col.money_at_stake")], rows,
                   numeric={2, 3})
    top = assessment.sort_values(["priority", "money_at_stake"], ascending=[True, False]).head(15)
    names = _customer_names(result.dataset, top["customer_id"].astype(str).tolist())
    urgent_rows = [
        [t.number(r.priority), _customer_label(str(r.customer_id), names), t(f"action.{r.action}"),
         t.money(r.money_at_stake), first_reason_in(r.evidence, t.lang, t.currency, r.reasons)]
        for r in top.itertuples(index=False)
    ]
    urgent_table = _table([t("col.priority"), t("col.customer"), t("col.action"), t("col.money_at_stake"),
                           t("col.reason")], urgent_rows, numeric={0, 3})
    note = f'<p class="note">{_e(t("note.money_at_stake"))}</p>'
    return _section(
        "actions", title, intro,
        _chart(charts.actions_bars(summary, t), "chart-actions") + _takeaway(takeaway) + table
        + f'<h3>{_e(t("heading.most_urgent"))}</h3>' + urgent_table + note,
    )


def first_reason_in(evidence, lang: str, currency: str, fallback) -> str:
    """The customer's first reason, phrased in the report's language from the facts in ``evidence``."""
    from keepwise.text.phrase import phrase_all

    try:
        facts = json.loads(evidence).get("reasons", [])
    except (TypeError, ValueError):
        return first_reason(fallback)
    return phrase_all(facts[:1], lang, currency)[0] if facts else first_reason(fallback)


def first_reason(reasons) -> str:
    text = "" if reasons is None or (isinstance(reasons, float) and math.isnan(reasons)) else str(reasons)
    return text.split(";")[0].strip()


def _service_verdict(quality: ServiceQuality, measure: str, period: str) -> str | None:
    """"worse", "better" or "same" for the recent periods against the ones before; None without both."""
    recent, prior = quality.trend(measure, period)
    if recent is None or prior is None:
        return None
    # On-time delivery lives near 100%: half a point is a real change there, 5% of it would be five points.
    tolerance = {"abs_tol": 0.005} if measure == "on_time_rate" else {"rel_tol": 0.05}
    if math.isclose(recent, prior, **tolerance):
        return "same"
    higher_is_worse = measure != "on_time_rate"
    return "worse" if (recent > prior) == higher_is_worse else "better"


def _service_line(quality: ServiceQuality, measure: str, period: str, t: Translator) -> str:
    name = t(f"service.{measure}")
    if not quality.available(measure):
        return t("service.not_available", measure=name, reason=t(quality.missing[measure]))
    recent, prior = quality.trend(measure, period)
    fmt = {
        "on_time_rate": lambda v: t.percent(v, 1),
        "defect_rate": lambda v: t.percent(v, 2),
        "resolution_hours": lambda v: t("hours", hours=t.number(v, 1)),
        "substantiated_complaints": lambda v: t.number(v),
    }[measure]
    if recent is None:
        return t("service.no_recent", measure=name)
    if prior is None:
        return t("service.level", measure=name, recent=fmt(recent))
    verdict = _service_verdict(quality, measure, period)
    return t("service.trend", measure=name, recent=fmt(recent), prior=fmt(prior),
             n=t.number(TREND_PERIODS_SERVICE.get(period, 6)), verdict=t(f"trend.{verdict}"))


def _service_takeaway(quality: ServiceQuality, measures: list[str], period: str, t: Translator) -> str:
    verdicts = {m: _service_verdict(quality, m, period) for m in measures}
    worse = [t(f"service.short.{m}") for m, v in verdicts.items() if v == "worse"]
    better = [t(f"service.short.{m}") for m, v in verdicts.items() if v == "better"]
    n = t.number(TREND_PERIODS_SERVICE.get(period, 6))
    if worse:
        return t("takeaway.service_worse", measures=t("list_separator").join(worse), n=n)
    if better:
        return t("takeaway.service_better", measures=t("list_separator").join(better), n=n)
    return t("takeaway.service_same", n=n)


TREND_PERIODS_SERVICE = {"month": 6, "quarter": 2, "year": 1}


def _hurt_most(result: PipelineResult, t: Translator, options: ReportOptions) -> str:
    f = result.features
    hurt = f[["customer_id", "n_late", "n_complaints_substantiated", "n_defective_returns",
              "cost_business_fault"]].copy()
    hurt["failures"] = hurt["n_late"] + hurt["n_complaints_substantiated"] + hurt["n_defective_returns"]
    hurt = hurt[hurt["failures"] > 0].sort_values(["failures", "cost_business_fault"], ascending=False)
    hurt = hurt.head(options.top_customers)
    if hurt.empty:
        return f'<p class="note">{_e(t("service.nobody_hurt"))}</p>'
    actions = {}
    if result.assessment is not None:
        actions = dict(zip(result.assessment["customer_id"], result.assessment["action"], strict=True))
    names = _customer_names(result.dataset, hurt["customer_id"].astype(str).tolist())
    rows = [
        [_customer_label(str(r.customer_id), names), t.number(r.n_late), t.number(r.n_complaints_substantiated),
         t.number(r.n_defective_returns), t.money(r.cost_business_fault),
         t(f"action.{actions[r.customer_id]}") if r.customer_id in actions else MISSING]
        for r in hurt.itertuples(index=False)
    ]
    return f'<h3>{_e(t("heading.hurt_most"))}</h3>' + _table(
        [t("col.customer"), t("col.late"), t("col.substantiated"), t("col.defective"), t("col.cost_of_failures"),
         t("col.action")], rows, numeric={1, 2, 3, 4})


def _service(result: PipelineResult, quality: ServiceQuality, t: Translator, options: ReportOptions) -> str:
    title, intro = t("section.service"), t("intro.service")
    period = result.portfolio.period
    available = [m for m in ("on_time_rate", "resolution_hours", "defect_rate", "substantiated_complaints")
                 if quality.available(m)]
    lines = "".join(f"<li>{_e(_service_line(quality, m, period, t))}</li>"
                    for m in ("on_time_rate", "resolution_hours", "defect_rate", "substantiated_complaints"))
    body = ""
    if available:
        body += _chart(charts.service_trends(quality.periods, available, t), "chart-service")
        body += _takeaway(_service_takeaway(quality, available, period, t))
    else:
        body += _unavailable(t, t("reason.no_service_records"))
    body += f'<ul class="findings">{lines}</ul>'
    if quality.available("resolution_hours"):
        body += f'<p class="note">{_e(t("note.response_proxy"))}</p>'
    if available:
        body += _hurt_most(result, t, options)
    return _section("service-quality", title, intro, body)


def _business_findings(result: PipelineResult, quality: ServiceQuality, t: Translator) -> list[str]:
    f = result.features
    totals = quality.totals
    findings = []
    if quality.available("on_time_rate") and totals.get("n_delivered"):
        customers = int((f["n_late"] > 0).sum())
        findings.append(t("finding.late", late=t.number(totals["n_late"]),
                          share=t.percent(totals["n_late"] / totals["n_delivered"], 1), customers=t.number(customers)))
    if "tickets" in result.dataset.present and totals.get("complaints"):
        customers = int((f["n_complaints_substantiated"] > 0).sum())
        findings.append(t("finding.complaints", n=t.number(totals["substantiated_complaints"]),
                          share=t.percent(totals["substantiated_complaints"] / totals["complaints"]),
                          customers=t.number(customers), cost=t.money(f["cost_staff_business_fault"].sum())))
    if "returns" in result.dataset.present and totals.get("n_defective_returns"):
        customers = int((f["n_defective_returns"] > 0).sum())
        findings.append(t("finding.defects", n=t.number(totals["n_defective_returns"]),
                          refunded=t.money(totals.get("defective_refunded", 0.0)), customers=t.number(customers)))
    if result.assessment is not None:
        fix = result.assessment[result.assessment["action"] == "fix_service"]
        if len(fix):
            findings.append(t("finding.fix_service", n=t.number(len(fix)), money=t.money(fix["money_at_stake"].sum())))
    return findings


def _flags(result: PipelineResult, quality: ServiceQuality, t: Translator) -> str:
    title, intro = t("section.flags"), t("intro.flags")
    body = f'<h3>{_e(t("heading.flags"))}</h3>'
    flags = result.assessment["flags"].fillna("").astype(str)
    codes = flags[flags != ""].str.split(";").explode()
    counts = codes.value_counts()
    if counts.empty:
        body += _takeaway(t("takeaway.no_flags"))
    else:
        flagged = int((flags != "").sum())
        body += _chart(charts.flags_bars(counts, t), "chart-flags")
        body += _takeaway(t("takeaway.flags", n=t.number(flagged), share=t.percent(flagged / len(flags)),
                            flag=t(f"flag.{counts.index[0]}"), count=t.number(counts.iloc[0])))
        body += f'<p class="note">{_e(t("note.flags"))}</p>'
    body += f'<h3>{_e(t("heading.business_faults"))}</h3>'
    findings = _business_findings(result, quality, t)
    absent = [name for name in ("tickets", "returns") if name not in result.dataset.present]
    if not quality.available("on_time_rate"):
        absent.insert(0, "deliveries")
    if findings:
        body += '<ul class="findings">' + "".join(f"<li>{_e(x)}</li>" for x in findings) + "</ul>"
    elif not absent:
        body += _takeaway(t("finding.none"))
    if absent:
        body += _unavailable(t, t("reason.absent_records", what=", ".join(t(f"records.{a}") for a in absent)))
    return _section("flags-findings", title, intro, body)


def yearly_rates(result: PipelineResult) -> tuple[float | None, float | None]:
    """(yearly retention, yearly acquisition as a share of the base) from churn per period.

    Retention compounds the pooled churn per period over a year; acquisition is the new customers of
    the last year (or of the periods there are, scaled to a year) over the customers active at its start.
    """
    summary = result.portfolio
    per_year = PERIODS_PER_YEAR[summary.period]
    if summary.average_churn_rate is None:
        return None, None
    retention = (1.0 - summary.average_churn_rate) ** per_year
    churn = summary.churn
    last_year = churn.iloc[-per_year:]
    base = float(last_year["customers_at_start"].iloc[0]) if len(last_year) else 0.0
    if base <= 0:
        return retention, None
    acquisition = float(last_year["new_customers"].sum()) * per_year / len(last_year) / base
    return retention, acquisition


def _growth(result: PipelineResult, t: Translator, options: ReportOptions) -> str:
    title, intro = t("section.growth"), t("intro.growth", years=options.growth_years)
    retention, acquisition = yearly_rates(result)
    start = result.portfolio.active_customers
    if retention is None or acquisition is None or start <= 0:
        return _section("growth-simulation", title, intro, _unavailable(t, t("reason.no_churn_history")))
    better = min(1.0, retention + options.retention_uplift_points / 100.0)
    years = options.growth_years
    current_run = simulate_growth(start, retention, acquisition, years)
    better_run = simulate_growth(start, better, acquisition, years)
    current_label = t("growth.current", retention=t.percent(retention))
    better_label = t("growth.better", retention=t.percent(better))
    end_now, end_better = current_run["customers"].iloc[-1], better_run["customers"].iloc[-1]
    takeaway = t("takeaway.growth", retention=t.percent(retention), start=t.number(start), years=years,
                 end=t.number(end_now), better=t.percent(better), end_better=t.number(end_better),
                 more=t.number(end_better - end_now))
    note = t("note.growth", acquisition=t.percent(acquisition), period=_period_word(t, result.portfolio.period))
    fig = charts.growth_lines(current_run, better_run, current_label, better_label, t)
    return _section("growth-simulation", title, intro,
                    _chart(fig, "chart-growth") + _takeaway(takeaway) + f'<p class="note">{_e(note)}</p>')


def _diagnostics(result: PipelineResult, t: Translator) -> str:
    title, intro = t("section.diagnostics"), t("intro.diagnostics")
    tracking = result.tracking
    body = f'<h3>{_e(t("heading.tracking"))}</h3>'
    if tracking.weeks is None:
        body += _unavailable(t, tracking.unavailable or "")
    else:
        expected, actual = tracking.holdout_expected, tracking.holdout_actual
        holdout_weeks = int(tracking.weeks["holdout"].sum())
        error = _share_of(expected - actual, actual)
        body += _chart(charts.tracking_cumulative(tracking.weeks, tracking.calibration_end, t), "chart-tracking")
        body += _takeaway(t("takeaway.tracking", weeks=holdout_weeks, expected=t.number(expected),
                            actual=t.number(actual), error=t.percent(abs(error) if error is not None else None, 1),
                            direction=t("tracking.over") if expected > actual else t("tracking.under")))
        body += _chart(charts.tracking_weekly(tracking.weeks, tracking.calibration_end, t), "chart-tracking-weekly")
        params = ", ".join(f"{k} = {t.number(v, 3)}" for k, v in tracking.params.items())
        body += f'<p class="note">{_e(t("note.tracking", customers=t.number(tracking.n_customers), calibration_end=t.date(tracking.calibration_end), params=params))}</p>'  # noqa: E501
    body += f'<h3>{_e(t("heading.churn_reasons"))}</h3>'
    reasons = result.churn_reasons
    if reasons.table is None:
        body += _unavailable(t, reasons.unavailable or "")
    else:
        table = reasons.table.copy()
        from_model = reasons.source == "model"
        table["reason"] = [_reason_label(r, t) if from_model else r for r in table["reason"]]
        if not from_model:
            # Say first that the classifier is missing, then what stands in for it.
            body += _unavailable(t, reasons.unavailable or "")
            body += f'<p class="note">{_e(t("note.churn_from_assessment"))}</p>'
        axis = t("chart.share_of_weight") if from_model else t("chart.share_of_at_risk")
        body += _chart(charts.reasons_bars(table, t, axis), "chart-churn-reasons")
        takeaway_key = "takeaway.churn_reasons" if from_model else "takeaway.churn_reasons_assessment"
        body += _takeaway(t(takeaway_key, reason=table["reason"].iloc[0], share=t.percent(table["share"].iloc[0])))
        if from_model:
            body += f'<p class="note">{_e(t("note.churn_model", days=reasons.period_days, actual=t.percent(reasons.holdout_churn_rate, 1), predicted=t.percent(reasons.holdout_predicted_rate, 1)))}</p>'  # noqa: E501
    return _section("model-diagnostics", title, intro, body)


def _reason_label(group: str, t: Translator) -> str:
    try:
        return t(f"reason_group.{group}")
    except KeyError:
        return group.replace("_", " ")


# --------------------------------------------------------------------------------------------------
# The page


STYLE = """
:root { --ink:#1f2933; --muted:#52606d; --line:#e4e7eb; --bg:#f5f7fa; --card:#fff; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Vazirmatn", Tahoma, Arial, sans-serif;
  line-height:1.5; }
header { background:#102a43; color:#fff; padding:28px 32px 18px; }
header h1 { margin:0 0 4px; font-size:28px; }
header .meta { color:#bcccdc; margin:0; }
nav { margin-top:14px; display:flex; flex-wrap:wrap; gap:6px 14px; }
nav a { color:#d9e2ec; text-decoration:none; font-size:14px; border-bottom:1px dotted #829ab1; }
main { max-width:1180px; margin:0 auto; padding:24px 20px 60px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:22px 26px;
  margin:0 0 22px; box-shadow:0 1px 2px rgba(16,42,67,.05); }
h2 { margin:0 0 6px; font-size:22px; }
h3 { margin:22px 0 8px; font-size:17px; }
.intro { color:var(--muted); margin:0 0 14px; }
.takeaway { font-size:17px; font-weight:600; background:#eff6ff; border-inline-start:4px solid var(--accent);
  padding:10px 14px; border-radius:4px; margin:12px 0; }
.unavailable { background:#fff7ed; border-inline-start:4px solid #d97706; padding:10px 14px; border-radius:4px; }
.note { color:var(--muted); font-size:13px; margin:8px 0; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin-bottom:12px; }
.kpi { border:1px solid var(--line); border-radius:8px; padding:10px 12px; background:#fbfcfe; }
.kpi-label { color:var(--muted); font-size:13px; }
.kpi-value { font-size:21px; font-weight:700; margin-top:2px; white-space:nowrap; }
.kpi-sub { color:var(--muted); font-size:12px; min-height:1em; }
.table-wrap { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-size:14px; margin:6px 0 10px; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:start; vertical-align:top; }
th { background:#f0f4f8; font-weight:600; }
td.num, th.num { text-align:end; white-space:nowrap; font-variant-numeric: tabular-nums; }
ul.findings { margin:8px 0; padding-inline-start:22px; }
ul.findings li { margin:4px 0; }
.chart { width:100%; }
/* Plotly measures text in a hidden svg appended to <body>; in a right-to-left page it would inherit rtl and
   mismeasure every label, so axis titles land on the tick labels. */
#js-plotly-tester, #js-plotly-tester * { direction:ltr; unicode-bidi:isolate; }
footer { color:var(--muted); font-size:13px; text-align:center; padding:10px 0 30px; }
"""


def render_html(result: PipelineResult, lang: str = "en", options: ReportOptions | None = None) -> str:
    """The whole report page as a string."""
    options = options or ReportOptions.from_settings(result.settings)
    t = Translator.for_report(lang, result.currency, result.settings.general.locale)
    quality = service_quality(result.dataset, result.as_of, result.portfolio.period)
    sections = [
        _glance(result, t),
        _whale(result, t),
        _cohorts(result, t),
        _clv(result, t, options),
        _actions(result, t),
        _service(result, quality, t, options),
        _flags(result, quality, t),
        _growth(result, t, options),
        _diagnostics(result, t),
    ]
    nav = "".join(f'<a href="#{sid}">{_e(t(f"nav.{sid}"))}</a>' for sid in SECTION_IDS)
    source = Path(str(result.dataset.source)).name or str(result.dataset.source)
    generated = t.date(datetime.now().date())
    meta = t("meta", source=source, as_of=t.date(result.as_of, "long"), generated=generated)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{t.direction}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(t('title'))} · {_e(source)}</title>\n<style>{STYLE}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n</head>\n<body>\n'
        f'<header><h1>{_e(t("title"))}</h1><p class="meta">{_e(meta)}</p><nav>{nav}</nav></header>\n'
        f"<main>\n{''.join(sections)}\n</main>\n<footer>{_e(t('footer'))}</footer>\n</body>\n</html>\n"
    )


def build_report(
    ds: Dataset,
    as_of: date | None,
    out_path: str | Path,
    lang: str = "en",
    result: PipelineResult | None = None,
    options: ReportOptions | None = None,
) -> Path:
    """Write the HTML report of ``ds`` at ``as_of`` to ``out_path`` and return the path.

    ``result`` (from ``keepwise.pipeline.run`` / ``analyse``) is reused when given, so the CLI runs
    every stage once; otherwise the pipeline runs here on ``ds``. ``lang``: ``en``, ``fa`` or ``ru``.
    The file is written to a temporary name first and renamed, so a failed build leaves no half file.
    """
    if result is None:
        from keepwise.pipeline import analyse

        result = analyse(ds, as_of)
    elif as_of is not None and as_of != result.as_of:
        raise ValueError(f"as_of {as_of} differs from the pipeline result's {result.as_of}")
    page = render_html(result, lang, options)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out_path)
    return out_path
