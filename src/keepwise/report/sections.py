"""The report's sections as content blocks: what each section says, in the reader's language.

Every figure comes computed in the ``Analysis`` (``keepwise.assess.analysis``); a section only picks
what to show, phrases it through the ``Translator`` and draws it with ``charts``. How blocks look is
the templates' business (``templates/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from keepwise.assess.analysis import Analysis
from keepwise.data.names import customer_label
from keepwise.data.positions import reindexed
from keepwise.metrics.service_quality import MEASURES, ServiceQuality, trend_periods
from keepwise.metrics.wording import churn_rule_note, share_of, whale_rows, whale_takeaway
from keepwise.offboard.wording import (
    POLICY_FIGURE_COLUMNS,
    policy_headers,
    policy_rows,
    what_if_rows,
    what_if_takeaway,
)
from keepwise.report import charts
from keepwise.report.chart_data import cohorts_shown, whale_points
from keepwise.text.churn_source import churn_source_text
from keepwise.text.phrase import phrase_all
from keepwise.text.translator import MISSING, Translator

SECTION_IDS = (
    "at-a-glance",
    "whale-curve",
    "cohort-retention",
    "clv",
    "actions",
    "service-quality",
    "flags-findings",
    "growth-simulation",
    "portfolio-what-if",
    "policy-review",
    "model-diagnostics",
)


@dataclass
class Block:
    """One piece of a section: ``kind`` names its template macro (takeaway, note, unavailable, chart,
    heading, table, findings, kpis); ``text`` or ``items`` hold its content."""

    kind: str
    text: str = ""
    items: list[Any] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()


@dataclass
class Section:
    id: str
    title: str
    intro: str
    blocks: list[Block]


def takeaway(text: str) -> Block:
    return Block("takeaway", text)


def note(text: str) -> Block:
    return Block("note", text)


def unavailable(reason: str) -> Block:
    return Block("unavailable", reason or "")


def heading(text: str) -> Block:
    return Block("heading", text)


def chart(fig, div_id: str) -> Block:
    # Plotly's own div and script: the only markup a section inserts as it is.
    return Block("chart", Markup(charts.to_div(fig, div_id)))


def table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> Block:
    return Block("table", items=rows, headers=headers, numeric=frozenset(numeric or ()))


def findings(lines: list[str]) -> Block:
    return Block("findings", items=lines)


# --------------------------------------------------------------------------------------------------
# Sections


def glance(a: Analysis, t: Translator) -> Section:
    summary = a.portfolio
    margin_share = share_of(summary.gross_margin, summary.revenue)
    tiles = [
        (t("kpi.customers"), t.number(summary.customers), ""),
        (t("kpi.active_customers"), t.number(summary.active_customers),
         t("kpi.of_customers", share=t.percent(share_of(summary.active_customers, summary.customers)))),
        (t("kpi.churn_rate", period=t.period_name(summary.period)), t.percent(summary.average_churn_rate, 1), ""),
        (t("kpi.revenue"), t.money(summary.revenue), ""),
        (t("kpi.gross_margin"), t.money(summary.gross_margin), t("kpi.of_revenue", share=t.percent(margin_share))),
        (t("kpi.cost_to_serve"), t.money(summary.cost_to_serve), ""),
        (t("kpi.profit"), t.money(summary.profit),
         t("kpi.of_revenue", share=t.percent(share_of(summary.profit, summary.revenue)))),
    ]
    blocks = [Block("kpis", items=tiles)]
    if not summary.cost_recorded:
        blocks.append(note(t("note.no_cost_records")))
    churn = summary.churn
    title, intro = t("section.glance"), t("intro.glance")
    if churn.empty:
        return Section("at-a-glance", title, intro, [*blocks, unavailable(t("reason.no_orders"))])
    trend = a.highlights.churn_trend
    period = t.period_name(summary.period)
    if trend.direction is not None:
        text = t("takeaway.churn_trend", average=t.percent(summary.average_churn_rate, 1), period=period,
                 n=trend.periods, recent=t.percent(trend.recent, 1), direction=t(f"trend.{trend.direction}"),
                 prior=t.percent(trend.prior, 1))
    else:
        text = t("takeaway.churn_average", average=t.percent(summary.average_churn_rate, 1), period=period)
    blocks += [chart(charts.churn_trend(churn, t, period), "chart-churn"), takeaway(text),
               note(churn_rule_note(summary.rule, t))]
    return Section("at-a-glance", title, intro, blocks)


def whale(a: Analysis, t: Translator) -> Section:
    curve = a.portfolio.whale
    title, intro = t("section.whale"), t("intro.whale")
    if curve.n_customers == 0:
        return Section("whale-curve", title, intro, [unavailable(t("reason.no_customers"))])
    points = whale_points(curve)
    fig = charts.whale_curve(curve.customer_share[points], curve.cumulative_profit[points],
                             curve.peak_customer_share, curve.peak_profit, curve.total_profit, t)
    facts = table([t("col.figure"), t("col.value")], whale_rows(curve, t), numeric={1})
    return Section("whale-curve", title, intro, [chart(fig, "chart-whale"), takeaway(whale_takeaway(curve, t)),
                                                  facts])


def cohorts(a: Analysis, t: Translator) -> Section:
    matrix = a.portfolio.cohorts
    title, intro = t("section.cohorts"), t("intro.cohorts", period=t.period_name(matrix.by))
    shares = matrix.shares
    retention = a.highlights.cohort_averages
    if shares.empty or retention is None:
        return Section("cohort-retention", title, intro, [unavailable(t("reason.no_orders"))])
    shown = cohorts_shown(matrix)
    fig = charts.cohort_heatmap(shown, matrix.sizes.loc[shown.index], t)
    if retention.first is None:
        text = t("takeaway.cohorts_young")
    else:
        text = t("takeaway.cohorts", first=t.percent(retention.first), later=t.number(retention.later),
                 last=t.percent(retention.last), period=t.period_name(matrix.by))
    blocks = [chart(fig, "chart-cohorts"), takeaway(text)]
    if len(shares) > len(shown) or shares.shape[1] > shown.shape[1]:
        blocks.append(note(t("note.cohorts_trimmed", cohorts=len(shown), periods=shown.shape[1])))
    return Section("cohort-retention", title, intro, blocks)


def clv(a: Analysis, t: Translator) -> Section:
    h = a.highlights
    values = a.assessment["clv"].astype(float)
    text = t("takeaway.clv", share=t.percent(h.clv_top_share), total=t.money(h.clv_total),
             negative=t.number(h.clv_negative))
    whole_clv, whole_profit = t.wholes_in(h.top_clv["clv"]), t.wholes_in(h.top_clv["profit"])
    rows = [
        [customer_label(str(r.customer_id), h.customer_names), t.money(r.clv, whole_clv), t.percent(r.p_alive),
         t.money(r.profit, whole_profit), t(f"action.{r.action}")]
        for r in h.top_clv.itertuples(index=False)
    ]
    top = table([t("col.customer"), t("col.clv"), t("col.p_alive"), t("col.profit"), t("col.action")], rows,
                numeric={1, 2, 3})
    source = "note.values_from_models" if a.predictions_from_models else "note.values_from_rhythm"
    return Section("clv", t("section.clv"), t("intro.clv"), [
        chart(charts.clv_histogram(values, t), "chart-clv"), takeaway(text),
        heading(t("heading.top_customers", n=len(rows))), top,
        note(t("note.clv", days=a.settings.clv.horizon_days)), note(t(source, detail=_predictions_detail(a, t))),
    ])


def _predictions_detail(a: Analysis, t: Translator) -> str:
    """The models' detail: how the churn source was chosen, in the report's language, and the other notes (the
    models' own, technical); all of it technical when the sources could not be compared."""
    if a.churn_source_comparison is None:
        return a.predictions_detail
    return "; ".join([churn_source_text(t, a.churn_source_comparison), *a.prediction_notes])


# The most urgent customers' table (``urgent_rows``): its right-aligned columns.
URGENT_FIGURE_COLUMNS = frozenset({0, 3})


def urgent_headers(t: Translator) -> list[str]:
    return [t("col.priority"), t("col.customer"), t("col.action"), t("col.money_at_stake"), t("col.reason")]


def urgent_rows(a: Analysis, t: Translator) -> list[list[str]]:
    """The most urgent customers, as the report and the demo's terminal show them: priority, customer, action,
    money at stake and the first reason, phrased in the translator's language from its fact."""
    names = a.highlights.customer_names
    whole = t.wholes_in(a.highlights.urgent["money_at_stake"])
    return [
        [t.number(r.priority), customer_label(r.customer_id, names), t(f"action.{r.action}"),
         t.money(r.money_at_stake, whole),
         phrase_all([r.reason_fact], t.lang, t.currency)[0] if r.reason_fact else r.reason]
        for r in a.highlights.urgent.itertuples(index=False)
    ]


def actions(a: Analysis, t: Translator) -> Section:
    summary = a.highlights.action_summary
    urgent = summary[summary["urgent"] & (summary["customers"] > 0)]
    if urgent.empty:
        text = t("takeaway.actions_none")
    else:  # the largest part of the money to act on now (an action not urgent may hold more: it is not part of it)
        largest = urgent.sort_values("money_at_stake", ascending=False).iloc[0]
        text = t("takeaway.actions", n=t.number(urgent["customers"].sum()),
                 money=t.money(urgent["money_at_stake"].sum()), action=t(f"action.{largest['action']}"),
                 action_money=t.money(largest["money_at_stake"]))
    whole = t.wholes_in(summary["money_at_stake"])
    rows = [
        [t(f"action.{r.action}"), t(f"action_hint.{r.action}"), t.number(r.customers), t.money(r.money_at_stake, whole)]
        for r in summary.itertuples(index=False)
    ]
    return Section("actions", t("section.actions"), t("intro.actions"), [
        chart(charts.actions_bars(summary, t), "chart-actions"), takeaway(text),
        table([t("col.action"), t("col.what_to_do"), t("col.customers"), t("col.money_at_stake")], rows,
              numeric={2, 3}),
        heading(t("heading.most_urgent")),
        table(urgent_headers(t), urgent_rows(a, t), numeric=URGENT_FIGURE_COLUMNS),
        note(t("note.money_at_stake")),
    ])


def _service_line(quality: ServiceQuality, measure: str, period: str, t: Translator) -> str:
    name = t(f"service.{measure}")
    if not quality.available(measure):
        return t("service.not_available", measure=name, reason=t(quality.missing[measure]))
    recent, prior = quality.trend(measure, period)
    fmt = {
        "on_time_rate": lambda v: t.percent(v, 1),
        "defect_rate": lambda v: t.percent(v, 2),
        "response_hours": lambda v: t("hours", hours=t.number(v, 1)),
        "resolution_hours": lambda v: t("hours", hours=t.number(v, 1)),
        "substantiated_complaints": lambda v: t.number(v),
    }[measure]
    if recent is None:
        return t("service.no_recent", measure=name)
    if prior is None:
        return t("service.level", measure=name, recent=fmt(recent))
    return t("service.trend", measure=name, recent=fmt(recent), prior=fmt(prior),
             n=t.number(trend_periods(period)), verdict=t(f"trend.{quality.verdict(measure, period)}"))


def _service_takeaway(quality: ServiceQuality, measures: list[str], period: str, t: Translator) -> str:
    verdicts = {m: quality.verdict(m, period) for m in measures}
    worse = [t(f"service.short.{m}") for m, v in verdicts.items() if v == "worse"]
    better = [t(f"service.short.{m}") for m, v in verdicts.items() if v == "better"]
    n = t.number(trend_periods(period))
    if worse:
        return t("takeaway.service_worse", measures=t("list_separator").join(worse), n=n)
    if better:
        return t("takeaway.service_better", measures=t("list_separator").join(better), n=n)
    return t("takeaway.service_same", n=n)


def _hurt_most(a: Analysis, t: Translator) -> list[Block]:
    hurt = a.highlights.hurt_most
    if hurt.empty:
        return [note(t("service.nobody_hurt"))]
    # The listed customers' actions, looked up among the assessment's (a dict of every customer's took
    # 1.8 s at 1,000,000 customers, by py-spy).
    by_customer = pd.Series(a.assessment["action"].array, index=a.assessment["customer_id"].astype(str))
    actions = reindexed(by_customer, pd.Index(hurt["customer_id"].astype(str))).tolist()
    names = a.highlights.customer_names
    whole = t.wholes_in(hurt["cost_business_fault"])
    rows = [
        [customer_label(str(r.customer_id), names), t.number(r.n_late), t.number(r.n_complaints_substantiated),
         t.number(r.n_defective_returns), t.money(r.cost_business_fault, whole),
         t(f"action.{action}") if isinstance(action, str) else MISSING]
        for r, action in zip(hurt.itertuples(index=False), actions, strict=True)
    ]
    return [heading(t("heading.hurt_most")), table(
        [t("col.customer"), t("col.late"), t("col.substantiated"), t("col.defective"), t("col.cost_of_failures"),
         t("col.action")], rows, numeric={1, 2, 3, 4})]


def service(a: Analysis, t: Translator) -> Section:
    quality = a.highlights.service
    period = a.portfolio.period
    available = [m for m in MEASURES if quality.available(m)]
    blocks = []
    if available:
        blocks += [chart(charts.service_trends(quality.periods, available, t), "chart-service"),
                   takeaway(_service_takeaway(quality, available, period, t))]
    else:
        blocks.append(unavailable(t("reason.no_service_records")))
    blocks.append(findings([_service_line(quality, m, period, t) for m in MEASURES]))
    if available:
        blocks += _hurt_most(a, t)
    return Section("service-quality", t("section.service"), t("intro.service"), blocks)


def _business_findings(a: Analysis, t: Translator) -> list[str]:
    quality, hurt = a.highlights.service, a.highlights.customers_hurt
    totals = quality.totals
    lines = []
    if quality.available("on_time_rate") and totals.get("n_delivered"):
        lines.append(t("finding.late", late=t.number(totals["n_late"]),
                       share=t.percent(totals["n_late"] / totals["n_delivered"], 1), customers=t.number(hurt.late)))
    if "tickets" in a.dataset.present and totals.get("complaints"):
        lines.append(t("finding.complaints", n=t.number(totals["substantiated_complaints"]),
                       share=t.percent(totals["substantiated_complaints"] / totals["complaints"]),
                       customers=t.number(hurt.complained), cost=t.money(hurt.complaint_staff_cost)))
    if "returns" in a.dataset.present and totals.get("n_defective_returns"):
        lines.append(t("finding.defects", n=t.number(totals["n_defective_returns"]),
                       refunded=t.money(totals.get("defective_refunded", 0.0)), customers=t.number(hurt.defective)))
    summary = a.highlights.action_summary
    fix = summary[summary["action"] == "fix_service"]
    if len(fix):
        lines.append(t("finding.fix_service", n=t.number(fix["customers"].iloc[0]),
                       money=t.money(fix["money_at_stake"].iloc[0])))
    return lines


def flags(a: Analysis, t: Translator) -> Section:
    counts, flagged = a.highlights.flag_counts, a.highlights.flagged_customers
    blocks = [heading(t("heading.flags"))]
    if counts.empty:
        blocks.append(takeaway(t("takeaway.no_flags")))
    else:
        blocks += [
            chart(charts.flags_bars(counts, t), "chart-flags"),
            takeaway(t("takeaway.flags", n=t.number(flagged), share=t.percent(flagged / len(a.assessment)),
                       flag=t(f"flag.{counts.index[0]}"), count=t.number(counts.iloc[0]))),
            note(t("note.flags")),
        ]
    blocks.append(heading(t("heading.business_faults")))
    lines = _business_findings(a, t)
    absent = [name for name in ("tickets", "returns") if name not in a.dataset.present]
    if not a.highlights.service.available("on_time_rate"):
        absent.insert(0, "deliveries")
    if lines:
        blocks.append(findings(lines))
    elif not absent:
        blocks.append(takeaway(t("finding.none")))
    if absent:
        what = t("list_separator").join(t(f"records.{x}") for x in absent)
        blocks.append(unavailable(t("reason.absent_records", what=what)))
    return Section("flags-findings", t("section.flags"), t("intro.flags"), blocks)


def growth(a: Analysis, t: Translator) -> Section:
    years = a.settings.report.growth_years
    title, intro = t("section.growth"), t("intro.growth", years=years)
    scenario = a.highlights.growth
    if scenario is None:
        return Section("growth-simulation", title, intro, [unavailable(t("reason.no_churn_history"))])
    retention, better = t.percent(scenario.retention), t.percent(scenario.better_retention)
    text = t("takeaway.growth", retention=retention, start=t.number(a.portfolio.active_customers), years=years,
             end=t.number(scenario.current["customers"].iloc[-1]), better=better,
             end_better=t.number(scenario.better["customers"].iloc[-1]), more=t.number(scenario.extra_customers))
    fig = charts.growth_lines(scenario.current, scenario.better, t("growth.current", retention=retention),
                              t("growth.better", retention=better), t)
    return Section("growth-simulation", title, intro, [
        chart(fig, "chart-growth"), takeaway(text),
        note(t("note.growth", acquisition=t.percent(scenario.acquisition), period=t.period_name(a.portfolio.period))),
    ])


def _reason_label(group: str, t: Translator) -> str:
    try:
        return t(f"reason_group.{group}")
    except KeyError:
        return group.replace("_", " ")


def diagnostics(a: Analysis, t: Translator) -> Section:
    tracking = a.tracking
    # The plain-words news first (e.g. no purchase model could be fitted), in the report's language.
    blocks = [note(t(key)) for key in a.plain_notes]
    blocks.append(heading(t("heading.tracking")))
    model = t(f"churn_source.{tracking.model}")
    if tracking.weeks is None:
        values = {name: t.date(value) if isinstance(value, date) else value
                  for name, value in tracking.unavailable_values.items()}
        blocks.append(unavailable(t(tracking.unavailable, model=model, **values)))
    else:
        expected, actual = tracking.holdout_expected, tracking.holdout_actual
        error = share_of(expected - actual, actual)
        params = t("list_separator").join(f"{k} = {t.number(v, 3)}" for k, v in tracking.params.items())
        blocks += [
            chart(charts.tracking_cumulative(tracking.weeks, tracking.calibration_end, tracking.model, t),
                  "chart-tracking"),
            takeaway(t("takeaway.tracking", weeks=int(tracking.weeks["holdout"].sum()), expected=t.number(expected),
                       actual=t.number(actual), error=t.percent(abs(error) if error is not None else None, 1),
                       direction=t("tracking.over") if expected > actual else t("tracking.under"))),
            chart(charts.tracking_weekly(tracking.weeks, tracking.calibration_end, tracking.model, t),
                  "chart-tracking-weekly"),
            note(t("note.tracking", model=model, customers=t.number(tracking.n_customers),
                   calibration_end=t.date(tracking.calibration_end), params=params)),
        ]
    blocks.append(heading(t("heading.churn_reasons")))
    reasons = a.churn_reasons
    if reasons.table is None:
        blocks.append(unavailable(reasons.unavailable or ""))
    else:
        shown = reasons.table.copy()
        from_model = reasons.source == "model"
        shown["reason"] = [_reason_label(r, t) if from_model else r for r in shown["reason"]]
        if not from_model:
            # Say first that the classifier is missing, then what stands in for it.
            blocks += [unavailable(reasons.unavailable or ""), note(t("note.churn_from_assessment"))]
        axis = t("chart.share_of_weight") if from_model else t("chart.share_of_at_risk")
        key = "takeaway.churn_reasons" if from_model else "takeaway.churn_reasons_assessment"
        blocks += [chart(charts.reasons_bars(shown, t, axis), "chart-churn-reasons"),
                   takeaway(t(key, reason=shown["reason"].iloc[0], share=t.percent(shown["share"].iloc[0])))]
        if from_model:
            blocks.append(note(t("note.churn_model", days=reasons.period_days,
                                 actual=t.percent(reasons.holdout_churn_rate, 1),
                                 predicted=t.percent(reasons.holdout_predicted_rate, 1))))
    return Section("model-diagnostics", t("section.diagnostics"), t("intro.diagnostics"), blocks)


def what_if(a: Analysis, t: Translator) -> Section:
    """The portfolio what-if (``keepwise.offboard.proposals.portfolio_what_if``, passed in by the pipeline)."""
    title, intro = t("section.what_if"), t("intro.what_if")
    w = a.what_if
    if w is None:
        return Section("portfolio-what-if", title, intro, [unavailable("")])
    return Section("portfolio-what-if", title, intro, [
        takeaway(what_if_takeaway(w, t)), table([t("col.figure"), t("col.value")], what_if_rows(w, t), numeric={1}),
    ])


def policies(a: Analysis, t: Translator) -> Section:
    """The policy review (``keepwise.offboard.policies.policy_review``, passed in by the pipeline)."""
    title, intro = t("section.policies"), t("intro.policies")
    if not a.policies:
        return Section("policy-review", title, intro, [unavailable("")])
    rows = policy_rows(a.policies, a.settings, t)
    return Section("policy-review", title, intro, [table(policy_headers(t), rows, numeric=set(POLICY_FIGURE_COLUMNS)),
                                                   note(t("note.policies"))])


def sections(a: Analysis, t: Translator) -> list[Section]:
    """Every section, in ``SECTION_IDS`` order."""
    return [glance(a, t), whale(a, t), cohorts(a, t), clv(a, t), actions(a, t), service(a, t), flags(a, t),
            growth(a, t), what_if(a, t), policies(a, t), diagnostics(a, t)]


def source_name(a: Analysis) -> str:
    return Path(str(a.dataset.source)).name or str(a.dataset.source)
