"""Orders (a renewal process on a seasonal clock, per planted type), and the returns and invoices
that follow from them. Money is integer cents so sums and "return <= revenue" are exact."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from keepwise.data.schema import ORDER_STATUSES
from keepwise.sample.arrays import bool_array, during_hours, labels_from_codes, rank_in_group, sequential_ids
from keepwise.sample.business import OLD_TROUBLE_DAYS, Business
from keepwise.sample.types import CUSTOMER_TYPES, HISTORY_DAYS, PARAMS, REMAINDER_TYPE
from keepwise.sample.vocabulary import RETURN_REASONS, Vocabulary

CURRENCY = "EUR"
# The window in which business_fault deliveries are mostly late ("recent orders").
RECENT_DAYS = 365
# Slipping customers buy at half their rate in the months before they stop.
SLOWDOWN_DAYS = 180
SLOWDOWN_KEEP = 0.5
INVOICE_TERMS_DAYS = 30
MISSING_COST_SHARE = 0.05  # orders without cost_of_goods, to exercise the contract default
MISSING_AMOUNT_PAID_SHARE = 0.05  # paid invoices without amount_paid (default: the amount)


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


def _purchase_days(biz: Business, rng: np.random.Generator):
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
    # Real dropout: a lifetime after the first purchase, from a dropout rate that varies by customer.
    mean_life = PARAMS.value("lifetime_days", code).astype(float)
    mortal = mean_life > 0
    life_shape = PARAMS.value("lifetime_shape", code).astype(float)
    dropout_rate = rng.gamma(np.where(mortal, life_shape, 1.0)) / np.where(mortal, life_shape * mean_life, 1.0)
    death = np.where(mortal, first + rng.exponential(1.0, n) / dropout_rate, np.inf)
    dropped = mortal & (death < horizon)
    end = np.where(dropped, np.minimum(end, death), end)
    biz.dropped_out_day = np.where(dropped, death, np.nan)
    biz.activity_end = np.where(dropped, np.minimum(death + 45.0, horizon), biz.activity_end)
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


def draw_orders(biz: Business, rng: np.random.Generator) -> dict[str, np.ndarray]:
    owner, raw_days, planted_last = _purchase_days(biz, rng)
    code = biz.type_code[owner]
    m = len(owner)
    day = np.floor(raw_days)
    ordered_day = during_hours(rng, day, 8, 22)

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
    delivered = during_hours(rng, delivered_day, 9, 17.99)
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
    columns["order_id"] = sequential_ids("O", m, 7)
    return columns


def orders_table(biz: Business, orders: dict[str, np.ndarray]) -> pa.Table:
    completed, cancelled = ORDER_STATUSES.index("completed"), ORDER_STATUSES.index("cancelled")
    return pa.table(
        {
            "order_id": orders["order_id"],
            "customer_id": biz.customer_column(orders["owner"]),
            "ordered_at": pa.array(biz.stamps(orders["ordered_day"])),
            "revenue": pa.array(orders["revenue_cents"] / 100.0),
            "discount": pa.array(orders["discount_cents"] / 100.0),
            "cost_of_goods": pa.array(orders["cost_cents"] / 100.0, mask=orders["cost_missing"]),
            "currency": labels_from_codes((CURRENCY,), np.zeros(len(orders["owner"]))),
            "status": labels_from_codes(ORDER_STATUSES, np.where(orders["cancelled"], cancelled, completed)),
            "change_requests": pa.array(orders["change_requests"].astype(np.int64)),
            "promised_at": pa.array(biz.stamps(orders["promised_day"])),
            "delivered_at": pa.array(biz.stamps(orders["delivered_day"]), mask=~orders["is_delivered"]),
        }
    )


def returns_table(biz: Business, orders: dict[str, np.ndarray], rng: np.random.Generator) -> pa.Table:
    owner = orders["owner"]
    code = biz.type_code[owner]
    returned_day = orders["delivered_day"] + rng.uniform(1, 25, len(owner))
    returnable = np.flatnonzero(orders["is_delivered"] & (returned_day < biz.horizon))
    # Each customer returns their share of their returnable orders (stochastically rounded), chosen at
    # random: a quota rather than a coin per order, so a planted return share shows even on few orders.
    return_share = PARAMS.uniform(rng, "return_share", biz.type_code)
    returnable_count = np.bincount(owner[returnable], minlength=biz.n)
    quota = np.floor(return_share * returnable_count + rng.random(biz.n)).astype(np.int64)
    rank = rank_in_group(owner[returnable], rng.random(len(returnable)))
    rows = np.sort(returnable[rank < quota[owner[returnable]]])
    code = code[rows]
    defective = rng.random(len(rows)) < PARAMS.value("return_defective", code)
    full = rng.random(len(rows)) < PARAMS.value("return_full_amount", code)
    revenue = orders["revenue_cents"][rows]
    amount = np.where(full, revenue, np.floor(revenue * rng.uniform(0.3, 0.9, len(rows)))).astype(np.int64)
    reasons = Vocabulary(RETURN_REASONS)
    reason = np.where(rng.random(len(rows)) < 0.1, -1, reasons.draw(rng, defective))
    when = during_hours(rng, returned_day[rows], 9, 18)
    chronological = np.argsort(when, kind="stable")
    rows, when, amount, defective, reason = (
        a[chronological] for a in (rows, when, amount, defective, reason)
    )
    return pa.table(
        {
            "return_id": sequential_ids("R", len(rows), 7),
            "order_id": orders["order_id"].take(pa.array(rows)),
            "customer_id": biz.customer_column(owner[rows]),
            "returned_at": pa.array(biz.stamps(when)),
            "amount": pa.array(amount / 100.0),
            "defective": bool_array(defective),
            "reason": reasons.labels(reason),
        }
    )


def invoices_table(biz: Business, orders: dict[str, np.ndarray], rng: np.random.Generator) -> pa.Table:
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
    first_invoice = rank_in_group(owner, issued) == 0
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
    rank = rank_in_group(owner[candidates], rng.random(len(candidates)))
    written_off[candidates[rank < write_offs[candidates]]] = True

    unpaid |= written_off | (paid >= biz.horizon)
    # Paid in business hours, but never before the invoice was issued (an evening order paid the same day).
    paid_at = np.maximum(during_hours(rng, np.minimum(paid, biz.horizon - 1), 8, 20), issued)
    amount_paid_missing = unpaid | (rng.random(m) < MISSING_AMOUNT_PAID_SHARE)
    return pa.table(
        {
            "invoice_id": sequential_ids("I", m, 7),
            "customer_id": biz.customer_column(owner),
            "issued_at": pa.array(biz.stamps(issued)),
            "due_at": pa.array(biz.stamps(due)),
            "amount": pa.array(amount / 100.0),
            "paid_at": pa.array(biz.stamps(paid_at), mask=unpaid),
            "amount_paid": pa.array(amount / 100.0, mask=amount_paid_missing),
            "written_off": bool_array(written_off),
        }
    )
