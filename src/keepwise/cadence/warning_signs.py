"""Warning signs that act at once: each puts a personal call on today's list.

- an unsubscribe from the newsletter in the last ``[cadence] warning_days`` days;
- an angry complaint (severity ``high`` or ``urgent``) opened in those days;
- a sudden silence from a valuable customer (CLV at or above the ``valuable_clv_quantile`` of
  customers who bought): the days since their last purchase passed ``silence_gap_ratio`` x their
  usual gap within those days.

The call is a service contact, so it reaches customers who opted out of marketing; it is due today
(or on the window's first day when that is later). A call made since the sign (the anchor) counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from keepwise.cadence.candidates import candidates, empty_candidates
from keepwise.cadence.rules import ONE_DAY, Window
from keepwise.config import Settings
from keepwise.data.schema import TICKET_SEVERITIES

ANGRY_SEVERITIES = ("high", "urgent")
WARNING_RULE = "warning"
WARNING_KIND = "call"
WARNING_TEMPLATE = "personal_call"


def _latest(events: pd.DataFrame, rank: pd.Series | None = None) -> pd.DataFrame:
    """Each customer's latest event; of events on that same day, the one of the highest ``rank``, whatever
    order the engine gave the rows in (without a rank, events of one day make the same warning)."""
    keys = events[["customer_id", "day"]].assign(rank=0 if rank is None else rank)
    order = keys.sort_values(["day", "rank"], kind="stable").index
    return events.loc[order].drop_duplicates("customer_id", keep="last")


def warning_candidates(
    people: pd.DataFrame,
    unsubscribes: pd.DataFrame,
    complaints: pd.DataFrame,
    window: Window,
    settings: Settings,
) -> pd.DataFrame:
    cadence = settings.cadence
    since = window.as_of - (cadence.warning_days - 1) * ONE_DAY
    due = max(window.as_of, window.start)
    if due > window.end:
        return empty_candidates()

    def make(ids, code, day, value=None, detail=None):
        return candidates(
            ids, due, rule=WARNING_RULE, order=-1, kind=WARNING_KIND, channel=cadence.warning_channel,
            template=WARNING_TEMPLATE, code=code, anchor=day, reason_date=day, reason_value=value,
            reason_detail=detail, warning=True,
        )

    frames = []
    recent = _latest(unsubscribes[unsubscribes["day"] >= since])
    frames.append(make(recent["customer_id"].to_numpy(), "unsubscribed", recent["day"].to_numpy()))
    angry = complaints[(complaints["day"] >= since) & complaints["severity"].isin(ANGRY_SEVERITIES)]
    angry = _latest(angry, rank=angry["severity"].map(TICKET_SEVERITIES.index))  # the most severe of the day
    frames.append(make(angry["customer_id"].to_numpy(), "angry_complaint", angry["day"].to_numpy(),
                       detail=angry["severity"].to_numpy()))

    bought = people[people["purchase_days"] > 0]
    clv = bought["clv"].to_numpy(dtype=float)
    if np.isfinite(clv).any():
        threshold = np.nanquantile(clv, cadence.valuable_clv_quantile)
        gap = bought["usual_gap"].to_numpy(dtype=float)
        rhythm = (bought["purchase_days"].to_numpy() >= 2) & np.isfinite(gap) & (gap > 0)
        crossed = bought["last_day"].to_numpy() + np.ceil(
            cadence.silence_gap_ratio * np.where(rhythm, gap, 0)
        ).astype("int64") * ONE_DAY
        silent = rhythm & (clv >= threshold) & (crossed >= since) & (crossed <= window.as_of)
        quiet = bought[silent]
        last = quiet["last_day"].to_numpy()
        frames.append(make(quiet["customer_id"].to_numpy(), "silence", last,
                           value=((window.as_of - last) // ONE_DAY).astype(float)))
    frames = [frame for frame in frames if len(frame)]
    return pd.concat(frames, ignore_index=True) if frames else empty_candidates()
