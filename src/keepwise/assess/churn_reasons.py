"""The churn classifier's drivers in words: each reason group phrased with the customer's own figures.

The classifier (``keepwise.models.churn_classifier``) says which groups of features push a customer's
churn risk up, strongest first (``ChurnModel.drivers``); this module turns each group into a fact (a code of
the reasons catalogs and the customer's own figures) that the text layer phrases in en, fa or ru, e.g.
"no purchase for 120 days, 3.2× their usual gap of 38 days".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from keepwise.assess.payment_record import payment_record_codes
from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.positions import positions
from keepwise.metrics.periods import DAYS_PER_MONTH
from keepwise.models.churn_labels import FeatureFrames
from keepwise.text.columns import join_rows
from keepwise.text.phrase import Phraser

if TYPE_CHECKING:  # the classifier's module imports LightGBM; only a fitted model brings it
    from keepwise.models.churn_classifier import ChurnModel

__all__ = ["PHRASES", "churn_reason_facts", "churn_reason_lines", "churn_reason_texts", "churn_reasons", "fact_of"]


@dataclass
class _Phrasing:
    """What a reason fact may need beyond the feature row."""

    trend_months: int
    unsubscribed_at: Mapping[str, pd.Timestamp] | pd.Series  # customer_id -> last unsubscribed


Fact = tuple[str, dict]
# A group's facts for a frame of customers, column by column: (code, mask of the customers it is for,
# {figure: values for every customer}); customers no mask covers have no fact (None).
Facts = list[tuple[str, np.ndarray, dict[str, np.ndarray]]]


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _days(moments: pd.Series) -> np.ndarray:
    """``_day`` of every moment ("NaT" for none), as numpy does it for naive datetimes."""
    if isinstance(moments.dtype, np.dtype) and moments.dtype.kind == "M":
        # Each distinct day written once (numpy writes a date slowly, and customers share days): 1M
        # assessment, 188,598 read customers, all date figures 0.23 -> 0.09 CPU s.
        codes, days = pd.factorize(moments.to_numpy().astype("datetime64[D]").view(np.int64))
        return days.view("datetime64[D]").astype(str)[codes]
    return np.array([_day(value) for value in moments], dtype=object)


def _float(f: pd.DataFrame, column: str) -> np.ndarray:
    return f[column].to_numpy(dtype=float, na_value=np.nan)


def _whole(values: np.ndarray) -> np.ndarray:
    """``int(value)`` of every value (missing values, which no fact shows, as 0)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isnan(values), 0.0, values).astype(np.int64)


def _int(f: pd.DataFrame, column: str) -> np.ndarray:
    return _whole(_float(f, column))


def _rounded(f: pd.DataFrame, column: str) -> np.ndarray:
    """``round(float(value))`` of every value (half to even, like Python's)."""
    return _whole(np.round(_float(f, column)))


def _all(f: pd.DataFrame) -> np.ndarray:
    return np.ones(len(f), dtype=bool)


def _same(f: pd.DataFrame, value) -> np.ndarray:
    return np.full(len(f), value)


