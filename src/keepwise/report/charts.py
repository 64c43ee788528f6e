"""Plotly figures of the report, one function per chart, labels in the reader's language.

Every figure shares one look (``_style``) and is rendered by ``to_div`` without Plotly's JS: the
report embeds the library once in its head. Number separators follow the report locale, and a Persian
figure's numbers are written in Persian digits by ``assets/chart_digits.js`` (its layout's ``meta``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel import Locale
from plotly.subplots import make_subplots

from keepwise.text.calendar import localize_digits
from keepwise.text.translator import Translator

# Static images off and no links to plotly.com: the report must work, and stay, offline.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]}
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Vazirmatn', Tahoma, Arial, sans-serif"
INK = "#1f2933"
BLUE = "#2563eb"
LIGHT_BLUE = "#93c5fd"
RED = "#dc2626"
GREEN = "#16a34a"
GREY = "#9ca3af"
AMBER = "#d97706"
MAX_DATE_TICKS = 9
LATIN_DIGITS = "0123456789"
ACTION_COLOURS = {
    "nurture": "#15803d",
    "grow": "#22c55e",
    "keep": "#9ca3af",
    "retain": "#f59e0b",
    "win_back": "#d97706",
    "fix_service": "#7c3aed",
    "make_profitable": "#2563eb",
    "deprioritize": "#6b7280",
    "offboard": "#dc2626",
}


def _separators(t: Translator) -> str:
    """The decimal and group separators of the reader's figures: Persian's own (٫ ٬) beside its digits."""
    symbols = Locale.parse(t.locale).number_symbols["latn"]
    latin = symbols["decimal"] + symbols["group"].replace("\u00a0", " ").replace("\u202f", " ")
    return localize_digits(latin, t.lang, separators=True)


def _digits(t: Translator) -> dict[str, str]:
    """The reader's digits and percent sign, for ``assets/chart_digits.js`` (plotly.js writes 0-9 only); none
    where they are Latin."""
    digits = localize_digits(LATIN_DIGITS, t.lang)
    if digits == LATIN_DIGITS:
        return {}
    return {"digits": digits, "percent": localize_digits("%", t.lang, separators=True)}


def _style(fig: go.Figure, t: Translator, height: int = 380) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 30, "t": 30, "b": 50},
        font={"family": FONT_FAMILY, "size": 13, "color": INK},
        separators=_separators(t),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    digits = _digits(t)
    if digits:
        fig.update_layout(meta=digits)
    # Long translated axis titles ("Накопленная прибыль (EUR)") need the margin to grow rather than be cut.
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    return fig


def _localise_dates(fig: go.Figure, moments, t: Translator, max_ticks: int = MAX_DATE_TICKS, **axis) -> None:
    """Month ticks named in the report language: Plotly's bundled JS names months in English only."""
    moments = pd.to_datetime(pd.Series(moments)).dropna()
    if moments.empty:
        return
    months = pd.period_range(moments.min(), moments.max(), freq="M")
    step = max(1, math.ceil(len(months) / max_ticks))
    # Steps of 3, 6 or 12 months keep the ticks on quarter and year boundaries.
    step = next((nice for nice in (1, 2, 3, 6, 12, 24) if nice >= step), step)
    ticks = [m.start_time for m in months if (m.month - 1) % step == 0 or step == 1]
    fig.update_xaxes(tickvals=ticks, ticktext=[t.month(day) for day in ticks], **axis)


def _room_for_labels(fig: go.Figure, labels) -> None:
    """A left margin wide enough for category labels: automargin mismeasures Arabic-script labels and clips them."""
    longest = max((len(str(label)) for label in labels), default=0)
    fig.update_layout(margin={"l": min(360, 20 + int(7.5 * longest))})


def to_div(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG)


