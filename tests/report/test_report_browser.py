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
