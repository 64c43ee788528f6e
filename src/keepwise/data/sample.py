"""``keepwise sample``: a synthetic business in the data contract, with planted customer types.

Every customer is given one planted type (the truth, written to ``truth.csv`` beside the
data) and behaves as that type does: how often and how much they buy, how they pay,
return, complain, behave towards staff and engage. The per-type behaviour is one table
of parameters (``CUSTOMER_TYPES``); the generators below are vectorised over all customers
at once (``np.repeat`` of per-customer counts, cumulative sums of purchase gaps), so
100,000 customers and their ~1.5M orders take well under a minute.

Time is handled internally as float days since ``as_of - HISTORY_DAYS``; every event lies
strictly before ``as_of`` 00:00, so it is "before the as-of date" under either reading of
a date-only as-of. Money is handled as integer cents so sums and "return <= revenue" are exact.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from keepwise.data.schema import (
    ENGAGEMENT_KINDS,
    INCIDENT_KINDS,
    ORDER_STATUSES,
    TABLES,
    TICKET_CHANNELS,
    TICKET_KINDS,
    TICKET_SEVERITIES,
    Kind,
)

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

CHANNEL_WEIGHTS = (0.35, 0.2, 0.2, 0.05, 0.15, 0.05)  # in TICKET_CHANNELS order
# Severity of complaints and of other tickets, in TICKET_SEVERITIES order.
COMPLAINT_SEVERITY_WEIGHTS = (0.2, 0.5, 0.25, 0.05)
OTHER_SEVERITY_WEIGHTS = (0.5, 0.45, 0.05, 0.0)
# Mean hours until staff first answer a complaint / another ticket (exponential; capped at closing).
FIRST_RESPONSE_MEAN_HOURS = (6.0, 12.0)
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
# Names as written, with "=latin" where the e-mail address needs a transliteration and "_" for a space.
FIRST_NAMES = {
    "en": "Emma Liam Olivia Noah Ava Lucas Mia Finn Sophie Sean Grace Daniel Chloe Jack Ella Ruth Oscar Hannah",
    "fa": "مریم=maryam علی=ali سارا=sara رضا=reza نگار=negar امید=omid لیلا=leila بهرام=bahram",
    "ru": "Анна=anna Иван=ivan Ольга=olga Дмитрий=dmitri Мария=maria Сергей=sergei Елена=elena Павел=pavel",
}
LAST_NAMES = {
    "en": "Murphy Jansen Smith Müller=mueller Dubois Kelly de_Vries=devries Walsh Peeters Schmidt Byrne Bakker",
    "fa": "احمدی=ahmadi رضایی=rezaei کریمی=karimi حسینی=hosseini موسوی=mousavi تهرانی=tehrani",
    "ru": "Иванова=ivanova Смирнов=smirnov Кузнецова=kuznetsova Попов=popov Соколова=sokolova Волков=volkov",
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


# --------------------------------------------------------------------------------------------
# Small vectorised helpers


def _ids(prefix: str, count: int, min_width: int) -> pa.Array:
    width = max(min_width, len(str(count)))
    numbers = pc.cast(pa.array(np.arange(1, count + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width=width, padding="0"), "")


def _labels(options: Sequence[str], codes: np.ndarray) -> pa.Array:
    """Strings from integer codes into options (null where the code is negative), built in Arrow
    so millions of rows never become Python objects."""
    codes = np.asarray(codes, dtype=np.int32)
    indices = pa.array(codes, mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(options), pa.string())).dictionary_decode()


class _Vocabulary:
    """Several named groups of strings in one list, so rows can hold one integer code each."""

    def __init__(self, groups: dict) -> None:
        self.words: list[str] = []
        self.start: dict = {}
        self.size: dict = {}
        for key, words in groups.items():
            self.start[key], self.size[key] = len(self.words), len(words)
            self.words.extend(words)

    def draw(self, rng: np.random.Generator, keys: np.ndarray) -> np.ndarray:
        """For each row, the code of a random word from the group named by that row's key."""
        codes = np.full(len(keys), -1, dtype=np.int64)
        for key in self.start:
            rows = np.flatnonzero(keys == key)
            codes[rows] = self.start[key] + rng.integers(0, self.size[key], len(rows))
        return codes

    def labels(self, codes: np.ndarray) -> pa.Array:
        return _labels(self.words, codes)


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


