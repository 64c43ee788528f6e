"""``keepwise sample``: a synthetic business in the data contract, with planted customer types.

Every customer is given one planted type (the truth, written to ``truth.csv`` beside the
data) and behaves as that type does: how often and how much they buy, how they pay,
return, complain, behave towards staff and engage. The per-type behaviour is one table
of parameters (``CUSTOMER_TYPES``); the generators below are vectorised over all customers
at once (``np.repeat`` of per-customer counts, cumulative sums of purchase gaps), so
100,000 customers and their ~1.5M orders take seconds.

Time is handled internally as float days since ``as_of - HISTORY_DAYS``; every event lies
strictly before ``as_of`` 00:00, so it is "before the as-of date" under either reading of
a date-only as-of. Money is handled as integer cents so sums and "return <= revenue" are exact.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from keepwise.data.schema import TABLES, Kind

HISTORY_DAYS = 3 * 365
CURRENCY = "EUR"
# Problems of reformed customers end at least this long before as_of (a year and a bit).
OLD_TROUBLE_DAYS = 400
# The window in which business_fault deliveries are mostly late ("recent orders").
RECENT_DAYS = 365
# Slipping customers buy at half their rate in the months before they stop.
SLOWDOWN_DAYS = 180
SLOWDOWN_KEEP = 0.5
INVOICE_TERMS_DAYS = 30
MISSING_COST_SHARE = 0.05  # orders without cost_of_goods, to exercise the contract default
MISSING_AMOUNT_PAID_SHARE = 0.05  # paid invoices without amount_paid (default: the amount)
OUTPUT_TABLES = ("customers", "orders", "returns", "invoices", "tickets", "incidents", "engagement")


@dataclass(frozen=True)
class CustomerTypeSpec:
    """How one planted customer type behaves. Pairs are (low, high) ranges drawn per customer
    (or per event) uniformly; the defaults describe an ordinary, healthy customer."""

    share: float  # of all customers; healthy_regular takes whatever the others leave
    # buying
    tenure_days: tuple[float, float] = (60, HISTORY_DAYS)  # signed up this long before as_of
    purchase_gap_days: tuple[float, float] = (25, 70)  # mean days between purchases (log-uniform)
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
    incident_confirmed: float = 0.0  # the first incident of a type with share 1.0+ is always confirmed
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

# Background rates shared by every customer, per year of tenure.
QUESTIONS_PER_YEAR = 0.8
REQUESTS_PER_YEAR = 0.4
COMPLAINTS_PER_YEAR = 0.12
BACKGROUND_SUBSTANTIATED = (0.4, 0.35)
BACKGROUND_POLICY_ABUSE = 0.003  # customers with one unconfirmed policy_abuse note
OPENS_PER_YEAR = 6.0
CLICKS_PER_YEAR = 1.5
VISITS_PER_YEAR = 4.0
LIKES_PER_YEAR = 2.0

CHANNELS = ("email", "phone", "chat", "social", "web", "in_person")
CHANNEL_WEIGHTS = (0.35, 0.2, 0.2, 0.05, 0.15, 0.05)
STAFF = ("Anna K.", "Reza M.", "Olga P.", "Tom B.", "Sara L.", "Dmitri V.", "Leila H.", "Jonas W.")
SUBJECTS = {
    "question": ("Where is my order?", "Opening hours", "Which size should I pick?", "Copy of my invoice"),
    "request": ("Change delivery address", "Update account details", "Gift wrapping", "Split delivery"),
    "praise": ("Thank you!", "Great service", "Love the product", "Fast delivery"),
    "complaint": ("Delivery late", "Item arrived damaged", "Wrong item sent", "Refund not received"),
    "unfounded": (
        "Packaging could be nicer",
        "Colour not as in the photo",
        "Courier did not smile",
        "Price went up",
        "Website too slow",
        "Want compensation",
    ),
}
INCIDENT_NOTES = {
    "abuse_of_staff": (
        "Shouted at and insulted staff on the phone",
        "Threatened the courier",
        "Abusive messages in chat",
        "Swore at the shop assistant",
    ),
    "fraud": ("Claimed non-delivery of a delivered parcel", "Paid with a stolen card"),
    "chargeback": ("Disputed a delivered order with the bank", "Chargeback after using the goods"),
    "unethical_request": ("Asked for a fake invoice", "Asked us to backdate an invoice"),
    "values_conflict": ("Demanded products against our sourcing policy", "Demeaning remarks about staff"),
    "policy_abuse": ("Reused a single-use voucher", "Several accounts for the welcome discount"),
}
RETURN_REASONS = {
    True: ("arrived damaged", "stopped working", "faulty", "not as described"),
    False: ("changed mind", "did not fit", "not as expected", "ordered by mistake", "found it cheaper"),
}
LANGUAGES = ("en", "fa", "ru")
LANGUAGE_WEIGHTS = (0.86, 0.07, 0.07)
COUNTRIES = {
    "en": (("IE", "NL", "DE", "FR", "BE", "AT"), (0.3, 0.2, 0.2, 0.1, 0.1, 0.1)),
    "fa": (("DE", "NL", "SE", "AT"), (0.5, 0.2, 0.2, 0.1)),
    "ru": (("DE", "LV", "EE", "CY"), (0.5, 0.2, 0.2, 0.1)),
}
# (name as written, latin spelling for the e-mail address)
FIRST_NAMES = {
    "en": [
        (n, n)
        for n in (
            "Emma",
            "Liam",
            "Olivia",
            "Noah",
            "Ava",
            "Lucas",
            "Mia",
            "Finn",
            "Sophie",
            "Sean",
            "Grace",
            "Daniel",
            "Chloe",
            "Jack",
            "Ella",
            "Ruth",
            "Oscar",
            "Hannah",
            "Leo",
            "Nora",
        )
    ],
    "fa": [
        ("مریم", "maryam"),
        ("علی", "ali"),
        ("سارا", "sara"),
        ("رضا", "reza"),
        ("نگار", "negar"),
        ("امید", "omid"),
        ("لیلا", "leila"),
        ("بهرام", "bahram"),
    ],
    "ru": [
        ("Анна", "anna"),
        ("Иван", "ivan"),
        ("Ольга", "olga"),
        ("Дмитрий", "dmitri"),
        ("Мария", "maria"),
        ("Сергей", "sergei"),
        ("Елена", "elena"),
        ("Павел", "pavel"),
    ],
}
LAST_NAMES = {
    "en": [
        (n, n)
        for n in (
            "Murphy",
            "Jansen",
            "Smith",
            "Müller",
            "Dubois",
            "Kelly",
            "de Vries",
            "Walsh",
            "Peeters",
            "Schmidt",
            "Byrne",
            "Bakker",
            "Martin",
            "Ryan",
            "Wagner",
            "Visser",
        )
    ],
    "fa": [
        ("احمدی", "ahmadi"),
        ("رضایی", "rezaei"),
        ("کریمی", "karimi"),
        ("حسینی", "hosseini"),
        ("موسوی", "mousavi"),
        ("تهرانی", "tehrani"),
    ],
    "ru": [
        ("Иванова", "ivanova"),
        ("Смирнов", "smirnov"),
        ("Кузнецова", "kuznetsova"),
        ("Попов", "popov"),
        ("Соколова", "sokolova"),
        ("Волков", "volkov"),
    ],
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass
class SampleResult:
    """What ``generate_sample`` wrote."""

    out_dir: Path
    paths: dict[str, Path]  # table name -> file, in contract order
    row_counts: dict[str, int]
    truth_path: Path
    type_counts: dict[str, int]
    seed: int
    as_of: date
    fmt: str


# --------------------------------------------------------------------------------------------
# Per-type parameters as per-customer arrays


class _TypeParams:
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


PARAMS = _TypeParams()


@dataclass
class _Business:
    """The customers and clock every table generator shares."""

    n: int
    as_of: date
    origin: np.datetime64  # as_of - HISTORY_DAYS, in seconds
    type_code: np.ndarray  # per customer, index into TYPE_NAMES
    signup_day: np.ndarray  # int, days since origin
    activity_end: np.ndarray  # float day after which the customer is no longer around
    customer_ids: np.ndarray  # object array of "C000001"...

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


# --------------------------------------------------------------------------------------------
# Small vectorised helpers


def _ids(prefix: str, count: int, min_width: int) -> np.ndarray:
    width = max(min_width, len(str(count)))
    numbers = pc.cast(pa.array(np.arange(1, count + 1, dtype=np.int64)), pa.string())
    padded = pc.utf8_lpad(numbers, width=width, padding="0")
    return pc.binary_join_element_wise(prefix, padded, "").to_numpy(zero_copy_only=False)


def _scatter(rng: np.random.Generator, counts: np.ndarray, low: np.ndarray, high: np.ndarray):
    """counts[i] events per customer, uniformly in [low[i], high[i]); empty windows give none."""
    counts = np.where(high > low, counts, 0).astype(np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    days = low[owner] + rng.random(len(owner)) * (high - low)[owner]
    return owner, days


def _first_in_group(counts: np.ndarray) -> np.ndarray:
    """For rows laid out by np.repeat(arange, counts): True on each group's first row."""
    first = np.zeros(int(counts.sum()), dtype=bool)
    starts = np.cumsum(counts) - counts
    first[starts[counts > 0]] = True
    return first


