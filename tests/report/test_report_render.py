"""The renderer alone: hand-built sections and a hand-built result in, the expected HTML out."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from bs4 import BeautifulSoup
from markupsafe import Markup

from keepwise.metrics.activity import RecencyRule
from keepwise.metrics.churn_trend import ChurnTrend
from keepwise.report import sections as S
from keepwise.report.build import CHART_DIGITS, asset, plotly_js, render_page
from keepwise.text.locales import en
from keepwise.text.translator import Translator

T = Translator.for_report("en", "EUR", "en")


def _page(*sections: S.Section, t: Translator = T) -> BeautifulSoup:
    return BeautifulSoup(render_page(t, list(sections), "shop<1>", "meta & more"), "html.parser")


def test_blocks_render_as_their_markup_and_text_is_escaped():
    section = S.Section("actions", "Title <b>", "Intro", [
        S.takeaway("Take <this>"),
        S.note("a note"),
        S.unavailable("no <tickets>"),
        S.heading("Heading"),
        S.table(["<b>name</b>", "amount"], [['<script>alert("x")</script>', "€1"]], numeric={1}),
        S.findings(["one", "two & three"]),
        S.Block("kpis", items=[("Customers", "2,357", "")]),
    ])
    html = render_page(T, [section], "shop<1>", "meta & more")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "&lt;b&gt;name&lt;/b&gt;" in html and "Title &lt;b&gt;" in html
    soup = BeautifulSoup(html, "html.parser")
    card = soup.find("section", id="actions")
    assert card["class"] == ["card"] and card.find("h2").get_text() == "Title <b>"
    assert card.select_one("p.intro").get_text() == "Intro"
    assert card.select_one("p.takeaway").get_text() == "Take <this>"
    assert card.select_one("p.note").get_text() == "a note"
    assert card.select_one("p.unavailable").get_text(" ", strip=True) == f"{en.MESSAGES['not_available']} no <tickets>"
    assert card.find("h3").get_text() == "Heading"
    cells = card.select("table tbody td")
    assert [c.get("class") for c in cells] == [[], ["num"]]
    assert cells[0].find("bdi").get_text() == '<script>alert("x")</script>'
    assert [li.get_text() for li in card.select("ul.findings li")] == ["one", "two & three"]
    assert card.select_one(".kpi .kpi-value").get_text() == "2,357"


def test_page_has_language_direction_navigation_and_one_inlined_plotly():
    persian = Translator.for_report("fa", "EUR", "en")
    chart = S.Block("chart", text=Markup('<div id="chart-x" class="plotly-graph-div"></div>'))
    soup = _page(S.Section("clv", "t", "i", [chart]), t=persian)
    assert soup.html["lang"] == "fa" and soup.html["dir"] == "rtl"
    assert soup.find("nav").find("a")["href"] == "#clv"
    # Charts keep left-to-right inside the right-to-left page; the div is inserted as it is.
    wrapper = soup.select_one("div.chart")
    assert wrapper["dir"] == "ltr" and wrapper.find("div", id="chart-x") is not None
    assert soup.find("title").get_text().endswith("· shop<1>")
    # plotly.js once, our script writing the charts' digits, and its call once the charts are drawn: all inlined
    scripts = soup.find_all("script")
    assert len(scripts) == 3 and not any(script.get("src") for script in scripts)
    assert scripts[0].get_text() == plotly_js() and scripts[1].get_text() == asset(CHART_DIGITS)
    assert "keepwiseChartDigits" in scripts[2].get_text()
    assert ":root" in soup.find("style").get_text()


def _analysis(**highlights) -> SimpleNamespace:
    """A hand-built result: only what the sections under test read."""
    return SimpleNamespace(
        highlights=SimpleNamespace(**highlights),
        settings=SimpleNamespace(report=SimpleNamespace(growth_years=7), churn=SimpleNamespace(lost_after_days=180)),
        portfolio=SimpleNamespace(period="month", active_customers=100),
    )


def test_actions_section_lists_the_urgent_customers_it_is_given():
    """The takeaway's largest part is among the actions to take now: "the most money is in Nurture (€900)" read
    as a part larger than the €470 to act on now, Nurture not being part of it."""
    summary = pd.DataFrame({"action": ["offboard", "retain", "keep", "nurture"], "customers": [1, 2, 7, 3],
                            "money_at_stake": [50.0, 420.0, 0.0, 900.0], "urgent": [True, True, False, False]})
    urgent = pd.DataFrame({"customer_id": ["C", "B"], "name": ["", "Bea"], "action": ["offboard", "retain"],
                           "priority": [1, 3], "money_at_stake": [50.0, 120.0],
                           "reason": ["3 unpaid invoices", "412 days since the last order"],
                           "reason_fact": [None, None]})
    section = S.actions(_analysis(action_summary=summary, urgent=urgent, customer_names={"B": "Bea"}), T)
    soup = _page(section)
    takeaway = soup.select_one("p.takeaway").get_text()
    assert takeaway == (f"3 customers to act on now, with €470.00 at stake; the largest part in "
                        f"“{en.MESSAGES['action.retain']}” (€420.00).")
    no_one = summary.assign(customers=[0, 0, 7, 3])
    section = S.actions(_analysis(action_summary=no_one, urgent=urgent.iloc[:0], customer_names={}), T)
    assert _page(section).select_one("p.takeaway").get_text() == "No customer needs acting on now."
    urgent_rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.select("table")[1].select("tbody tr")]
    assert urgent_rows == [
        ["1", "C", en.MESSAGES["action.offboard"], "€50.00", "3 unpaid invoices"],
        ["3", "B · Bea", en.MESSAGES["action.retain"], "€120.00", "412 days since the last order"],
    ]


def test_growth_section_says_why_when_there_is_no_scenario():
    section = S.growth(_analysis(growth=None), T)
    assert [b.kind for b in section.blocks] == ["unavailable"]
    assert section.blocks[0].text == en.MESSAGES["reason.no_churn_history"]
    assert section.intro.startswith("The customer base over 7 years at today's retention")


def test_churn_trend_takeaway_quotes_the_trend_it_is_given():
    churn = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "customers_at_end": [90, 80], "churn_rate": [0.1, 0.11], "partial": [False, False]})
    a = _analysis(churn_trend=ChurnTrend(periods=3, recent=0.12, prior=0.10))
    a.portfolio = SimpleNamespace(period="month", churn=churn, average_churn_rate=0.105, customers=100,
                                  active_customers=80, revenue=1000.0, gross_margin=400.0, cost_to_serve=0.0,
                                  profit=400.0, rule=RecencyRule(90), cost_recorded=False)
    section = S.glance(a, T)
    texts = {b.kind: b.text for b in section.blocks if b.kind in ("takeaway",)}
    assert texts["takeaway"] == (f"Churn averaged 10.5% per {en.MESSAGES['period.month']}; in the last 3 complete "
                                 f"periods it was 12.0%, {en.MESSAGES['trend.up']} 10.0% before.")
    # Orders only: a zero cost to serve is "not recorded".
    notes = [b.text for b in section.blocks if b.kind == "note"]
    assert en.MESSAGES["note.no_cost_records"] in notes
    # The rule the churn was measured by, not the settings' days.
    assert "A customer counts as lost after 90 days without a purchase." in notes
