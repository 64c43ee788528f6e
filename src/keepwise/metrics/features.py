"""Per-customer features: one row per customer, every figure traceable to the records behind it.

``customer_features`` builds a single ibis expression (no pandas, nothing executed), so the
same pipeline runs on DuckDB today and on any other ibis backend later. The caller executes it.

Every input table is aggregated per customer on its own and left-joined onto ``customers``, so
customers without orders (or without any other events) still get a row, with zero counts and
empty dates. The joins form one flat chain and every output column (zero-filling and derived
figures alike) is defined in ONE projection over it, so the SQL is a single ``SELECT ... FROM
customers LEFT JOIN ...`` over the eight aggregates, small and quick to compile. The expression
is built once per dataset and settings with its dates as ``ibis.param`` parameters; each call
substitutes the dates of its ``as_of``. On DuckDB ``customer_feature_frame`` compiles it to SQL once,
with the dates as parameters of the statement, and runs that statement per date.

Cost to serve follows the contract's "Default costs" (docs/contract.md), one column per component so that every cost
can be traced: ``cost_staff``, ``cost_returns``, ``cost_changes``, ``cost_late_payment`` and
``cost_write_offs``; ``cost_to_serve`` is their sum and ``profit = revenue - cost_of_goods -
cost_to_serve``.

The business's own failures are *inside* those totals, because the contract defines cost to serve
as all staff time and all returns: it is what the customer really cost. They are also split out
(``cost_staff_business_fault`` for staff time on substantiated complaints,
``cost_returns_business_fault`` for defective returns, summed in ``cost_business_fault``), and
``profit_customer_view = profit + cost_business_fault`` is the profit the customer would have
brought had the business not failed. The assessment judges customers on the latter, so a customer
is never blamed for the business's own mistakes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from keepwise.config import Settings
from keepwise.data.days import end_of_day
from keepwise.data.detached import detached_frame
from keepwise.data.loader import Dataset
from keepwise.data.schema import FEATURE_TABLES, INCIDENT_KINDS, TABLES
from keepwise.metrics.day_bitmaps import (
    BITMAP_WINDOW_DAYS,
    BITMAPS_PER_ROW,
    day_bit,
    day_bitmaps,
    day_window,
    days_in,
)

__all__ = [
    "FEATURE_COLUMNS",
    "customer_feature_frame",
    "customer_features",
    "execute_features",
    "invoice_lateness",
]

# Incident kinds get a confirmed count and first/last dates each: n_<kind>, first_<kind>_at, last_<kind>_at.
INCIDENT_FEATURES = tuple(
    f"{prefix}{kind}{suffix}"
    for kind in INCIDENT_KINDS
    for prefix, suffix in (("n_", ""), ("first_", "_at"), ("last_", "_at"))
)

# The customers table's own columns, as they are.
CUSTOMER_COLUMNS = ("customer_id", "language", "country", "signed_up_at", "referred_by", "marketing_opt_in", "tags")
FEATURE_COLUMNS = (
    # customers
    *CUSTOMER_COLUMNS,
    "tag_values_conflict",
    # orders
    "n_orders",
    "n_cancelled",
    "n_orders_all",
    "first_order_at",
    "last_order_at",
    "days_since_last_order",
    "tenure_days",
    "n_purchase_days",
    "mean_purchase_gap_days",
    "revenue",
    "list_price",
    "discount",
    "cost_of_goods",
    "gross_margin",
    "discount_share",
    "n_deep_discount_orders",
    "deep_discount_order_share",
    "revenue_last_period",
    "revenue_prior_period",
    "orders_last_period",
    "orders_prior_period",
    # the purchase model's summary (keepwise.models.summary): see _order_features and _build
    "repeat_revenue",
    "n_purchase_days_before_holdout",
    "last_order_at_before_holdout",
    "change_requests",
    "n_orders_changed",
    "n_fickle_orders",
    "n_fickle_orders_recent",
    "n_orders_all_recent",
    "first_fickle_at",
    "last_fickle_at",
    # deliveries
    "n_delivered",
    "n_late",
    "late_share",
    "first_late_at",
    "last_late_at",
    # returns
    "n_returns",
    "returned_amount",
    "n_defective_returns",
    "defective_returned_amount",
    "n_non_defective_returns",
    "non_defective_returned_amount",
    "return_share_of_revenue",
    "non_defective_return_share",
    "n_non_defective_returns_recent",
    "first_non_defective_return_at",
    "last_non_defective_return_at",
    "first_defective_return_at",
    "last_defective_return_at",
    # tickets
    "n_tickets",
    "n_complaints",
    "n_complaints_substantiated",
    "n_complaints_unsubstantiated",
    "n_complaints_not_judged",
    "n_unfounded_complaints_recent",
    "first_complaint_at",
    "last_complaint_at",
    "first_unfounded_complaint_at",
    "last_unfounded_complaint_at",
    "first_substantiated_complaint_at",
    "last_substantiated_complaint_at",
    "handle_minutes",
    "handle_minutes_substantiated",
    "handle_minutes_unfounded",
    # invoices
    "n_invoices",
    "n_paid_late",
    "n_unpaid_overdue",
    "overdue_unpaid_amount",
    "n_written_off",
    "written_off_amount",
    "late_payment_interest",
    "n_late_payments_recent",
    "n_invoices_recent",
    "n_invoices_due",
    "n_invoices_due_since_problem",
    "first_payment_problem_at",
    "last_payment_problem_at",
    # incidents (confirmed only)
    *INCIDENT_FEATURES,
    "n_incidents_unconfirmed",
    # engagement
    "unsubscribed",
    "last_survey_score",
    "last_survey_at",
    "n_engagement_events",
    # referrals
    "n_referrals",
    # money
    "cost_staff",
    "cost_returns",
    "cost_changes",
    "cost_late_payment",
    "cost_write_offs",
    "cost_to_serve",
    "cost_staff_business_fault",
    "cost_returns_business_fault",
    "cost_business_fault",
    "profit",
    "profit_customer_view",
)


class _Moments(NamedTuple):
    """The points in time a feature table depends on, as ibis scalars (parameters or literals).

    ``end`` is the last moment of as_of (events up to it count), ``day`` the as_of date itself;
    events after ``recent`` are "recent" (the last ``recent_days``), and the trend periods are
    (``last_start``, ``end``] and (``prior_start``, ``last_start``]. ``holdout_end`` is the last moment
    before the purchase model's held-out days (``[clv] holdout_days``, :func:`holdout_day`).
    """

    end: ir.TimestampScalar
    day: ir.DateScalar
    recent: ir.TimestampScalar
    last_start: ir.TimestampScalar
    prior_start: ir.TimestampScalar
    holdout_end: ir.TimestampScalar


def holdout_day(as_of: date, settings: Settings) -> date:
    """The last day before the held-out days on which the purchase model is chosen (the last
    ``[clv] holdout_days`` up to ``as_of``): the candidates are fitted on the orders up to it."""
    return as_of - timedelta(days=settings.clv.holdout_days)


def _moment_values(as_of: date, settings: Settings) -> dict[str, date | datetime]:
    """The Python values of ``_Moments`` for ``as_of``."""
    config = settings.features

    def end_of_day_before(days: int) -> datetime:
        return end_of_day(as_of - timedelta(days=days))

    return {
        "end": end_of_day_before(0),
        "day": as_of,
        "recent": end_of_day_before(config.recent_days),
        "last_start": end_of_day_before(config.trend_period_days),
        "prior_start": end_of_day_before(2 * config.trend_period_days),
        "holdout_end": end_of_day(holdout_day(as_of, settings)),
    }


def _days(later: ir.Value, earlier: ir.Value) -> ir.IntegerValue:
    """Whole calendar days from ``earlier`` to ``later`` (dates or timestamps)."""
    later = later.date() if isinstance(later, ir.TimestampValue) else later
    earlier = earlier.date() if isinstance(earlier, ir.TimestampValue) else earlier
    return later.delta(earlier, unit="day")


def _count(table: ir.Table, condition: ir.BooleanValue) -> ir.IntegerValue:
    """How many rows of ``table`` (per group) meet ``condition`` (null = no).

    ``COUNT(*) FILTER (WHERE ...)``: a BIGINT, where ``SUM(CASE ... 1 ELSE 0)`` would be a 128-bit
    integer that DuckDB holds and hands to Arrow at twice the size (34 such columns: ~0.5 GB at
    1,000,000 customers) and that ibis then converts to int64, one more copy."""
    return table.count(where=condition)


# Amounts are summed as exact decimals: a sum of doubles depends on the order the engine adds them
# in, so DuckDB and Spark (or two Spark partitionings) would differ in the last bits, and the churn
# classifier's splits can turn such a difference into a visibly different risk. Six decimals keep
# every cent, minute fraction and interest accrual; 28 digits keep amounts in any currency.
EXACT = dt.Decimal(28, 6)


def _total(value: ir.NumericValue, where: ir.BooleanValue | None = None) -> ir.FloatingValue:
    """The sum of ``value`` per group (of the rows meeting ``where``), the same whatever order the engine
    adds in."""
    return value.cast(EXACT).sum(where=where).cast("float64")


def _amount(condition: ir.BooleanValue, value: ir.NumericValue) -> ir.FloatingValue:
    """The sum of ``value`` over the rows meeting ``condition``; null for a group without such rows (or
    only nulls), which ``_build`` fills with 0 like any group without events.

    ``SUM(...) FILTER (WHERE ...)`` on DuckDB: a row that does not count neither is cast to a decimal
    nor reaches its group's sum, where ``SUM(CASE WHEN ... ELSE 0)`` adds a zero for it (at 1,000,000
    customers: three revenue sums over 14.7M orders 2.9 -> 2.5 s CPU, the invoices' aggregate 5.3-5.9 ->
    4.7-4.8 s with the interest summed this way too)."""
    return _total(value, where=condition)


def _first(condition: ir.BooleanValue, moment: ir.TimestampValue) -> ir.TimestampValue:
    return moment.min(where=condition)


def _last(condition: ir.BooleanValue, moment: ir.TimestampValue) -> ir.TimestampValue:
    return moment.max(where=condition)


def _purchase_days(ds: Dataset, purchases: ir.Table, until: ir.TimestampScalar
                   ) -> tuple[dict[str, ir.Scalar], Callable[[ir.Table], ir.Table]]:
    """The number of distinct days with an order of ``purchases`` (the completed orders) per customer, and of
    those up to the day of ``until``: the aggregates to add to the customers' aggregate of ``purchases``,
    and a function that turns that aggregate into one with the two counts as ``n_purchase_days`` and
    ``n_purchase_days_before_holdout`` instead.

    On DuckDB as day bitmaps (``keepwise.metrics.day_bitmaps``), aggregates of the customer's own row,
    where ``COUNT(DISTINCT day)`` materialises the orders and aggregates them again by (customer, day):
    the orders' aggregate took 14.2 instead of 16.3 s CPU at 1,000,000 customers (14.7M orders) and
    about 8% less at 100,000. Both counts read the same bitmaps. The days are counted from the day before
    the first order of the data, whatever the as-of date, so that one expression serves every date.

    A history longer than ``BITMAPS_PER_ROW`` windows, or another backend, counts the distinct (customer,
    day) pairs, joined on: two ``COUNT(DISTINCT ...)`` in the aggregate made Spark copy every order once
    per distinct count (1M customers on Spark ``local[2]``: 296.9 -> 372.3 s)."""
    day = purchases.ordered_at.date()
    if ibis.get_backend(purchases).name == "duckdb":
        span = _order_days(ds)
        if span is not None:
            first, last = span
            windows = (last - first).days // BITMAP_WINDOW_DAYS + 1
            if windows <= BITMAPS_PER_ROW:
                age = day.delta(ibis.literal(first), unit="day")
                bitmaps = day_bitmaps(day_bit(age), day_window(age), windows, "purchase_days")
                last_age = until.date().delta(ibis.literal(first), unit="day")

                def counted(table: ir.Table) -> ir.Table:
                    columns = [table[name] for name in bitmaps]
                    return table.select(*(name for name in table.columns if name not in bitmaps),
                                        n_purchase_days=days_in(columns),
                                        n_purchase_days_before_holdout=days_in(columns, last_age))

                return bitmaps, counted
    daily = purchases.select("customer_id", day=day).distinct()
    days = daily.group_by("customer_id").aggregate(
        n_purchase_days=daily.count(), n_purchase_days_before_holdout=daily.count(where=daily.day <= until.date()))

    def joined(table: ir.Table) -> ir.Table:
        both = table.join(days, table.customer_id == days.customer_id)  # every customer of it has a day
        return both.select(*(table[name] for name in table.columns), days.n_purchase_days,
                           days.n_purchase_days_before_holdout)

    return {}, joined


def _input(ds: Dataset, name: str) -> ir.Table:
    """``ds.table(name)``; for a table the dataset does not hold (``load(only=...)``: ``keepwise metrics`` loads
    no engagement, incidents or touches), an unbound table of the contract's columns standing in for it, so
    that the expression can be built: ``_build`` refuses the columns that would read it."""
    if name in ds.tables:
        return ds.table(name)
    columns = TABLES[name].columns
    return ibis.table(ibis.Schema.from_pyarrow(pa.schema([(c.name, c.kind.arrow_type) for c in columns])), name=name)


def _order_days(ds: Dataset) -> tuple[date, date] | None:
    """The day before the first order of ``ds`` (of any status and date) and the day of its last, or None
    without orders. DuckDB answers from its statistics, without reading the orders. A day's margin: the
    engine's calendar day of the first order may be the day before Python's."""
    orders = ds.table("orders")
    span = orders.aggregate(first=orders.ordered_at.min(), last=orders.ordered_at.max()).to_pyarrow()
    first, last = span.column("first")[0].as_py(), span.column("last")[0].as_py()
    if first is None or last is None:
        return None
    return first.date() - timedelta(days=1), last.date()


def _order_features(ds: Dataset, at: _Moments, settings: Settings) -> tuple[ir.Table, ir.Table]:
    """The orders' features in two aggregates per customer: one over the completed orders (97% of them
    here), with the figures of purchases, and one over the others and the changed ones (11%), with the
    figures of "fickle" orders; ``_build`` adds their counts of all orders up.

    One aggregate over all orders held ~34 aggregate states per order, most behind a ``status =
    'completed'`` filter, and the orders arrive in time order with random customers, so nearly every order
    is a partial state merged later, each state of it: over the completed orders alone the purchase
    figures are plain aggregates, and the fickle ones leave that pass for the small one. At 1,000,000
    customers (14.7M orders, 2 cores, the orders' Parquet view as ``load`` exposes it; three pairs back to
    back): 12.05-13.38 -> 9.99-10.90 s CPU, the small pass (1.3 s, reading the Parquet file again)
    included. (DECIMAL(18,6) sums where every amount fits, chosen from a scan of the amounts, saved ~1.1 s
    on an in-memory table but nothing here.)
    """
    config = settings.features
    orders = ds.table("orders")
    orders = orders.filter(orders.ordered_at <= at.end)
    last_start, prior_start, recent = at.last_start, at.prior_start, at.recent

    done = orders.filter(orders.status == "completed")
    list_price = done.revenue + done.discount
    deep = (list_price > 0) & (done.discount >= config.deep_discount_share * list_price)
    in_last = done.ordered_at > last_start
    in_prior = (done.ordered_at > prior_start) & (done.ordered_at <= last_start)
    delivered = done.delivered_at.notnull()
    late = delivered & done.promised_at.notnull() & (done.delivered_at > done.promised_at)
    days, with_day_counts = _purchase_days(ds, done, at.holdout_end)
    purchases = done.group_by("customer_id").aggregate(
        n_orders=done.count(),
        n_orders_completed_recent=_count(done, done.ordered_at > recent),
        first_order_at=done.ordered_at.min(),
        last_order_at=done.ordered_at.max(),
        revenue=_total(done.revenue),
        list_price=_total(list_price),
        discount=_total(done.discount),
        cost_of_goods=_total(done.cost_of_goods),
        n_deep_discount_orders=_count(done, deep),
        revenue_last_period=_amount(in_last, done.revenue),
        revenue_prior_period=_amount(in_prior, done.revenue),
        orders_last_period=_count(done, in_last),
        orders_prior_period=_count(done, in_prior),
        n_delivered=_count(done, delivered),
        n_late=_count(done, late),
        first_late_at=_first(late, done.delivered_at),
        last_late_at=_last(late, done.delivered_at),
        # What the purchase model's summary reads (keepwise.models.summary): the same scan gives it.
        # (the earliest order's revenue picked as a float and then made exact: the same value, for a smaller
        # aggregate state than a decimal's)
        revenue_after_first_order=(done.revenue.cast(EXACT).sum()
                                   - done.revenue.argmin(done.ordered_at).cast(EXACT)).cast("float64"),
        last_order_at_before_holdout=done.ordered_at.max(where=done.ordered_at <= at.holdout_end),
        **days,
    )
    purchases = with_day_counts(purchases)

    # Orders not completed (cancelled, or without a status), and completed ones with change requests: every
    # order that counts below. A completed order without change requests adds 0 to their sum.
    others = orders.filter(~(orders.status == "completed").fill_null(False) | (orders.change_requests != 0))
    not_completed = ~(others.status == "completed").fill_null(False)
    # A cancelled order or one changed after placing it is a "fickle" event.
    fickle = (others.status == "cancelled") | (others.change_requests > 0)
    changes = others.group_by("customer_id").aggregate(
        n_orders_other=_count(others, not_completed),
        n_orders_other_recent=_count(others, not_completed & (others.ordered_at > recent)),
        n_cancelled=_count(others, others.status == "cancelled"),
        # Change requests on every order, cancelled ones included: the staff work was done.
        # BIGINT in the engine: DuckDB sums integers into 128 bits, which reach Arrow as decimals
        # (and make cost_changes one) for ibis to convert on the way out.
        change_requests=others.change_requests.sum().cast("int64"),
        n_orders_changed=_count(others, others.change_requests > 0),
        n_fickle_orders=_count(others, fickle),
        n_fickle_orders_recent=_count(others, fickle & (others.ordered_at > recent)),
        first_fickle_at=_first(fickle, others.ordered_at),
        last_fickle_at=_last(fickle, others.ordered_at),
    )
    return purchases, changes


def _return_features(ds: Dataset, at: _Moments) -> ir.Table:
    returns = _input(ds, "returns")
    returns = returns.filter(returns.returned_at <= at.end)
    # Unknown defectiveness is not the product's fault on record; it counts as an ordinary return.
    defective = returns.defective.fill_null(False)
    return returns.group_by("customer_id").aggregate(
        n_returns=returns.count(),
        returned_amount=_total(returns.amount),
        n_defective_returns=_count(returns, defective),
        defective_returned_amount=_amount(defective, returns.amount),
        n_non_defective_returns=_count(returns, ~defective),
        non_defective_returned_amount=_amount(~defective, returns.amount),
        n_non_defective_returns_recent=_count(returns, ~defective & (returns.returned_at > at.recent)),
        first_non_defective_return_at=_first(~defective, returns.returned_at),
        last_non_defective_return_at=_last(~defective, returns.returned_at),
        first_defective_return_at=_first(defective, returns.returned_at),
        last_defective_return_at=_last(defective, returns.returned_at),
    )


def _ticket_features(ds: Dataset, at: _Moments) -> ir.Table:
    tickets = _input(ds, "tickets")
    tickets = tickets.filter(tickets.opened_at <= at.end)
    complaint = tickets.kind == "complaint"
    substantiated = complaint & tickets.substantiated.fill_null(False)
    unsubstantiated = complaint & ~tickets.substantiated.fill_null(True)
    not_judged = complaint & tickets.substantiated.isnull()
    # "Unfounded" = not found to be the business's fault: unsubstantiated or never judged.
    unfounded = complaint & ~tickets.substantiated.fill_null(False)
    minutes = tickets.handle_minutes.fill_null(0.0)
    return tickets.group_by("customer_id").aggregate(
        n_tickets=tickets.count(),
        n_complaints=_count(tickets, complaint),
        n_complaints_substantiated=_count(tickets, substantiated),
        n_complaints_unsubstantiated=_count(tickets, unsubstantiated),
        n_complaints_not_judged=_count(tickets, not_judged),
        n_unfounded_complaints_recent=_count(tickets, unfounded & (tickets.opened_at > at.recent)),
        first_complaint_at=_first(complaint, tickets.opened_at),
        last_complaint_at=_last(complaint, tickets.opened_at),
        first_unfounded_complaint_at=_first(unfounded, tickets.opened_at),
        last_unfounded_complaint_at=_last(unfounded, tickets.opened_at),
        first_substantiated_complaint_at=_first(substantiated, tickets.opened_at),
        last_substantiated_complaint_at=_last(substantiated, tickets.opened_at),
        handle_minutes=_total(minutes),
        handle_minutes_substantiated=_amount(substantiated, minutes),
        handle_minutes_unfounded=_amount(unfounded, minutes),
    )


def invoice_lateness(invoices: ir.Table, day: ir.DateScalar | date, rate: float) -> dict[str, ir.Value]:
    """Per invoice, as of ``day``: whether it was paid late, is unpaid past due or written off, its
    unpaid remainder and the late-payment cost it caused (CONTRACT.md "Default costs").

    Interest = overdue amount x yearly ``rate`` x days late / 365, where
    - a paid invoice paid after its due date is late by ``paid_at - due_at`` on the amount paid
      (capped at the invoice amount);
    - an unpaid remainder (amount - amount paid) not written off and past due is late by
      ``day - due_at``;
    - a written-off remainder costs its full amount (``written_off_amount``) and no interest on top,
      so the same money is not counted twice.
    """
    paid = invoices.paid_at.notnull()
    paid_late = paid & (_days(invoices.paid_at, invoices.due_at) > 0)
    paid_amount = ibis.least(invoices.amount_paid.fill_null(0.0), invoices.amount)
    unpaid_amount = ibis.greatest(invoices.amount - invoices.amount_paid.fill_null(0.0), 0.0)
    written_off = invoices.written_off & (unpaid_amount > 0)
    days_overdue_now = _days(day, invoices.due_at)
    overdue_unpaid = ~invoices.written_off & (unpaid_amount > 0) & (days_overdue_now > 0)
    interest_paid_late = paid_late.ifelse(
        paid_amount * rate * _days(invoices.paid_at, invoices.due_at) / 365, 0.0
    )
    interest_overdue = overdue_unpaid.ifelse(unpaid_amount * rate * days_overdue_now / 365, 0.0)
    return {
        "paid_late": paid_late,
        "overdue_unpaid": overdue_unpaid,
        "written_off": written_off,
        "unpaid_amount": unpaid_amount,
        "interest": interest_paid_late + interest_overdue,
        "written_off_amount": written_off.ifelse(unpaid_amount, 0.0),
    }


def _invoice_features(ds: Dataset, at: _Moments, settings: Settings) -> tuple[ir.Table, ir.Table]:
    """Late payments, overdue amounts, write-offs and the late-payment interest they cost
    (``invoice_lateness`` per invoice), and the invoices come due since the last payment problem.

    The per-invoice facts are computed once in a projection that every aggregate reads (written
    inline, each aggregate would repeat the date differences and amounts: half the query's time).
    The invoices due since the last problem need that last problem first: a second, narrow pass
    over the invoices (customer and due date only) against it, where a window over every invoice
    column would carry them all through a join."""
    invoices = _input(ds, "invoices")
    invoices = invoices.filter(invoices.issued_at <= at.end)
    late = invoice_lateness(invoices, at.day, settings.costs.late_payment_yearly_rate)
    facts = invoices.select(
        "customer_id",
        "due_at",
        "paid_at",
        **{name: late[name] for name in ("paid_late", "overdue_unpaid", "written_off", "unpaid_amount", "interest")},
    )
    problem = facts.paid_late | facts.overdue_unpaid | facts.written_off
    recent = at.recent
    per_customer = facts.group_by("customer_id").aggregate(
        n_invoices=facts.count(),
        n_paid_late=_count(facts, facts.paid_late),
        n_unpaid_overdue=_count(facts, facts.overdue_unpaid),
        overdue_unpaid_amount=_amount(facts.overdue_unpaid, facts.unpaid_amount),
        n_written_off=_count(facts, facts.written_off),
        written_off_amount=_amount(facts.written_off, facts.unpaid_amount),
        # Interest is 0 on an invoice neither paid late nor overdue (invoice_lateness): summed over the others only.
        late_payment_interest=_amount(facts.paid_late | facts.overdue_unpaid, facts.interest),
        n_late_payments_recent=_count(facts, (facts.paid_late | facts.overdue_unpaid) & (facts.due_at > recent)),
        n_invoices_recent=_count(facts, facts.due_at > recent),
        n_invoices_due=_count(facts, facts.due_at <= at.end),
        first_payment_problem_at=_first(problem, facts.due_at),
        last_payment_problem_at=_last(problem, ibis.coalesce(facts.paid_at, facts.due_at)),
        # Kept for the pass below (not a feature): the due date of the last invoice with a problem.
        last_problem_due=_last(problem, facts.due_at),
    )
    # Invoices that came due after the last one with a payment problem: the clean record since,
    # against which "the customer pays on time now" is measured (keepwise.assess.change).
    # Only customers with a problem: the others have none of these invoices (and a smaller hash table).
    last_problem = per_customer.select("customer_id", "last_problem_due")
    last_problem = last_problem.filter(last_problem.last_problem_due.notnull())
    due = invoices.select("customer_id", "due_at")
    since = due.inner_join(last_problem, "customer_id")
    since = since.filter((since.due_at <= at.end) & (since.due_at > since.last_problem_due))
    since_problem = since.group_by("customer_id").aggregate(n_invoices_due_since_problem=since.count())
    return per_customer, since_problem


def _incident_features(ds: Dataset, at: _Moments) -> ir.Table:
    incidents = _input(ds, "incidents")
    incidents = incidents.filter(incidents.occurred_at <= at.end)
    columns = {}
    for kind in INCIDENT_KINDS:
        this_kind = incidents.confirmed & (incidents.kind == kind)
        columns[f"n_{kind}"] = _count(incidents, this_kind)
        columns[f"first_{kind}_at"] = _first(this_kind, incidents.occurred_at)
        columns[f"last_{kind}_at"] = _last(this_kind, incidents.occurred_at)
    columns["n_incidents_unconfirmed"] = _count(incidents, ~incidents.confirmed)
    return incidents.group_by("customer_id").aggregate(**columns)


def _engagement_features(ds: Dataset, at: _Moments) -> ir.Table:
    engagement = _input(ds, "engagement")
    engagement = engagement.filter(engagement.at <= at.end)
    newsletter = engagement.kind.isin(("newsletter_subscribe", "newsletter_unsubscribe"))
    survey = (engagement.kind == "survey") & engagement.score.notnull()
    last_newsletter = engagement.kind.argmax(engagement.at, where=newsletter)
    return engagement.group_by("customer_id").aggregate(
        unsubscribed=(last_newsletter == "newsletter_unsubscribe"),
        last_survey_score=engagement.score.argmax(engagement.at, where=survey),
        last_survey_at=_last(survey, engagement.at),
        n_engagement_events=engagement.count(),
    )


def _referral_counts(ds: Dataset) -> ir.Table:
    customers = ds.table("customers")
    referred = customers.filter(customers.referred_by.notnull())
    return referred.group_by(customer_id=referred.referred_by).aggregate(n_referrals=referred.count())


def _safe_share(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator / denominator, 0 when the denominator is 0."""
    return (denominator > 0).ifelse(numerator / denominator.cast("float64"), 0.0)


def customer_features(ds: Dataset, as_of: date, settings: Settings | None = None,
                      columns: Sequence[str] | None = None) -> ir.Table:
    """One row per customer of ``ds``: behaviour, deliveries, money and cost to serve up to ``as_of``.

    Parameters
    ----------
    ds : the loaded data (events after ``as_of`` are ignored even if the dataset still holds them).
    as_of : the day the assessment is made; "days since" figures count whole days to it.
    settings : costs and feature settings; default ``ds.settings``.
    columns : only ``customer_id`` and these (of ``FEATURE_COLUMNS``); the tables none of them reads are
        not read (``_build``).

    Returns an unexecuted ibis table with the columns of ``FEATURE_COLUMNS`` (with ``columns``:
    ``customer_id`` and those): counts and money are 0 for customers without such events, dates are null.

    The expression is built once per dataset and settings with the dates as ``ibis.param``
    parameters, and each call only substitutes the dates of ``as_of`` (as literals, so the result
    executes like any other table): the churn model asks for features at many cutoffs. An expression of
    some ``columns`` is built for the call, with the dates as literals (~0.15 s of Python).
    ``execute_features`` executes the table faster than ``.execute()``, into the same frame.
    """
    settings = settings or ds.settings
    values = _moment_values(as_of, settings)
    template = None if columns is not None else _template(ds, settings)
    if template is None:  # some columns, or settings that cannot key the cache: build directly
        return _build(ds, _Moments(**{name: ibis.literal(value) for name, value in values.items()}), settings,
                      columns)
    bound = {
        getattr(template.params, name).op(): ibis.literal(value, type=getattr(template.params, name).type()).op()
        for name, value in values.items()
    }
    return template.table.op().replace(bound).to_expr()


def execute_features(table: ir.Table) -> pd.DataFrame:
    """Execute a ``customer_features`` table (or a filter of it) into pandas, through Arrow.

    The frame equals ``table.execute()`` (same columns, dtypes and values), but ibis's own pandas
    conversion turns every column holding a null (the ~35 date columns) into Python objects and
    back, which costs more than the query itself on large data (~4 s at 100,000 customers).
    """
    return detached_frame(table.to_pyarrow())


def customer_feature_frame(ds: Dataset, as_of: date, settings: Settings | None = None,
                           columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``customer_features`` executed: the frame every stage after it reads.

    On DuckDB the template's SQL is compiled once, with the dates as parameters of the statement
    (``$end``, ``$day``, ...), and each call runs it with the dates of ``as_of``: compiling the
    expression costs ~0.1-0.2 s a call, a fixed part of the churn model's features at each cutoff.
    The frame is the one ``execute_features(customer_features(...))`` gives.

    With ``columns``, only ``customer_id`` and those: the engine computes no aggregate that none of them
    needs and reads only the tables they need (``customer_features``; at 1,000,000 customers, the
    offboarding window's 19 columns: 9.2 -> 3.7 s, 0.95 -> 0.17 GB). That expression is built and compiled
    for the call (~0.3 s of Python)."""
    settings = settings or ds.settings
    if columns is not None:
        return execute_features(customer_features(ds, as_of, settings, columns))
    template = _template(ds, settings)
    frame = None if template is None or ds.con.name != "duckdb" else template.frame(ds.con, as_of, settings)
    return execute_features(customer_features(ds, as_of, settings)) if frame is None else frame


class _Template:
    """The feature expression of a dataset and settings with ``ibis.param`` dates (``params``), and on
    DuckDB its SQL with the dates as statement parameters, compiled when first run ("" when it cannot be).

    A subset's template names its parent's and which of the parent's tables each of its own stands for
    (``renamed``): its SQL is the parent's with those tables renamed, not compiled again (the same SQL;
    compiling it took ~0.2 s of Python, ~0.6 s beside the purchase model's thread)."""

    def __init__(self, table: ir.Table, params: _Moments, parent: _Template | None = None,
                 renamed: dict[str, str] | None = None):
        self.table = table
        self.params = params
        self._parent = parent
        self._renamed = renamed or {}
        self._tree = None  # the SQL's sqlglot tree; None when it cannot be made
        self._sql: str | None = None

    def tree(self, con):
        """The sqlglot tree of the SQL with the dates as parameters (``_parameterised_tree``), made once;
        None when the SQL cannot take them."""
        if self._sql is None:
            if self._parent is None:
                self._tree = _parameterised_tree(con, self.table, self.params)
            else:
                parent = self._parent.tree(con)
                self._tree = None if parent is None else _renamed_tables(parent, self._renamed)
            self._sql = "" if self._tree is None else self._tree.sql(dialect=con.compiler.dialect)
        return self._tree

    def frame(self, con, as_of: date, settings: Settings) -> pd.DataFrame | None:
        """The frame of the table at ``as_of``, run on DuckDB ``con``; None when the SQL has no parameters."""
        from ibis.backends.duckdb.converter import DuckDBPyArrowData

        self.tree(con)
        if not self._sql:
            return None
        result = con.con.sql(self._sql, params=_moment_values(as_of, settings)).to_arrow_table()
        # ibis's own typing of the result (what ``to_pyarrow`` does), so the frame is the same
        return detached_frame(self.table.__pyarrow_result__(result, data_mapper=DuckDBPyArrowData))


def _renamed_tables(tree, names: dict[str, str]):
    """A copy of the sqlglot ``tree`` where each table named in ``names`` (without a schema) is the one it
    maps to, a quoted name as ibis writes it."""
    import sqlglot.expressions as sge

    def rename(node):
        if isinstance(node, sge.Table) and node.name in names and not node.args.get("db"):
            node = node.copy()
            node.set("this", sge.to_identifier(names[node.name], quoted=True))
        return node

    return tree.transform(rename)


def _parameterised_tree(con, table: ir.Table, params: _Moments):
    """The sqlglot tree of ``table``'s DuckDB SQL where each ``ibis.param`` of ``params`` is the statement
    parameter of its name (``$end``, ...), cast to its type; None if a parameter is not found in it. ibis
    compiles a parameter as the literal of its value: the table is compiled with a distinct stand-in value
    per parameter (in the year 1000 + i), and those literals are replaced in the tree."""
    import sqlglot.expressions as sge

    compiler = con.compiler
    placeholders = {}
    params_values = {}
    for i, (name, param) in enumerate(params._asdict().items()):
        dtype = param.type()
        value = datetime(1000 + i, 1, 1, 1, 1, 1, 1) if dtype.is_timestamp() else date(1000 + i, 1, 1)
        params_values[param] = value
        literal = compiler.visit_node(ibis.literal(value, type=dtype).op(), value=value, dtype=dtype)
        placeholders[literal] = sge.Cast(this=sge.Placeholder(this=name), to=compiler.type_mapper.from_ibis(dtype))
    con._run_pre_execute_hooks(table)
    tree = con.compiler.to_sqlglot(table, params=params_values)
    found = set()

    def substitute(node):
        if node in placeholders:
            found.add(node)
            return placeholders[node].copy()
        return node

    tree = tree.transform(substitute)
    # a stand-in not found (compiled some other way) would stay in the SQL as a date of the year 1000
    return tree if len(found) == len(placeholders) else None


# Built feature expressions, per dataset (by id, dropped with the dataset) and then per input
# tables and settings, with their date parameters.
_TEMPLATES: dict[int, dict[tuple, _Template]] = {}


def _template(ds: Dataset, settings: Settings) -> _Template | None:
    """The feature expression of ``ds`` and ``settings`` with ``ibis.param`` dates, built once.

    A subset's (``Dataset.customers_subset``) is its parent's expression, already built, over the subset's
    tables: building it again cost ~0.2 s at 100,000 customers, replacing the tables ~0.02 s. The same
    figures: the expression depends on the data only through its tables and the orders' day-bitmap origin
    and span (``_order_days``), and the parent's span holds every order of a subset. Its SQL is the parent's
    with the subset's tables for the parent's (``_Template.tree``)."""
    key = _template_key(ds, settings)
    if key is None:
        return None
    per_dataset = _TEMPLATES.get(id(ds))
    if per_dataset is None:
        per_dataset = _TEMPLATES[id(ds)] = {}
        weakref.finalize(ds, _TEMPLATES.pop, id(ds), None)
    if key not in per_dataset:
        parent = ds.subset_of
        built = None if parent is None else _TEMPLATES.get(id(parent), {}).get(_template_key(parent, settings))
        if built is not None:
            tables = {parent.table(name).op(): ds.table(name).op() for name in FEATURE_TABLES}
            renamed = {parent.table(name).get_name(): ds.table(name).get_name() for name in FEATURE_TABLES}
            per_dataset[key] = _Template(built.table.op().replace(tables).to_expr(), built.params, built, renamed)
        else:
            sample = _moment_values(date(2000, 1, 1), settings)
            params = _Moments(**{name: ibis.param(ibis.literal(value).type()) for name, value in sample.items()})
            per_dataset[key] = _Template(_build(ds, params, settings), params)
    return per_dataset[key]


def _template_key(ds: Dataset, settings: Settings) -> tuple | None:
    """What a feature expression is built from (``_template``): the input tables and the settings; None
    when they cannot key the cache, or when the dataset was loaded without some of them (``_build`` says so)."""
    if not set(FEATURE_TABLES) <= set(ds.tables):
        return None
    try:
        key = (
            tuple(ds.table(name).op() for name in FEATURE_TABLES),
            tuple(sorted(settings.costs.as_dict().items())),
            tuple(sorted(settings.features.as_dict().items())),
            settings.clv.holdout_days,
        )
        hash(key)
    except TypeError:
        return None
    return key


def _build(ds: Dataset, at: _Moments, settings: Settings, columns: Sequence[str] | None = None) -> ir.Table:
    """The feature expression for the moments ``at`` (parameters or literals): ``FEATURE_COLUMNS``, or
    ``customer_id`` and ``columns``.

    With ``columns``, only the per-customer aggregates that one of them reads are joined to the customers:
    each is a LEFT JOIN on a key unique on both sides, so it adds no row and removes none, and one that no
    output column reads would still be computed (DuckDB keeps the join, and so the grouping of its rows). At
    1,000,000 customers, ``keepwise metrics``' seven columns: 6.5-6.9 -> 4.2-4.5 s, the engine's CPU 12.0-12.7
    -> 7.5-7.8 s (the engagement's 14.8M rows and the invoices' "since the last problem" pass are no longer
    read); the offboarding window's 19: 3.4-4.2 -> 3.0-3.4 s."""
    costs = settings.costs
    customers = ds.table("customers")
    base = customers.select(
        *CUSTOMER_COLUMNS,
        tag_values_conflict=customers.tags.fill_null("")
        .split(";")
        .map(lambda tag: tag.strip().lower())
        .contains("values_conflict"),
    )
    parts = (
        *_order_features(ds, at, settings),
        _return_features(ds, at),
        _ticket_features(ds, at),
        *_invoice_features(ds, at, settings),
        _incident_features(ds, at),
        _engagement_features(ds, at),
        _referral_counts(ds),
    )
    # Zero-fill counts and money for customers without such events; dates stay null.
    col: dict[str, ir.Value] = {}
    for source in (base, *parts):
        for name, dtype in source.schema().items():
            if name == "customer_id" and source is not base:
                continue
            value = source[name]
            if name not in ("customer_id", "referred_by", "last_survey_score") and (
                dtype.is_numeric() or dtype.is_boolean()
            ):
                value = value.fill_null(False if dtype.is_boolean() else 0)
            col[name] = value

    first_seen = ibis.coalesce(col["first_order_at"], col["signed_up_at"])
    col.update(
        n_orders_all=col["n_orders"] + col["n_orders_other"],
        n_orders_all_recent=col["n_orders_completed_recent"] + col["n_orders_other_recent"],
        days_since_last_order=_days(at.day, col["last_order_at"]),
        tenure_days=ibis.greatest(_days(at.day, first_seen), 0),
        # Known from the aggregate when the first day's revenue is its earliest order's (no day with two
        # orders); else null, and the purchase model's summary sums that day's orders.
        repeat_revenue=(col["n_orders"] == col["n_purchase_days"]).ifelse(
            col["revenue_after_first_order"], ibis.null("float64")),
        mean_purchase_gap_days=(col["n_purchase_days"] > 1).ifelse(
            _days(col["last_order_at"], col["first_order_at"]) / (col["n_purchase_days"] - 1).cast("float64"),
            ibis.null("float64"),
        ),
        gross_margin=col["revenue"] - col["cost_of_goods"],
        discount_share=_safe_share(col["discount"], col["list_price"]),
        deep_discount_order_share=_safe_share(col["n_deep_discount_orders"], col["n_orders"]),
        late_share=_safe_share(col["n_late"], col["n_delivered"]),
        return_share_of_revenue=_safe_share(col["returned_amount"], col["revenue"]),
        non_defective_return_share=_safe_share(col["non_defective_returned_amount"], col["revenue"]),
        cost_staff=col["handle_minutes"] * costs.staff_minute,
        cost_returns=col["n_returns"] * costs.return_processing + col["returned_amount"],
        cost_changes=col["change_requests"].cast("float64") * costs.change_request,
        cost_late_payment=col["late_payment_interest"],
        cost_write_offs=col["written_off_amount"],
        cost_staff_business_fault=col["handle_minutes_substantiated"] * costs.staff_minute,
        cost_returns_business_fault=col["n_defective_returns"] * costs.return_processing
        + col["defective_returned_amount"],
    )
    col.update(
        cost_to_serve=col["cost_staff"]
        + col["cost_returns"]
        + col["cost_changes"]
        + col["cost_late_payment"]
        + col["cost_write_offs"],
        cost_business_fault=col["cost_staff_business_fault"] + col["cost_returns_business_fault"],
    )
    col["profit"] = col["revenue"] - col["cost_of_goods"] - col["cost_to_serve"]
    col["profit_customer_view"] = col["profit"] + col["cost_business_fault"]

    if columns is None:
        names, read = FEATURE_COLUMNS, None
    else:
        unknown = [name for name in columns if name not in FEATURE_COLUMNS]
        if unknown:
            raise ValueError(f"not a feature column: {', '.join(unknown)}")
        names = ("customer_id", *columns)
        read = {field.rel for name in names for field in col[name].op().find(ops.Field)}
    # One flat join chain and ONE projection over it: every output column is an expression over the
    # joined columns, so the SQL is a single SELECT ... FROM customers LEFT JOIN ... (no nested
    # subquery per join or per derived step), which keeps it small and cheap to compile.
    joined = [(i, part) for i, part in enumerate(parts) if read is None or part.op() in read]
    # The parts built on a stand-in for a table the dataset was loaded without (``_input``), and its name.
    absent = {part.op(): table.name for _, part in joined for table in part.op().find(ops.UnboundTable)}
    if absent:
        what = "the feature table" if columns is None else "the features " + ", ".join(
            name for name in columns if any(field.rel in absent for field in col[name].op().find(ops.Field)))
        raise ValueError(f"{what} read{'s' if columns is None else ''} the {', '.join(sorted(set(absent.values())))}, "
                         "which the dataset was not loaded with")
    table = base
    for i, part in joined:
        table = table.left_join(part, base.customer_id == part.customer_id, rname=f"{{name}}_{i}")
    return table.select(**{name: col[name] for name in names})