def _rank_in_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """0-based rank of each row by key among rows of the same group."""
    order = np.lexsort((key, group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    lengths = np.diff(np.r_[starts, len(order)])
    rank_sorted = np.arange(len(order)) - np.repeat(starts, lengths)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


def _choice(rng: np.random.Generator, options, size: int, weights=None) -> np.ndarray:
    values = np.asarray(options, dtype=object)
    if weights is None:
        return values[rng.integers(0, len(values), size)]
    return values[rng.choice(len(values), size=size, p=np.asarray(weights) / np.sum(weights))]


def _pick_by_type(
    rng: np.random.Generator, row_types: np.ndarray, options_by_type: list[tuple]
) -> np.ndarray:
    """For each row, one of the options its customer type allows."""
    out = np.empty(len(row_types), dtype=object)
    for type_code, options in enumerate(options_by_type):
        rows = np.flatnonzero(row_types == type_code)
        out[rows] = _choice(rng, options, len(rows))
    return out


def _during_hours(rng: np.random.Generator, days: np.ndarray, first_hour: float, last_hour: float):
    """Keep the calendar day, move the time into business hours."""
    return np.floor(days) + (first_hour + rng.random(len(days)) * (last_hour - first_hour)) / 24.0


def _bool_array(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), mask=missing)


def _seasonal_clock(origin: np.datetime64, days: int) -> np.ndarray:
    """Cumulative purchase intensity at each whole day since origin, averaging 1 per day.

    Purchases follow a renewal process on this clock, so a customer's rhythm stays regular
    while more of them fall in December (gift season) and fewer in the summer holidays."""
    calendar = (origin.astype("datetime64[D]") + np.arange(days)).astype("datetime64[D]")
    day_of_year = (calendar - calendar.astype("datetime64[Y]")).astype(np.int64)

    def bump(centre: float, width: float) -> np.ndarray:
        distance = (day_of_year - centre + 182.5) % 365 - 182.5
        return np.exp(-0.5 * (distance / width) ** 2)

    intensity = 1.0 + 0.7 * bump(345, 18) - 0.35 * bump(205, 25)
    intensity /= intensity.mean()
    return np.r_[0.0, np.cumsum(intensity)]


# --------------------------------------------------------------------------------------------
# Customers


def _assign_types(n: int, rng: np.random.Generator) -> np.ndarray:
    counts = {name: int(np.floor(spec.share * n + 0.5)) for name, spec in CUSTOMER_TYPES.items()}
    counts[REMAINDER_TYPE] = 0
    counts[REMAINDER_TYPE] = n - sum(counts.values())
    if counts[REMAINDER_TYPE] < 0:
        raise ValueError(f"n_customers={n} is too small for the planted shares")
    codes = np.repeat(np.arange(len(TYPE_NAMES)), [counts[name] for name in TYPE_NAMES])
    return rng.permutation(codes)


def _make_business(n: int, as_of: date, rng: np.random.Generator) -> _Business:
    type_code = _assign_types(n, rng)
    tenure = PARAMS.uniform(rng, "tenure_days", type_code)
    signup_day = np.clip(np.floor(HISTORY_DAYS - tenure), 0, HISTORY_DAYS - 1).astype(np.int64)
    # Customer ids follow signup order, as a real system numbers them.
    order = np.lexsort((rng.random(n), signup_day))
    type_code, signup_day = type_code[order], signup_day[order]
    origin = np.datetime64(as_of, "s") - np.timedelta64(HISTORY_DAYS, "D")
    return _Business(
        n=n,
        as_of=as_of,
        origin=origin,
        type_code=type_code,
        signup_day=signup_day,
        activity_end=np.full(n, float(HISTORY_DAYS)),  # set by the orders generator
        customer_ids=_ids("C", n, 6),
    )


def _customers_table(biz: _Business, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    n, code = biz.n, biz.type_code
    language = _choice(rng, LANGUAGES, n, LANGUAGE_WEIGHTS)
    name = np.empty(n, dtype=object)
    email = np.empty(n, dtype=object)
    country = np.empty(n, dtype=object)
    domain = _choice(rng, EMAIL_DOMAINS, n)
    numbers = np.arange(1, n + 1)
    for lang in LANGUAGES:
        rows = np.flatnonzero(language == lang)
        first = np.asarray(FIRST_NAMES[lang], dtype=object)[
            rng.integers(0, len(FIRST_NAMES[lang]), len(rows))
        ]
        last = np.asarray(LAST_NAMES[lang], dtype=object)[rng.integers(0, len(LAST_NAMES[lang]), len(rows))]
        name[rows] = [f"{f[0]} {s[0]}" for f, s in zip(first, last, strict=True)]
        email[rows] = [
            f"{f[1].lower()}.{s[1].lower().replace(' ', '').replace('ü', 'ue')}{k}@{d}"
            for f, s, k, d in zip(first, last, numbers[rows], domain[rows], strict=True)
        ]
        options, weights = COUNTRIES[lang]
        country[rows] = _choice(rng, options, len(rows), weights)
    email_missing = rng.random(n) < 0.02

    # Referrals: a referrer signed up on an earlier day; loyal customers are named far more often.
    weight = PARAMS.value("referral_weight", code).astype(float)
    cumulative = np.cumsum(weight)
    earlier = np.searchsorted(biz.signup_day, biz.signup_day, side="left")  # customers before that day
    referred = (rng.random(n) < 0.18) & (earlier > 0)
    draw = rng.random(n) * np.where(earlier > 0, cumulative[np.maximum(earlier - 1, 0)], 0.0)
    referrer = np.minimum(np.searchsorted(cumulative, draw, side="right"), np.maximum(earlier - 1, 0))
    referred_by = np.where(referred, biz.customer_ids[referrer], None)

    opt_draw = rng.random(n)
    marketing_opt_in = opt_draw < 0.85
    opt_in_missing = opt_draw > 0.97

    vip = rng.random(n) < PARAMS.value("vip_tag", code)
    tags = np.where(vip, "vip", None).astype(object)
    table = pa.table(
        {
            "customer_id": pa.array(biz.customer_ids, pa.string()),
            "name": pa.array(name, pa.string()),
            "email": pa.array(np.where(email_missing, None, email), pa.string()),
            "language": pa.array(language, pa.string()),
            "country": pa.array(country, pa.string()),
            "signed_up_at": pa.array(biz.origin.astype("datetime64[D]") + biz.signup_day, pa.date32()),
            "referred_by": pa.array(referred_by, pa.string()),
            "marketing_opt_in": _bool_array(marketing_opt_in, opt_in_missing),
            "tags": pa.array(tags, pa.string()),
        }
    )
    subscribed = marketing_opt_in & ~opt_in_missing & (rng.random(n) < 0.75)
    return table, subscribed


def _with_values_conflict_tags(customers: pa.Table, tagged: np.ndarray) -> pa.Table:
    tags = customers.column("tags").to_numpy(zero_copy_only=False)
    new = np.where(
        tagged, np.where(pd.isna(tags), "values_conflict", tags.astype(str) + ";values_conflict"), tags
    )
    index = customers.schema.get_field_index("tags")
    return customers.set_column(index, "tags", pa.array(new, pa.string()))


# --------------------------------------------------------------------------------------------
# Orders


def _purchase_days(biz: _Business, rng: np.random.Generator):
    """(customer index, float day, is_planted_last) of every order, in customer then time order."""
    code, n, horizon = biz.type_code, biz.n, biz.horizon
    mean_gap = PARAMS.log_uniform(rng, "purchase_gap_days", code)
    shape = PARAMS.value("gap_regularity", code).astype(float)
    ending = PARAMS.value("ending", code)
    start = biz.signup_day.astype(float)

    end = np.full(n, horizon)
    slipping, lapsed = ending == "slipping", ending == "lapsed"
    end[slipping] = horizon - PARAMS.uniform(rng, "stop_gap_multiple", code)[slipping] * mean_gap[slipping]
    end[lapsed] = horizon - PARAMS.uniform(rng, "stop_days_ago", code)[lapsed]
    stops_early = slipping | lapsed
    biz.activity_end = np.where(lapsed, np.minimum(end + 45.0, horizon), horizon)

    first = start + rng.random(n) * np.minimum(0.5 * mean_gap, end - start - 1.0)
    clock = _seasonal_clock(biz.origin, HISTORY_DAYS + 1)
    grid = np.arange(len(clock), dtype=float)
    first_clock = np.interp(first, grid, clock)
    expected = np.maximum(np.interp(end, grid, clock) - first_clock, 0.0) / mean_gap
    candidates = np.ceil(expected + 5.0 * np.sqrt(expected / shape + 1.0) + 3.0).astype(np.int64)

    owner = np.repeat(np.arange(n), candidates)
    gaps = rng.gamma(shape[owner], mean_gap[owner] / shape[owner])
    running = np.cumsum(gaps)
    starts = np.cumsum(candidates) - candidates
    offset = np.repeat(running[starts] - gaps[starts], candidates)
    days = np.interp(first_clock[owner] + running - offset, clock, grid)
    keep = days < end[owner]
    slowing = slipping[owner] & (days > horizon - SLOWDOWN_DAYS)
    keep &= ~slowing | (rng.random(len(days)) < SLOWDOWN_KEEP)

    early_rows = np.flatnonzero(stops_early)
    owners = np.concatenate([np.arange(n), owner[keep], early_rows])
    all_days = np.concatenate([first, days[keep], np.floor(end[early_rows]) + 0.5])
    planted_last = np.concatenate([np.zeros(n + keep.sum(), bool), np.ones(len(early_rows), bool)])
    order = np.lexsort((all_days, owners))
    return owners[order], all_days[order], planted_last[order]


def _orders(biz: _Business, rng: np.random.Generator) -> dict[str, np.ndarray]:
    owner, raw_days, planted_last = _purchase_days(biz, rng)
    code = biz.type_code[owner]
    m = len(owner)
    day = np.floor(raw_days)
    ordered_day = _during_hours(rng, day, 8, 22)

    basket = PARAMS.log_uniform(rng, "basket_list_price", biz.type_code)[owner]
    list_cents = np.maximum(np.round(basket * rng.lognormal(0.0, 0.35, m) * 100), 100).astype(np.int64)
    deep = rng.random(m) < PARAMS.value("deep_discount_share", code)
    promo = ~deep & (rng.random(m) < 0.15)
    discount_share = np.where(
        deep, rng.uniform(0.35, 0.6, m), np.where(promo, rng.uniform(0.05, 0.2, m), 0.0)
    )
    discount_cents = np.round(list_cents * discount_share).astype(np.int64)
    revenue_cents = list_cents - discount_cents
    cost_cents = np.round(list_cents * rng.uniform(0.5, 0.6, m)).astype(np.int64)
    cost_missing = rng.random(m) < MISSING_COST_SHARE

    cancel_share = PARAMS.uniform(rng, "cancel_share", biz.type_code)[owner]
    # The planted last order of a slipping or lapsed customer is a real purchase.
    cancelled = (rng.random(m) < cancel_share) & ~planted_last
    has_changes = PARAMS.is_set("change_requests", code)
    planted_changes = PARAMS.integers(rng, "change_requests", code)
    usual_changes = rng.choice(3, size=m, p=(0.93, 0.06, 0.01))
    change_requests = np.where(has_changes, planted_changes, usual_changes)

    promise_days = rng.integers(3, 8, m)
    promised_day = day + promise_days + 18 / 24
    recent = day >= biz.horizon - RECENT_DAYS
    late_share = np.where(
        recent, PARAMS.value("recent_late_delivery_share", code), PARAMS.value("late_delivery_share", code)
    )
    late = rng.random(m) < late_share
    recent_low, recent_high = PARAMS.low_high("recent_late_delivery_days", code)
    late_days = np.where(
        recent, rng.integers(recent_low.astype(int), recent_high.astype(int) + 1), rng.integers(1, 6, m)
    )
    early_days = np.minimum(rng.integers(0, 3, m), promise_days - 1)
    delivered_day = np.where(late, day + promise_days + late_days, day + promise_days - early_days)
    delivered = _during_hours(rng, delivered_day, 9, 17.99)
    is_delivered = ~cancelled & (delivered < biz.horizon)

    # Order ids follow time, as a real system numbers them.
    chronological = np.lexsort((owner, ordered_day))
    columns = {
        "owner": owner,
        "ordered_day": ordered_day,
        "list_cents": list_cents,
        "discount_cents": discount_cents,
        "revenue_cents": revenue_cents,
        "cost_cents": cost_cents,
        "cost_missing": cost_missing,
        "cancelled": cancelled,
        "change_requests": change_requests,
        "promised_day": promised_day,
        "delivered_day": delivered,
        "is_delivered": is_delivered,
    }
    columns = {key: value[chronological] for key, value in columns.items()}
    columns["order_id"] = _ids("O", m, 7)
    return columns


def _orders_table(biz: _Business, orders: dict[str, np.ndarray]) -> pa.Table:
    return pa.table(
        {
            "order_id": pa.array(orders["order_id"], pa.string()),
            "customer_id": pa.array(biz.customer_ids[orders["owner"]], pa.string()),
            "ordered_at": pa.array(biz.stamps(orders["ordered_day"])),
            "revenue": pa.array(orders["revenue_cents"] / 100.0),
            "discount": pa.array(orders["discount_cents"] / 100.0),
            "cost_of_goods": pa.array(orders["cost_cents"] / 100.0, mask=orders["cost_missing"]),
            "currency": pa.array(np.full(len(orders["owner"]), CURRENCY, dtype=object), pa.string()),
            "status": pa.array(np.where(orders["cancelled"], "cancelled", "completed"), pa.string()),
            "change_requests": pa.array(orders["change_requests"].astype(np.int64)),
            "promised_at": pa.array(biz.stamps(orders["promised_day"])),
            "delivered_at": pa.array(biz.stamps(orders["delivered_day"]), mask=~orders["is_delivered"]),
        }
    )


# --------------------------------------------------------------------------------------------
# Returns and invoices


def _returns_table(biz: _Business, orders: dict[str, np.ndarray], rng: np.random.Generator) -> pa.Table:
    owner = orders["owner"]
    code = biz.type_code[owner]
    return_share = PARAMS.uniform(rng, "return_share", biz.type_code)[owner]
    returned_day = orders["delivered_day"] + rng.uniform(1, 25, len(owner))
    chosen = orders["is_delivered"] & (rng.random(len(owner)) < return_share) & (returned_day < biz.horizon)
    rows = np.flatnonzero(chosen)
    code = code[rows]
    defective = rng.random(len(rows)) < PARAMS.value("return_defective", code)
    full = rng.random(len(rows)) < PARAMS.value("return_full_amount", code)
    revenue = orders["revenue_cents"][rows]
    amount = np.where(full, revenue, np.floor(revenue * rng.uniform(0.3, 0.9, len(rows)))).astype(np.int64)
    reason = np.where(
        defective,
        _choice(rng, RETURN_REASONS[True], len(rows)),
        _choice(rng, RETURN_REASONS[False], len(rows)),
    )
    reason_missing = rng.random(len(rows)) < 0.1
    when = _during_hours(rng, returned_day[rows], 9, 18)
    chronological = np.argsort(when, kind="stable")
    rows, when, amount, defective, reason, reason_missing = (
        a[chronological] for a in (rows, when, amount, defective, reason, reason_missing)
    )
    return pa.table(
        {
            "return_id": pa.array(_ids("R", len(rows), 7), pa.string()),
            "order_id": pa.array(orders["order_id"][rows], pa.string()),
            "customer_id": pa.array(biz.customer_ids[owner[rows]], pa.string()),
            "returned_at": pa.array(biz.stamps(when)),
            "amount": pa.array(amount / 100.0),
            "defective": _bool_array(defective),
            "reason": pa.array(np.where(reason_missing, None, reason), pa.string()),
        }
    )


def _invoices_table(biz: _Business, orders: dict[str, np.ndarray], rng: np.random.Generator) -> pa.Table:
    rows = np.flatnonzero(~orders["cancelled"])  # one invoice per completed order
    owner = orders["owner"][rows]
    code = biz.type_code[owner]
    issued = orders["ordered_day"][rows]
    due = issued + INVOICE_TERMS_DAYS
    amount = orders["revenue_cents"][rows]
    m = len(rows)

    in_trouble_window = (PARAMS.value("payment_trouble_window", code) == "any") | (
        issued < biz.horizon - OLD_TROUBLE_DAYS
    )
    late_share = np.where(in_trouble_window, PARAMS.value("late_payment_share", code), 0.03)
    late_low, late_high = PARAMS.low_high("late_payment_days", code)
    late_low, late_high = np.where(in_trouble_window, late_low, 1), np.where(in_trouble_window, late_high, 20)
    late = rng.random(m) < late_share
    paid = np.where(
        late, due + late_low + rng.random(m) * (late_high - late_low), issued + rng.uniform(0, 29, m)
    )
    past_due = due < biz.horizon
    unpaid = past_due & (rng.random(m) < PARAMS.value("unpaid_share", code)) & in_trouble_window

    # Written off: a customer's chosen number of invoices, among those long overdue.
    write_offs = PARAMS.integers(rng, "written_off_invoices", biz.type_code)[owner]
    eligible = (due < biz.horizon - 60) & (write_offs > 0)
    candidates = np.flatnonzero(eligible)
    written_off = np.zeros(m, dtype=bool)
    rank = _rank_in_group(owner[candidates], rng.random(len(candidates)))
    written_off[candidates[rank < write_offs[candidates]]] = True

    unpaid |= written_off | (paid >= biz.horizon)
    paid_at = _during_hours(rng, np.minimum(paid, biz.horizon - 1), 8, 20)
    amount_paid_missing = unpaid | (rng.random(m) < MISSING_AMOUNT_PAID_SHARE)
    return pa.table(
        {
            "invoice_id": pa.array(_ids("I", m, 7), pa.string()),
            "customer_id": pa.array(biz.customer_ids[owner], pa.string()),
            "issued_at": pa.array(biz.stamps(issued)),
            "due_at": pa.array(biz.stamps(due)),
            "amount": pa.array(amount / 100.0),
            "paid_at": pa.array(biz.stamps(paid_at), mask=unpaid),
            "amount_paid": pa.array(amount / 100.0, mask=amount_paid_missing),
            "written_off": _bool_array(written_off),
        }
    )


# --------------------------------------------------------------------------------------------
# Tickets, incidents, engagement


def _tickets_table(biz: _Business, rng: np.random.Generator) -> pa.Table:
    code, n = biz.type_code, biz.n
    start = biz.signup_day.astype(float)
    years = (biz.activity_end - start) / 365.0
    ticket_rate = PARAMS.value("ticket_rate", code)
    parts = []  # (owner, day, kind, substantiated code 1/0/-1, minutes, subjects key)

    def add(counts, low, high, kind, substantiated_p, minutes_low, minutes_high, subjects):
        owner, days = _scatter(rng, counts, low, high)
        k = len(owner)
        if substantiated_p is None:
            judged = np.full(k, -1)
        else:
            p_true, p_false = substantiated_p
            draw = rng.random(k)
            p_true, p_false = np.broadcast_to(p_true, (n,))[owner], np.broadcast_to(p_false, (n,))[owner]
            judged = np.where(draw < p_true, 1, np.where(draw < p_true + p_false, 0, -1))
        minutes = rng.integers(
            np.broadcast_to(minutes_low, (n,))[owner], np.broadcast_to(minutes_high, (n,))[owner] + 1
        )
        parts.append(
            (
                owner,
                days,
                np.full(k, kind, dtype=object),
                judged,
                minutes,
                np.where(judged == 0, "unfounded", subjects).astype(object),
            )
        )

    usual = (start, biz.activity_end)
    add(rng.poisson(QUESTIONS_PER_YEAR * ticket_rate * years), *usual, "question", None, 3, 15, "question")
    add(rng.poisson(REQUESTS_PER_YEAR * ticket_rate * years), *usual, "request", None, 5, 20, "request")
    add(
        rng.poisson(COMPLAINTS_PER_YEAR * years),
        *usual,
        "complaint",
        BACKGROUND_SUBSTANTIATED,
        10,
        30,
        "complaint",
    )
    add(rng.poisson(PARAMS.value("praise_per_year", code) * years), *usual, "praise", None, 1, 5, "praise")

    low, high = biz.window(
        PARAMS.value("complaint_window", code), PARAMS.uniform(rng, "complaint_lookback_days", code)
    )
    p_true, p_false = PARAMS.low_high("complaint_substantiated", code)
    minutes_low, minutes_high = PARAMS.low_high("complaint_minutes", code)
    add(
        PARAMS.integers(rng, "planted_complaints", code),
        low,
        high,
        "complaint",
        (p_true, p_false),
        minutes_low.astype(np.int64),
        minutes_high.astype(np.int64),
        "complaint",
    )

    owner, days, kind, judged, minutes, subject_key = (np.concatenate(c) for c in zip(*parts, strict=True))
    opened = _during_hours(rng, days, 7, 23)
    hours_to_close = rng.exponential(np.where(kind == "complaint", 48.0, 8.0))
    closed = opened + (hours_to_close + minutes / 60.0) / 24.0
    subject = np.empty(len(owner), dtype=object)
    for key, options in SUBJECTS.items():
        rows = np.flatnonzero(subject_key == key)
        subject[rows] = _choice(rng, options, len(rows))
    channel = _choice(rng, CHANNELS, len(owner), CHANNEL_WEIGHTS)

    chronological = np.lexsort((owner, opened))
    owner, opened, closed, kind, judged, minutes, subject, channel = (
        a[chronological] for a in (owner, opened, closed, kind, judged, minutes, subject, channel)
    )
    return pa.table(
        {
            "ticket_id": pa.array(_ids("T", len(owner), 7), pa.string()),
            "customer_id": pa.array(biz.customer_ids[owner], pa.string()),
            "opened_at": pa.array(biz.stamps(opened)),
            "closed_at": pa.array(biz.stamps(closed), mask=closed >= biz.horizon),
            "channel": pa.array(channel, pa.string()),
            "kind": pa.array(kind, pa.string()),
            "handle_minutes": pa.array(minutes.astype(np.int64)),
            "substantiated": _bool_array(judged == 1, judged < 0),
            "subject": pa.array(subject, pa.string()),
        }
    )


def _incidents_table(biz: _Business, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Incidents, and which customers carry the values_conflict tag (set together: tag and/or incident)."""
    code, n = biz.type_code, biz.n
    counts = PARAMS.integers(rng, "incident_count", code)
    tagged = rng.random(n) < PARAMS.value("values_conflict_tag", code)
    # A values-conflict customer without an incident is known by the tag.
    tagged |= (counts == 0) & (PARAMS.value("values_conflict_tag", code) > 0)
    low, high = biz.window(
        PARAMS.value("incident_window", code), PARAMS.uniform(rng, "incident_lookback_days", code)
    )
    owner, days = _scatter(rng, counts, low, high)
    planted_counts = np.bincount(owner, minlength=n)
    first = _first_in_group(planted_counts)
    kinds = [CUSTOMER_TYPES[name].incident_kinds or ("policy_abuse",) for name in TYPE_NAMES]
    kind = _pick_by_type(rng, code[owner], kinds)
    confirmed_share = PARAMS.value("incident_confirmed", code[owner])
    confirmed = (rng.random(len(owner)) < confirmed_share) | (first & (confirmed_share >= 0.8))

    # Now and then anyone gets an unconfirmed note about bending a policy.
    noise_owner, noise_days = _scatter(
        rng,
        (rng.random(n) < BACKGROUND_POLICY_ABUSE).astype(np.int64),
        biz.signup_day.astype(float),
        np.full(n, biz.horizon),
    )
    owner = np.concatenate([owner, noise_owner])
    when = _during_hours(rng, np.concatenate([days, noise_days]), 8, 22)
    kind = np.concatenate([kind, np.full(len(noise_owner), "policy_abuse", dtype=object)])
    confirmed = np.concatenate([confirmed, np.zeros(len(noise_owner), bool)])
    note = np.empty(len(owner), dtype=object)
    for key, options in INCIDENT_NOTES.items():
        rows = np.flatnonzero(kind == key)
        note[rows] = _choice(rng, options, len(rows))
    reported_by = _choice(rng, STAFF, len(owner))

    chronological = np.lexsort((owner, when))
    owner, when, kind, confirmed, reported_by, note = (
        a[chronological] for a in (owner, when, kind, confirmed, reported_by, note)
    )
    table = pa.table(
        {
            "incident_id": pa.array(_ids("X", len(owner), 6), pa.string()),
            "customer_id": pa.array(biz.customer_ids[owner], pa.string()),
            "occurred_at": pa.array(biz.stamps(when)),
            "kind": pa.array(kind, pa.string()),
            "confirmed": _bool_array(confirmed),
            "reported_by": pa.array(reported_by, pa.string()),
            "note": pa.array(note, pa.string()),
        }
    )
    return table, tagged


def _engagement_table(biz: _Business, subscribed: np.ndarray, rng: np.random.Generator) -> pa.Table:
    code, n, horizon = biz.type_code, biz.n, biz.horizon
    start = biz.signup_day.astype(float)
    end = biz.activity_end
    rate = PARAMS.value("engagement_rate", code)
    ending = PARAMS.value("ending", code)
    parts = []  # (owner, day, kind, score)

    def add(owner, days, kind, score=None):
        parts.append(
            (
                owner,
                days,
                np.full(len(owner), kind, dtype=object),
                np.full(len(owner), -1) if score is None else score,
            )
        )

    subscribe_day = start + rng.uniform(0, 2, n)
    subscribed = subscribed & (subscribe_day < horizon)
    # Slipping and lapsed customers tend to unsubscribe as they drift away; others rarely do.
    drifting_from = np.where(ending == "lapsed", end - 120, horizon - SLOWDOWN_DAYS)
    unsubscribe_low = np.where(ending == "active", subscribe_day, np.maximum(subscribe_day, drifting_from))
    unsubscribes = subscribed & (rng.random(n) < PARAMS.value("unsubscribe", code))
    unsubscribe_day = unsubscribe_low + rng.random(n) * np.maximum(
        np.minimum(end, horizon) - unsubscribe_low, 0
    )
    unsubscribes &= unsubscribe_day < horizon
    mail_end = np.where(unsubscribes, unsubscribe_day, end)
    mail_years = np.where(subscribed, np.maximum(mail_end - subscribe_day, 0) / 365.0, 0.0)
    years = (end - start) / 365.0

    rows = np.flatnonzero(subscribed)
    add(rows, subscribe_day[rows], "newsletter_subscribe")
    rows = np.flatnonzero(unsubscribes)
    add(rows, unsubscribe_day[rows], "newsletter_unsubscribe")
    add(
        *_scatter(rng, rng.poisson(OPENS_PER_YEAR * rate * mail_years), subscribe_day, mail_end), "email_open"
    )
    add(
        *_scatter(rng, rng.poisson(CLICKS_PER_YEAR * rate * mail_years), subscribe_day, mail_end),
        "email_click",
    )
    add(*_scatter(rng, rng.poisson(VISITS_PER_YEAR * rate * years), start, end), "visit")
    follows = rng.random(n) < 0.15 * np.minimum(rate, 2.0)
    follow_owner, follow_day = _scatter(rng, follows.astype(np.int64), start, end)
    add(follow_owner, follow_day, "social_follow")
    like_counts = np.where(follows, rng.poisson(LIKES_PER_YEAR * rate * years), 0)
    follow_at = np.full(n, horizon)
    follow_at[follow_owner] = follow_day
    add(*_scatter(rng, like_counts, follow_at, end), "social_like")
    survey_owner, survey_day = _scatter(rng, rng.choice(3, size=n, p=(0.5, 0.35, 0.15)), start, end)
    score = PARAMS.integers(rng, "survey_score", code[survey_owner])
    add(survey_owner, survey_day, "survey", score)

    owner, days, kind, score = (np.concatenate(c) for c in zip(*parts, strict=True))
    at = days.copy()
    timed = kind != "newsletter_subscribe"  # subscribe happens at signup, any hour
    at[timed] = _during_hours(rng, days[timed], 6, 24)
    chronological = np.lexsort((owner, at))
    owner, at, kind, score = (a[chronological] for a in (owner, at, kind, score))
    return pa.table(
        {
            "customer_id": pa.array(biz.customer_ids[owner], pa.string()),
            "at": pa.array(biz.stamps(np.minimum(at, horizon - 1 / 1440))),
            "kind": pa.array(kind, pa.string()),
            "score": pa.array(score.astype(np.int64), mask=score < 0),
        }
    )


# --------------------------------------------------------------------------------------------
# Assembly and output


def _generate_arrow(n_customers: int, seed: int, as_of: date) -> tuple[dict[str, pa.Table], pa.Table]:
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    # One independent stream per table, so changing one generator leaves the others' data alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    biz = _make_business(n_customers, as_of, streams[0])
    orders = _orders(biz, streams[1])  # also settles each customer's activity_end
    customers, subscribed = _customers_table(biz, streams[2])
    incidents, tagged = _incidents_table(biz, streams[3])
    tables = {
        "customers": _with_values_conflict_tags(customers, tagged),
        "orders": _orders_table(biz, orders),
        "returns": _returns_table(biz, orders, streams[4]),
        "invoices": _invoices_table(biz, orders, streams[5]),
        "tickets": _tickets_table(biz, streams[6]),
        "incidents": incidents,
        "engagement": _engagement_table(biz, subscribed, streams[7]),
    }
    for name, table in tables.items():
        expected = TABLES[name].names
        if table.column_names != expected:
            raise AssertionError(f"{name}: columns {table.column_names} differ from the contract {expected}")
    truth = pa.table(
        {
            "customer_id": pa.array(biz.customer_ids, pa.string()),
            "customer_type": pa.array(np.asarray(TYPE_NAMES, dtype=object)[biz.type_code], pa.string()),
        }
    )
    return tables, truth


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False)
    return frame


def generate_tables(
    n_customers: int = 2000, seed: int = 7, as_of: date = date(2026, 6, 30)
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The sample business in memory: ({table name: DataFrame}, truth DataFrame).

    Timestamps are datetime64[s] (naive, UTC), signed_up_at a datetime at 00:00, money float
    with 2 decimals, bools nullable ``boolean``, counts nullable ``Int64``."""
    tables, truth = _generate_arrow(n_customers, seed, as_of)
    return {name: _to_pandas(table) for name, table in tables.items()}, _to_pandas(truth)


def _csv_ready(name: str, table: pa.Table) -> pa.Table:
    """Text the contract asks for: ISO 8601 with a 'T', money with 2 decimals, bools true/false."""
    columns = []
    for column in TABLES[name].columns:
        values = table.column(column.name)
        if pa.types.is_timestamp(values.type):
            values = pc.replace_substring(pc.cast(values, pa.string()), " ", "T")
        elif pa.types.is_date(values.type):
            values = pc.cast(values, pa.string())
        elif column.kind is Kind.MONEY:
            values = pc.cast(values, pa.decimal128(18, 2), safe=False)
        columns.append(values)
    return pa.table(columns, names=table.column_names)


def _write_csv(table: pa.Table, path: Path) -> None:
    # Our text never holds commas, quotes or newlines, so no cell needs quoting; the header is
    # written by hand because Arrow quotes header names regardless.
    buffer = io.BytesIO()
    buffer.write((",".join(table.column_names) + "\n").encode())
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    path.write_bytes(buffer.getvalue())


def generate_sample(
    out_dir: Path,
    n_customers: int = 2000,
    seed: int = 7,
    as_of: date = date(2026, 6, 30),
    fmt: str = "csv",
) -> SampleResult:
    """Write the sample business to out_dir as <table>.csv (or .parquet) plus truth.csv.

    Files are byte-identical for the same n_customers, seed and as_of."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, truth = _generate_arrow(n_customers, seed, as_of)
    paths: dict[str, Path] = {}
    for name in OUTPUT_TABLES:
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            _write_csv(_csv_ready(name, tables[name]), path)
        else:
            pq.write_table(tables[name], path, compression="zstd")
        paths[name] = path
    truth_path = out_dir / "truth.csv"
    _write_csv(truth, truth_path)
    type_names = truth.column("customer_type").to_numpy(zero_copy_only=False)
    return SampleResult(
        out_dir=out_dir,
        paths=paths,
        row_counts={name: tables[name].num_rows for name in OUTPUT_TABLES},
        truth_path=truth_path,
        type_counts={name: int((type_names == name).sum()) for name in TYPE_NAMES},
        seed=seed,
        as_of=as_of,
        fmt=fmt,
    )
