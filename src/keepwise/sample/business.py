"""The customers and the clock every table generator shares: types assigned, signup days, the
windows in which planted problems happen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from keepwise.sample.arrays import sequential_ids
from keepwise.sample.types import CUSTOMER_TYPES, HISTORY_DAYS, PARAMS, REMAINDER_TYPE, TYPE_NAMES

# Problems of reformed customers end at least this long before as_of (a year and a bit).
OLD_TROUBLE_DAYS = 400


@dataclass
class Business:
    """The customers and clock every table generator shares."""

    n: int
    as_of: date
    origin: np.datetime64  # as_of - HISTORY_DAYS, in seconds
    type_code: np.ndarray  # per customer, index into TYPE_NAMES
    signup_day: np.ndarray  # int, days since origin
    activity_end: np.ndarray  # float day after which the customer is no longer around
    customer_ids: pa.Array  # "C000001"..., in signup order

    def customer_column(self, owner: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
        """The customer_id of each row's owner (null where missing)."""
        return self.customer_ids.take(pa.array(owner, pa.int64(), mask=missing))

    @property
    def horizon(self) -> float:
        return float(HISTORY_DAYS)

    def stamps(self, days: np.ndarray) -> np.ndarray:
        """Float days since origin -> datetime64[s], floored to the minute (so always < as_of)."""
        minutes = np.floor(np.asarray(days, dtype=float) * 1440.0).astype(np.int64)
        return self.origin + (minutes * 60).astype("timedelta64[s]")

    def window_recent(self, lookback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low = np.maximum(self.signup_day.astype(float), self.horizon - lookback)
        return low, np.full(self.n, self.horizon)

    def window_old(self) -> tuple[np.ndarray, np.ndarray]:
        return self.signup_day.astype(float), np.full(self.n, self.horizon - OLD_TROUBLE_DAYS)

    def window(self, kind: np.ndarray, lookback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per customer: the recent or the old window, as each customer's type asks."""
        recent_low, recent_high = self.window_recent(lookback)
        old_low, old_high = self.window_old()
        is_old = kind == "old"
        return np.where(is_old, old_low, recent_low), np.where(is_old, old_high, recent_high)


def _assign_types(n: int, rng: np.random.Generator) -> np.ndarray:
    counts = {name: int(np.floor(spec.share * n + 0.5)) for name, spec in CUSTOMER_TYPES.items()}
    counts[REMAINDER_TYPE] = 0
    counts[REMAINDER_TYPE] = n - sum(counts.values())
    if counts[REMAINDER_TYPE] < 0:
        raise ValueError(f"n_customers={n} is too small for the planted shares")
    codes = np.repeat(np.arange(len(TYPE_NAMES)), [counts[name] for name in TYPE_NAMES])
    return rng.permutation(codes)


def make_business(n: int, as_of: date, rng: np.random.Generator) -> Business:
    type_code = _assign_types(n, rng)
    tenure = PARAMS.uniform(rng, "tenure_days", type_code)
    signup_day = np.clip(np.floor(HISTORY_DAYS - tenure), 0, HISTORY_DAYS - 1).astype(np.int64)
    # Customer ids follow signup order, as a real system numbers them.
    order = np.lexsort((rng.random(n), signup_day))
    type_code, signup_day = type_code[order], signup_day[order]
    origin = np.datetime64(as_of, "s") - np.timedelta64(HISTORY_DAYS, "D")
    return Business(
        n=n,
        as_of=as_of,
        origin=origin,
        type_code=type_code,
        signup_day=signup_day,
        activity_end=np.full(n, float(HISTORY_DAYS)),  # set by the orders generator
        customer_ids=sequential_ids("C", n, 6),
    )
