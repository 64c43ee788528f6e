"""The measured effect of a campaign: contacted members' return rate against the held-back members'.

uplift = contacted rate - control rate; its 95% interval is Newcombe's hybrid score interval (Wilson
intervals of each rate combined; it keeps close to 95% coverage with small groups and rates near 0
or 1, where the plain Wald interval does not); the p-value is the two-sided pooled two-proportion
z-test of no difference (statsmodels), 1 when both groups returned all or none alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Effect:
    contacted: int
    control: int
    contacted_returned: int
    control_returned: int
    uplift: float
    ci_low: float
    ci_high: float
    p_value: float

    @property
    def contacted_rate(self) -> float:
        return self.contacted_returned / self.contacted

    @property
    def control_rate(self) -> float:
        return self.control_returned / self.control


def two_proportion_effect(contacted: int, contacted_returned: int, control: int, control_returned: int) -> Effect:
    """Uplift, 95% interval and p-value; both groups must have members."""
    if contacted <= 0 or control <= 0:
        raise ValueError("an effect needs members in both the contacted and the held-back group")
    uplift = contacted_returned / contacted - control_returned / control
    low, high = confint_proportions_2indep(
        contacted_returned, contacted, control_returned, control, method="newcomb", compare="diff",
        alpha=1 - CONFIDENCE,
    )
    pooled = (contacted_returned + control_returned) / (contacted + control)
    if pooled in (0.0, 1.0):
        p_value = 1.0
    else:
        _, p_value = proportions_ztest([contacted_returned, control_returned], [contacted, control])
    return Effect(
        contacted=int(contacted),
        control=int(control),
        contacted_returned=int(contacted_returned),
        control_returned=int(control_returned),
        uplift=float(uplift),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(p_value) if not math.isnan(p_value) else 1.0,
    )
