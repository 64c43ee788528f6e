"""Timetable settings: the vocabularies match their homes; a bad rule is an error at load naming it."""

from __future__ import annotations

from typing import get_args

import pytest

from keepwise.assess.actions import ACTIONS
from keepwise.config import Action, ConfigError, TouchChannelName, TouchKindName, load_settings
from keepwise.data.schema import TOUCH_CHANNELS, TOUCH_KINDS


def test_the_settings_vocabularies_are_the_contracts():
    assert get_args(TouchKindName) == TOUCH_KINDS
    assert get_args(TouchChannelName) == TOUCH_CHANNELS
    assert get_args(Action) == ACTIONS


def _rule(**change):
    rule = {"name": "r", "when": "now", "days": 0, "kind": "gift", "channel": "email", "template": "t"}
    return {**rule, **change}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"kind": "hug"}, "rules.0.kind"),
        ({"channel": "pigeon"}, "rules.0.channel"),
        ({"actions": ["celebrate"]}, "rules.0.actions.0"),
        ({"when": "sometimes"}, "rules.0.when"),
        ({"tiers": ["diamond"]}, "diamond"),
    ],
)
def test_a_rule_naming_an_unknown_kind_channel_action_or_tier_is_an_error_at_load(change, named):
    with pytest.raises(ConfigError) as error:
        load_settings(overrides={"cadence": {"rules": [_rule(**change)]}})
    assert "[cadence]" in str(error.value) and named in str(error.value)


def test_a_user_file_with_a_bad_rule_is_named(tmp_path):
    path = tmp_path / "keepwise.toml"
    path.write_text('[[cadence.rules]]\nname = "x"\nwhen = "now"\ndays = 0\nkind = "hug"\nchannel = "email"\n'
                    'template = "t"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"keepwise.toml: \[cadence\] rules.0.kind = 'hug'"):
        load_settings(path)


def test_tiers_go_from_lowest_to_highest_with_unique_names():
    tiers = [{"name": "a", "min_revenue": 100.0, "min_tenure_days": 0},
             {"name": "b", "min_revenue": 50.0, "min_tenure_days": 0}]
    with pytest.raises(ConfigError, match="lowest to highest"):
        load_settings(overrides={"loyalty": {"tiers": tiers}, "cadence": {"rules": []}})
    same = [{"name": "a", "min_revenue": 0.0, "min_tenure_days": 0}] * 2
    with pytest.raises(ConfigError, match="unique"):
        load_settings(overrides={"loyalty": {"tiers": same}, "cadence": {"rules": []}})


def test_the_packaged_timetable_has_the_issues_rules():
    rules = {rule.name: rule for rule in load_settings().cadence.rules}
    whens = {(rule.when, rule.kind) for rule in rules.values()}
    assert {("first_purchase", "thank_you"), ("delivery", "follow_up"), ("gap", "offer"),
            ("anniversary", "anniversary"), ("monthly", "newsletter"), ("every", "call"),
            ("now", "retention_offer"), ("now", "win_back_offer")} <= whens
    assert rules["nurture_quarterly_call"].actions == ["nurture"]
    assert (rules["service_recovery_call"].when, rules["service_recovery_call"].kind) == ("now", "call")
    assert rules["service_recovery_call"].actions == ["fix_service"]
    assert any(rule.tiers for rule in rules.values())
