"""A hand-built business for the offboard tests: one customer per offboarding reason, known figures.

As of 2026-06-30. Every record is written here, so each date and amount a letter may cite is known.
"""

from __future__ import annotations

from datetime import date, timedelta

AS_OF = date(2026, 6, 30)

# Customers let go for each reason (the flags behind their offboard action).
OFFBOARD_REASONS = {
    "A1": ("abusive_to_staff",),
    "F1": ("fraud_or_unethical",),
    "B1": ("bad_payer", "values_conflict"),
    "R1": ("chronic_complainer", "unprofitable", "return_abuser", "fickle"),
}


def _customer(cid, name, language, country, signed_up, tags=""):
    return {"customer_id": cid, "name": name, "email": f"{cid.lower()}@example.com", "language": language,
            "country": country, "signed_up_at": signed_up, "referred_by": "", "marketing_opt_in": "true",
            "tags": tags}


def _order(oid, cid, day, revenue, cogs=None, discount="0", status="completed", changes="0", promised="",
           delivered=""):
    return {"order_id": oid, "customer_id": cid, "ordered_at": day, "revenue": revenue, "discount": discount,
            "cost_of_goods": cogs if cogs is not None else f"{float(revenue) * 0.5:.2f}", "currency": "EUR",
            "status": status, "change_requests": changes, "promised_at": promised, "delivered_at": delivered}


def _monthly_orders(cid, start: date, months: int, revenue: str, prefix: str, **extra):
    rows = []
    for i in range(months):
        day = start + timedelta(days=30 * i)
        rows.append(_order(f"{prefix}{i:02d}", cid, day.isoformat(), revenue, **extra))
    return rows


