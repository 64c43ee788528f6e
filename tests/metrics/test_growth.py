"""The retention growth simulator on the textbook case."""

from __future__ import annotations

import math

import pytest

from keepwise.metrics.growth import simulate_growth, yearly_growth_factor, years_to_double


def test_ninety_percent_retention_with_twenty_percent_acquisition_doubles_in_seven_years():
    run = simulate_growth(1000, retention_rate=0.90, acquisition_rate=0.20, years=7)
    assert run["year"].tolist() == list(range(8))
    # Growth factor 0.9 + 0.2 = 1.1 a year: 1.1**7 = 1.9487.
    assert run["customers"].iloc[-1] == pytest.approx(1948.7171, rel=1e-6)
    assert run["customers"].iloc[1] == pytest.approx(1100.0)
    assert yearly_growth_factor(0.90, 0.20) == pytest.approx(1.10)
    # ln 2 / ln 1.1 = 7.27 years: "about doubles it in 7 years".
    assert years_to_double(0.90, 0.20) == pytest.approx(7.2725, abs=1e-4)


def test_eighty_percent_retention_stays_flat_however_much_is_acquired():
    run = simulate_growth(1000, retention_rate=0.80, acquisition_rate=0.20, years=10)
    assert run["customers"].tolist() == pytest.approx([1000.0] * 11)
    assert math.isinf(years_to_double(0.80, 0.20))


def test_each_year_is_last_year_retained_plus_acquired():
    run = simulate_growth(500, retention_rate=0.7, acquisition_rate=0.5, years=5)
    for this_year, next_year in zip(run.itertuples(), run.iloc[1:].itertuples(), strict=False):
        assert this_year.retained == pytest.approx(this_year.customers * 0.7)
        assert this_year.acquired == pytest.approx(this_year.customers * 0.5)
        assert next_year.customers == pytest.approx(this_year.retained + this_year.acquired)
    assert run["retained"].iloc[-1] == 0 and run["acquired"].iloc[-1] == 0


def test_shrinking_base():
    run = simulate_growth(100, retention_rate=0.5, acquisition_rate=0.0, years=3)
    assert run["customers"].tolist() == pytest.approx([100, 50, 25, 12.5])


@pytest.mark.parametrize(("retention", "acquisition"), [(1.2, 0.1), (-0.1, 0.1), (0.9, -0.2)])
def test_impossible_rates_are_refused(retention, acquisition):
    with pytest.raises(ValueError):
        simulate_growth(100, retention, acquisition, 3)
