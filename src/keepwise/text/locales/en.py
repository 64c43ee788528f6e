"""English labels and takeaway templates of the HTML report (the reference: every language has these keys)."""

MESSAGES = {
    "title": "Customer report",
    "meta": "Data: {source} · as of {as_of} · generated {generated}",
    "footer": "Made by keepwise from the business's own records. Every figure is computed from the data; "
    "nothing is estimated where records are missing.",
    "not_available": "Not available:",
    "points": "{value} pts",
    "hours": "{hours} h",
    # navigation
    "nav.at-a-glance": "At a glance",
    "nav.whale-curve": "Whale curve",
    "nav.cohort-retention": "Cohorts",
    "nav.clv": "Customer value",
    "nav.actions": "Actions",
    "nav.service-quality": "Service quality",
    "nav.flags-findings": "Flags and our faults",
    "nav.growth-simulation": "Growth",
    "nav.model-diagnostics": "Model check",
    # periods (as nouns after "per")
    "period.month": "month",
    "period.quarter": "quarter",
    "period.year": "year",
    # sections
    "section.glance": "Portfolio at a glance",
    "intro.glance": "How many customers you have, how many are still buying, and what they bring in.",
    "section.whale": "Whale curve: who earns and who costs money",
    "intro.whale": "Customers ranked from most to least profitable, with the profit they add up to. "
    "Where the curve falls, customers cost more than they bring.",
    "section.cohorts": "Cohort retention",
    "intro.cohorts": "Customers grouped by the {period} of their first purchase: the share of each group "
    "still buying in each later {period}.",
    "section.clv": "Customer lifetime value",
    "intro.clv": "Expected future margin per customer over the coming period, and the customers worth the most.",
    "section.actions": "What to do, customer by customer",
    "intro.actions": "Every customer gets one action. Here is how many customers fall into each, and "
    "the money at stake.",
    "section.service": "Service quality: our side",
    "intro.service": "How well the business delivers, answers and makes things, period by period, "
    "and the customers our failures hurt most.",
    "section.flags": "Flags and what to fix in our own service",
    "intro.flags": "Evidence about customer behaviour that costs money, and the failures that are the "
    "business's own.",
    "section.growth": "Growth: what better retention is worth",
    "intro.growth": "The customer base over {years} {year@years} at today's retention and acquisition, "
    "and with retention a few points better.",
    "section.diagnostics": "Model check",
    "intro.diagnostics": "Can the numbers be trusted? The purchase model is fitted on an earlier period "
    "and compared with what customers actually did afterwards.",
    # KPIs
    "kpi.customers": "Customers",
    "kpi.active_customers": "Active customers",
    "kpi.churn_rate": "Churn per {period}",
    "kpi.revenue": "Revenue",
    "kpi.gross_margin": "Gross margin",
    "kpi.cost_to_serve": "Cost to serve",
    "kpi.profit": "Profit",
    "kpi.of_revenue": "{share} of revenue",
    "kpi.of_customers": "{share} of customers",
    # chart labels
    "chart.active_customers": "Active customers",
    "chart.churn_rate": "Churn per {period}",
    "chart.cumulative_profit": "Cumulative profit",
    "chart.cumulative_profit_axis": "Cumulative profit ({currency})",
    "chart.total_profit": "Total profit",
    "chart.peak": "Peak",
    "chart.customers_by_profit": "Share of customers, most profitable first",
    "chart.still_buying": "Buying",
    "chart.periods_since_joining": "Periods since first purchase",
    "chart.cohort": "Cohort (customers)",
    "chart.customers": "Customers",
    "chart.clv_axis": "Customer lifetime value ({currency})",
    "chart.money_at_stake": "Money at stake ({currency})",
    "chart.years_from_now": "Years from now",
    "chart.actual": "Actual",
    "chart.model": "Model (BG/NBD)",
    "chart.cumulative_repeat": "Cumulative repeat purchases",
    "chart.weekly_repeat": "Repeat purchases per week",
    "chart.holdout_starts": "holdout starts",
    "chart.share_of_weight": "Share of the model's evidence",
    "chart.share_of_at_risk": "Share of customers at risk",
    # table columns
    "col.figure": "Figure",
    "col.value": "Value",
    "col.customer": "Customer",
    "col.customers": "Customers",
    "col.clv": "Lifetime value",
    "col.p_alive": "Still active",
    "col.profit": "Profit to date",
    "col.action": "Action",
    "col.what_to_do": "What it means",
    "col.money_at_stake": "Money at stake",
    "col.priority": "Priority",
    "col.reason": "Main reason",
    "col.late": "Late deliveries",
    "col.substantiated": "Complaints we caused",
    "col.defective": "Defective returns",
    "col.cost_of_failures": "Cost of our failures",
    # headings
    "heading.top_customers": "The {n} most valuable {customer@n}",
    "heading.most_urgent": "Most urgent customers",
    "heading.hurt_most": "Customers our failures hurt most",
    "heading.flags": "Flags found",
    "heading.business_faults": "Our own faults: what to fix",
    "heading.tracking": "Predicted vs actual repeat purchases",
    "heading.churn_reasons": "The strongest signals of churn",
    # whale facts
    "whale.peak": "Profit of the most profitable {share} of customers",
    "whale.total": "Total profit of all customers",
    "whale.destroying": "Customers who cost more than they bring",
    "whale.destroying_cost": "Profit those customers cost",
    # trends
    "trend.up": "up from",
    "trend.down": "down from",
    "trend.flat": "about the same as",
    "trend.worse": "worse",
    "trend.better": "better",
    "trend.same": "about the same",
    # takeaways
    "takeaway.churn_trend": "Churn averaged {average} per {period}; in {last_complete_periods@n} it "
    "was {recent}, {direction} {prior} before.",
    "takeaway.churn_average": "Churn averaged {average} per {period}.",
    "takeaway.whale": "The top {top} of customers earn {share} of profit; {destroying} of customers "
    "cost {cost}.",
    "takeaway.whale_loss": "Customers lose money overall ({total}); {destroying} of customers cost {cost}.",
    "takeaway.whale_none": "No customer costs more than they bring; the top {top} earn {share} of profit.",
    "takeaway.cohorts": "On average {first} of new customers buy again in the {period} after joining; "
    "{last} still buy in {period} {later}.",
    "takeaway.cohorts_young": "The cohorts are too young to show any repeat buying yet.",
    "takeaway.clv": "The top 10% of customers hold {share} of all expected future value ({total}); "
    "expected to cost more than they bring: {negative} {customer@negative}.",
    "takeaway.actions": "{n} {customer@n} to act on now, with {money} at stake; the most money is in "
    "“{action}” ({action_money}).",
    "takeaway.flags": "{n} {customer@n} ({share}) with at least one flag; the most common is “{flag}” ({count}).",
    "takeaway.no_flags": "No customer carries a flag.",
    "takeaway.growth": "At today's retention of {retention} a year, {start} active {customer@start} would be {end} in "
    "{years} {year@years}; at {better} they would become {end_better} ({more} more).",
    "takeaway.tracking": "Over the {weeks}-week holdout the model expected {expected} repeat purchases and "
    "customers made {actual}: {error} {direction}.",
    "tracking.over": "too high",
    "tracking.under": "too low",
    "takeaway.churn_reasons": "The strongest signal of churn is {reason} ({share} of the model's evidence).",
    "takeaway.churn_reasons_assessment": "The most frequent reason among customers at risk: {reason} ({share} of them).",
    # notes
    "note.churn_rule": "A customer counts as lost after {days} {day@days} without a purchase.",
    "note.no_cost_records": "The data records no tickets, returns, invoices or order changes, so the cost to "
    "serve is not known and counts as zero: profit here is the gross margin.",
    "note.values_from_models": "P(alive) and lifetime value come from the purchase and spend models; churn "
    "risk from the source that predicted this business's past best ({detail}).",
    # How the churn source was chosen on the business's past (keepwise.text.churn_source)
    "churn_source.comparison": "{best}: AUC {best_auc}, Brier score {best_brier}; {other}: AUC {other_auc}, Brier "
    "score {other_brier}; means over {cutoffs} {cutoff@cutoffs}",
    "churn_source.classifier": "the churn classifier",
    "churn_source.blend": "the classifier and the purchase model blended",
    "churn_source.bgnbd": "BG/NBD",
    "churn_source.mbgnbd": "MBG/NBD",
    "churn_source.pareto-nbd": "Pareto/NBD",
    "churn_source.rhythm": "each customer's purchase rhythm",
    "note.values_from_rhythm": "P(alive) and lifetime value come from each customer's purchase rhythm, not from "
    "the models: {detail}.",
    "note.cohorts_trimmed": "Showing the latest {cohorts} {cohort@cohorts} and their first {periods} {period@periods}.",
    "note.clv": "Lifetime value is expected margin (not revenue) over the next {days} {day@days}, after the cost "
    "to serve. The chart counts the extreme 1% at each end in its outermost bars.",
    "note.money_at_stake": "Money at stake: for customers to keep, the value that would be lost; for "
    "customers who cost money, what acting on them saves.",
    "note.response_proxy": "The records hold no first-response time, so time from opening to closing a "
    "ticket stands in for it.",
    "note.flags": "A flag is evidence, not a verdict: complaints we caused, late deliveries and defective "
    "products count against us, not the customer.",
    "note.growth": "Yearly retention compounds the average churn per {period}; acquisition ({acquisition} of "
    "the base a year) is last year's new customers.",
    "note.tracking": "BG/NBD fitted on {customers} {customer@customers} up to {calibration_end}; parameters {params}.",
    "note.churn_model": "Churn classifier (LightGBM) on the {days} {day@days} after each cutoff; on its holdout "
    "it predicted {predicted} churn against {actual} observed.",
    "note.churn_from_assessment": "Shown instead: the most frequent first reasons of customers to retain or "
    "win back.",
    # unavailable reasons
    "reason.no_orders": "there are no completed orders.",
    "reason.no_customers": "there are no customers.",
    "reason.no_service_records": "the data has no delivery dates, returns or tickets.",
    "reason.no_churn_history": "not enough purchase history to measure retention and acquisition.",
    "reason.absent_records": "the data has no {what}, so our own failures cannot be measured there.",
    "records.deliveries": "promised and delivered dates",
    "records.tickets": "support tickets",
    "records.returns": "returns",
    "missing.no_delivery_dates": "orders carry no promised and delivered dates",
    "missing.no_returns": "the data has no returns",
    "missing.defect_not_recorded": "returns do not record whether the product was defective",
    "missing.no_tickets": "the data has no support tickets",
    "missing.no_closed_tickets": "no ticket has a closing time",
    "missing.no_complaints": "no complaints are recorded",
    "missing.complaints_not_judged": "complaints are not judged as substantiated or not",
    # service
    "service.on_time_rate": "On-time delivery",
    "service.resolution_hours": "Time to resolve a ticket (median)",
    "service.defect_rate": "Defect rate (defective returns / orders)",
    "service.substantiated_complaints": "Complaints we caused",
    "service.not_available": "{measure}: not available, {reason}.",
    "service.no_recent": "{measure}: no records in the recent periods.",
    "service.level": "{measure}: {recent}.",
    "service.trend": "{measure}: {recent} in {last_periods@n} against {prior} before ({verdict}).",
    "service.short.on_time_rate": "on-time delivery",
    "service.short.resolution_hours": "time to resolve tickets",
    "service.short.defect_rate": "defect rate",
    "service.short.substantiated_complaints": "complaints we caused",
    "takeaway.service_worse": "Getting worse over {last_periods@n}: {measures}.",
    "takeaway.service_better": "Getting better over {last_periods@n}: {measures}; nothing got worse.",
    "takeaway.service_same": "Service held steady over {last_periods@n}.",
    "list_separator": ", ",
    "service.nobody_hurt": "No customer suffered a late delivery, a complaint we caused or a defective product.",
    # findings
    "finding.late": "{late} {delivery@late} ({share}) arrived after the promised day, affecting {customers} "
    "{customer@customers}.",
    "finding.complaints": "{n} {complaint@n} ({share} of all) found to be our fault, from {customers} "
    "{customer@customers}; handling them cost {cost} of staff time.",
    "finding.defects": "{n} {product@n} came back defective, {refunded} refunded, from {customers} "
    "{customer@customers}.",
    "finding.fix_service": "{n} {customer@n} assigned “fix service”: {money} at stake if we fix it.",
    "finding.none": "No failure of our own is recorded.",
    # growth
    "growth.current": "Today's retention ({retention} a year)",
    "growth.better": "Better retention ({retention} a year)",
    # actions
    "action.nurture": "Nurture",
    "action.grow": "Grow",
    "action.keep": "Keep",
    "action.retain": "Retain",
    "action.win_back": "Win back",
    "action.fix_service": "Fix service",
    "action.make_profitable": "Make profitable",
    "action.deprioritize": "Deprioritize",
    "action.offboard": "Offboard",
    "action_hint.nurture": "Loyal and valuable: reward and protect the relationship.",
    "action_hint.grow": "Healthy, with room to sell more.",
    "action_hint.keep": "Nothing beyond the usual touches.",
    "action_hint.retain": "Valuable and slipping away: reach out now.",
    "action_hint.win_back": "Valuable and probably gone: reactivate.",
    "action_hint.fix_service": "The trouble is our fault: fix it, do not blame the customer.",
    "action_hint.make_profitable": "Reprice, cut the cost to serve, unbundle or re-specify.",
    "action_hint.deprioritize": "Stop spending marketing and sales effort.",
    "action_hint.offboard": "End the relationship gracefully.",
    # flags
    "flag.chronic_complainer": "Chronic complainer",
    "flag.abusive_to_staff": "Abusive to staff",
    "flag.fraud_or_unethical": "Fraud or unethical",
    "flag.bad_payer": "Bad payer",
    "flag.unprofitable": "Unprofitable",
    "flag.return_abuser": "Return abuser",
    "flag.deal_seeker": "Deal seeker",
    "flag.fickle": "Fickle",
    "flag.values_conflict": "Values conflict",
    "flag.no_growth_potential": "No growth potential",
    "flag.no_referrals": "No referrals",
    # churn model reason groups (keepwise.models.churn_classifier.REASON_GROUPS)
    "reason_group.recency": "time since the last order",
    "reason_group.spend_trend": "spend trend",
    "reason_group.order_trend": "order trend",
    "reason_group.rhythm": "purchase rhythm",
    "reason_group.tenure": "time as a customer",
    "reason_group.discounts": "discounts",
    "reason_group.fickle": "changed or cancelled orders",
    "reason_group.deliveries": "late deliveries",
    "reason_group.returns": "returns",
    "reason_group.complaints": "complaints and tickets",
    "reason_group.payments": "payments",
    "reason_group.incidents": "incidents",
    "reason_group.unsubscribed": "newsletter unsubscribe",
    "reason_group.survey": "survey score",
    "reason_group.engagement": "engagement",
    "reason_group.marketing": "marketing consent",
    "reason_group.value": "value to date",
    "reason_group.cost": "cost to serve",
    # acting on the assessment: the portfolio what-if and the policy review
    "nav.portfolio-what-if": "What if",
    "nav.policy-review": "Policies",
    "section.what_if": "What if the proposed actions were taken",
    "intro.what_if": "The whole business’s yearly profit today, set against the same if the offboard customers were let go, the make-profitable customers repriced and charged for what they use, and no more marketing spent on deprioritized customers. Customers are assumed to keep buying as they did.",
    "takeaway.what_if": "Yearly profit would go from {today} to {after} ({change}).",
    "whatif.today": "Yearly profit today",
    "whatif.offboard": "Let {n} offboard {customer@n} go",
    "whatif.make_profitable": "Make {n} {customer@n} profitable",
    "whatif.deprioritize": "No marketing to {n} deprioritized {customer@n}",
    "whatif.after": "Yearly profit if these actions were taken",
    "proposals.written": "{customers} {customer@customers}, {n} {proposal@n} → {out}",
    "policies.title": "Generous policies, the year to {day}",
    "section.policies": "Generous policies: what they cost and who uses them",
    "intro.policies": "What each generous policy cost over the last year, how much of it the heaviest users consumed, and what tightening it would bring, with the customers it would touch by their action.",
    "policy.free_returns": "Free returns",
    "policy.discounts": "Discounts",
    "policy.free_order_changes": "Free order changes",
    "policy.payment_terms": "Generous payment terms",
    "tightening.restocking_fee": "a restocking fee on returns not for a defect beyond {n} {return@n} a year",
    "tightening.discount_cap": "no discount above {share} of list price",
    "tightening.change_request_fee": "a fee of {fee} per change request",
    "tightening.prepayment": "prepayment after {n} late {invoice@n}",
    "col.policy": "Policy",
    "col.yearly_cost": "Cost a year",
    "col.users": "Users",
    "col.top_shares": "Used by the top 1% / 5% / 10%",
    "col.tightening": "Tightened",
    "col.profit_effect": "Profit a year",
    "col.touched": "Customers touched",
    "note.policies": "Effects assume customers keep behaving as they did: an upper bound of what tightening brings.",
    "explain.separator": "; ",  # between churn drivers, which hold commas
    "explain.head": "{action} (priority {priority})",
    "explain.lifecycle": "{lifecycle}, as of {as_of}",
    "explain.figures": "CLV {clv}  p_alive {p_alive}  churn risk {churn_risk}  at stake {stake}",
    "explain.churn_source": "Churn risk from {source}",
    "explain.churn_drivers": "Churn drivers: {drivers}",
    "explain.flags": "Flags: {flags}",
    "explain.no_flags": "none",
    "explain.past_flags": "Past flags (stopped): {flags}",
    "explain.timeline": "Timeline",
    "explain.col.at": "at",
    "explain.col.table": "table",
    "explain.col.what": "what",
    # the dossier's words for the assessment's codes and the tables its timeline shows
    "lifecycle.never_bought": "never bought",
    "lifecycle.active": "active",
    "lifecycle.slipping": "slipping",
    "lifecycle.lapsed": "lapsed",
    "explain.table.orders": "orders",
    "explain.table.returns": "returns",
    "explain.table.invoices": "invoices",
    "explain.table.tickets": "tickets",
    "explain.table.incidents": "incidents",
    "explain.table.engagement": "engagement",
    "explain.table.touches": "touches",
    "explain.table.exit_surveys": "exit surveys",
    "explain.timeline_cut": "The last {shown} of {total} events; --events 0 shows them all.",
    "plain.no_purchase_model": "Your purchase history does not show customers leaving clearly enough to fit a purchase model, so 'still active' (p_alive) and future value (clv) are estimated from each customer's own buying rhythm.",
    "plain.no_predictions": "No purchase model could be used on these records, so 'still active' (p_alive) and future value (clv) are estimated from each customer's own buying rhythm.",
    "reason.churn_drivers": "churn drivers: {drivers}",
}

