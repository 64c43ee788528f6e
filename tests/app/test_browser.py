"""End to end in headless Debian Chromium: log in, open a worklist, open a customer, log a complaint and
see it on the timeline, override the action, create an API token, switch to Persian and see the
right-to-left layout; the dashboard's charts are drawn (vendored Plotly, no CSP violation).
Screenshots go to test-output/browser/."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from webkit import PASSWORD

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_staff_day_in_the_browser(live_server, chromium_path, test_output, ids):
    from playwright.sync_api import expect, sync_playwright

    shots = test_output / "browser"
    shots.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(live_server + "/")
        expect(page).to_have_url(live_server + "/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Today")
        # The report's portfolio charts, drawn by /static/charts.js with the vendored Plotly (no inline script).
        for name in ("churn", "whale", "cohorts"):
            expect(page.locator(f"#chart-{name} svg.main-svg").first).to_be_visible()
        page.screenshot(path=str(shots / "1-home.png"), full_page=True)

        page.click("table.bars a >> nth=0")
        expect(page.locator("h1")).to_contain_text("Worklist")
        page.screenshot(path=str(shots / "2-worklist.png"), full_page=True)

        page.goto(f"{live_server}/customers/{ids.customer_id}")
        expect(page.locator("#customer-title")).to_contain_text(ids.customer_id)
        page.screenshot(path=str(shots / "3-customer.png"), full_page=True)

        page.select_option("#complaint-form select[name=channel]", "phone")
        page.select_option("#complaint-form select[name=severity]", "high")
        page.fill("#complaint-subject", "Parcel left in the rain")
        page.fill("#complaint-description", "The courier left the parcel outside; the goods are wet.")
        page.click("#complaint-button")
        expect(page.locator("ol.timeline li").first).to_contain_text("Parcel left in the rain")
        page.screenshot(path=str(shots / "4-complaint-on-timeline.png"), full_page=True)

        expect(page.locator("#override-action")).to_have_value("")  # no action chosen for the manager
        page.select_option("#override-action", ids.override_action)
        page.fill("#override-reason", "Partner since 2019; we agreed terms by phone")
        page.click("#override-button")
        expect(page.locator("#staff-decision")).to_contain_text("Partner since 2019")
        page.screenshot(path=str(shots / "5-override.png"), full_page=True)

        # htmx: filter the timeline in place (the page is not reloaded; the CSP allows htmx).
        page.click("#timeline-filters a:has-text('Decisions')")
        expect(page.locator("ol.timeline li").first).to_contain_text("Partner since 2019")
        expect(page).to_have_url(f"{live_server}/customers/{ids.customer_id}?category=decisions")

        # One's own API token: created and shown once on the account page.
        page.click("#nav-tokens")
        page.fill("#token-name", "reporting script")
        page.click("#token-create")
        expect(page.locator("#new-token")).to_contain_text("kw_")
        expect(page.locator("table.tokens").first).to_contain_text("reporting script")
        page.screenshot(path=str(shots / "5b-api-token.png"), full_page=True)
        page.goto(f"{live_server}/customers/{ids.customer_id}")

        page.select_option("#language-select", "fa")
        page.click("#language-save")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "fa")
        expect(page.locator("h2", has_text="گاه‌شمار")).to_be_visible()
        # Right-to-left layout: the header's brand sits at the right edge.
        brand = page.locator(".brand").bounding_box()
        assert brand["x"] > page.viewport_size["width"] / 2
        page.screenshot(path=str(shots / "6-persian-rtl.png"), full_page=True)

        # The dashboard's charts in Persian digits (plotly.js writes 0-9 whatever the language).
        page.goto(f"{live_server}/")
        for name in ("churn", "whale", "cohorts"):
            expect(page.locator(f"#chart-{name} svg.main-svg").first).to_be_visible()
        texts = page.eval_on_selector_all("[data-figure] .main-svg text", "els => els.map(e => e.textContent)")
        assert any(c in "۰۱۲۳۴۵۶۷۸۹" for c in "".join(texts))
        assert not [text for text in texts if any(c in "0123456789%" for c in text)]

        # The audit log in Persian, in a narrow window: a one-word value is never broken within (its column
        # could shrink below the value's width, and "English" was broken in two).
        page.set_viewport_size({"width": 700, "height": 800})
        page.goto(f"{live_server}/audit")
        values = page.locator("dl.audit-values dd bdi")
        assert values.count() >= 10
        page.screenshot(path=str(shots / "7-persian-audit.png"), full_page=True)
        lines = page.eval_on_selector_all(  # a value's height in lines of its own
            "dl.audit-values dd bdi",
            "els => els.map(e => [e.textContent, e.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(e.parentElement).lineHeight)])")
        single = [(text, height) for text, height in lines  # no space or hyphen to break at
                  if text.strip() and not {" ", "-"} & set(text.strip())]
        assert single and all(height < 1.5 for _, height in single), [pair for pair in single if pair[1] >= 1.5]
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
