"""The shape every would-be touch has before the limits apply, and how one is built from arrays.

A candidate is a touch a rule (or a warning sign) asks for: who, when (``due``), what (kind, channel,
template), which rule, why (``code`` with a date and a number that the text layer phrases), and the
``anchor``: a touch of the same kind on or after it means this one was already made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CANDIDATE_COLUMNS = (
    "customer_id",
    "due",
    "rule",
    "order",  # the rule's position: within a day, lower comes first (warnings are -1)
    "kind",
    "channel",
    "template",
    "code",
    "reason_date",
    "reason_value",
    "reason_detail",
    "anchor",
    "warning",
)
NO_DAY = np.datetime64("NaT", "D")


def candidates(
    customer_id,
    due,
    *,
    rule: str,
    order: int,
    kind: str,
    channel: str,
    template: str,
    code: str,
    anchor,
    reason_date=None,
    reason_value=None,
    reason_detail=None,
    warning: bool = False,
) -> pd.DataFrame:
    """A candidate frame from per-row arrays (scalars are broadcast)."""
    n = len(customer_id)

    empty = {"datetime64[D]": NO_DAY, "float64": np.nan, "object": ""}

    def column(value, dtype: str):
        if value is None:
            return np.full(n, empty[dtype], dtype=dtype)
        array = np.asarray(value)
        return np.broadcast_to(array, (n,)).astype(dtype) if array.ndim == 0 else array.astype(dtype)

    def text(value):
        # Plain object columns: pandas 3 would store strings as Arrow, and every merge, map and
        # concatenation would convert them back and forth (most of the engine's time at 20,000 customers).
        return pd.Series(np.broadcast_to(np.asarray(value, dtype=object), (n,)), dtype=object)

    return pd.DataFrame(
        {
            "customer_id": text(customer_id),
            "due": column(due, "datetime64[D]"),
            "rule": text(rule),
            "order": order,
            "kind": text(kind),
            "channel": text(channel),
            "template": text(template),
            "code": text(code),
            "reason_date": column(reason_date, "datetime64[D]"),
            "reason_value": column(reason_value, "float64"),
            "reason_detail": text(column(reason_detail, "object")),
            "anchor": column(anchor, "datetime64[D]"),
            "warning": warning,
        },
        columns=list(CANDIDATE_COLUMNS),
    )


def empty_candidates() -> pd.DataFrame:
    return candidates([], [], rule="", order=0, kind="", channel="", template="", code="", anchor=None)
