"""The limits every touch list obeys, applied to candidates in this order (all vectorised):

1. consent and the decision: no marketing kind (``MARKETING_TOUCH_KINDS``) to a customer who opted out
   or unsubscribed, nor to one whose action is ``offboard`` or ``deprioritize``;
2. never the same touch twice: a touch of the same kind on or after a candidate's anchor (held-back
   campaign members included) means it was made; one candidate per customer, kind and day;
3. quiet periods: nothing scheduled within ``quiet_days_after_complaint`` days after a complaint (the
   warning call that answers it is exempt), nothing at all within ``quiet_days_after_offboarding``
   days after an offboarding decision;
4. the cap: at most ``max_touches_per_30_days`` touches to a customer in any 30 days, touches
   already made counted. Candidates are taken day by day, warnings first, then in rule order, and a
   candidate is dropped when the 30 days ending on its day already hold the cap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.cadence.candidates import NO_DAY
from keepwise.cadence.rules import ONE_DAY
from keepwise.config import Settings
from keepwise.data.positions import positions, taken_at
from keepwise.data.schema import MARKETING_TOUCH_KINDS
from keepwise.text.columns import TEXT, text_array

NO_MARKETING_ACTIONS = ("offboard", "deprioritize")
CAP_DAYS = 30


def respect_consent(found: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    at = positions(found["customer_id"], people["customer_id"])  # -1: not among the people
    opted_out = taken_at(people["opted_out"].to_numpy(dtype=bool), at, False)
    no_marketing = np.isin(taken_at(people["action"].to_numpy(dtype=object), at, None), NO_MARKETING_ACTIONS)
    marketing = found["kind"].isin(MARKETING_TOUCH_KINDS).to_numpy()
    return found[~(marketing & (opted_out | no_marketing))]


def _last_sent(found: pd.DataFrame, last_touches: pd.DataFrame) -> np.ndarray:
    """Per candidate, the day its customer was last sent a touch of its kind (NaT: never): each candidate's
    (customer, kind) looked up among the last touches' (one row per customer and kind), at once."""
    at = positions(_customer_kind(found), _customer_kind(last_touches))
    return taken_at(last_touches["day"].to_numpy().astype("datetime64[D]"), at, NO_DAY)


def _customer_kind(frame: pd.DataFrame) -> pa.Array:
    """Each row's customer and kind as one text (a kind, from the contract's list, holds no separator)."""
    return pc.binary_join_element_wise(text_array(frame["customer_id"].astype(str)), text_array(frame["kind"]),
                                       pa.scalar("\x1f", TEXT))


def not_sent_before(found: pd.DataFrame, last_touches: pd.DataFrame) -> pd.DataFrame:
    last_sent = _last_sent(found, last_touches)
    sent = ~np.isnat(last_sent) & (last_sent >= found["anchor"].to_numpy())
    kept = found[~sent].sort_values(["customer_id", "kind", "due", "order"], kind="stable")
    return kept.drop_duplicates(["customer_id", "kind", "due"], keep="first")


def _inside(found: pd.DataFrame, starts: pd.DataFrame, days: int) -> np.ndarray:
    """Per candidate: does its day fall within ``days`` days from one of its customer's ``starts``?"""
    if starts.empty or found.empty:
        return np.zeros(len(found), dtype=bool)
    pairs = found[["customer_id", "due"]].reset_index().merge(
        starts[["customer_id", "day"]], on="customer_id", how="inner"
    )
    hit = (pairs["due"] >= pairs["day"]) & (pairs["due"] <= pairs["day"] + days * ONE_DAY)
    quiet_rows = pairs.loc[hit.to_numpy(), "index"].unique()
    return found.index.isin(quiet_rows)


def respect_quiet_periods(
    found: pd.DataFrame, complaints: pd.DataFrame, decisions: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    cadence = settings.cadence
    found = found.reset_index(drop=True)
    after_complaint = _inside(found, complaints, cadence.quiet_days_after_complaint) & ~found["warning"].to_numpy()
    after_decision = _inside(found, decisions, cadence.quiet_days_after_offboarding)
    return found[~(after_complaint | after_decision)]


def respect_cap(found: pd.DataFrame, made: pd.DataFrame, cap: int) -> pd.DataFrame:
    """Keep candidates while every 30 days of a customer hold at most ``cap`` touches (made ones counted).

    Vectorised across customers: step k decides every customer's k-th candidate at once, against a
    matrix of each customer's latest ``cap`` touch days.
    """
    if found.empty:
        return found
    found = found.sort_values(["customer_id", "due", "warning", "order"], ascending=[True, True, False, True],
                              kind="stable").reset_index(drop=True)
    codes, customers = pd.factorize(found["customer_id"])
    n = len(customers)
    # latest[c] holds customer c's latest cap touch days, oldest first; empty slots are far in the past.
    far = np.datetime64("1900-01-01", "D")
    latest = np.full((n, max(cap, 1)), far, dtype="datetime64[D]")
    made = made[made["customer_id"].isin(customers)].copy()
    if len(made) and cap > 0:
        made["code"] = customers.get_indexer(made["customer_id"])
        made = made.sort_values(["code", "day"], kind="stable")
        back = made.groupby("code").cumcount(ascending=False).to_numpy()  # 0 = the customer's latest
        slot = latest.shape[1] - 1 - back
        use = slot >= 0
        latest[made["code"].to_numpy()[use], slot[use]] = made["day"].to_numpy().astype("datetime64[D]")[use]
    due = found["due"].to_numpy().astype("datetime64[D]")
    step = np.arange(len(found)) - np.searchsorted(codes, codes, side="left")
    keep = np.zeros(len(found), dtype=bool)
    if cap <= 0:
        return found[keep]
    for k in range(int(step.max()) + 1):
        rows = np.flatnonzero(step == k)
        who = codes[rows]
        day = due[rows]
        in_window = (latest[who] > day[:, None] - CAP_DAYS * ONE_DAY).sum(axis=1)
        ok = in_window < cap
        keep[rows[ok]] = True
        accepted = who[ok]
        latest[accepted, :-1] = latest[accepted, 1:]
        latest[accepted, -1] = day[ok]
    return found[keep]
