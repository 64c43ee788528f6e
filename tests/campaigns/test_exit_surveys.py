"""Exit surveys aggregated by period and segment on hand-built data, set against our own failures."""

from __future__ import annotations

import pandas as pd

from keepwise.campaigns import exit_survey_summary, failures_by_period
from keepwise.campaigns.wording import exit_findings
from keepwise.text import Translator


def _surveys() -> pd.DataFrame:
    q1 = ["delivery"] * 4 + ["price"] * 6  # 2024Q1: 10 answers, 40% delivery
    q2 = ["delivery"] * 5 + ["quality"] * 2 + ["competitor"] * 3  # 2024Q2: 10 answers, 50% delivery
    return pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(20)],
        "at": pd.to_datetime(["2024-02-01"] * 10 + ["2024-05-01"] * 10),
        "reason": q1 + q2,
        "score": [2.0] * 10 + [4.0] * 9 + [None],
    })


def test_reasons_by_period_and_segment():
    segments = pd.Series({f"C{i}": ("At risk" if i % 2 else "Lost") for i in range(18)})
    summary = exit_survey_summary(_surveys(), segments, None, "quarter", 1)
    q1, q2 = summary["by_period"]
    assert (q1["key"], q1["answers"], q1["reasons"]["delivery"], q1["shares"]["price"]) == ("2024Q1", 10, 4, 0.6)
    assert (q2["key"], q2["reasons"]["quality"], q2["shares"]["delivery"], q2["mean_score"]) == ("2024Q2", 2, 0.5, 4.0)
    by_segment = {row["key"]: row["answers"] for row in summary["by_segment"]}
    assert by_segment == {"At risk": 9, "Lost": 9, "none": 2}
    assert summary["findings"] == []


def test_findings_set_reasons_against_the_failures_of_the_same_period():
    service = pd.DataFrame({
        "period_start": pd.to_datetime(["2024-01-01", "2024-04-01"]),
        "n_delivered": [100, 100], "n_on_time": [97, 93],  # late deliveries 3 -> 7
        "n_defective_returns": [4, 4],
        "substantiated_complaints": [1, 0],
    })
    failures = failures_by_period(service, "quarter")
    assert failures["late_deliveries"].tolist() == [3, 7]
    summary = exit_survey_summary(_surveys(), None, failures, "quarter", 1)
    findings = {(f["period"], f["reason"]): f for f in summary["findings"]}
    assert set(findings) == {("2024Q2", "delivery"), ("2024Q2", "quality")}
    late = findings[("2024Q2", "delivery")]
    assert (late["share"], late["before"], late["after"], late["change"]) == (0.5, 3, 7, "doubled")
    assert findings[("2024Q2", "quality")]["change"] == "flat"
    text = exit_findings(summary, Translator.for_report("en", "EUR"))
    # each finding names its period and how many answered then (were 18 lines alike at 3,000 customers by month)
    assert "Q2 2024 (10 answers): 50% cite delivery; late deliveries doubled in the same quarter (3 to 7)" in text


def test_a_reason_cited_by_fewer_answers_than_the_setting_is_no_finding():
    """The sample's report listed 19 findings, most of one answer ("Dec 2024 (6 answers): 17% cite delivery"):
    an anecdote each. A period's reason is set against its failure when at least ``min_answers`` cite it."""
    service = pd.DataFrame({
        "period_start": pd.to_datetime(["2024-01-01", "2024-04-01"]),
        "n_delivered": [100, 100], "n_on_time": [97, 93], "n_defective_returns": [4, 4],
        "substantiated_complaints": [1, 0],
    })
    failures = failures_by_period(service, "quarter")
    # 2024Q2: 5 answers cite delivery, 2 quality
    cited = {n: {f["reason"] for f in exit_survey_summary(_surveys(), None, failures, "quarter", n)["findings"]}
             for n in (2, 3, 5, 6)}
    assert cited == {2: {"delivery", "quality"}, 3: {"delivery"}, 5: {"delivery"}, 6: set()}


def test_the_settings_minimum_reaches_the_reports_findings(tmp_path):
    from datetime import date

    from keepwise.campaigns.overview import exit_survey_facts
    from keepwise.config import load_settings
    from keepwise.data import load

    from datafactory import valid_tables, write_csv_folder

    tables = valid_tables()
    # 2024Q3 (the contract's one answer, delivery) after Q2's late delivery: one answer, a finding only at 1
    folder = write_csv_folder(tmp_path / "d", tables)
    found = {}
    for minimum in (1, 2):
        settings = load_settings(overrides={"campaigns": {"exit_finding_min_answers": minimum}})
        ds = load(folder, date(2024, 12, 31), settings)
        found[minimum] = exit_survey_facts(ds, date(2024, 12, 31), "quarter", None)["findings"]
    assert [(f["period"], f["reason"], f["answers"]) for f in found[1]] == [("2024Q3", "delivery", 1)]
    assert found[2] == []
