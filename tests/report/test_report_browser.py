"""The report renders in headless Chromium, offline, with no console errors; screenshots go to test-output/."""

from __future__ import annotations

import pytest

from keepwise.report.build import build_report

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(chromium_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _render(browser, path, screenshot):
    """Open the report with the network blocked; return (console errors, charts drawn, charts expected)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def refuse_network(route):
        requests.append(route.request.url)
        route.abort()

    page.route("http*://**/*", refuse_network)
    page.goto(path.as_uri())
    expected = page.locator("div.plotly-graph-div").count()
    page.wait_for_function(
        "n => document.querySelectorAll('div.plotly-graph-div .main-svg').length >= n", arg=expected, timeout=30_000
    )
    drawn = page.evaluate("document.querySelectorAll('div.plotly-graph-div .main-svg').length")
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return errors, requests, drawn, expected


def test_cdnow_report_renders_without_errors(browser, cdnow_result, test_output):
    path = build_report(cdnow_result, test_output / "report-cdnow-en.html")
    errors, requests, drawn, expected = _render(browser, path, test_output / "report-cdnow-en.png")
    assert errors == []
    assert requests == [], "the report must not touch the network"
    assert expected >= 9 and drawn >= expected


def test_persian_sample_report_renders_without_errors(browser, sample_result, test_output):
    path = build_report(sample_result, test_output / "report-sample-fa.html", lang="fa")
    errors, requests, drawn, expected = _render(browser, path, test_output / "report-sample-fa.png")
    assert errors == []
    assert requests == []
    # Every chart on the page is drawn; the sample has no purchase-model tracking chart (its customers
    # never drop out, so BG/NBD cannot be fitted), the other sections all have theirs.
    assert expected >= 9 and drawn >= expected


def _chart_texts(page) -> list[str]:
    """Every text the charts show (ticks, labels, colour scales, hover labels)."""
    return page.eval_on_selector_all(
        "div.plotly-graph-div .main-svg text, div.plotly-graph-div .main-svg tspan", "els => els.map(e => e.textContent)")


def test_a_persian_reports_charts_write_their_numbers_in_persian_digits(browser, sample_result, test_output):
    """plotly.js writes 0-9 whatever the language; the Persian report's ticks, colour scales and hover labels
    were in Latin digits beside Persian everywhere else ("250", "4.7%", "2024-06 (۱۲)")."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for lang in ("fa", "en"):
        path = build_report(sample_result, test_output / f"report-sample-digits-{lang}.html", lang=lang)
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('div.plotly-graph-div .main-svg').length >= 9")
        texts = [text for text in _chart_texts(page) if text.strip()]
        latin = [text for text in texts if any(c in "0123456789" for c in text)]
        persian = [text for text in texts if any(c in "۰۱۲۳۴۵۶۷۸۹" for c in text)]
        if lang == "en":
            assert latin and not persian  # English keeps its digits
            continue
        assert len(persian) >= 50 and latin == []
        assert any("٪" in text for text in persian) and not any("%" in text for text in texts)
        assert any("٫" in text for text in persian)  # Persian's decimal separator (the churn rate's axis)
        # a hover label, drawn when the pointer is over a bar
        bar = page.locator("div.plotly-graph-div .barlayer .point path").last
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("document.querySelector('div.plotly-graph-div .hoverlayer text') !== null")
        hover = page.eval_on_selector_all("div.plotly-graph-div .hoverlayer text", "els => els.map(e => e.textContent)")
        assert hover and all(not any(c in "0123456789" for c in text) for text in hover), hover
        assert any(c in "۰۱۲۳۴۵۶۷۸۹" for c in "".join(hover)), hover
        page.screenshot(path=str(test_output / "report-sample-digits-fa.png"), full_page=True)
    page.close()