def business_tables() -> dict[str, list[dict[str, str]]]:
    customers = [
        _customer("A1", "Alice Smith", "en", "GB", "2024-02-01"),
        _customer("F1", "Farhad Karimi", "fa", "IR", "2024-03-15"),
        _customer("B1", "Boris Ivanov", "ru", "RU", "2024-01-10"),
        _customer("R1", "Rita Jones", "en", "GB", "2024-05-01"),
        _customer("M1", "Mona Lee", "en", "GB", "2025-06-01"),
        _customer("N1", "Nia Brown", "de", "DE", "2024-01-01"),
    ] + [_customer(f"H{i}", f"Healthy {i}", "en", "GB", "2024-01-01") for i in range(1, 9)]

    orders = []
    orders += _monthly_orders("A1", date(2024, 2, 3), 28, "120.00", "OA")
    orders += _monthly_orders("F1", date(2024, 3, 20), 26, "95.00", "OF")
    orders += _monthly_orders("B1", date(2024, 1, 15), 29, "210.00", "OB")
    orders += _monthly_orders("R1", date(2025, 6, 5), 12, "80.00", "OR")
    # R1: cancelled and changed orders.
    orders += [
        _order("ORX1", "R1", "2025-09-01", "60.00", status="cancelled"),
        _order("ORX2", "R1", "2025-11-12", "60.00", status="cancelled"),
        _order("ORX3", "R1", "2026-02-02", "70.00", changes="3"),
        _order("ORX4", "R1", "2026-04-14", "70.00", changes="2"),
        _order("ORX5", "R1", "2026-05-03", "60.00", status="cancelled"),
        _order("ORX6", "R1", "2026-06-01", "70.00", changes="1"),
    ]
    # A1 has an order promised for after as-of, not yet delivered: honoured in the letter.
    orders.append(_order("OA99", "A1", "2026-06-25", "140.00", promised="2026-07-06"))
    # M1: a make-profitable customer with known yearly figures (see test_proposals).
    orders += _monthly_orders("M1", date(2025, 7, 1), 12, "100.00", "OM", cogs="60.00", changes="1")
    # N1 (language de): a plain customer for the language fallback.
    orders += _monthly_orders("N1", date(2024, 1, 5), 30, "150.00", "ON")
    for i in range(1, 9):
        orders += _monthly_orders(f"H{i}", date(2024, 1, 2 + i), 30, f"{100 + 10 * i}.00", f"OH{i}")
    # H2: two orders at half price (list 200.00, discount 100.00): 40.00 each beyond a 30% cap.
    orders += [_order("OHD1", "H2", "2025-10-10", "100.00", discount="100.00", cogs="110.00"),
               _order("OHD2", "H2", "2026-02-10", "100.00", discount="100.00", cogs="110.00")]

    returns = [
        {"return_id": f"RR{i}", "order_id": f"OR{i:02d}", "customer_id": "R1", "returned_at": day,
         "amount": amount, "defective": "false", "reason": "changed mind"}
        for i, (day, amount) in enumerate([("2025-06-20", "80.00"), ("2025-07-18", "80.00"),
                                           ("2025-10-01", "80.00"), ("2025-11-02", "75.50"),
                                           ("2026-01-15", "80.00"), ("2026-02-10", "80.00"),
                                           ("2026-03-12", "64.25")])
    ]
    returns.append({"return_id": "RM1", "order_id": "OM05", "customer_id": "M1", "returned_at": "2025-12-10",
                    "amount": "100.00", "defective": "false", "reason": ""})

    invoices = []
    for i, (issued, due, amount, paid, amount_paid) in enumerate([
        ("2025-09-01", "2025-10-01", "630.00", "2025-11-20", ""),
        ("2025-11-01", "2025-12-01", "420.00", "2026-01-25", ""),
        ("2026-01-01", "2026-01-31", "630.00", "2026-03-30", ""),
        ("2026-03-01", "2026-03-31", "840.00", "", "200.00"),
        ("2026-05-01", "2026-05-31", "420.00", "", ""),
    ]):
        invoices.append({"invoice_id": f"IB{i}", "customer_id": "B1", "issued_at": issued, "due_at": due,
                         "amount": amount, "paid_at": paid, "amount_paid": amount_paid, "written_off": ""})
    invoices.append({"invoice_id": "IA1", "customer_id": "A1", "issued_at": "2026-05-03", "due_at": "2026-06-02",
                     "amount": "120.00", "paid_at": "2026-05-20", "amount_paid": "", "written_off": ""})
    invoices.append({"invoice_id": "IF1", "customer_id": "F1", "issued_at": "2026-06-01", "due_at": "2026-07-01",
                     "amount": "45.00", "paid_at": "", "amount_paid": "", "written_off": ""})

    tickets = []
    for i, day in enumerate(["2025-07-02", "2025-08-19", "2025-10-07", "2025-12-03", "2026-02-16", "2026-04-21",
                             "2026-06-02"]):
        tickets.append({"ticket_id": f"TR{i}", "customer_id": "R1", "opened_at": day, "closed_at": day,
                        "channel": "phone", "kind": "complaint", "handle_minutes": "45",
                        "substantiated": "false" if i else "", "subject": "", "severity": "",
                        "first_response_at": ""})
    # M1: support time far above the norm (60 minutes a year): 12 x 40 = 480 minutes in the year.
    for i in range(12):
        day = (date(2025, 7, 5) + timedelta(days=30 * i)).isoformat()
        tickets.append({"ticket_id": f"TM{i}", "customer_id": "M1", "opened_at": day, "closed_at": day,
                        "channel": "phone", "kind": "question", "handle_minutes": "40", "substantiated": "",
                        "subject": "", "severity": "", "first_response_at": ""})

    incidents = [
        {"incident_id": "XA1", "customer_id": "A1", "occurred_at": "2026-05-01T10:00:00", "kind": "abuse_of_staff",
         "confirmed": "true", "reported_by": "Sam", "note": ""},
        {"incident_id": "XF1", "customer_id": "F1", "occurred_at": "2026-04-01", "kind": "chargeback",
         "confirmed": "true", "reported_by": "", "note": ""},
        {"incident_id": "XF2", "customer_id": "F1", "occurred_at": "2026-04-20", "kind": "chargeback",
         "confirmed": "true", "reported_by": "", "note": ""},
        {"incident_id": "XB1", "customer_id": "B1", "occurred_at": "2026-03-03", "kind": "values_conflict",
         "confirmed": "true", "reported_by": "", "note": ""},
    ]
    touches = [
        {"touch_id": f"KM{i}", "customer_id": "M1", "at": (date(2025, 8, 1) + timedelta(days=60 * i)).isoformat(),
         "kind": "offer", "channel": "mail", "campaign_id": "", "control": "", "cost": "5.00"}
        for i in range(6)
    ]
    return {"customers": customers, "orders": orders, "returns": returns, "invoices": invoices,
            "tickets": tickets, "incidents": incidents, "touches": touches}
