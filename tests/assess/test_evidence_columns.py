"""The reasons, flags and evidence columns, built column by column, agree with each customer's own record."""

from __future__ import annotations

import json

import pytest

from keepwise.assess import assess
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