# Each driver is a fact: a code of the reasons catalogs (keepwise.text.reasons.<lang>, "churn_*") and the
# customer's figures, named as keepwise.text.phrase formats them (*_day, *_money, *_share, *_decimal).
# Every group is phrased for a frame of customers at once.
def _phrase_recency(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    days = _int(f, "days_since_last_order")
    gap = _float(f, "mean_purchase_gap_days")
    with np.errstate(invalid="ignore", divide="ignore"):
        usual = gap > 0
        ratio = days / gap
    return [("churn_recency", usual, {"days": days, "ratio_decimal": ratio, "gap": _whole(np.round(gap))}),
            ("churn_recency_once", ~usual, {"days": days, "last_day": _days(f["last_order_at"])})]


def _phrase_spend(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    last, prior, months = _float(f, "revenue_last_period"), _float(f, "revenue_prior_period"), ctx.trend_months
    with np.errstate(invalid="ignore", divide="ignore"):
        before = prior > 0
        change = last / prior - 1.0
    down = change < 0
    new = ~before & (last > 0)
    changed = {"change_share": np.abs(change), "months": _same(f, months), "last_money": last, "prior_money": prior}
    return [("churn_spend_down", before & down, changed), ("churn_spend_up", before & ~down, changed),
            ("churn_spend_new", new, {"last_money": last, "months": _same(f, months)}),
            ("churn_spend_none", ~before & ~new, {"months": _same(f, 2 * months)})]


def _phrase_orders(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_orders", _all(f), {"n": _int(f, "orders_last_period"), "months": _same(f, ctx.trend_months),
                                       "prior": _rounded(f, "orders_prior_period")})]


def _phrase_rhythm(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    once = _float(f, "n_purchase_days") <= 1
    return [("churn_rhythm_once", once, {}),
            ("churn_rhythm", ~once, {"n": _rounded(f, "n_purchase_days"), "gap": _rounded(f, "mean_purchase_gap_days")})]


def _phrase_tenure(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    since = f["first_order_at"].where(f["first_order_at"].notna(), f["signed_up_at"])
    return [("churn_tenure", _all(f), {"days": _rounded(f, "tenure_days"), "since_day": _days(since)})]


def _phrase_discounts(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    deep = _float(f, "n_deep_discount_orders") > 0
    return [("churn_deep_discounts", deep, {"deep_share": _float(f, "deep_discount_order_share"),
                                            "n": _int(f, "n_deep_discount_orders"), "orders": _int(f, "n_orders")}),
            ("churn_discounts", ~deep & (_float(f, "discount") > 0), {"discount_share": _float(f, "discount_share")})]


def _phrase_fickle(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    """Cancelled and changed orders; a kind of which there is none is not named ("0 cancelled orders and ...")."""
    fickle = _float(f, "n_fickle_orders") != 0
    cancelled, changed = _int(f, "n_cancelled"), _int(f, "n_orders_changed")
    last = _days(f["last_fickle_at"])
    return [("churn_fickle", fickle & (cancelled != 0) & (changed != 0),
             {"cancelled": cancelled, "changed": changed, "last_day": last}),
            ("churn_fickle_cancelled", fickle & (cancelled != 0) & (changed == 0),
             {"cancelled": cancelled, "last_day": last}),
            ("churn_fickle_changed", fickle & (cancelled == 0), {"changed": changed, "last_day": last})]


def _phrase_deliveries(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_deliveries", _float(f, "n_late") != 0, {
        "n": _int(f, "n_late"), "total": _int(f, "n_delivered"), "last_day": _days(f["last_late_at"])})]


def _phrase_returns(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_returns", _float(f, "n_returns") != 0, {
        "n": _int(f, "n_returns"), "amount_money": _float(f, "returned_amount"),
        "revenue_share": _float(f, "return_share_of_revenue"), "defective": _int(f, "n_defective_returns")})]


