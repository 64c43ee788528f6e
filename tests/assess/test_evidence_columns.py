"""The reasons, flags and evidence columns, built column by column, agree with each customer's own record."""

from __future__ import annotations

import json

import numpy as np
import pytest

from keepwise.assess import assess
from keepwise.assess.evidence import _json_rounded, join_per_row, json_column
from keepwise.assess.flags import FLAG_CODES
from keepwise.text.phrase import phrase_all

from .conftest import AS_OF


@pytest.fixture(scope="module")
def assessment(sample_dataset):
    ds, _ = sample_dataset
    return assess(ds, AS_OF)


def test_evidence_is_the_json_of_its_own_record(assessment):
    for text in assessment["evidence"]:
        assert text == json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def test_reasons_are_the_evidence_facts_phrased_one_customer_at_a_time(assessment):
    for evidence, reasons in zip(assessment["evidence"], assessment["reasons"], strict=True):
        facts = [(code, values) for code, values in json.loads(evidence)["reasons"]]
        assert reasons == ";".join(phrase_all(facts, "en", "EUR"))
    assert assessment["reasons"].str.contains(";").any()


def test_flags_and_past_flags_are_the_evidence_problems_in_the_contract_order(assessment):
    seen_states = set()
    for evidence, flags, past in zip(assessment["evidence"], assessment["flags"], assessment["past_flags"], strict=True):
        problems = json.loads(evidence).get("flags", {})
        assert list(problems) == [code for code in FLAG_CODES if code in problems]
        assert flags == ";".join(code for code, item in problems.items() if item["state"] == "current")
        assert past == ";".join(code for code, item in problems.items() if item["state"] == "stopped")
        seen_states |= {item["state"] for item in problems.values()}
    assert seen_states == {"current", "stopped"}


def test_joining_per_row_keeps_each_row_s_texts_in_the_parts_order():
    parts = [([3, 0], ["a", "b"]), ([], []), ([0, 5], ["c", "d"]), ([3], ["e"])]
    expected = ["b;c", "", "", "a;e", "", "d", ""]
    assert join_per_row(7, parts, ";").tolist() == expected
    assert join_per_row(2, [], ",").tolist() == ["", ""]


def test_json_column_writes_what_json_dumps_writes():
    floats = [0.1, -0.0, 0.0, 1e300, float("nan"), float("inf"), -float("inf"), 2.675, 0.1]
    assert json_column(floats).tolist() == [json.dumps(value) for value in floats]
    assert json_column(np.array([3, -2, 2**40], dtype=np.int64)).tolist() == ["3", "-2", str(2**40)]
    assert _json_rounded(np.array(floats)).tolist() == [json.dumps(round(value, 2)) for value in floats]