def churn_trend(churn: pd.DataFrame, t: Translator, period_label: str) -> go.Figure:
    """Active customers (bars) and churn rate per period (line); a partial last period is drawn open."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    starts = pd.to_datetime(churn["period_start"])
    fig.add_trace(
        go.Bar(x=starts, y=churn["customers_at_end"], name=t("chart.active_customers"), marker_color=LIGHT_BLUE),
        secondary_y=False,
    )
    partial = churn["partial"].astype(bool).to_numpy()
    fig.add_trace(
        go.Scatter(
            x=starts,
            y=churn["churn_rate"],
            name=t("chart.churn_rate", period=period_label),
            mode="lines+markers",
            line={"color": RED, "width": 2.5},
            marker={"symbol": np.where(partial, "circle-open", "circle"), "size": 7},
        ),
        secondary_y=True,
    )
    _localise_dates(fig, starts, t)
    fig.update_yaxes(title_text=t("chart.active_customers"), secondary_y=False, rangemode="tozero")
    # Small monthly rates (1.4%) need a decimal, or the axis repeats "1%, 1%, 2%, 2%".
    top_rate = float(churn["churn_rate"].max()) if churn["churn_rate"].notna().any() else 0.0
    fig.update_yaxes(title_text=t("chart.churn_rate", period=period_label),
                     tickformat=".1%" if top_rate < 0.1 else ".0%", secondary_y=True,
                     rangemode="tozero", showgrid=False)
    return _style(fig, t)


def whale_curve(customer_share: np.ndarray, cumulative_profit: np.ndarray, peak_share: float, peak_profit: float,
                total_profit: float, t: Translator) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=customer_share, y=cumulative_profit, mode="lines", name=t("chart.cumulative_profit"),
            line={"color": BLUE, "width": 3}, fill="tozeroy", fillcolor="rgba(37,99,235,0.08)",
        )
    )
    fig.add_hline(y=total_profit, line={"color": GREY, "dash": "dash"},
                  annotation_text=t("chart.total_profit"), annotation_position="bottom right")
    fig.add_trace(
        go.Scatter(x=[peak_share], y=[peak_profit], mode="markers", name=t("chart.peak"),
                   marker={"color": RED, "size": 11})
    )
    fig.update_xaxes(title_text=t("chart.customers_by_profit"), tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title_text=t("chart.cumulative_profit_axis", currency=t.currency))
    return _style(fig, t)


def cohort_heatmap(shares: pd.DataFrame, sizes: pd.Series, t: Translator) -> go.Figure:
    z = shares.to_numpy(dtype=float)
    text = np.where(np.isnan(z), "", np.vectorize(lambda v: f"{v:.0%}")(np.nan_to_num(z)))
    # Period 0 is 100% by construction; scaling colours to the later periods shows their differences.
    later = z[:, 1:] if z.shape[1] > 1 else z
    top = float(np.nanmax(later)) if np.isfinite(later).any() else 1.0
    labels = [f"{cohort} ({t.number(size)})" for cohort, size in zip(shares.index, sizes.to_numpy(), strict=True)]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[str(c) for c in shares.columns], y=labels, text=text, texttemplate="%{text}",
            textfont={"size": 9}, colorscale="Blues", zmin=0, zmax=max(top, 0.01), hoverongaps=False,
            colorbar={"tickformat": ".0%", "title": {"text": t("chart.still_buying")}},
        )
    )
    fig.update_xaxes(title_text=t("chart.periods_since_joining"), side="top")
    fig.update_yaxes(title_text=t("chart.cohort"), autorange="reversed")
    return _style(fig, t, height=max(360, 22 * len(labels) + 120))


def clv_histogram(clv: pd.Series, t: Translator) -> go.Figure:
    values = clv.astype(float)
    low, high = np.nanpercentile(values, [1, 99]) if len(values) else (0, 0)
    # The extreme 1% on each side would squeeze everyone else into one bar; they are counted at the edges.
    clipped = values.clip(low, high)
    fig = go.Figure(go.Histogram(x=clipped, nbinsx=40, marker_color=BLUE, name=t("chart.customers")))
    fig.add_vline(x=0, line={"color": GREY, "dash": "dot"})
    fig.update_xaxes(title_text=t("chart.clv_axis", currency=t.currency))
    fig.update_yaxes(title_text=t("chart.customers"))
    return _style(fig, t, height=340)


def actions_bars(summary: pd.DataFrame, t: Translator) -> go.Figure:
    """Customers per action and the money at stake in each, side by side."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(t("chart.customers"), t("chart.money_at_stake", currency=t.currency)))
    labels = [t(f"action.{a}") for a in summary["action"]]
    colours = [ACTION_COLOURS.get(a, GREY) for a in summary["action"]]
    fig.add_trace(go.Bar(y=labels, x=summary["customers"], orientation="h", marker_color=colours,
                         name=t("chart.customers")), row=1, col=1)
    fig.add_trace(go.Bar(y=labels, x=summary["money_at_stake"], orientation="h", marker_color=colours,
                         name=t("chart.money_at_stake", currency=t.currency)), row=1, col=2)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    fig = _style(fig, t, height=max(300, 42 * len(labels) + 80))
    _room_for_labels(fig, labels)
    return fig


