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

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.cadence.candidates import NO_DAY
from keepwise.cadence.rules import ONE_DAY
from keepwise.config import Settings
from keepwise.data.positions import inverse_positions, positions, taken_at
from keepwise.data.schema import MARKETING_TOUCH_KINDS
from keepwise.text.columns import text_array

NO_MARKETING_ACTIONS = ("offboard", "deprioritize")
CAP_DAYS = 30


@dataclass(frozen=True)
class CandidateCustomers:
    """The candidates' customers as integer codes: ``code`` is a candidate's customer's position in ``ids``
    (each customer once). The limits look customers up, merge, sort and group by these codes, not by the
    texts: at 1,000,000 customers the 1.5M candidates' ids were hashed and compared as Python strings in
    each step. ``rank`` orders the codes as their ids sort (as Python orders texts), so a sort by rank is
    the sort by id; ``person`` is each code's row of the people (-1: none)."""

    ids: pa.Array
    code: np.ndarray
    person: np.ndarray
    rank: np.ndarray

    @classmethod
    def of(cls, customer_id: pd.Series, people: pd.DataFrame) -> CandidateCustomers:
        encoded = pc.dictionary_encode(text_array(customer_id.to_numpy(dtype=object)))
        ids = encoded.dictionary
        return cls(ids, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
                   positions(ids, people["customer_id"]),
                   inverse_positions(pc.sort_indices(ids).to_numpy(), len(ids)))

    def sorted(self, found: pd.DataFrame, keys: list[str], ascending: bool | list[bool] = True) -> pd.DataFrame:
        """``found`` sorted (stably) by ``keys``, where ``"customer"`` (its codes) sorts as the customers' ids
        sort: by their ``rank``."""
        ranked = found.assign(_rank=self.rank[found["customer"].to_numpy()])
        by = ["_rank" if key == "customer" else key for key in keys]
        return ranked.sort_values(by, ascending=ascending, kind="stable").drop(columns="_rank")

    def with_codes(self, events: pd.DataFrame) -> pd.DataFrame:
        """``events`` of customers with a candidate, with their ``customer`` code (the others concern no candidate)."""
        code = positions(events["customer_id"].to_numpy(dtype=object), self.ids)
        return events[code >= 0].assign(customer=code[code >= 0])


def respect_consent(found: pd.DataFrame, people: pd.DataFrame, customers: CandidateCustomers) -> pd.DataFrame:
    at = customers.person[found["customer"].to_numpy()]  # -1: not among the people
    opted_out = taken_at(people["opted_out"].to_numpy(dtype=bool), at, False)
    no_marketing = np.isin(taken_at(people["action"].to_numpy(dtype=object), at, None), NO_MARKETING_ACTIONS)
    marketing = found["kind"].isin(MARKETING_TOUCH_KINDS).to_numpy()
    return found[~(marketing & (opted_out | no_marketing))]


def _kind_codes(found: pd.DataFrame, last_touches: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The kinds of the candidates and of the last touches as codes of one list (the contract's few kinds)."""
    codes, _ = pd.factorize(np.concatenate([found["kind"].to_numpy(dtype=object),
                                            last_touches["kind"].to_numpy(dtype=object)]))
    return codes[:len(found)], codes[len(found):]


def _last_sent(found: pd.DataFrame, last_touches: pd.DataFrame, customers: CandidateCustomers) -> np.ndarray:
    """Per candidate, the day its customer was last sent a touch of its kind (NaT: never): each candidate's
    (customer, kind) looked up among the last touches' (one row per customer and kind), as one integer."""
    last_touches = customers.with_codes(last_touches)
    found_kind, touch_kind = _kind_codes(found, last_touches)
    kinds = int(max(found_kind.max(initial=-1), touch_kind.max(initial=-1))) + 1
    wanted = found["customer"].to_numpy() * kinds + found_kind
    held = last_touches["customer"].to_numpy() * kinds + touch_kind
    at = pd.Index(held).get_indexer(wanted)
    return taken_at(last_touches["day"].to_numpy().astype("datetime64[D]"), at, NO_DAY)


def not_sent_before(found: pd.DataFrame, last_touches: pd.DataFrame, customers: CandidateCustomers) -> pd.DataFrame:
    last_sent = _last_sent(found, last_touches, customers)
    sent = ~np.isnat(last_sent) & (last_sent >= found["anchor"].to_numpy())
    kept = customers.sorted(found[~sent], ["customer", "kind", "due", "order"])
    return kept.drop_duplicates(["customer", "kind", "due"], keep="first")


def _inside(found: pd.DataFrame, starts: pd.DataFrame, days: int) -> np.ndarray:
    """Per candidate: does its day fall within ``days`` days from one of its customer's ``starts``
    (``CandidateCustomers.with_codes``)?"""
    if starts.empty or found.empty:
        return np.zeros(len(found), dtype=bool)
    pairs = found[["customer", "due"]].reset_index().merge(starts[["customer", "day"]], on="customer", how="inner")
    hit = (pairs["due"] >= pairs["day"]) & (pairs["due"] <= pairs["day"] + days * ONE_DAY)
    quiet_rows = pairs.loc[hit.to_numpy(), "index"].unique()
    return found.index.isin(quiet_rows)


def respect_quiet_periods(
    found: pd.DataFrame, complaints: pd.DataFrame, decisions: pd.DataFrame, settings: Settings,
    customers: CandidateCustomers,
) -> pd.DataFrame:
    cadence = settings.cadence
    found = found.reset_index(drop=True)
    after_complaint = (_inside(found, customers.with_codes(complaints), cadence.quiet_days_after_complaint)
                       & ~found["warning"].to_numpy())
    after_decision = _inside(found, customers.with_codes(decisions), cadence.quiet_days_after_offboarding)
    return found[~(after_complaint | after_decision)]


def respect_cap(found: pd.DataFrame, made: pd.DataFrame, cap: int, customers: CandidateCustomers) -> pd.DataFrame:
    """Keep candidates while every 30 days of a customer hold at most ``cap`` touches (made ones counted).

    Vectorised across customers: step k decides every customer's k-th candidate at once, against a
    matrix of each customer's latest ``cap`` touch days.
    """
    if found.empty:
        return found
    found = customers.sorted(found, ["customer", "due", "warning", "order"],
                             ascending=[True, True, False, True]).reset_index(drop=True)
    codes, capped = pd.factorize(found["customer"])
    n = len(capped)
    # latest[c] holds customer c's latest cap touch days, oldest first; empty slots are far in the past.
    far = np.datetime64("1900-01-01", "D")
    latest = np.full((n, max(cap, 1)), far, dtype="datetime64[D]")
    made = customers.with_codes(made)
    made = made.assign(code=inverse_positions(capped, len(customers.ids))[made["customer"].to_numpy()])
    made = made[made["code"].to_numpy() >= 0]
    if len(made) and cap > 0:
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
