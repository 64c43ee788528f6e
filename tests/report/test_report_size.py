"""``keepwise demo`` at its default size, run as a user runs it with the output piped: the report fits in an
email (under 2 MB) with nothing loaded from the network, and the urgent table prints whole."""

from __future__ import annotations

import subprocess
import sys

from bs4 import BeautifulSoup

from keepwise.pipeline import DEMO_CUSTOMERS

MAX_REPORT_BYTES = 2_000_000
# The classifier changes one bar chart, not the size; without it the run is a third shorter.
FAST = "[clv]\nchurn_source = \"bgnbd\"\n[report]\nchurn_classifier = false\n"


def test_demo_report_is_under_2_mb_offline_and_the_urgent_table_prints_whole(tmp_path):
    config = tmp_path / "keepwise.toml"
    config.write_text(FAST)
    out = tmp_path / "demo"
    result = subprocess.run([sys.executable, "-m", "keepwise", "demo", "--out", str(out), "--customers",
                             str(DEMO_CUSTOMERS), "--config", str(config)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    report = out / "keepwise-demo-report.html"
    assert report.stat().st_size < MAX_REPORT_BYTES
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    assert soup.select("div.plotly-graph-div"), "the report draws its charts"
    for tag in soup.find_all(["script", "link", "img", "iframe"]):
        for attribute in ("src", "href"):
            assert not str(tag.get(attribute) or "").lower().startswith(("http:", "https:", "//")), tag.name
    assert not soup.find_all("link")
    # Piped, the table is as wide as its rows: no cell is cut short with an ellipsis.
    printed = result.stdout
    assert "Most urgent customers" in printed and "Money at stake" in printed and "Main reason" in printed
    assert "…" not in printed
    assert str(report) in printed.replace("\n", "")
