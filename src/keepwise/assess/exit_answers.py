"""What a customer who left told us, weighed against their own records, vectorised.

The latest exit survey (``exit_survey_at``, ``exit_reason``, ``exit_score`` of the features) stands for the
customer's view of why they left only while they have not ordered since: a customer who came back after
it has changed their mind, and it is no longer their answer. An answer that blames the business
(``CLAIMED_FAILURES``: delivery, quality, service) is asked first whether the records bear it out: the
failure it names on the customer's own record at most ``[flags] exit_claim_window_days`` before their
last order, or after it. One that is borne out is the business's fault, as a failure against the norm
is (``keepwise.assess.flags``), and asks for ``fix_service``; one that is not, and every other answer,
is told in the reasons and decides nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.config import Settings

__all__ = ["CLAIMED_FAILURES", "exit_answers"]

# An exit reason that blames the business -> the failure it names (as the reasons name it) and the feature of
# that failure's latest record.
CLAIMED_FAILURES: dict[str, tuple[str, str]] = {
    "delivery": ("late", "last_late_at"),
    "quality": ("defective", "last_defective_return_at"),
    "service": ("substantiated", "last_substantiated_complaint_at"),
}


def exit_answers(features: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One row per customer (``features``' index). Columns: ``exit_answer_current`` (the latest exit survey
    has no order after it), ``exit_claim`` (it blames delivery, quality or service), ``exit_claim_borne_out``
    (and the customer's record shows that failure in the window)."""
    f = features
    answered = f["exit_survey_at"]
    last_order = f["last_order_at"]
    current = answered.notna() & (last_order.isna() | (answered >= last_order))
    reason = f["exit_reason"]
    claim = current & reason.isin(list(CLAIMED_FAILURES))
    window_start = last_order - pd.Timedelta(days=settings.flags.exit_claim_window_days)
    borne_out = pd.Series(False, index=f.index)
    for name, (_, last_column) in CLAIMED_FAILURES.items():
        failure = f[last_column]
        seen = failure.notna() & (last_order.isna() | (failure >= window_start))
        borne_out |= claim & (reason == name) & seen
    return pd.DataFrame({
        "exit_answer_current": current.to_numpy(bool),
        "exit_claim": claim.to_numpy(bool),
        "exit_claim_borne_out": np.asarray(borne_out, dtype=bool),
    }, index=f.index)
