"""The most urgent customers: the assessment's first rows by priority, each with its first reason.

One list for every reader: ``keepwise demo`` prints it and the report shows it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

URGENT_COLUMNS = ("customer_id", "name", "action", "priority", "money_at_stake", "reason", "reason_fact")


def first_reasons(reasons: pd.Series) -> pd.Series:
    """The first of each customer's ``;``-separated reasons ("" when there is none)."""
    return reasons.fillna("").astype(str).str.split(";").str[0].str.strip()


def first_facts(evidence: pd.Series) -> list:
    """The facts behind each customer's first reason (``(code, values)``, or None), so that a reader can
    phrase it in its own language (``keepwise.text.phrase``)."""
    out = []
    for record in evidence.fillna("").astype(str):
        try:
            reasons = json.loads(record).get("reasons", []) if record else []
        except ValueError:
            reasons = []
        out.append(tuple(reasons[0]) if reasons else None)
    return out


def urgent_order(assessment: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The first ``rows`` of the assessment by priority, then by money at stake (largest first).

    The two columns are sorted alone, in the order sorting the whole frame gives: only the rows
    returned are copied (sorting a million customers' assessment copied its texts, ~1.5 GB)."""
    return assessment.take(top_positions(assessment, ["priority", "money_at_stake"], [True, False], rows))


def top_positions(frame: pd.DataFrame, columns: list[str], ascending: list[bool], rows: int) -> np.ndarray:
    """The positions of the first ``rows`` rows of ``frame.sort_values(columns, ascending=ascending)``."""
    keys = frame[columns].reset_index(drop=True)
    return keys.sort_values(columns, ascending=ascending).index.to_numpy()[:rows]


def most_urgent(assessment: pd.DataFrame, rows: int, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The first ``rows`` customers (``[report] urgent_customers``) by priority, then money at stake, with
    their first reason.

    Columns: customer_id, name ("" when unknown), action, priority, money_at_stake, reason (in the settings'
    language) and reason_fact (its facts, for phrasing in another language; None when there are none).
    """
    names = names or {}
    top = urgent_order(assessment, rows)
    ids = top["customer_id"].astype(str)
    return pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "name": [names.get(c) or "" for c in ids],
            "action": top["action"].to_numpy(),
            "priority": top["priority"].to_numpy(),
            "money_at_stake": top["money_at_stake"].astype(float).to_numpy(),
            "reason": first_reasons(top["reasons"]).to_numpy(),
            "reason_fact": first_facts(top["evidence"]) if "evidence" in top else [None] * len(top),
        },
        columns=list(URGENT_COLUMNS),
    )


def urgent_ids(assessment: pd.DataFrame, rows: int) -> list[str]:
    """The ids ``most_urgent`` lists, for looking up their names first."""
    return urgent_order(assessment, rows)["customer_id"].astype(str).tolist()