def _phrase_complaints(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    complained = _float(f, "n_complaints") > 0
    return [("churn_complaints", complained, {"n": _int(f, "n_complaints"), "fault": _int(f, "n_complaints_substantiated"),
                                              "last_day": _days(f["last_complaint_at"])}),
            ("churn_tickets", ~complained & (_float(f, "n_tickets") > 0), {
                "n": _int(f, "n_tickets"), "minutes": _rounded(f, "handle_minutes")})]


def _phrase_payments(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    """The payment record as the bad payer flag's evidence tells it (``assess.payment_record``)."""
    late, written_off = _int(f, "n_paid_late") + _int(f, "n_unpaid_overdue"), _int(f, "n_written_off")
    overdue, lost = _float(f, "overdue_unpaid_amount"), _float(f, "written_off_amount")
    invoices, last = _int(f, "n_invoices"), _days(f["last_payment_problem_at"])
    records = payment_record_codes(late, written_off, overdue, lost)
    figures = {"late": late, "invoices": invoices, "last_day": last, "overdue_money": overdue, "written_off_money": lost}
    alone, written_off_only = records[-1]
    return [*((code, record, figures) for code, record in records[:-1]),
            (alone, written_off_only, {"n": written_off, "invoices": invoices, "last_day": last, "amount_money": lost})]


INCIDENT_KINDS = ("abuse_of_staff", "fraud", "chargeback", "unethical_request", "policy_abuse", "values_conflict")


def _phrase_incidents(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    counts = np.column_stack([_float(f, f"n_{kind}") for kind in INCIDENT_KINDS])
    found = counts > 0
    latest = pd.concat([f[f"last_{kind}_at"].where(found[:, k]) for k, kind in enumerate(INCIDENT_KINDS)], axis=1)
    return [("churn_incidents", found.any(axis=1), {"n": _whole(np.where(found, counts, 0.0).sum(axis=1)),
                                                    "last_day": _days(latest.max(axis=1))})]


def _phrase_unsubscribed(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    unsubscribed = f["unsubscribed"].fillna(True).astype(bool).to_numpy()
    at = ctx.unsubscribed_at
    if not isinstance(at, pd.Series):
        at = pd.Series(at, dtype=object)
    where = positions(f["customer_id"], at.index) if len(at) else np.full(len(f), -1)
    known = where >= 0
    # Only known customers' days are phrased (churn_unsubscribed_on); the others' stay "NaT".
    days = np.full(len(f), "NaT", dtype=object)
    if known.any():
        days[known] = _days(pd.to_datetime(at.iloc[where[known]]).reset_index(drop=True))
    return [("churn_unsubscribed", unsubscribed & ~known, {}),
            ("churn_unsubscribed_on", unsubscribed & known, {"at_day": days})]


def _phrase_survey(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_survey", f["last_survey_score"].notna().to_numpy(), {
        "score": _rounded(f, "last_survey_score"), "at_day": _days(f["last_survey_at"])})]


def _phrase_engagement(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    none = _float(f, "n_engagement_events") == 0
    return [("churn_no_engagement", none, {}), ("churn_engagement", ~none, {"n": _int(f, "n_engagement_events")})]


def _phrase_marketing(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_opted_out", ~f["marketing_opt_in"].fillna(True).astype(bool).to_numpy(), {})]


def _phrase_value(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_value", _all(f), {"revenue_money": _float(f, "revenue"), "profit_money": _float(f, "profit")})]


def _phrase_cost(f: pd.DataFrame, ctx: _Phrasing) -> Facts:
    return [("churn_cost", _all(f), {"cost_money": _float(f, "cost_to_serve")})]


# A group whose fact is None for a customer is the *absence* of an event (never complained, never
# returned anything): that is no evidence a person could act on, so it is not given as a reason.
PHRASES: dict[str, Callable[[pd.DataFrame, _Phrasing], Facts]] = {
    "recency": _phrase_recency,
    "spend_trend": _phrase_spend,
    "order_trend": _phrase_orders,
    "rhythm": _phrase_rhythm,
    "tenure": _phrase_tenure,
    "discounts": _phrase_discounts,
    "fickle": _phrase_fickle,
    "deliveries": _phrase_deliveries,
    "returns": _phrase_returns,
    "complaints": _phrase_complaints,
    "payments": _phrase_payments,
    "incidents": _phrase_incidents,
    "unsubscribed": _phrase_unsubscribed,
    "survey": _phrase_survey,
    "engagement": _phrase_engagement,
    "marketing": _phrase_marketing,
    "value": _phrase_value,
    "cost": _phrase_cost,
}


def _phrase_other(feature: str, values: np.ndarray) -> Facts:
    """A feature no template knows (a column added to customer_features later): name and value."""
    values = np.asarray(values, dtype=float)
    return [("churn_other", np.ones(len(values), dtype=bool),
             {"feature": np.full(len(values), feature, dtype=object), "value_decimal": values})]


def fact_of(group: str, row: pd.Series, ctx: _Phrasing) -> Fact | None:
    """One customer's fact for ``group`` (``row``: their features), None when there is none."""
    frame = pd.DataFrame([row]).reset_index(drop=True)
    for code, mask, values in PHRASES[group](frame, ctx):
        if mask[0]:
            return code, {name: column.astype(object)[0] for name, column in values.items()}
    return None


def _unsubscribed_at(ds: Dataset, as_of: date) -> pd.Series:
    """The day each customer last unsubscribed from the newsletter, by customer_id (those who did).

    All customers: an IN list of thousands of ids costs ibis seconds to compile, and the phrases look
    their customers up by id (``_phrase_unsubscribed``), so the others' rows are never read. The
    features hold only whether a customer is unsubscribed (the last newsletter event), not when."""
    engagement = ds.table("engagement")
    unsubscribes = engagement.filter(
        (engagement.kind == "newsletter_unsubscribe") & (engagement.at <= end_of_day(as_of))
    )
    last = unsubscribes.group_by("customer_id").aggregate(at=unsubscribes.at.max()).to_pyarrow().to_pandas()
    return last["at"].set_axis(pd.Index(last["customer_id"]))


@dataclass
class _Reasons:
    """Every requested customer's reasons as facts: the customers (``ids``, each once, in the order asked)
    with their number of facts (``counts``), and the facts kind by kind (code, the customers' positions in
    ``ids``, each fact's place in its customer's list, figures), customers of a kind in ``ids`` order."""

    ids: list[str]
    counts: np.ndarray
    kinds: list[tuple[str, np.ndarray, np.ndarray, dict[str, np.ndarray]]]


def _chosen(order: np.ndarray, pushing: np.ndarray, names: list[str], present: dict[str, np.ndarray], top: int):
    """For every customer's groups (row i of ``order``: indices into ``names``, strongest first, of which
    the first ``pushing[i]`` count) the first ``top`` that have a fact: per group, the customers (rows)
    and places; and every customer's number of facts. Array work over all customers' groups at once, not
    a Python loop per customer and group."""
    lengths = np.asarray(pushing, dtype=np.int64)
    counted = np.arange(order.shape[1])[None, :] < lengths[:, None]
    group = order[counted].astype(np.int64)  # row-major: each customer's groups in order, customer by customer
    row = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    wanted = np.flatnonzero(np.bincount(group, minlength=len(names)))
    # Whether each group has a fact for each customer (False for groups no customer counts), read at once.
    facts = np.zeros((len(names), len(lengths)), dtype=bool)
    for index in wanted.tolist():
        facts[index] = present[names[index]]
    has = facts[group, row]
    seen = np.cumsum(has)  # facts up to and including this entry, over all customers
    before = np.concatenate(([0], seen))[np.cumsum(lengths) - lengths]  # facts before the customer's first
    place = seen - has - before[row]
    keep = has & (place < top)
    counts = np.bincount(row[keep], minlength=len(lengths))
    ranked = np.argsort(group[keep], kind="stable")  # by group, customers in order within each
    rows, places, kept = row[keep][ranked], place[keep][ranked], group[keep][ranked]
    bounds = np.searchsorted(kept, np.arange(len(names) + 1))
    chosen = {names[k]: (rows[bounds[k]:bounds[k + 1]], places[bounds[k]:bounds[k + 1]]) for k in wanted.tolist()}
    return chosen, counts


def _reason_columns(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str], top: int | None,
                    frames: FeatureFrames | None) -> _Reasons:
    top = model.config.top_reasons if top is None else top
    drivers = model.drivers(ds, as_of, customer_ids, frames=frames)
    ids = list(drivers.requested)
    counts = np.zeros(len(ids), dtype=np.int64)
    if not ids:
        return _Reasons(ids, counts, [])
    position = {customer_id: place for place, customer_id in enumerate(ids)}
    kinds: list[tuple[str, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = []
    since, never = [], []  # never bought: signed up on a known day, or not
    for customer_id, row in drivers.never_bought.items():
        signed_up = row["signed_up_at"]
        (since if pd.notna(signed_up) else never).append((position[customer_id], signed_up))
    if since:
        kinds.append(("churn_no_purchase_since", np.array([at for at, _ in since], dtype=np.int64),
                      np.zeros(len(since), dtype=np.int64),
                      {"signup_day": np.array([_day(signed_up) for _, signed_up in since], dtype=object)}))
    if never:
        kinds.append(("churn_no_purchase", np.array([at for at, _ in never], dtype=np.int64),
                      np.zeros(len(never), dtype=np.int64), {}))
    counts[[at for at, _ in since + never]] = 1
    frame = drivers.rows.frame
    if frame.empty:
        return _Reasons(ids, counts, kinds)
    bought = frame["customer_id"]
    # Which groups a customer has a fact for; each group's facts computed for its customers only.
    months = round(model.settings.features.trend_period_days / DAYS_PER_MONTH)
    counted = np.arange(drivers.order.shape[1])[None, :] < np.asarray(drivers.pushing)[:, None]
    wanted = [drivers.group_names[index] for index in np.unique(drivers.order[counted]).tolist()]
    needs_unsubscribed = "unsubscribed" in wanted and frame["unsubscribed"].fillna(True).astype(bool).any()
    ctx = _Phrasing(months, _unsubscribed_at(ds, as_of) if needs_unsubscribed else {})
    facts: dict[str, Facts] = {
        group: PHRASES[group](frame, ctx) if group in PHRASES else _phrase_other(group, drivers.inputs[group].to_numpy())
        for group in wanted
    }
    present = {group: np.logical_or.reduce([mask for _, mask, _ in found]) for group, found in facts.items()}
    chosen, bought_counts = _chosen(drivers.order, drivers.pushing, drivers.group_names, present, top)
    at_ids = positions(bought, ids)
    counts[at_ids] = bought_counts
    for group, found in facts.items():
        rows, places = chosen[group]
        for code, mask, values in found:
            keep = mask[rows]
            if not keep.any():
                continue
            at = rows[keep]
            kinds.append((code, at_ids[at], places[keep], {name: column[at] for name, column in values.items()}))
    return _Reasons(ids, counts, kinds)


def churn_reason_facts(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str],
                       top: int | None = None, *, frames: FeatureFrames | None = None) -> dict[str, list[Fact]]:
    """Up to ``top`` reasons per requested customer as facts (catalog code, figures), strongest first.

    A reason is a group of related features whose contributions together push this customer's churn
    risk *up* (``ChurnModel.drivers``), with the customer's own figures; a group whose fact is None for
    this customer is skipped. Unknown ids get an empty list.
    """
    reasons = _reason_columns(model, ds, as_of, customer_ids, top, frames)
    result: list[list] = [[None] * count for count in reasons.counts.tolist()]
    for code, customers, places, values in reasons.kinds:
        columns = {name: column.astype(object) for name, column in values.items()}
        for index, (customer, place) in enumerate(zip(customers.tolist(), places.tolist(), strict=True)):
            result[customer][place] = (code, {name: column[index] for name, column in columns.items()})
    return dict(zip(reasons.ids, result, strict=True))


def _combinations(values: dict[str, np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The first row of each distinct combination of figures, in order of first appearance, and each
    row's combination; None when most rows are distinct (phrasing them all is then cheaper)."""
    key = np.zeros(size, dtype=np.int64)
    distinct = 1
    for column in values.values():
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        if column.dtype == object and len(uniques) and pd.isna(uniques).any():
            return None  # None and NaN are one value to factorize, not to the phraser
        key, combined = pd.factorize(key * len(uniques) + codes)
        distinct = len(combined)
        if distinct > size // 2:
            return None
    _, first = np.unique(key, return_index=True)  # key numbers combinations in order of first appearance
    return first, key


def _phrased(phraser: Phraser, code: str, values: dict[str, np.ndarray], size: int) -> pa.Array:
    """``phraser.phrase_texts`` of a kind's facts, each distinct combination of figures phrased once.

    The texts are the same: a text depends on its row's figures alone, and the rows phrased keep the
    order in which each figure first appears (the phraser formats each distinct figure once, as it first sees it).
    """
    combinations = _combinations(values, size) if values else None
    if combinations is None:
        return phraser.phrase_texts(code, values, size)
    first, combination = combinations
    texts = phraser.phrase_texts(code, {name: column[first] for name, column in values.items()}, len(first))
    return texts.take(pa.array(combination))


def _phrased_kinds(model: ChurnModel, reasons: _Reasons, lang: str):
    """Every kind of ``reasons`` phrased in ``lang``: (customers, places, texts) kind by kind."""
    phraser = Phraser(lang, model.settings.general.currency)
    return [(customers, places, _phrased(phraser, code, values, len(customers)))
            for code, customers, places, values in reasons.kinds]


def _texts(model: ChurnModel, reasons: _Reasons, lang: str) -> list[list[str]]:
    """Every customer's reasons phrased in ``lang``, in ``reasons.ids`` order."""
    slots = np.empty((len(reasons.ids), int(reasons.counts.max(initial=0))), dtype=object)
    for customers, places, texts in _phrased_kinds(model, reasons, lang):
        slots[customers, places] = texts.to_numpy(zero_copy_only=False)
    return [row[:count] for row, count in zip(slots.tolist(), reasons.counts.tolist(), strict=True)]


def churn_reason_lines(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str],
                       separator: str, *, frames: FeatureFrames | None = None,
                       lang: str = "en") -> tuple[list[str], np.ndarray, pa.Array]:
    """``churn_reason_texts`` with each customer's texts joined by ``separator`` as an Arrow column
    (``keepwise.text.columns``): the requested customers (each once, in order), their number of
    reasons, and the joined texts ("" for none), with no Python text made per customer."""
    reasons = _reason_columns(model, ds, as_of, customer_ids, None, frames)
    kinds = _phrased_kinds(model, reasons, lang)
    # A customer's texts in the order of their places: place by place, each kind's customers at that place.
    parts = []
    for place in range(int(reasons.counts.max(initial=0))):
        for customers, places, texts in kinds:
            at = places == place
            if at.any():
                parts.append((customers[at], texts.filter(pa.array(at))))
    return reasons.ids, reasons.counts, join_rows(len(reasons.ids), parts, separator)


def churn_reason_texts(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str],
                       top: int | None = None, *, frames: FeatureFrames | None = None,
                       lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """``churn_reasons`` as two lists: the requested customers (each once, in order) and their texts."""
    reasons = _reason_columns(model, ds, as_of, customer_ids, top, frames)
    return reasons.ids, _texts(model, reasons, lang)


def churn_reasons(model: ChurnModel, ds: Dataset, as_of: date, customer_ids: Iterable[str], top: int | None = None,
                  *, frames: FeatureFrames | None = None, lang: str = "en") -> dict[str, list[str]]:
    """``churn_reason_facts`` phrased in ``lang`` by the text layer (keepwise.text.phrase): each code
    phrased for all its customers at once (``Phraser.phrase_texts``), each distinct combination of
    figures once."""
    ids, texts = churn_reason_texts(model, ds, as_of, customer_ids, top, frames=frames, lang=lang)
    return dict(zip(ids, texts, strict=True))