# The words that follow a count in the messages above (``{word@count}``, keepwise.text.plural) that the reasons'
# words (keepwise.text.reasons.en) do not already give: ``counted_words`` gives both.
WORDS = {
    "customer": {"one": "customer", "other": "customers"},
    "year": {"one": "year", "other": "years"},
    "period": {"one": "period", "other": "periods"},
    "last_periods": {"=1": "the last period", "other": "the last # periods"},
    "last_complete_periods": {"=1": "the last complete period", "other": "the last # complete periods"},
    "proposal": {"one": "proposal", "other": "proposals"},
    "cohort": {"one": "cohort", "other": "cohorts"},
    "answer": {"one": "answer", "other": "answers"},
    "cutoff": {"one": "cutoff", "other": "cutoffs"},
}

# The timetable and campaigns have their own catalog (keepwise.text.locales.cadence_en).
from keepwise.text.locales.cadence_en import MESSAGES as _CADENCE  # noqa: E402

MESSAGES |= _CADENCE

# The errors of the store's services have their own catalog (keepwise.text.locales.errors_en).
from keepwise.text.locales.errors_en import MESSAGES as _ERRORS  # noqa: E402

MESSAGES |= _ERRORS

# A customer's timeline has its own catalog (keepwise.text.locales.timeline_en), shared with the app.
from keepwise.text.locales.timeline_en import MESSAGES as _TIMELINE  # noqa: E402

MESSAGES |= _TIMELINE
