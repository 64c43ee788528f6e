"""The pipeline behind `keepwise report`: after the assessment, the model check and the offboarding's costs run
beside the portfolio's summary on a DuckDB connection of their own ([engine] stages_beside, Dataset.beside), and
the report is the one made with every stage in turn."""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd
import pytest

import keepwise.pipeline as pipeline
from keepwise.config import load_settings
from keepwise.data import load
from keepwise.data.loader import copied_name
from keepwise.metrics.features import customer_feature_frame
from keepwise.models.churn_labels import training_sample
from keepwise.report.build import render_html
from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
# No classifier: the models are not what these tests are about, and the run is faster without it.
QUICK = {"report": {"churn_classifier": False}, "clv": {"churn_source": "bgnbd"}}


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    generate_sample(folder, n_customers=1500, seed=5, as_of=AS_OF)
    return folder


def _loaded(folder, beside: bool):
    return load(folder, AS_OF, load_settings(overrides={**QUICK, "engine": {"stages_beside": beside}}))


def _recorded(monkeypatch, name: str, fail: bool = False) -> list[tuple[str, object]]:
    """Per call of the pipeline's ``name``: its thread's name and the DuckDB connection it was given."""
    calls: list[tuple[str, object]] = []
    step = getattr(pipeline, name)

    def recorded(ds, *args, **kwargs):
        calls.append((threading.current_thread().name, ds.duckdb))
        if fail:
            raise RuntimeError(f"{name} failed")
        return step(ds, *args, **kwargs)

    monkeypatch.setattr(pipeline, name, recorded)
    return calls


def test_the_checks_and_costs_made_beside_the_portfolio_give_the_report_made_in_turn(sample_folder, monkeypatch):
    ds = _loaded(sample_folder, beside=True)
    tracked, costed = _recorded(monkeypatch, "tracking_check"), _recorded(monkeypatch, "window_economics")
    churned = _recorded(monkeypatch, "churn_by_periods")
    beside = pipeline.analyse(ds, AS_OF)
    # Beside: in the worker thread, on a connection that is not the dataset's; the portfolio on the dataset's.
    for calls in (tracked, costed):
        assert len(calls) == 1 and calls[0][0].startswith("keepwise-beside")
        assert calls[0][1] is not ds.duckdb
    assert tracked[0][1] is costed[0][1]
    assert churned == [(threading.current_thread().name, ds.duckdb)]
    assert {"models", "offboarding", "portfolio"} <= set(beside.seconds)

    in_turn_ds = _loaded(sample_folder, beside=False)
    in_turn = pipeline.analyse(in_turn_ds, AS_OF)
    assert tracked[1] == (threading.current_thread().name, in_turn_ds.duckdb)
    assert beside.tracking.params == in_turn.tracking.params
    pd.testing.assert_frame_equal(beside.tracking.weeks, in_turn.tracking.weeks)
    assert beside.policies == in_turn.policies
    assert beside.what_if == in_turn.what_if
    for lang in ("en", "fa"):
        assert render_html(beside, lang) == render_html(in_turn, lang)


def test_a_failure_beside_the_portfolio_is_raised_by_the_run(sample_folder, monkeypatch):
    ds = _loaded(sample_folder, beside=True)
    calls = _recorded(monkeypatch, "window_economics", fail=True)
    with pytest.raises(RuntimeError, match="window_economics failed"):
        pipeline.analyse(ds, AS_OF)
    assert len(calls) == 1 and calls[0][0].startswith("keepwise-beside")


def _tables(ds) -> list[str]:
    return sorted(name for (name,) in ds.duckdb.execute("SELECT table_name FROM duckdb_tables()").fetchall())


def test_a_dataset_beside_itself_reads_the_same_tables_on_a_connection_of_its_own(sample_folder):
    ds = _loaded(sample_folder, beside=True)
    # Opened before this dataset copied the customers: it reads their view, and copies nothing itself.
    early = ds.beside()
    assert early.table("customers").get_name() == "customers" and copied_name("customers") not in _tables(ds)
    assert ds.table("customers").get_name() == copied_name("customers")
    twin = ds.beside()
    assert twin.duckdb is not ds.duckdb and twin.con is not ds.con
    # This dataset's copy of the customers, a table of the database: read by both, made once.
    assert twin.table("customers").get_name() == copied_name("customers")
    assert _tables(twin) == _tables(ds) and _tables(ds).count(copied_name("customers")) == 1
    assert (twin.source, twin.tables, twin.present, twin.settings) == (ds.source, ds.tables, ds.present, ds.settings)
    pd.testing.assert_frame_equal(*(customer_feature_frame(dataset, AS_OF).sort_values("customer_id", ignore_index=True)
                                    for dataset in (twin, ds)))
    # Both connections at once, each from its own thread: the same features.
    frames = {}

    def features(name, dataset):
        frames[name] = customer_feature_frame(dataset, AS_OF, columns=["revenue", "profit"])

    threads = [threading.Thread(target=features, args=(name, dataset)) for name, dataset in (("ds", ds), ("twin", twin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pd.testing.assert_frame_equal(
        frames["ds"].sort_values("customer_id", ignore_index=True),
        frames["twin"].sort_values("customer_id", ignore_index=True))
    pd.testing.assert_frame_equal(customer_feature_frame(early, AS_OF).sort_values("customer_id", ignore_index=True),
                                  customer_feature_frame(ds, AS_OF).sort_values("customer_id", ignore_index=True))
    assert _tables(ds).count(copied_name("customers")) == 1


def test_a_subset_cannot_be_opened_beside_itself(sample_folder):
    ds = _loaded(sample_folder, beside=True)
    subset = training_sample(ds, load_settings(overrides={"churn_model": {"max_customers_per_fit": 100}}))
    assert subset is not ds
    with pytest.raises(ValueError, match="beside itself"):
        subset.beside()


def test_the_report_counts_the_exit_claims_the_assessment_judged(sample_folder):
    """The exit surveys' section counts the customers whose answer blames the business, and those whose record
    bears it out, as the assessment judged them one by one (their reasons' facts)."""
    result = pipeline.analyse(_loaded(sample_folder, beside=False), AS_OF)
    evidence = result.assessment["evidence"]
    borne_out = evidence.str.contains('"exit_claim_(?:late|defective|substantiated)"', regex=True).sum()
    unseen = evidence.str.contains('"exit_claim_unseen_', regex=False).sum()
    claims = result.learning.exit_surveys["claims"]
    assert (claims["claimed"], claims["borne_out"]) == (borne_out + unseen, borne_out)
    assert borne_out > 0 and unseen > 0
    text = render_html(result, "en", result.learning)
    assert (f"{claims['claimed']} customers who left blamed delivery, quality or service; the records of "
            f"{borne_out} of them show that failure, at most 365 days before their last order or since.") in text
