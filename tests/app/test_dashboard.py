"""The dashboard's charts: the report's portfolio figures from the run's stored data, drawn by a static
script with the vendored Plotly bundle (no inline script, no CDN), labels in the reader's language."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import sqlalchemy as sa

from keepwise.report.build import PLOTLY_BUNDLE, PLOTLY_STYLESHEET, plotly_js, plotly_stylesheet
from keepwise.report.chart_data import CHARTS, WHALE_POINTS
from keepwise.store.models import Run
from keepwise.store.services import runs
from keepwise.text import messages


def _values(value) -> list:
    """A trace's array: plain JSON, or Plotly's typed array ({"dtype", "bdata", "shape"})."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return list(value)


def _figures(page: str) -> dict[str, dict]:
    found = re.findall(r'id="chart-(\w+)" class="plot" data-figure="([^"]*)"', page)
    return {name: json.loads(html.unescape(figure)) for name, figure in found}


def test_the_dashboard_draws_the_reports_portfolio_charts_from_the_run(client_for, store):
    client, _ = client_for("agent")
    page = client.get("/").text
    figures = _figures(page)
    assert tuple(figures) == CHARTS
    with store.sessions() as session:
        summary = json.loads(runs.latest_run(session).summary)
    stored = summary["charts"]
    # The whale curve: the stored points, ending at the portfolio's profit (the curve sums every customer's).
    line = figures["whale"]["data"][0]
    x, y = _values(line["x"]), _values(line["y"])
    assert y == stored["whale"]["cumulative_profit"] and len(y) <= WHALE_POINTS
    assert abs(y[-1] - summary["profit"]) < 0.01
    assert x[0] == 0 and x[-1] == 1
    # Churn per period: one bar (active customers) and one point (churn rate) per stored period.
    bars, rates = figures["churn"]["data"]
    assert _values(bars["y"]) == stored["churn"]["customers_at_end"]
    assert len(_values(rates["y"])) == len(stored["churn"]["period_start"])
    # Cohort retention: period 0 is 100% of every cohort by construction.
    z = _values(figures["cohorts"]["data"][0]["z"])
    assert len(z) == len(stored["cohorts"]["cohorts"]) and all(row[0] == 1.0 for row in z)
    assert figures["whale"]["layout"]["xaxis"]["title"]["text"] == messages("en")["chart.customers_by_profit"]


def test_chart_labels_are_in_the_readers_language(client_for):
    client, token = client_for("agent")
    client.post("/me/language", data={"language": "ru", "csrf_token": token})
    figures = _figures(client.get("/").text)
    assert figures["whale"]["layout"]["xaxis"]["title"]["text"] == messages("ru")["chart.customers_by_profit"]
    assert figures["whale"]["layout"]["separators"] == ", "  # Russian decimal comma and space grouping


def test_plotly_is_the_reports_vendored_bundle_and_no_script_is_inline(client_for):
    client, _ = client_for("agent")
    page = client.get("/").text
    sources = re.findall(r"<script([^>]*)>", page)
    assert sources and all('src="/static/' in attributes for attributes in sources), "inline or external script"
    assert f'src="/static/report/{PLOTLY_BUNDLE}"' in page and 'src="/static/charts.js"' in page
    bundle = client.get(f"/static/report/{PLOTLY_BUNDLE}")
    assert bundle.status_code == 200 and "javascript" in bundle.headers["content-type"]
    assert bundle.text == plotly_js()  # the report's own file, not a copy
    assert "script-src 'self'" in bundle.headers["content-security-policy"]
    drawing = client.get("/static/charts.js")
    assert drawing.status_code == 200 and "data-figure" in drawing.text


def test_a_run_stored_before_charts_says_so_instead_of_drawing_nothing(client_for, store):
    with store.sessions() as session:
        run = runs.latest_run(session)
        summary = json.loads(run.summary)
        summary.pop("charts")
        session.execute(sa.update(Run).where(Run.id == run.id).values(summary=json.dumps(summary)))
        session.commit()
    client, _ = client_for("agent")
    page = client.get("/").text
    assert not _figures(page) and "plotly" not in page
    assert "No charts for this assessment" in page


def test_plotly_style_rules_are_served_as_a_file_taken_from_the_bundle(client_for):
    client, _ = client_for("agent")
    page = client.get("/").text
    assert f'href="/static/report/{PLOTLY_STYLESHEET}" id="plotly.js-style-global" class="no-inline-styles"' in page
    served = client.get(f"/static/report/{PLOTLY_STYLESHEET}")
    assert served.status_code == 200 and served.text == plotly_stylesheet()
    assert ".js-plotly-plot .plotly .main-svg { position:absolute;" in served.text
