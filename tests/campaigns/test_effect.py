"""The campaign effect: a known uplift is covered by the 95% interval about 95% of the time, and with
no uplift the test finds an effect about 5% of the time. Generated member outcomes, fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from keepwise.campaigns import two_proportion_effect

SEEDS = 200
CONTACTED, CONTROL = 600, 200
BASE_RATE = 0.20
# Allowed counts: what a correct 95% procedure gives in all but one of a thousand runs of the test.
LOW_COVERAGE = int(binom.ppf(0.0005, SEEDS, 0.95))
HIGH_FALSE_POSITIVES = int(binom.ppf(0.9995, SEEDS, 0.05))


def _outcomes(seed: int, uplift: float) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    contacted = int((rng.random(CONTACTED) < BASE_RATE + uplift).sum())
    control = int((rng.random(CONTROL) < BASE_RATE).sum())
    return contacted, control


def test_known_uplift_is_measured_and_covered_about_95_percent_of_the_time():
    uplift = 0.08
    covered = 0
    estimates = []
    for seed in range(SEEDS):
        contacted, control = _outcomes(seed, uplift)
        effect = two_proportion_effect(CONTACTED, contacted, CONTROL, control)
        covered += effect.ci_low <= uplift <= effect.ci_high
        estimates.append(effect.uplift)
    assert LOW_COVERAGE <= covered <= SEEDS
    assert np.mean(estimates) == pytest.approx(uplift, abs=0.01)


def test_no_uplift_finds_an_effect_only_about_5_percent_of_the_time():
    false_positives = 0
    for seed in range(SEEDS):
        contacted, control = _outcomes(10_000 + seed, 0.0)
        effect = two_proportion_effect(CONTACTED, contacted, CONTROL, control)
        false_positives += effect.p_value < 0.05
        # The interval and the test agree about zero (up to the different constructions' edge).
        assert (effect.ci_low > 0) <= (effect.p_value < 0.06)
    assert 1 <= false_positives <= HIGH_FALSE_POSITIVES


def test_degenerate_groups_have_a_defined_answer_and_an_empty_group_is_refused():
    none = two_proportion_effect(100, 0, 50, 0)
    assert none.uplift == 0 and none.p_value == 1.0 and none.ci_low < 0 < none.ci_high
    clear = two_proportion_effect(100, 60, 100, 20)
    assert clear.uplift == pytest.approx(0.4) and clear.p_value < 1e-6 and clear.ci_low > 0.25
    with pytest.raises(ValueError, match="both"):
        two_proportion_effect(100, 10, 0, 0)
