"""The churn classifier's reasons are made while the customers are ranked and the assessment's texts are
written (assess_frames' ``on_decided``, run._ChurnReasonsMeanwhile), and land as if made after it."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import keepwise.assess.engine as engine
import keepwise.assess.run as run_module
from keepwise.assess import assess_frames
from keepwise.config import load_settings

from .conftest import AS_OF, frame, healthy_row

SETTINGS = load_settings()


def test_on_decided_gets_the_ids_and_actions_before_the_ranking_and_on_ordered_the_rows(monkeypatch):
    happened = []
    build_evidence, priority_rank = engine.build_evidence, engine.priority_rank

    def evidence_recorded(*args, **kwargs):
        happened.append("texts")
        return build_evidence(*args, **kwargs)

    def ranking_recorded(*args, **kwargs):
        happened.append("ranked")
        return priority_rank(*args, **kwargs)

    monkeypatch.setattr(engine, "build_evidence", evidence_recorded)
    monkeypatch.setattr(engine, "priority_rank", ranking_recorded)
    decided, ordered = [], []

    def on_decided(ids, actions):
        happened.append("decided")
        decided.append((ids.tolist(), actions.tolist()))

    def on_ordered(rows):
        happened.append("ordered")
        ordered.append(rows.tolist())

    rows = [healthy_row(f"H{i}", revenue=2000.0 + 50 * i, days_since_last_order=20 + 60 * i) for i in range(9)]
    result = assess_frames(frame(*rows), AS_OF, SETTINGS, on_decided=on_decided, on_ordered=on_ordered)
    assert happened[:3] == ["decided", "ranked", "ordered"] and "texts" in happened
    assert happened.count("decided") == happened.count("ordered") == 1
    features = frame(*rows)
    # the actions in the features' order; the rows: each returned row's row in the features
    action_of = dict(zip(result["customer_id"], result["action"], strict=True))
    assert decided == [(features["customer_id"].tolist(), [action_of[c] for c in features["customer_id"]])]
    assert ordered == [[features["customer_id"].tolist().index(c) for c in result["customer_id"]]]
    assert len(set(result["action"])) > 1  # the order matters: the rows are sorted by priority, not by id
    assert ordered[0] != sorted(ordered[0])


def _table(actions: list[str]) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    ids = pd.Series([f"C{i}" for i in range(len(actions))])
    table = pd.DataFrame({"customer_id": ids, "action": actions, "reasons": [f"reason {i}" for i in range(len(actions))]})
    return ids, pd.Series(actions), table


def _explaining(monkeypatch, asked: list) -> run_module._ChurnReasonsMeanwhile:
    """The worker with a classifier whose driver text of customer C is "driver; of C" (``asked``: the customers
    it is asked to explain, call by call)."""
    def lines(model, ds, as_of, wanted, separator, *, frames, lang):
        asked.append(list(wanted))
        return wanted, np.array([1] * len(wanted)), pa.array([f"driver; of {c}" for c in wanted])

    monkeypatch.setattr(run_module, "churn_reason_lines", lines)
    return run_module._ChurnReasonsMeanwhile(SimpleNamespace(churn_model=object(), churn_frames=None), None, AS_OF,
                                             "en")


def test_the_worker_s_texts_go_to_the_read_rows_only(monkeypatch):
    asked = []
    explaining = _explaining(monkeypatch, asked)
    ids, actions, table = _table(["keep", "retain", "grow", "offboard", "win_back"])
    explaining.start(ids, actions)
    explaining.append_to(table, np.arange(len(table)))
    assert asked == [["C1", "C3", "C4"]]
    label = run_module.messages("en")["reason.churn_drivers"]
    assert table["reasons"].tolist() == [
        "reason 0", f"reason 1;{label.format(drivers='driver, of C1')}", "reason 2",
        f"reason 3;{label.format(drivers='driver, of C3')}", f"reason 4;{label.format(drivers='driver, of C4')}"]


def test_the_worker_s_texts_land_on_their_customers_rows_in_the_table_s_own_order(monkeypatch):
    # start is given the customers in one order (the features'), the table holds them in another (by priority)
    explaining = _explaining(monkeypatch, [])
    ids, actions, given = _table(["keep", "retain", "grow", "offboard", "win_back"])
    explaining.start(ids, actions)
    rows = np.array([4, 0, 3, 2, 1])  # each table row's row among the customers given
    table = given.iloc[rows].reset_index(drop=True)
    explaining.append_to(table, rows)
    label = run_module.messages("en")["reason.churn_drivers"]
    assert table["customer_id"].tolist() == ["C4", "C0", "C3", "C2", "C1"]
    assert table["reasons"].tolist() == [
        f"reason 4;{label.format(drivers='driver, of C4')}", "reason 0",
        f"reason 3;{label.format(drivers='driver, of C3')}", "reason 2", f"reason 1;{label.format(drivers='driver, of C1')}"]


def test_a_failure_in_the_worker_is_raised_where_its_texts_are_awaited(monkeypatch):
    def failing(*args, **kwargs):
        raise ValueError("the classifier could not explain")

    monkeypatch.setattr(run_module, "churn_reason_lines", failing)
    explaining = run_module._ChurnReasonsMeanwhile(SimpleNamespace(churn_model=object(), churn_frames=None),
                                                   None, AS_OF, "en")
    ids, actions, table = _table(["retain"])
    explaining.start(ids, actions)
    with pytest.raises(ValueError, match="could not explain"):
        explaining.append_to(table, np.arange(len(table)))
    assert table["reasons"].tolist() == ["reason 0"]


def test_without_a_classifier_nothing_runs():
    explaining = run_module._ChurnReasonsMeanwhile(SimpleNamespace(churn_model=None), None, AS_OF, "en")
    ids, actions, table = _table(["retain"])
    explaining.start(ids, actions)
    explaining.append_to(table, np.arange(len(table)))
    assert table["reasons"].tolist() == ["reason 0"]


def test_when_the_assessment_fails_its_worker_has_finished_before_the_error_is_raised(monkeypatch):
    events = []

    def slow_lines(model, ds, as_of, wanted, separator, *, frames, lang):
        events.append("worker started")
        time.sleep(0.3)
        events.append("worker done")
        return wanted, np.array([1] * len(wanted)), pa.array(["driver"] * len(wanted))

    def failing_assessment(features, as_of, settings, predictions, referrals, *, lang, on_decided, judged,
                           texts_for, prediction_rows, on_ordered):
        ids, actions, _ = _table(["retain", "keep"])
        on_decided(ids, actions)
        on_ordered(np.arange(len(ids)))
        raise RuntimeError("the texts could not be written")

    predictions = SimpleNamespace(notes=[], plain_notes=[], transaction_model_name=None, transaction_model_reason="",
                                  churn_source="classifier", churn_source_reason="", churn_model=object(),
                                  churn_frames=None, for_assessment=lambda: pd.DataFrame({"customer_id": ["C0"]}),
                                  feature_rows=None)
    monkeypatch.setattr(run_module, "churn_reason_lines", slow_lines)
    monkeypatch.setattr(run_module, "assess_frames", failing_assessment)
    monkeypatch.setattr(run_module, "try_predict_customers", lambda ds, as_of, features: (predictions, None))
    monkeypatch.setattr(run_module, "_referrals_tracked", lambda ds: True)
    monkeypatch.setattr(run_module, "judge_features", lambda *args: None)
    ds = SimpleNamespace(settings=SETTINGS)
    with pytest.raises(RuntimeError, match="could not be written"):
        run_module.assess_with_models(ds, AS_OF, features=pd.DataFrame({"customer_id": ["C0", "C1"]}))
    events.append("error raised")
    assert events == ["worker started", "worker done", "error raised"]