def _draw(rng: np.random.Generator, size: int, weights: Sequence[float]) -> np.ndarray:
    """Codes 0..len(weights)-1 with the given relative weights."""
    return rng.choice(len(weights), size=size, p=np.asarray(weights) / np.sum(weights))


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


def _split_names(names: str) -> tuple[list[str], list[str]]:
    """'Müller=mueller de_Vries=devries Smith' -> (as written, latin spelling for e-mail addresses)."""
    written, latin = [], []
    for token in names.split():
        shown, _, spelled = token.partition("=")
        written.append(shown.replace("_", " "))
        latin.append((spelled or shown).lower())
    return written, latin


def _name_codes(rng: np.random.Generator, language_code: np.ndarray, names: dict[str, str]):
    """A random name per customer from their language's list: (codes, written list, latin list)."""
    written, latin, codes = [], [], np.empty(len(language_code), dtype=np.int64)
    for code, language in enumerate(LANGUAGES):
        shown, spelled = _split_names(names[language])
        rows = np.flatnonzero(language_code == code)
        codes[rows] = len(written) + rng.integers(0, len(shown), len(rows))
        written += shown
        latin += spelled
    return codes, written, latin


def _customers_table(
    biz: _Business, tagged_values_conflict: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Table, np.ndarray]:
    """The customers table, and which customers subscribed to the newsletter."""
    n, code = biz.n, biz.type_code
    language = _draw(rng, n, LANGUAGE_WEIGHTS)
    first, first_written, first_latin = _name_codes(rng, language, FIRST_NAMES)
    last, last_written, last_latin = _name_codes(rng, language, LAST_NAMES)
    name = pc.binary_join_element_wise(_labels(first_written, first), _labels(last_written, last), " ")
    number = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    domain = _labels(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), n))
    email = pc.binary_join_element_wise(
        _labels(first_latin, first), ".", _labels(last_latin, last), number, "@", domain, ""
    )
    email = pc.if_else(pa.array(rng.random(n) < 0.02), pa.scalar(None, pa.string()), email)
    countries = _Vocabulary({language: COUNTRIES[language][0] for language in LANGUAGES})
    country_code = np.empty(n, dtype=np.int64)
    for index, language_name in enumerate(LANGUAGES):
        rows = np.flatnonzero(language == index)
        options_weights = COUNTRIES[language_name][1]
        country_code[rows] = countries.start[language_name] + _draw(rng, len(rows), options_weights)

    # Referrals: a referrer signed up on an earlier day; loyal customers are named far more often.
    weight = PARAMS.value("referral_weight", code).astype(float)
    cumulative = np.cumsum(weight)
    earlier = np.searchsorted(biz.signup_day, biz.signup_day, side="left")  # customers before that day
    referred = (rng.random(n) < 0.18) & (earlier > 0)
    draw = rng.random(n) * np.where(earlier > 0, cumulative[np.maximum(earlier - 1, 0)], 0.0)
    referrer = np.minimum(np.searchsorted(cumulative, draw, side="right"), np.maximum(earlier - 1, 0))

    opt_draw = rng.random(n)
    marketing_opt_in = opt_draw < 0.85
    opt_in_missing = opt_draw > 0.97
    subscribed = marketing_opt_in & ~opt_in_missing & (rng.random(n) < 0.75)

    vip = rng.random(n) < PARAMS.value("vip_tag", code)
    tag_code = np.where(vip, 0, -1) + np.where(tagged_values_conflict, 2, 0)  # -1: no tags
    table = pa.table(
        {
            "customer_id": biz.customer_ids,
            "name": name,
            "email": email,
            "language": _labels(LANGUAGES, language),
            "country": countries.labels(country_code),
            "signed_up_at": pa.array(biz.origin.astype("datetime64[D]") + biz.signup_day, pa.date32()),
            "referred_by": biz.customer_column(referrer, ~referred),
            "marketing_opt_in": _bool_array(marketing_opt_in, opt_in_missing),
            "tags": _labels(("vip", "values_conflict", "vip;values_conflict"), tag_code),
        }
    )
    return table, subscribed


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
    # Gamma gaps with mean mean_gap; drawn per distinct shape (a handful), which is far faster than
    # passing a shape per row.
    gaps = np.empty(len(owner))
    row_shape = shape[owner]
    for value in np.unique(shape):
        rows = np.flatnonzero(row_shape == value)
        gaps[rows] = rng.standard_gamma(value, len(rows)) * mean_gap[owner[rows]] / value
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
    completed, cancelled = ORDER_STATUSES.index("completed"), ORDER_STATUSES.index("cancelled")
    return pa.table(
        {
            "order_id": orders["order_id"],
            "customer_id": biz.customer_column(orders["owner"]),
            "ordered_at": pa.array(biz.stamps(orders["ordered_day"])),
            "revenue": pa.array(orders["revenue_cents"] / 100.0),
            "discount": pa.array(orders["discount_cents"] / 100.0),
            "cost_of_goods": pa.array(orders["cost_cents"] / 100.0, mask=orders["cost_missing"]),
            "currency": _labels((CURRENCY,), np.zeros(len(orders["owner"]))),
            "status": _labels(ORDER_STATUSES, np.where(orders["cancelled"], cancelled, completed)),
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
    returned_day = orders["delivered_day"] + rng.uniform(1, 25, len(owner))
    returnable = np.flatnonzero(orders["is_delivered"] & (returned_day < biz.horizon))
    # Each customer returns their share of their returnable orders (stochastically rounded), chosen at
    # random: a quota rather than a coin per order, so a planted return share shows even on few orders.
    return_share = PARAMS.uniform(rng, "return_share", biz.type_code)
    returnable_count = np.bincount(owner[returnable], minlength=biz.n)
    quota = np.floor(return_share * returnable_count + rng.random(biz.n)).astype(np.int64)
    rank = _rank_in_group(owner[returnable], rng.random(len(returnable)))
    rows = np.sort(returnable[rank < quota[owner[returnable]]])
    code = code[rows]
    defective = rng.random(len(rows)) < PARAMS.value("return_defective", code)
    full = rng.random(len(rows)) < PARAMS.value("return_full_amount", code)
    revenue = orders["revenue_cents"][rows]
    amount = np.where(full, revenue, np.floor(revenue * rng.uniform(0.3, 0.9, len(rows)))).astype(np.int64)
    reasons = _Vocabulary(RETURN_REASONS)
    reason = np.where(rng.random(len(rows)) < 0.1, -1, reasons.draw(rng, defective))
    when = _during_hours(rng, returned_day[rows], 9, 18)
    chronological = np.argsort(when, kind="stable")
    rows, when, amount, defective, reason = (
        a[chronological] for a in (rows, when, amount, defective, reason)
    )
    return pa.table(
        {
            "return_id": _ids("R", len(rows), 7),
            "order_id": orders["order_id"].take(pa.array(rows)),
            "customer_id": biz.customer_column(owner[rows]),
            "returned_at": pa.array(biz.stamps(when)),
            "amount": pa.array(amount / 100.0),
            "defective": _bool_array(defective),
            "reason": reasons.labels(reason),
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
    usual = CUSTOMER_TYPES[REMAINDER_TYPE]
    late_share = np.where(
        in_trouble_window, PARAMS.value("late_payment_share", code), usual.late_payment_share
    )
    late_low, late_high = PARAMS.low_high("late_payment_days", code)
    late_low = np.where(in_trouble_window, late_low, usual.late_payment_days[0])
    late_high = np.where(in_trouble_window, late_high, usual.late_payment_days[1])
    late = rng.random(m) < late_share
    # A customer planted as a late payer shows it from their first invoice on, however few they have.
    first_invoice = _rank_in_group(owner, issued) == 0
    late |= first_invoice & in_trouble_window & (late_share >= 0.5)
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
            "invoice_id": _ids("I", m, 7),
            "customer_id": biz.customer_column(owner),
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


@dataclass
class _Rows:
    """Columns of event rows gathered from several sources before they are sorted into a table."""

    parts: dict[str, list[np.ndarray]]

    @classmethod
    def empty(cls, *names: str) -> _Rows:
        return cls({name: [] for name in names})

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.parts[name].append(np.asarray(values))

    def chronological(self, time_column: str) -> dict[str, np.ndarray]:
        """All rows, by time (then owner, for a stable order)."""
        joined = {name: np.concatenate(values) for name, values in self.parts.items()}
        order = np.lexsort((joined["owner"], joined[time_column]))
        return {name: values[order] for name, values in joined.items()}


def _judgement(rng: np.random.Generator, p_true: np.ndarray, p_false: np.ndarray) -> np.ndarray:
    """Per complaint: 1 = substantiated, 0 = not, -1 = not judged."""
    draw = rng.random(len(p_true))
    return np.where(draw < p_true, 1, np.where(draw < p_true + p_false, 0, -1))


def _tickets_table(biz: _Business, rng: np.random.Generator) -> pa.Table:
    code, n = biz.type_code, biz.n
    start = biz.signup_day.astype(float)
    years = (biz.activity_end - start) / 365.0
    ticket_rate = PARAMS.value("ticket_rate", code)
    subjects = _Vocabulary(SUBJECTS)
    rows = _Rows.empty("owner", "day", "kind", "judged", "minutes", "subject_key")

    def add(counts, low, high, kind, minutes_low, minutes_high, p_true=None, p_false=None):
        owner, days = _scatter(rng, counts, low, high)
        judged = np.full(len(owner), -1) if p_true is None else _judgement(rng, p_true[owner], p_false[owner])
        subject_key = np.where(judged == 0, "unfounded", kind)  # unfounded complaints read differently
        minutes = rng.integers(minutes_low[owner], minutes_high[owner] + 1)
        rows.add(
            owner=owner,
            day=days,
            kind=np.full(len(owner), TICKET_KINDS.index(kind)),
            judged=judged,
            minutes=minutes,
            subject_key=subject_key,
        )

    def constant(value) -> np.ndarray:
        return np.full(n, value)

    usual = (start, biz.activity_end)
    add(rng.poisson(QUESTIONS_PER_YEAR * ticket_rate * years), *usual, "question", constant(3), constant(15))
    add(rng.poisson(REQUESTS_PER_YEAR * ticket_rate * years), *usual, "request", constant(5), constant(20))
    background_true, background_false = BACKGROUND_SUBSTANTIATED
    add(
        rng.poisson(COMPLAINTS_PER_YEAR * years),
        *usual,
        "complaint",
        constant(10),
        constant(30),
        constant(background_true),
        constant(background_false),
    )
    praise = rng.poisson(PARAMS.value("praise_per_year", code) * years)
    add(praise, *usual, "praise", constant(1), constant(5))

    lookback = PARAMS.uniform(rng, "complaint_lookback_days", code)
    low, high = biz.window(PARAMS.value("complaint_window", code), lookback)
    minutes_low, minutes_high = (m.astype(np.int64) for m in PARAMS.low_high("complaint_minutes", code))
    add(
        PARAMS.integers(rng, "planted_complaints", code),
        low,
        high,
        "complaint",
        minutes_low,
        minutes_high,
        *PARAMS.low_high("complaint_substantiated", code),
    )

    ticket = rows.chronological("day")
    opened = _during_hours(rng, ticket["day"], 7, 23)
    is_complaint = ticket["kind"] == TICKET_KINDS.index("complaint")
    hours_to_close = rng.exponential(np.where(is_complaint, 48.0, 8.0))
    closed = opened + (hours_to_close + ticket["minutes"] / 60.0) / 24.0
    count = len(opened)
    # Severity and first response come from a generator of their own, so adding them left every
    # other table of a seed as it was.
    extra = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    severity = np.where(
        is_complaint,
        _draw(extra, count, COMPLAINT_SEVERITY_WEIGHTS),
        _draw(extra, count, OTHER_SEVERITY_WEIGHTS),
    )
    mean_response = np.where(is_complaint, *FIRST_RESPONSE_MEAN_HOURS)
    first_response = np.minimum(opened + extra.exponential(mean_response) / 24.0, closed)
    return pa.table(
        {
            "ticket_id": _ids("T", count, 7),
            "customer_id": biz.customer_column(ticket["owner"]),
            "opened_at": pa.array(biz.stamps(opened)),
            "closed_at": pa.array(biz.stamps(closed), mask=closed >= biz.horizon),
            "channel": _labels(TICKET_CHANNELS, _draw(rng, count, CHANNEL_WEIGHTS)),
            "kind": _labels(TICKET_KINDS, ticket["kind"]),
            "handle_minutes": pa.array(ticket["minutes"].astype(np.int64)),
            "substantiated": _bool_array(ticket["judged"] == 1, ticket["judged"] < 0),
            "subject": subjects.labels(subjects.draw(rng, ticket["subject_key"])),
            "severity": _labels(TICKET_SEVERITIES, severity),
            "first_response_at": pa.array(biz.stamps(first_response), mask=first_response >= biz.horizon),
        }
    )


def _incidents_table(biz: _Business, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Incidents, and which customers carry the values_conflict tag (set together: tag and/or incident)."""
    code, n = biz.type_code, biz.n
    counts = PARAMS.integers(rng, "incident_count", code)
    tag_share = PARAMS.value("values_conflict_tag", code)
    # A values-conflict customer without an incident is known by the tag.
    tagged = (rng.random(n) < tag_share) | ((counts == 0) & (tag_share > 0))
    lookback = PARAMS.uniform(rng, "incident_lookback_days", code)
    owner, days = _scatter(rng, counts, *biz.window(PARAMS.value("incident_window", code), lookback))
    kind = np.full(len(owner), -1)
    for type_code, type_name in enumerate(TYPE_NAMES):
        allowed = [INCIDENT_KINDS.index(k) for k in CUSTOMER_TYPES[type_name].incident_kinds]
        mine = np.flatnonzero(code[owner] == type_code)
        if allowed:
            kind[mine] = np.asarray(allowed)[rng.integers(0, len(allowed), len(mine))]
    confirmed_share = PARAMS.value("incident_confirmed", code[owner])
    # Types that are "mostly confirmed" always have at least their first incident confirmed.
    first = _first_in_group(np.bincount(owner, minlength=n))
    confirmed = (rng.random(len(owner)) < confirmed_share) | (first & (confirmed_share >= 0.8))

    # Now and then anyone else gets an unconfirmed note about bending a policy.
    # Types with an incident story of their own (reformed, values_conflict, ...) get no extra ones.
    has_story = PARAMS.low_high("incident_count", code)[1] > 0
    noisy = ((rng.random(n) < BACKGROUND_POLICY_ABUSE) & ~has_story).astype(np.int64)
    noise_owner, noise_days = _scatter(rng, noisy, biz.signup_day.astype(float), np.full(n, biz.horizon))
    rows = _Rows.empty("owner", "day", "kind", "confirmed")
    rows.add(owner=owner, day=days, kind=kind, confirmed=confirmed)
    rows.add(
        owner=noise_owner,
        day=noise_days,
        kind=np.full(len(noise_owner), INCIDENT_KINDS.index("policy_abuse")),
        confirmed=np.zeros(len(noise_owner), bool),
    )
    incident = rows.chronological("day")
    count = len(incident["owner"])
    notes = _Vocabulary(INCIDENT_NOTES)
    kind_names = np.asarray(INCIDENT_KINDS)[incident["kind"]]
    table = pa.table(
        {
            "incident_id": _ids("X", count, 6),
            "customer_id": biz.customer_column(incident["owner"]),
            "occurred_at": pa.array(biz.stamps(_during_hours(rng, incident["day"], 8, 22))),
            "kind": _labels(INCIDENT_KINDS, incident["kind"]),
            "confirmed": _bool_array(incident["confirmed"]),
            "reported_by": _labels(STAFF, rng.integers(0, len(STAFF), count)),
            "note": notes.labels(notes.draw(rng, kind_names)),
        }
    )
    return table, tagged


def _engagement_table(biz: _Business, subscribed: np.ndarray, rng: np.random.Generator) -> pa.Table:
    code, n, horizon = biz.type_code, biz.n, biz.horizon
    start = biz.signup_day.astype(float)
    end = biz.activity_end
    rate = PARAMS.value("engagement_rate", code)
    ending = PARAMS.value("ending", code)
    rows = _Rows.empty("owner", "day", "kind", "score")

    def add(owner, days, kind, score=None):
        no_score = np.full(len(owner), -1)
        rows.add(
            owner=owner,
            day=days,
            kind=np.full(len(owner), ENGAGEMENT_KINDS.index(kind)),
            score=no_score if score is None else score,
        )

    subscribe_day = start + rng.uniform(0, 2, n)
    subscribed = subscribed & (subscribe_day < horizon)
    # Slipping and lapsed customers tend to unsubscribe as they drift away; others rarely do.
    drifting_from = np.where(ending == "lapsed", end - 120, horizon - SLOWDOWN_DAYS)
    unsubscribe_low = np.where(ending == "active", subscribe_day, np.maximum(subscribe_day, drifting_from))
    unsubscribes = subscribed & (rng.random(n) < PARAMS.value("unsubscribe", code))
    unsubscribe_day = unsubscribe_low + rng.random(n) * np.maximum(end - unsubscribe_low, 0)
    unsubscribes &= unsubscribe_day < horizon
    mail_end = np.where(unsubscribes, unsubscribe_day, end)
    mail_years = np.where(subscribed, np.maximum(mail_end - subscribe_day, 0) / 365.0, 0.0)
    years = (end - start) / 365.0

    subscriber = np.flatnonzero(subscribed)
    add(subscriber, subscribe_day[subscriber], "newsletter_subscribe")
    leaver = np.flatnonzero(unsubscribes)
    add(leaver, unsubscribe_day[leaver], "newsletter_unsubscribe")
    opens = rng.poisson(OPENS_PER_YEAR * rate * mail_years)
    add(*_scatter(rng, opens, subscribe_day, mail_end), "email_open")
    clicks = rng.poisson(CLICKS_PER_YEAR * rate * mail_years)
    add(*_scatter(rng, clicks, subscribe_day, mail_end), "email_click")
    add(*_scatter(rng, rng.poisson(VISITS_PER_YEAR * rate * years), start, end), "visit")
    follows = rng.random(n) < 0.15 * np.minimum(rate, 2.0)
    follow_owner, follow_day = _scatter(rng, follows.astype(np.int64), start, end)
    add(follow_owner, follow_day, "social_follow")
    follow_at = np.full(n, horizon)
    follow_at[follow_owner] = follow_day
    likes = np.where(follows, rng.poisson(LIKES_PER_YEAR * rate * years), 0)
    add(*_scatter(rng, likes, follow_at, end), "social_like")
    survey_owner, survey_day = _scatter(rng, rng.choice(3, size=n, p=(0.5, 0.35, 0.15)), start, end)
    add(survey_owner, survey_day, "survey", PARAMS.integers(rng, "survey_score", code[survey_owner]))

    event = rows.chronological("day")
    at = event["day"].copy()
    timed = event["kind"] != ENGAGEMENT_KINDS.index("newsletter_subscribe")  # sign-up time: any hour
    at[timed] = _during_hours(rng, at[timed], 6, 24)
    return pa.table(
        {
            "customer_id": biz.customer_column(event["owner"]),
            "at": pa.array(biz.stamps(np.minimum(at, horizon - 1 / 1440))),
            "kind": _labels(ENGAGEMENT_KINDS, event["kind"]),
            "score": pa.array(event["score"].astype(np.int64), mask=event["score"] < 0),
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
    incidents, tagged_values_conflict = _incidents_table(biz, streams[3])
    customers, subscribed = _customers_table(biz, tagged_values_conflict, streams[2])
    tables = {
        "customers": customers,
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
            raise RuntimeError(f"{name}: columns {table.column_names} differ from the contract {expected}")
    truth = pa.table(
        {
            "customer_id": biz.customer_ids,
            "customer_type": _labels(TYPE_NAMES, biz.type_code),
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
        # A table in the other format left from an earlier run would make the folder ambiguous.
        (out_dir / f"{name}.{'parquet' if fmt == 'csv' else 'csv'}").unlink(missing_ok=True)
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
