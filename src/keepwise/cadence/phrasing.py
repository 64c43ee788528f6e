"""The reason of each touch in the reader's language: the facts of ``touches_due`` through the text layer.

Each distinct combination of facts is phrased once (a touch list of 100,000 rows holds a few
thousand), then mapped back onto the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.text import Translator

_FACTS = ["code", "reason_date", "reason_value", "reason_detail", "action", "tier"]


def phrase_reasons(touches: pd.DataFrame, t: Translator) -> pd.Series:
    """One reason text per touch row, aligned on its index."""
    if touches.empty:
        return pd.Series([], index=touches.index, dtype=object)
    group = touches.groupby(_FACTS, dropna=False, sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    texts = []
    for row in touches.iloc[first][_FACTS].itertuples(index=False):
        detail = t(f"touch.severity.{row.reason_detail}") if _given(row.reason_detail) else ""
        texts.append(t(
            f"touch.reason.{row.code}",
            date=t.date(row.reason_date) if _given(row.reason_date) else "",
            value=t.number(row.reason_value) if _given(row.reason_value) else "",
            detail=detail,
            action=t(f"action.{row.action}") if _given(row.action) else "",
            tier=row.tier if _given(row.tier) else "",
        ))
    return pd.Series(np.asarray(texts, dtype=object)[group], index=touches.index, dtype=object)


def _given(value) -> bool:
    return value is not None and value == value and value != ""  # NaN and NaT are not equal to themselves


def kind_label(kind: str, t: Translator) -> str:
    return t(f"touch.kind.{kind}")


def channel_label(channel: str, t: Translator) -> str:
    return t(f"channel.{channel}")
