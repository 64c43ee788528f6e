"""Reasons in English (the reference: every language has these codes)."""

REASONS = {
    "service_substantiated": "business at fault: {n} substantiated {complaint@n} in {orders} {order@orders} {span}, "
    "against {rate_share} of orders across the business",
    "service_late": "business at fault: {n} of {total} {delivery@total} late {span}, against {rate_share} across the business",
    "service_defective": "business at fault: {n} defective {product@n} returned in {orders} {order@orders} {span}, "
    "{amount_money} refunded, against {rate_share} of orders across the business",
    # What a customer who left told us, and whether their records bear it out (keepwise.assess.exit_answers).
    "exit_answer": "exit survey {at_day}, reason: {exit_reason}",
    "exit_answer_scored": "exit survey {at_day}, reason: {exit_reason}, would recommend us {score} of 10",
    "exit_claim_late": "business at fault, as they said: {n} of {total} {delivery@total} late, the last {last_day}",
    "exit_claim_defective": "business at fault, as they said: {n} defective {product@n} returned, the last {last_day}",
    "exit_claim_substantiated": "business at fault, as they said: {n} substantiated {complaint@n}, the last {last_day}",
    "exit_claim_unseen_late": "no late delivery on their record in the {months} {month@months} before their last order",
    "exit_claim_unseen_defective": "no defective product returned in the {months} {month@months} before their last order",
    "exit_claim_unseen_substantiated": "no substantiated complaint in the {months} {month@months} before their last order",
    "chronic_complainer": "{n} {complaint@n} {span}, {unfounded} not substantiated, in {orders} {order@orders} "
    "(about {expected_decimal} expected at the business's rate), {staff_hours} staff {hour@staff_hours}",
    "abusive_to_staff": "{n} confirmed {incident@n} of abuse towards staff {span}",
    "incident_fraud": "{n} confirmed {fraud@n}, last {last_day}",
    "incident_chargeback": "{n} {chargeback@n}, last {last_day}",
    "incident_unethical_request": "{n} confirmed unethical {request@n}, last {last_day}",
    "incident_policy_abuse": "{n} confirmed {policy_abuse@n}, last {last_day}",
    "bad_payer": "{late} of {invoices} {invoice@invoices} paid late or overdue, last {last_day}, "
    "{overdue_money} overdue, {written_off_money} written off",
    "bad_payer_overdue": "{late} of {invoices} {invoice@invoices} paid late or overdue, last {last_day}, "
    "{overdue_money} overdue",
    "bad_payer_late_written_off": "{late} of {invoices} {invoice@invoices} paid late or overdue, last {last_day}, "
    "{written_off_money} written off",
    "bad_payer_late": "{late} of {invoices} {invoice@invoices} paid late or overdue, last {last_day}",
    "bad_payer_written_off": "{n} of {invoices} {invoice@invoices} written off unpaid, last {last_day}: {amount_money}",
    "unprofitable": "net loss to date {loss_money}: revenue {revenue_money}, cost of goods {goods_money}, "
    "cost to serve {serve_money}",
    "return_abuser": "{n} {return@n} not for defects {span}, {amount_money} refunded ({revenue_share} of revenue)",
    "deal_seeker": "{n} of {orders} {order@orders} bought at {off_share} off or more",
    "fickle": "{n} of {orders} {order@orders} cancelled or changed {span}, {changes} change {request@changes}",
    "values_tag": "tagged values_conflict by staff",
    "values_incidents": "{n} confirmed values-conflict {incident@n}, last {last_day}",
    "stopped_invoices": "{problem} stopped: none on the last {clean} {invoice@clean}, "
    "against {former} of the {former_total} {invoice@former_total} before",
    "stopped_measured": "{problem} stopped: none in the {clean_months} {month@clean_months} up to the last order, "
    "against {former} in the {former_months} {month@former_months} before",
    "stopped_long_ago": "{problem} stopped {months} {month@months} ago, ordering since",
    "minor_problem": "{problem}: cost {cost_money} against {margin_money} margin brought, minor",
    "destroys_value": "{problem} cost {cost_money}, more than all the {margin_money} margin the customer brought: "
    "cannot be repriced",
    "last_order": "last order {last_day} ({days} {day@days} ago, usually every {gap} {day@gap})",
    "last_order_once": "last order {last_day} ({days} {day@days} ago), their only purchase day: a typical customer "
    "buys every {gap} {day@gap}",
    "margin": "margin to date {margin_money} from {orders} {order@orders} since {first_day}",
    "no_orders": "no completed orders yet",
    "no_growth": "revenue {last_money} in the last {months} {month@months} vs {prior_money} before, "
    "among the lowest yearly revenues",
    "no_referrals": "no referrals in {months} {month@months}",
    "expected_value": "expected value {clv_money} over {months} {month@months}, {stake_money} at stake",
    # The churn classifier's drivers (keepwise.assess.churn_reasons).
    "churn_recency": "no purchase for {days} {day@days}, {ratio_decimal}× their usual gap of {gap} {day@gap}",
    "churn_recency_once": "no purchase for {days} {day@days} (last on {last_day}, their only purchase day)",
    "churn_spend_down": "spend down {change_share} vs the previous {months} {month@months} ({last_money} vs {prior_money})",
    "churn_spend_up": "spend up {change_share} vs the previous {months} {month@months} ({last_money} vs {prior_money})",
    "churn_spend_new": "spend of {last_money} in the last {months} {month@months}, none in the {months} before",
    "churn_spend_none": "no spend in the last {months} {month@months}",
    "churn_orders": "{n} {order@n} in the last {months} {month@months} vs {prior} in the {months} before",
    "churn_rhythm_once": "only one purchase day so far",
    "churn_rhythm": "{n} purchase {day@n}, on average {gap} {day@gap} apart",
    "churn_tenure": "a customer for {days} {day@days} (since {since_day})",
    "churn_deep_discounts": "{deep_share} of orders bought at a deep discount ({n} of {orders})",
    "churn_discounts": "discounts of {discount_share} of list price on their orders",
    "churn_fickle": "{cancelled} cancelled {order@cancelled} and {changed} {order@changed} changed after placing, the last on {last_day}",
    "churn_fickle_cancelled": "{cancelled} cancelled {order@cancelled}, the last on {last_day}",
    "churn_fickle_changed": "{changed} {order@changed} changed after placing, the last on {last_day}",
    "churn_deliveries": "{n} of {total} {delivery@total} late (our failure), the last on {last_day}",
    "churn_returns": "{n} {return@n} worth {amount_money} ({revenue_share} of revenue, {defective} defective)",
    "churn_complaints": "{n} {complaint@n} ({fault} found to be our fault), the last on {last_day}",
    "churn_tickets": "{n} support {ticket@n} ({minutes} minutes of staff time)",
    "churn_incidents": "{n} confirmed {incident@n}, the last on {last_day}",
    "churn_unsubscribed": "unsubscribed from the newsletter",
    "churn_unsubscribed_on": "unsubscribed from the newsletter on {at_day}",
    "churn_survey": "last survey score {score}/10 on {at_day}",
    "churn_no_engagement": "no newsletter opens, clicks, visits or surveys on record",
    "churn_engagement": "{n} engagement {event@n} (opens, clicks, visits, surveys) on record",
    "churn_opted_out": "opted out of marketing",
    "churn_value": "{revenue_money} spent to date, profit {profit_money}",
    "churn_cost": "cost to serve {cost_money} to date",
    "churn_other": "{feature}: {value_decimal}",
    "churn_no_purchase": "no purchase yet",
    "churn_no_purchase_since": "no purchase yet since signing up on {signup_day}",
}

