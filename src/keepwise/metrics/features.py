"""Per-customer features: one row per customer, every figure traceable to the records behind it.

``customer_features`` builds a single ibis expression (no pandas, nothing executed), so the
same pipeline runs on DuckDB today and on any other ibis backend later. The caller executes it.

Every input table is aggregated per customer on its own and left-joined onto ``customers``, so
customers without orders (or without any other events) still get a row, with zero counts and
empty dates.

Cost to serve follows CONTRACT.md "Default costs", one column per component so that every cost
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

from datetime import date, datetime, time, timedelta

import ibis
import ibis.expr.types as ir

from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.data.schema import INCIDENT_KINDS

__all__ = ["FEATURE_COLUMNS", "customer_features"]

# Incident kinds get a confirmed count and first/last dates each: n_<kind>, first_<kind>_at, last_<kind>_at.
INCIDENT_FEATURES = tuple(
    f"{prefix}{kind}{suffix}"
    for kind in INCIDENT_KINDS
    for prefix, suffix in (("n_", ""), ("first_", "_at"), ("last_", "_at"))
)

FEATURE_COLUMNS = (
    # customers
    "customer_id",
    "language",
    "country",
    "signed_up_at",
    "referred_by",
    "marketing_opt_in",
    "tags",
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


def _end_of(as_of: date) -> datetime:
    return datetime.combine(as_of, time.max)


def _days(later: ir.Value, earlier: ir.Value) -> ir.IntegerValue:
    """Whole calendar days from ``earlier`` to ``later`` (dates or timestamps)."""
    later = later.date() if isinstance(later, ir.TimestampValue) else later
    earlier = earlier.date() if isinstance(earlier, ir.TimestampValue) else earlier
    return later.delta(earlier, unit="day")


def _recent_start(as_of: date, settings: Settings) -> datetime:
    """Events after this moment are "recent" (the last ``recent_days`` up to as_of)."""
    return datetime.combine(as_of - timedelta(days=settings.features.recent_days), time.max)


def _count(condition: ir.BooleanValue) -> ir.IntegerValue:
    return condition.ifelse(1, 0).sum()


def _amount(condition: ir.BooleanValue, value: ir.NumericValue) -> ir.FloatingValue:
    return condition.ifelse(value, 0.0).sum()


def _first(condition: ir.BooleanValue, moment: ir.TimestampValue) -> ir.TimestampValue:
    return moment.min(where=condition)


def _last(condition: ir.BooleanValue, moment: ir.TimestampValue) -> ir.TimestampValue:
    return moment.max(where=condition)


def _order_features(ds: Dataset, as_of: date, settings: Settings) -> ir.Table:
    config = settings.features
    orders = ds.table("orders")
    orders = orders.filter(orders.ordered_at <= _end_of(as_of))
    completed = orders.status == "completed"
    list_price = orders.revenue + orders.discount
    deep = completed & (list_price > 0) & (orders.discount >= config.deep_discount_share * list_price)
    last_start = datetime.combine(as_of - timedelta(days=config.trend_period_days), time.max)
    prior_start = datetime.combine(as_of - timedelta(days=2 * config.trend_period_days), time.max)
    recent = _recent_start(as_of, settings)
    in_last = completed & (orders.ordered_at > last_start)
    in_prior = completed & (orders.ordered_at > prior_start) & (orders.ordered_at <= last_start)
    # A cancelled order or one changed after placing it is a "fickle" event.
    fickle = (orders.status == "cancelled") | (orders.change_requests > 0)
    delivered = completed & orders.delivered_at.notnull()
    late = delivered & orders.promised_at.notnull() & (orders.delivered_at > orders.promised_at)
    per_customer = orders.group_by("customer_id").aggregate(
        n_orders=_count(completed),
        n_cancelled=_count(orders.status == "cancelled"),
        n_orders_all=orders.count(),
        first_order_at=_first(completed, orders.ordered_at),
        last_order_at=_last(completed, orders.ordered_at),
        n_purchase_days=orders.ordered_at.date().nunique(where=completed),
        revenue=_amount(completed, orders.revenue),
        list_price=_amount(completed, list_price),
        discount=_amount(completed, orders.discount),
        cost_of_goods=_amount(completed, orders.cost_of_goods),
        n_deep_discount_orders=_count(deep),
        revenue_last_period=_amount(in_last, orders.revenue),
        revenue_prior_period=_amount(in_prior, orders.revenue),
        orders_last_period=_count(in_last),
        orders_prior_period=_count(in_prior),
        # Change requests on every order, cancelled ones included: the staff work was done.
        change_requests=orders.change_requests.sum(),
        n_orders_changed=_count(orders.change_requests > 0),
        n_fickle_orders=_count(fickle),
        n_fickle_orders_recent=_count(fickle & (orders.ordered_at > recent)),
        n_orders_all_recent=_count(orders.ordered_at > recent),
        first_fickle_at=_first(fickle, orders.ordered_at),
        last_fickle_at=_last(fickle, orders.ordered_at),
        n_delivered=_count(delivered),
        n_late=_count(late),
        first_late_at=_first(late, orders.delivered_at),
        last_late_at=_last(late, orders.delivered_at),
    )
    return per_customer


def _return_features(ds: Dataset, as_of: date, settings: Settings) -> ir.Table:
    returns = ds.table("returns")
    returns = returns.filter(returns.returned_at <= _end_of(as_of))
    # Unknown defectiveness is not the product's fault on record; it counts as an ordinary return.
    defective = returns.defective.fill_null(False)
    return returns.group_by("customer_id").aggregate(
        n_returns=returns.count(),
        returned_amount=returns.amount.sum(),
        n_defective_returns=_count(defective),
        defective_returned_amount=_amount(defective, returns.amount),
        n_non_defective_returns=_count(~defective),
        non_defective_returned_amount=_amount(~defective, returns.amount),
        n_non_defective_returns_recent=_count(
            ~defective & (returns.returned_at > _recent_start(as_of, settings))
        ),
        first_non_defective_return_at=_first(~defective, returns.returned_at),
        last_non_defective_return_at=_last(~defective, returns.returned_at),
        first_defective_return_at=_first(defective, returns.returned_at),
        last_defective_return_at=_last(defective, returns.returned_at),
    )


def _ticket_features(ds: Dataset, as_of: date, settings: Settings) -> ir.Table:
    tickets = ds.table("tickets")
    tickets = tickets.filter(tickets.opened_at <= _end_of(as_of))
    complaint = tickets.kind == "complaint"
    substantiated = complaint & tickets.substantiated.fill_null(False)
    unsubstantiated = complaint & ~tickets.substantiated.fill_null(True)
    not_judged = complaint & tickets.substantiated.isnull()
    # "Unfounded" = not found to be the business's fault: unsubstantiated or never judged.
    unfounded = complaint & ~tickets.substantiated.fill_null(False)
    minutes = tickets.handle_minutes.fill_null(0.0)
    return tickets.group_by("customer_id").aggregate(
        n_tickets=tickets.count(),
        n_complaints=_count(complaint),
        n_complaints_substantiated=_count(substantiated),
        n_complaints_unsubstantiated=_count(unsubstantiated),
        n_complaints_not_judged=_count(not_judged),
        n_unfounded_complaints_recent=_count(
            unfounded & (tickets.opened_at > _recent_start(as_of, settings))
        ),
        first_complaint_at=_first(complaint, tickets.opened_at),
        last_complaint_at=_last(complaint, tickets.opened_at),
        first_unfounded_complaint_at=_first(unfounded, tickets.opened_at),
        last_unfounded_complaint_at=_last(unfounded, tickets.opened_at),
        first_substantiated_complaint_at=_first(substantiated, tickets.opened_at),
        last_substantiated_complaint_at=_last(substantiated, tickets.opened_at),
        handle_minutes=minutes.sum(),
        handle_minutes_substantiated=_amount(substantiated, minutes),
        handle_minutes_unfounded=_amount(unfounded, minutes),
    )


def _invoice_features(ds: Dataset, as_of: date, settings: Settings) -> ir.Table:
    """Late payments, overdue amounts, write-offs and the late-payment interest they cost.

    Interest = overdue amount x yearly rate x days late / 365, where
    - a paid invoice paid after its due date is late by ``paid_at - due_at`` on the amount paid
      (capped at the invoice amount);
    - an unpaid remainder (amount - amount paid) not written off and past due is late by
      ``as_of - due_at``;
    - a written-off remainder costs its full amount as ``cost_write_offs`` and no interest on top,
      so the same money is not counted twice.
    """
    rate = settings.costs.late_payment_yearly_rate
    invoices = ds.table("invoices")
    invoices = invoices.filter(invoices.issued_at <= _end_of(as_of))
    paid = invoices.paid_at.notnull()
    paid_late = paid & (_days(invoices.paid_at, invoices.due_at) > 0)
    paid_amount = ibis.least(invoices.amount_paid.fill_null(0.0), invoices.amount)
    unpaid_amount = ibis.greatest(invoices.amount - invoices.amount_paid.fill_null(0.0), 0.0)
    written_off = invoices.written_off & (unpaid_amount > 0)
    days_overdue_now = _days(ibis.literal(as_of), invoices.due_at)
    overdue_unpaid = ~invoices.written_off & (unpaid_amount > 0) & (days_overdue_now > 0)
    interest_paid_late = paid_late.ifelse(
        paid_amount * rate * _days(invoices.paid_at, invoices.due_at) / 365, 0.0
    )
    interest_overdue = overdue_unpaid.ifelse(unpaid_amount * rate * days_overdue_now / 365, 0.0)
    problem = paid_late | overdue_unpaid | written_off
    recent = _recent_start(as_of, settings)
    return invoices.group_by("customer_id").aggregate(
        n_invoices=invoices.count(),
        n_paid_late=_count(paid_late),
        n_unpaid_overdue=_count(overdue_unpaid),
        overdue_unpaid_amount=_amount(overdue_unpaid, unpaid_amount),
        n_written_off=_count(written_off),
        written_off_amount=_amount(written_off, unpaid_amount),
        late_payment_interest=(interest_paid_late + interest_overdue).sum(),
        n_late_payments_recent=_count((paid_late | overdue_unpaid) & (invoices.due_at > recent)),
        n_invoices_recent=_count(invoices.due_at > recent),
        first_payment_problem_at=_first(problem, invoices.due_at),
        last_payment_problem_at=_last(problem, ibis.coalesce(invoices.paid_at, invoices.due_at)),
    )


def _incident_features(ds: Dataset, as_of: date) -> ir.Table:
    incidents = ds.table("incidents")
    incidents = incidents.filter(incidents.occurred_at <= _end_of(as_of))
    columns = {}
    for kind in INCIDENT_KINDS:
        this_kind = incidents.confirmed & (incidents.kind == kind)
        columns[f"n_{kind}"] = _count(this_kind)
        columns[f"first_{kind}_at"] = _first(this_kind, incidents.occurred_at)
        columns[f"last_{kind}_at"] = _last(this_kind, incidents.occurred_at)
    columns["n_incidents_unconfirmed"] = _count(~incidents.confirmed)
    return incidents.group_by("customer_id").aggregate(**columns)


def _engagement_features(ds: Dataset, as_of: date) -> ir.Table:
    engagement = ds.table("engagement")
    engagement = engagement.filter(engagement.at <= _end_of(as_of))
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


def _left_join(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, left.customer_id == right.customer_id)
    return joined.drop("customer_id_right")


def _safe_share(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator / denominator, 0 when the denominator is 0."""
    return (denominator > 0).ifelse(numerator / denominator.cast("float64"), 0.0)