def service_trends(periods: pd.DataFrame, measures: list[str], t: Translator) -> go.Figure:
    """One small chart per available service measure."""
    titles = [t(f"service.{m}") for m in measures]
    rows = (len(measures) + 1) // 2
    fig = make_subplots(rows=rows, cols=2, subplot_titles=titles, vertical_spacing=0.18, horizontal_spacing=0.1)
    x = pd.to_datetime(periods["period_start"])
    for position, measure in enumerate(measures):
        row, col = position // 2 + 1, position % 2 + 1
        # Half-width charts: fewer, upright ticks, so they do not run into the chart below.
        _localise_dates(fig, x, t, max_ticks=5, row=row, col=col, tickangle=0)
        if measure == "substantiated_complaints":
            fig.add_trace(go.Bar(x=x, y=periods[measure], marker_color=RED, name=titles[position]), row=row, col=col)
        else:
            colour = {"on_time_rate": GREEN, "defect_rate": AMBER}.get(measure, BLUE)
            fig.add_trace(go.Scatter(x=x, y=periods[measure], mode="lines+markers", line={"color": colour},
                                     name=titles[position], connectgaps=False), row=row, col=col)
        if measure == "on_time_rate":
            # Not from zero: the differences that matter are between 90% and 100%.
            fig.update_yaxes(tickformat=".0%", row=row, col=col)
        elif measure == "defect_rate":
            fig.update_yaxes(tickformat=".1%", row=row, col=col, rangemode="tozero")
        else:
            fig.update_yaxes(rangemode="tozero", row=row, col=col)
    fig.update_layout(showlegend=False)
    return _style(fig, t, height=300 * rows)


def flags_bars(counts: pd.Series, t: Translator) -> go.Figure:
    labels = [t(f"flag.{code}") for code in counts.index]
    fig = go.Figure(go.Bar(y=labels, x=counts.to_numpy(), orientation="h", marker_color=AMBER))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=t("chart.customers"))
    fig = _style(fig, t, height=max(260, 36 * len(labels) + 80))
    _room_for_labels(fig, labels)
    return fig


def growth_lines(current: pd.DataFrame, better: pd.DataFrame, current_label: str, better_label: str,
                 t: Translator) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=current["year"], y=current["customers"], mode="lines+markers", name=current_label,
                             line={"color": GREY, "width": 3}))
    fig.add_trace(go.Scatter(x=better["year"], y=better["customers"], mode="lines+markers", name=better_label,
                             line={"color": GREEN, "width": 3}))
    fig.update_xaxes(title_text=t("chart.years_from_now"), dtick=1)
    fig.update_yaxes(title_text=t("chart.customers"), rangemode="tozero")
    return _style(fig, t, height=360)


def _tracking(weeks: pd.DataFrame, calibration_end, model: str, t: Translator, actual: str, expected: str,
              axis_title: str, width: float, height: int) -> go.Figure:
    """Actual against model-expected repeat purchases per week (``model``: the transaction model's setting
    name), the calibration end marked."""
    fig = go.Figure()
    x = pd.to_datetime(weeks["week_end"])
    fig.add_trace(go.Scatter(x=x, y=weeks[actual], mode="lines", name=t("chart.actual"),
                             line={"color": INK, "width": width}))
    fig.add_trace(go.Scatter(x=x, y=weeks[expected], mode="lines", name=t("chart.model", model=t(f"churn_source.{model}")),
                             line={"color": RED, "width": width, "dash": "dash"}))
    _calibration_marker(fig, calibration_end, t)
    _localise_dates(fig, x, t)
    fig.update_yaxes(title_text=t(axis_title), rangemode="tozero")
    return _style(fig, t, height=height)


def tracking_cumulative(weeks: pd.DataFrame, calibration_end, model: str, t: Translator) -> go.Figure:
    return _tracking(weeks, calibration_end, model, t, "actual_cumulative", "expected_cumulative",
                     "chart.cumulative_repeat", 2.5, 360)


def tracking_weekly(weeks: pd.DataFrame, calibration_end, model: str, t: Translator) -> go.Figure:
    return _tracking(weeks, calibration_end, model, t, "actual", "expected", "chart.weekly_repeat", 1.8, 320)


def _calibration_marker(fig: go.Figure, calibration_end, t: Translator) -> None:
    # add_vline cannot place annotations on date axes in every Plotly version; a shape plus a label can.
    moment = pd.Timestamp(calibration_end).isoformat()
    fig.add_shape(type="line", x0=moment, x1=moment, y0=0, y1=1, yref="paper", line={"color": GREY, "dash": "dot"})
    fig.add_annotation(x=moment, y=1, yref="paper", text=t("chart.holdout_starts"), showarrow=False,
                       xanchor="left", yanchor="bottom", font={"color": GREY})


def reasons_bars(table: pd.DataFrame, t: Translator, axis_title: str) -> go.Figure:
    fig = go.Figure(go.Bar(y=table["reason"], x=table["share"], orientation="h", marker_color=BLUE))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=".0%", title_text=axis_title)
    fig = _style(fig, t, height=max(240, 40 * len(table) + 80))
    _room_for_labels(fig, table["reason"])
    return fig
