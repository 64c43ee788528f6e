"""The sample business's touches and exit surveys: valid per the contract, and its campaign works."""

from __future__ import annotations

from datetime import date

from keepwise.campaigns import exit_survey_summary, measure_campaign
from keepwise.config import load_settings
from keepwise.data.loader import load
from keepwise.sample import generate_sample, generate_tables

AS_OF = date(2026, 6, 30)


def test_sample_touches_and_exit_surveys_load_and_the_planted_campaign_shows_an_uplift(tmp_path):
    result = generate_sample(tmp_path / "s", n_customers=2000, seed=5, as_of=AS_OF)
    assert result.row_counts["touches"] > 0 and result.row_counts["exit_surveys"] > 0
    ds = load(tmp_path / "s", AS_OF, load_settings())
    assert not [w for w in ds.warnings if w.file.startswith(("touches", "exit_surveys"))]
    effect = measure_campaign(ds, "WB1", AS_OF, 60).effect
    assert effect.control > 0 and effect.contacted > 3 * effect.control
    assert effect.ci_low > 0  # returners were a tenth as likely to be held back
    surveys = ds.table("exit_surveys").execute()
    summary = exit_survey_summary(surveys, None, None, "quarter", 1)
    assert summary["answers"] == result.row_counts["exit_surveys"]


def test_the_relationship_tables_have_their_own_stream():
    tables, _ = generate_tables(300, seed=3, as_of=AS_OF)
    again, _ = generate_tables(300, seed=3, as_of=AS_OF)
    other, _ = generate_tables(300, seed=4, as_of=AS_OF)
    assert tables["touches"].equals(again["touches"]) and tables["exit_surveys"].equals(again["exit_surveys"])
    assert not tables["touches"].equals(other["touches"])
