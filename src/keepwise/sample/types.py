"""The planted customer types: how each behaves (one table of parameters), and the lookup that
turns a type code per customer into per-customer parameter arrays."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

# The sample's history: customers sign up and buy within this many days before as_of.
HISTORY_DAYS = 3 * 365


@dataclass(frozen=True)
class CustomerTypeSpec:
    """How one planted customer type behaves. Pairs are (low, high) ranges drawn per customer
    (or per event) uniformly; the defaults describe an ordinary, healthy customer."""

    share: float  # of all customers; healthy_regular takes whatever the others leave
    # buying
    tenure_days: tuple[float, float] = (60, HISTORY_DAYS)  # signed up this long before as_of
    purchase_gap_days: tuple[float, float] = (28, 75)  # mean days between purchases (log-uniform)
    gap_regularity: float = 3.0  # gamma shape of the gaps: 1 = memoryless, higher = steadier rhythm
    ending: str = "active"  # "active": buys up to as_of; "slipping" or "lapsed": stops early
    stop_gap_multiple: tuple[float, float] = (2.4, 3.4)  # slipping: last purchase this many gaps ago
    stop_days_ago: tuple[float, float] = (190, 420)  # lapsed: last purchase this many days ago
    basket_list_price: tuple[float, float] = (35, 110)  # the customer's typical list price per order
    deep_discount_share: float = 0.0  # orders bought at 35-60% off
    cancel_share: tuple[float, float] = (0.0, 0.04)
    change_requests: tuple[int, int] | None = None  # per order; None: the usual rare change
    # returns and delivery
    return_share: tuple[float, float] = (0.0, 0.05)  # of delivered orders
    return_defective: float = 0.4
    return_full_amount: float = 0.75
    late_delivery_share: float = 0.05  # the business is late for anyone now and then
    recent_late_delivery_share: float = 0.05  # in the last RECENT_DAYS
    recent_late_delivery_days: tuple[int, int] = (1, 5)
    # paying
    late_payment_share: float = 0.03
    late_payment_days: tuple[int, int] = (1, 20)  # past due
    unpaid_share: float = 0.0  # of invoices past due
    written_off_invoices: tuple[int, int] = (0, 0)
    payment_trouble_window: str = "any"  # "any", or "old": only before OLD_TROUBLE_DAYS ago
    # support tickets
    ticket_rate: float = 1.0  # multiplies the usual questions and requests
    praise_per_year: float = 0.1
    planted_complaints: tuple[int, int] = (0, 0)  # on top of the usual occasional complaint
    complaint_window: str = "recent"  # "recent" (lookback below) or "old"
    complaint_lookback_days: tuple[float, float] = (365, 540)
    complaint_substantiated: tuple[float, float] = (0.4, 0.35)  # P(true), P(false); rest not judged
    complaint_minutes: tuple[int, int] = (10, 30)
    # conduct
    incident_kinds: tuple[str, ...] = ()
    incident_count: tuple[int, int] = (0, 0)
    incident_confirmed: float = 0.0  # share confirmed; from 0.8 up, a customer's first one always is
    incident_window: str = "recent"
    incident_lookback_days: tuple[float, float] = (120, 365)
    values_conflict_tag: float = 0.0
    vip_tag: float = 0.0
    # relationship
    survey_score: tuple[int, int] = (5, 9)
    engagement_rate: float = 1.0
    unsubscribe: float = 0.03
    referral_weight: float = 1.0  # relative chance of being named as referrer


HIGH_VALUE = {"basket_list_price": (90.0, 220.0), "gap_regularity": 4.0}

CUSTOMER_TYPES: dict[str, CustomerTypeSpec] = {
    "loyal_high_value": CustomerTypeSpec(
        share=0.08,
        tenure_days=(400, HISTORY_DAYS),
        purchase_gap_days=(12, 30),
        return_share=(0.0, 0.03),
        late_payment_share=0.01,
        praise_per_year=0.8,
        survey_score=(8, 10),
        engagement_rate=2.0,
        unsubscribe=0.0,
        referral_weight=8.0,
        vip_tag=0.25,
        **HIGH_VALUE,
    ),
    "healthy_regular": CustomerTypeSpec(share=0.25),
    "occasional_low": CustomerTypeSpec(
        share=0.20,
        tenure_days=(30, HISTORY_DAYS),
        purchase_gap_days=(150, 400),
        gap_regularity=1.0,
        basket_list_price=(15, 45),
        ticket_rate=0.4,
        engagement_rate=0.4,
        referral_weight=0.5,
    ),
    "slipping_valuable": CustomerTypeSpec(
        share=0.05,
        tenure_days=(450, HISTORY_DAYS),
        purchase_gap_days=(18, 32),
        ending="slipping",
        survey_score=(5, 8),
        engagement_rate=0.7,
        unsubscribe=0.4,
        referral_weight=2.0,
        **HIGH_VALUE,
    ),
    "lapsed_valuable": CustomerTypeSpec(
        share=0.04,
        tenure_days=(650, HISTORY_DAYS),
        purchase_gap_days=(18, 45),
        ending="lapsed",
        engagement_rate=0.7,
        unsubscribe=0.4,
        referral_weight=2.0,
        **HIGH_VALUE,
    ),
    "fraudster": CustomerTypeSpec(
        share=0.015,
        tenure_days=(200, HISTORY_DAYS),
        incident_kinds=("fraud", "chargeback"),
        incident_count=(1, 3),
        incident_confirmed=1.0,
        incident_lookback_days=(60, 700),
        written_off_invoices=(1, 3),
        unpaid_share=0.1,
        referral_weight=0.3,
    ),
    "abusive_to_staff": CustomerTypeSpec(
        share=0.015,
        tenure_days=(300, HISTORY_DAYS),
        incident_kinds=("abuse_of_staff",),
        incident_count=(3, 6),
        incident_confirmed=0.8,
        incident_lookback_days=(150, 270),
        survey_score=(2, 6),
    ),
    "chronic_complainer": CustomerTypeSpec(
        share=0.025,
        tenure_days=(200, HISTORY_DAYS),
        late_delivery_share=0.01,
        recent_late_delivery_share=0.01,
        planted_complaints=(6, 15),
        complaint_lookback_days=(365, 540),
        complaint_substantiated=(0.04, 0.88),
        complaint_minutes=(20, 60),
        survey_score=(1, 4),
    ),
    "bad_payer": CustomerTypeSpec(
        share=0.025,
        tenure_days=(200, HISTORY_DAYS),
        late_payment_share=0.7,
        late_payment_days=(30, 120),
        unpaid_share=0.15,
        written_off_invoices=(0, 1),
    ),
    "return_abuser": CustomerTypeSpec(
        share=0.02,
        tenure_days=(200, HISTORY_DAYS),
        return_share=(0.45, 0.7),
        return_defective=0.0,
        return_full_amount=0.92,
    ),
    "deal_seeker": CustomerTypeSpec(share=0.03, deep_discount_share=0.92, basket_list_price=(30, 90)),
    "fickle": CustomerTypeSpec(share=0.025, cancel_share=(0.3, 0.5), change_requests=(2, 6)),
    "business_fault": CustomerTypeSpec(
        share=0.03,
        tenure_days=(300, HISTORY_DAYS),
        recent_late_delivery_share=0.75,
        recent_late_delivery_days=(5, 20),
        return_share=(0.15, 0.3),
        return_defective=0.92,
        planted_complaints=(3, 8),
        complaint_lookback_days=(300, 365),
        complaint_substantiated=(0.82, 0.06),
        complaint_minutes=(10, 30),
        survey_score=(2, 5),
    ),
    "reformed": CustomerTypeSpec(
        share=0.03,
        tenure_days=(560, HISTORY_DAYS),
        purchase_gap_days=(20, 50),
        late_payment_share=0.5,
        late_payment_days=(20, 60),
        payment_trouble_window="old",
        planted_complaints=(3, 6),
        complaint_window="old",
        complaint_substantiated=(0.05, 0.85),
        complaint_minutes=(15, 45),
        incident_kinds=("policy_abuse",),
        incident_count=(0, 1),
        incident_confirmed=0.3,
        incident_window="old",
        survey_score=(6, 9),
    ),
    "values_conflict": CustomerTypeSpec(
        share=0.01,
        incident_kinds=("values_conflict", "unethical_request"),
        incident_count=(0, 1),
        incident_confirmed=1.0,
        incident_lookback_days=(30, 365),
        values_conflict_tag=0.6,
    ),
}
TYPE_NAMES: tuple[str, ...] = tuple(CUSTOMER_TYPES)
REMAINDER_TYPE = "healthy_regular"


class TypeParams:
    """Looks up a CustomerTypeSpec field for every customer (or event) given their type codes."""

    def __init__(self) -> None:
        specs = [CUSTOMER_TYPES[name] for name in TYPE_NAMES]
        self._columns = {f.name: [getattr(s, f.name) for s in specs] for f in fields(CustomerTypeSpec)}

    def value(self, name: str, type_code: np.ndarray) -> np.ndarray:
        return np.asarray(self._columns[name])[type_code]

    def low_high(self, name: str, type_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = np.asarray(
            [pair if pair is not None else (0, 0) for pair in self._columns[name]], dtype=float
        )
        return pairs[type_code, 0], pairs[type_code, 1]

    def uniform(self, rng: np.random.Generator, name: str, type_code: np.ndarray) -> np.ndarray:
        low, high = self.low_high(name, type_code)
        return low + rng.random(len(type_code)) * (high - low)

    def log_uniform(self, rng: np.random.Generator, name: str, type_code: np.ndarray) -> np.ndarray:
        low, high = self.low_high(name, type_code)
        return np.exp(np.log(low) + rng.random(len(type_code)) * (np.log(high) - np.log(low)))

    def integers(self, rng: np.random.Generator, name: str, type_code: np.ndarray) -> np.ndarray:
        low, high = self.low_high(name, type_code)
        return rng.integers(low.astype(np.int64), high.astype(np.int64) + 1)

    def is_set(self, name: str, type_code: np.ndarray) -> np.ndarray:
        return np.asarray([v is not None for v in self._columns[name]])[type_code]


PARAMS = TypeParams()