def customer_features(ds: Dataset, as_of: date, settings: Settings | None = None) -> ir.Table:
    """One row per customer of ``ds``: behaviour, deliveries, money and cost to serve up to ``as_of``.

    Parameters
    ----------
    ds : the loaded data (events after ``as_of`` are ignored even if the dataset still holds them).
    as_of : the day the assessment is made; "days since" figures count whole days to it.
    settings : costs and feature settings; default ``ds.settings``.

    Returns an unexecuted ibis table with the columns of ``FEATURE_COLUMNS``: counts and money are
    0 for customers without such events, dates are null.
    """
    settings = settings or ds.settings
    costs = settings.costs
    customers = ds.table("customers")
    base = customers.select(
        "customer_id",
        "language",
        "country",
        "signed_up_at",
        "referred_by",
        "marketing_opt_in",
        "tags",
        tag_values_conflict=customers.tags.fill_null("")
        .split(";")
        .map(lambda tag: tag.strip().lower())
        .contains("values_conflict"),
    )
    parts = (
        _order_features(ds, as_of, settings),
        _return_features(ds, as_of, settings),
        _ticket_features(ds, as_of, settings),
        _invoice_features(ds, as_of, settings),
        _incident_features(ds, as_of),
        _engagement_features(ds, as_of),
        _referral_counts(ds),
    )
    table = base
    for part in parts:
        table = _left_join(table, part)

    # Zero-fill counts and money for customers without such events; dates stay null.
    fills = {}
    for name, dtype in table.schema().items():
        if name in ("customer_id", "referred_by", "last_survey_score") or not (
            dtype.is_numeric() or dtype.is_boolean()
        ):
            continue
        fills[name] = table[name].fill_null(False if dtype.is_boolean() else 0)
    table = table.mutate(**fills)

    as_of_day = ibis.literal(as_of)
    first_seen = ibis.coalesce(table.first_order_at, table.signed_up_at)
    table = table.mutate(
        days_since_last_order=_days(as_of_day, table.last_order_at),
        tenure_days=ibis.greatest(_days(as_of_day, first_seen), 0),
        mean_purchase_gap_days=(table.n_purchase_days > 1).ifelse(
            _days(table.last_order_at, table.first_order_at) / (table.n_purchase_days - 1).cast("float64"),
            ibis.null("float64"),
        ),
        gross_margin=table.revenue - table.cost_of_goods,
        discount_share=_safe_share(table.discount, table.list_price),
        deep_discount_order_share=_safe_share(table.n_deep_discount_orders, table.n_orders),
        late_share=_safe_share(table.n_late, table.n_delivered),
        return_share_of_revenue=_safe_share(table.returned_amount, table.revenue),
        non_defective_return_share=_safe_share(table.non_defective_returned_amount, table.revenue),
        cost_staff=table.handle_minutes * costs.staff_minute,
        cost_returns=table.n_returns * costs.return_processing + table.returned_amount,
        cost_changes=table.change_requests * costs.change_request,
        cost_late_payment=table.late_payment_interest,
        cost_write_offs=table.written_off_amount,
        cost_staff_business_fault=table.handle_minutes_substantiated * costs.staff_minute,
        cost_returns_business_fault=table.n_defective_returns * costs.return_processing
        + table.defective_returned_amount,
    )
    table = table.mutate(
        cost_to_serve=table.cost_staff
        + table.cost_returns
        + table.cost_changes
        + table.cost_late_payment
        + table.cost_write_offs,
        cost_business_fault=table.cost_staff_business_fault + table.cost_returns_business_fault,
    )
    table = table.mutate(profit=table.revenue - table.cost_of_goods - table.cost_to_serve)
    table = table.mutate(profit_customer_view=table.profit + table.cost_business_fault)
    return table.select(*FEATURE_COLUMNS)
