"""Settings: typed, validated once at load; nested tables merge key by key; vocabularies are closed."""

from __future__ import annotations

from typing import get_args

import pytest

from keepwise.assess.actions import ACTIONS
from keepwise.assess.flags import FLAG_CODES, PROBLEM_FLAGS
from keepwise.config import Action, ConfigError, ProblemFlag, load_settings, packaged_settings


def test_every_problem_flag_has_a_weight_and_a_user_file_changes_one(tmp_path):
    defaults = packaged_settings()
    assert set(defaults.actions.weights) == set(get_args(ProblemFlag)) == set(PROBLEM_FLAGS)
    user = tmp_path / "keepwise.toml"
    user.write_text("[actions.weights]\nfickle = 2\n")
    settings = load_settings(user)
    assert settings.actions.weights["fickle"] == 2.0
    assert settings.actions.weights["fraud_or_unethical"] == defaults.actions.weights["fraud_or_unethical"]


def test_a_misspelt_weight_is_an_error_naming_the_file_and_key(tmp_path):
    user = tmp_path / "keepwise.toml"
    user.write_text("[actions.weights]\nfikle = 2.0\n")
    with pytest.raises(ConfigError, match=r"unknown key 'fikle' in \[actions.weights\]"):
        load_settings(user)


def test_priority_order_must_name_each_action_once():
    assert sorted(packaged_settings().actions.priority_order) == sorted(ACTIONS) == sorted(get_args(Action))
    with pytest.raises(ConfigError, match="priority_order"):
        load_settings(overrides={"actions": {"priority_order": ["keep", "keep"]}})


def test_transaction_model_is_one_of_the_fitted_models():
    assert load_settings(overrides={"clv": {"transaction_model": "mbgnbd"}}).clv.transaction_model == "mbgnbd"
    with pytest.raises(ConfigError, match=r"\[clv\] transaction_model = 'bg-nbd'"):
        load_settings(overrides={"clv": {"transaction_model": "bg-nbd"}})


def test_flag_codes_keep_the_contract_order():
    assert FLAG_CODES[: len(PROBLEM_FLAGS)] == PROBLEM_FLAGS
    assert FLAG_CODES[len(PROBLEM_FLAGS):] == ("no_growth_potential", "no_referrals")


def test_service_targets_are_a_table_per_measure_with_every_severity(tmp_path):
    from keepwise.config import ServiceTargetsSettings, TicketSeverity
    from keepwise.data.schema import TICKET_SEVERITIES

    defaults = packaged_settings().service_targets
    assert tuple(get_args(TicketSeverity)) == TICKET_SEVERITIES
    assert defaults.response_hours == {"low": 72.0, "normal": 24.0, "high": 8.0, "urgent": 2.0}
    assert defaults.resolution_hours == {"low": 336.0, "normal": 168.0, "high": 72.0, "urgent": 24.0}
    user = tmp_path / "keepwise.toml"
    user.write_text("[service_targets.response_hours]\nurgent = 1\n")
    settings = load_settings(user)
    assert settings.service_targets.response_hours["urgent"] == 1.0
    assert settings.service_targets.response_hours["low"] == 72.0
    user.write_text("[service_targets.response_hours]\nurgnet = 1\n")
    with pytest.raises(ConfigError, match=r"urgnet"):
        load_settings(user)
    with pytest.raises(ValueError, match=r"\[service_targets.resolution_hours\] has no target for high, urgent"):
        ServiceTargetsSettings(response_hours=defaults.response_hours,
                               resolution_hours={"low": 1.0, "normal": 2.0})
