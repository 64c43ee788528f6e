"""Each input table aggregated per customer, as ibis expressions at the moments of a feature table: what
``keepwise.metrics.features`` joins onto the customers (one aggregate per table, the orders' in two).

The moments (``Moments``: the as-of day's end, the recent and trend periods' starts, the purchase model's
held-out days) are ibis scalars, parameters or literals, so that one expression serves every date. Amounts
are summed as exact decimals (``EXACT``), so that every engine and partitioning gives the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import NamedTuple

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from keepwise.config import Settings
from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.schema import INCIDENT_KINDS, TABLES
from keepwise.metrics.day_bitmaps import (
    BITMAP_WINDOW_DAYS,
    BITMAPS_PER_ROW,
    day_bit,
    day_bitmaps,
    day_window,
    days_in,
)

__all__ = [
    "EXACT",
    "Moments",
    "days_between",
    "engagement_aggregates",
    "exit_survey_aggregates",
    "holdout_day",
    "incident_aggregates",
    "invoice_aggregates",
    "invoice_lateness",
    "moment_values",
    "order_aggregates",
    "referral_counts",
    "return_aggregates",
    "ticket_aggregates",
]


class Moments(NamedTuple):
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


def moment_values(as_of: date, settings: Settings) -> dict[str, date | datetime]:
    """The Python values of ``Moments`` for ``as_of``."""
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


def days_between(later: ir.Value, earlier: ir.Value) -> ir.IntegerValue:
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
    only nulls), which ``features._build`` fills with 0 like any group without events.

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


def _input_table(ds: Dataset, name: str) -> ir.Table:
    """``ds.table(name)``; for a table the dataset does not hold (``load(only=...)``: ``keepwise metrics`` loads
    no engagement, incidents or touches), an unbound table of the contract's columns standing in for it, so
    that the expression can be built: ``features._build`` refuses the columns that would read it."""
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


def order_aggregates(ds: Dataset, at: Moments, settings: Settings) -> tuple[ir.Table, ir.Table]:
    """The orders' features in two aggregates per customer: one over the completed orders (97% of them
    here), with the figures of purchases, and one over the others and the changed ones (11%), with the
    figures of "fickle" orders; ``features._build`` adds their counts of all orders up.

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


def return_aggregates(ds: Dataset, at: Moments) -> ir.Table:
    returns = _input_table(ds, "returns")
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


def ticket_aggregates(ds: Dataset, at: Moments) -> ir.Table:
    tickets = _input_table(ds, "tickets")
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
    paid_late = paid & (days_between(invoices.paid_at, invoices.due_at) > 0)
    paid_amount = ibis.least(invoices.amount_paid.fill_null(0.0), invoices.amount)
    unpaid_amount = ibis.greatest(invoices.amount - invoices.amount_paid.fill_null(0.0), 0.0)
    written_off = invoices.written_off & (unpaid_amount > 0)
    days_overdue_now = days_between(day, invoices.due_at)
    overdue_unpaid = ~invoices.written_off & (unpaid_amount > 0) & (days_overdue_now > 0)
    interest_paid_late = paid_late.ifelse(
        paid_amount * rate * days_between(invoices.paid_at, invoices.due_at) / 365, 0.0
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


def invoice_aggregates(ds: Dataset, at: Moments, settings: Settings) -> tuple[ir.Table, ir.Table]:
    """Late payments, overdue amounts, write-offs and the late-payment interest they cost
    (``invoice_lateness`` per invoice), and the invoices come due since the last payment problem.

    The per-invoice facts are computed once in a projection that every aggregate reads (written
    inline, each aggregate would repeat the date differences and amounts: half the query's time).
    The invoices due since the last problem need that last problem first: a second, narrow pass
    over the invoices (customer and due date only) against it, where a window over every invoice
    column would carry them all through a join."""
    invoices = _input_table(ds, "invoices")
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


def incident_aggregates(ds: Dataset, at: Moments) -> ir.Table:
    incidents = _input_table(ds, "incidents")
    incidents = incidents.filter(incidents.occurred_at <= at.end)
    columns = {}
    for kind in INCIDENT_KINDS:
        this_kind = incidents.confirmed & (incidents.kind == kind)
        columns[f"n_{kind}"] = _count(incidents, this_kind)
        columns[f"first_{kind}_at"] = _first(this_kind, incidents.occurred_at)
        columns[f"last_{kind}_at"] = _last(this_kind, incidents.occurred_at)
    columns["n_incidents_unconfirmed"] = _count(incidents, ~incidents.confirmed)
    return incidents.group_by("customer_id").aggregate(**columns)


def engagement_aggregates(ds: Dataset, at: Moments) -> ir.Table:
    engagement = _input_table(ds, "engagement")
    engagement = engagement.filter(engagement.at <= at.end)
    survey = (engagement.kind == "survey") & engagement.score.notnull()
    per_customer = engagement.group_by("customer_id").aggregate(
        last_unsubscribe_at=_last(engagement.kind == "newsletter_unsubscribe", engagement.at),
        last_subscribe_at=_last(engagement.kind == "newsletter_subscribe", engagement.at),
        # The latest survey's score; of surveys at the same moment, the lowest (not one of them at random).
        last_survey_score=engagement.score.argmax(ibis.struct({"at": engagement.at, "lowest": -engagement.score}),
                                                  where=survey),
        last_survey_at=_last(survey, engagement.at),
        n_engagement_events=engagement.count(),
    )
    # Unsubscribed: the last newsletter event is an unsubscribe; one at the same moment as a subscribe counts
    # as an unsubscribe (the opt-out is respected). Events at equal moments are common (dates without a time
    # of day): the kind of the latest newsletter event and the latest survey's score (arg_max) were picked at
    # random among them, by the order the engine met the rows in. At 1,000,000 customers (14.8M events) the
    # aggregate costs what it did (2.4-2.5 s CPU): the two timestamps save what the survey's key adds.
    unsubscribe, subscribe = per_customer.last_unsubscribe_at, per_customer.last_subscribe_at
    return per_customer.select(
        "customer_id",
        unsubscribed=unsubscribe.notnull() & (subscribe.isnull() | (unsubscribe >= subscribe)),
        last_survey_score=per_customer.last_survey_score,
        last_survey_at=per_customer.last_survey_at,
        n_engagement_events=per_customer.n_engagement_events,
    )


def exit_survey_aggregates(ds: Dataset, at: Moments) -> ir.Table:
    """Each customer's latest exit survey up to the day's end: when, the reason they gave and their score (null
    where they gave none). Of answers at the same moment, the one whose reason's code comes last in
    alphabetical order, then the higher score: chosen the same way on every engine, whatever the rows' order."""
    surveys = _input_table(ds, "exit_surveys")
    surveys = surveys.filter(surveys.at <= at.end)
    latest = ibis.struct({"at": surveys.at, "reason": surveys.reason, "score": surveys.score.fill_null(-1.0)})
    return surveys.group_by("customer_id").aggregate(
        exit_survey_at=surveys.at.max(),
        exit_reason=surveys.reason.argmax(latest),
        exit_score=surveys.score.argmax(latest),
    )


def referral_counts(ds: Dataset) -> ir.Table:
    customers = ds.table("customers")
    referred = customers.filter(customers.referred_by.notnull())
    return referred.group_by(customer_id=referred.referred_by).aggregate(n_referrals=referred.count())