PROBLEMS = {
    "chronic_complainer": "unfounded complaints",
    "abusive_to_staff": "abuse towards staff",
    "fraud_or_unethical": "fraud or unethical requests",
    "bad_payer": "payment problems",
    "return_abuser": "returns not for defects",
    "fickle": "changed or cancelled orders",
    "values_conflict": "values conflicts",
}

WORDS = {
    "complaint": {"one": "complaint", "other": "complaints"},
    "order": {"one": "order", "other": "orders"},
    "delivery": {"one": "delivery", "other": "deliveries"},
    "product": {"one": "product", "other": "products"},
    "hour": {"one": "hour", "other": "hours"},
    "incident": {"one": "incident", "other": "incidents"},
    "fraud": {"one": "case of fraud", "other": "cases of fraud"},
    "chargeback": {"one": "chargeback", "other": "chargebacks"},
    "request": {"one": "request", "other": "requests"},
    "policy_abuse": {"one": "policy abuse", "other": "policy abuses"},
    "invoice": {"one": "invoice", "other": "invoices"},
    "return": {"one": "return", "other": "returns"},
    "month": {"one": "month", "other": "months"},
    "day": {"one": "day", "other": "days"},
    "ticket": {"one": "ticket", "other": "tickets"},
    "event": {"one": "event", "other": "events"},
}
