"""دلایل به فارسی (ارقام فارسی و تاریخ خورشیدی را keepwise.text.phrase می‌گذارد)."""

REASONS = {
    "service_substantiated": "تقصیر کسب‌وکار: {n} {complaint@n} واردشده در {orders} {order@orders} {span}، "
    "در برابر {rate_share} سفارش‌ها در کل کسب‌وکار",
    "service_late": "تقصیر کسب‌وکار: {n} از {total} {delivery@total} با تأخیر {span}، در برابر {rate_share} در کل کسب‌وکار",
    "service_defective": "تقصیر کسب‌وکار: {n} {product@n} معیوب برگشت در {orders} {order@orders} {span}، "
    "{amount_money} بازپرداخت، در برابر {rate_share} سفارش‌ها در کل کسب‌وکار",
    # آنچه مشتریِ رفته گفت و اینکه سوابقش آن را تأیید می‌کند یا نه (keepwise.assess.exit_answers).
    "exit_answer": "نظرسنجی خروج {at_day}، دلیل: {exit_reason}",
    "exit_answer_scored": "نظرسنجی خروج {at_day}، دلیل: {exit_reason}، ما را {score} از ۱۰ توصیه می‌کند",
    "exit_claim_late": "تقصیر کسب‌وکار، همان‌طور که مشتری گفت: {n} از {total} {delivery@total} با تأخیر، آخرین {last_day}",
    "exit_claim_defective": "تقصیر کسب‌وکار، همان‌طور که مشتری گفت: {n} {product@n} معیوب برگشت، آخرین {last_day}",
    "exit_claim_substantiated": "تقصیر کسب‌وکار، همان‌طور که مشتری گفت: {n} {complaint@n} وارد، آخرین {last_day}",
    "exit_claim_unseen_late": "هیچ تحویل با تأخیری در {months} {month@months} پیش از آخرین سفارش ثبت نشده",
    "exit_claim_unseen_defective": "هیچ کالای معیوبی در {months} {month@months} پیش از آخرین سفارش برنگشته",
    "exit_claim_unseen_substantiated": "هیچ شکایت واردی در {months} {month@months} پیش از آخرین سفارش ثبت نشده",
    "chronic_complainer": "{n} {complaint@n} {span}، {unfounded} ناوارد، در {orders} {order@orders} "
    "(با نرخ کسب‌وکار حدود {expected_decimal} انتظار می‌رفت)، {staff_hours} {hour@staff_hours} وقت کارکنان",
    "abusive_to_staff": "{n} {incident@n} تأییدشدهٔ بدرفتاری با کارکنان {span}",
    "incident_fraud": "{n} {fraud@n} تأییدشده، آخرین {last_day}",
    "incident_chargeback": "{n} {chargeback@n}، آخرین {last_day}",
    "incident_unethical_request": "{n} {request@n} غیراخلاقی تأییدشده، آخرین {last_day}",
    "incident_policy_abuse": "{n} {policy_abuse@n} تأییدشده، آخرین {last_day}",
    "bad_payer": "{late} از {invoices} {invoice@invoices} دیر پرداخت‌شده یا معوق، آخرین {last_day}، "
    "{overdue_money} معوق، {written_off_money} سوخت‌شده",
    "bad_payer_overdue": "{late} از {invoices} {invoice@invoices} دیر پرداخت‌شده یا معوق، آخرین {last_day}، "
    "{overdue_money} معوق",
    "bad_payer_late_written_off": "{late} از {invoices} {invoice@invoices} دیر پرداخت‌شده یا معوق، آخرین "
    "{last_day}، {written_off_money} سوخت‌شده",
    "bad_payer_late": "{late} از {invoices} {invoice@invoices} دیر پرداخت‌شده یا معوق، آخرین {last_day}",
    "bad_payer_written_off": "{n} از {invoices} {invoice@invoices} پرداخت‌نشده و سوخت‌شده، آخرین {last_day}: {amount_money}",
    "unprofitable": "زیان خالص تا امروز {loss_money}: درآمد {revenue_money}، بهای کالا {goods_money}، "
    "هزینهٔ خدمت‌رسانی {serve_money}",
    "return_abuser": "{n} {return@n} بدون عیب {span}، {amount_money} بازپرداخت ({revenue_share} درآمد)",
    "deal_seeker": "{n} از {orders} {order@orders} با {off_share} تخفیف یا بیشتر",
    "fickle": "{n} از {orders} {order@orders} لغو یا تغییر داده‌شده {span}، {changes} {request@changes} تغییر",
    "values_tag": "کارکنان برچسب تعارض ارزشی (values_conflict) زده‌اند",
    "values_incidents": "{n} {incident@n} تأییدشدهٔ تعارض ارزشی، آخرین {last_day}",
    "stopped_invoices": "{problem} متوقف شده: هیچ‌کدام در {clean} {invoice@clean} اخیر، "
    "در برابر {former} از {former_total} {invoice@former_total} پیش از آن",
    "stopped_measured": "{problem} متوقف شده: هیچ موردی در {clean_months} {month@clean_months} تا آخرین سفارش، "
    "در برابر {former} مورد در {former_months} {month@former_months} پیش از آن",
    "stopped_long_ago": "{problem} {months} {month@months} پیش متوقف شده و سفارش‌ها ادامه دارد",
    "minor_problem": "{problem}: هزینهٔ {cost_money} در برابر {margin_money} حاشیهٔ سود آورده‌شده، جزئی",
    "destroys_value": "{problem} {cost_money} هزینه داشته، بیش از کل {margin_money} حاشیهٔ سود آورده‌شده: "
    "با قیمت‌گذاری دوباره جبران نمی‌شود",
    "last_order": "آخرین سفارش {last_day} ({days} {day@days} پیش، معمولاً هر {gap} {day@gap})",
    "last_order_once": "آخرین سفارش {last_day} ({days} {day@days} پیش)، تنها روز خرید: مشتری معمولی هر {gap} {day@gap} "
    "یک بار خرید می‌کند",
    "margin": "حاشیهٔ سود تا امروز {margin_money} از {orders} {order@orders} از {first_day}",
    "no_orders": "هنوز سفارش تکمیل‌شده‌ای ندارد",
    "no_growth": "درآمد {last_money} در {months} {month@months} اخیر در برابر {prior_money} پیش از آن، "
    "از کمترین درآمدهای سالانه",
    "no_referrals": "هیچ معرفی در {months} {month@months}",
    "expected_value": "ارزش مورد انتظار {clv_money} در {months} {month@months}، {stake_money} در خطر",
    # The churn classifier's drivers (keepwise.assess.churn_reasons).
    "churn_recency": "{days} {day@days} بدون خرید، {ratio_decimal} برابر فاصلهٔ معمول {gap} {day@gap}",
    "churn_recency_once": "{days} {day@days} بدون خرید (آخرین {last_day}، تنها روز خرید)",
    "churn_spend_down": "خرید {change_share} کمتر از {months} {month@months} پیش ({last_money} در برابر {prior_money})",
    "churn_spend_up": "خرید {change_share} بیشتر از {months} {month@months} پیش ({last_money} در برابر {prior_money})",
    "churn_spend_new": "{last_money} خرید در {months} {month@months} اخیر، هیچ در {months} ماه پیش از آن",
    "churn_spend_none": "هیچ خریدی در {months} {month@months} اخیر",
    "churn_orders": "{n} {order@n} در {months} {month@months} اخیر در برابر {prior} در {months} ماه پیش از آن",
    "churn_rhythm_once": "تاکنون تنها یک روز خرید",
    "churn_rhythm": "{n} روز خرید، به‌طور میانگین هر {gap} {day@gap}",
    "churn_tenure": "{days} {day@days} مشتری (از {since_day})",
    "churn_deep_discounts": "{deep_share} سفارش‌ها با تخفیف زیاد ({n} از {orders})",
    "churn_discounts": "تخفیف {discount_share} از قیمت فهرست روی سفارش‌ها",
    "churn_fickle": "{cancelled} {order@cancelled} لغوشده و {changed} {order@changed} تغییرداده‌شده پس از ثبت، آخرین {last_day}",
    "churn_fickle_cancelled": "{cancelled} {order@cancelled} لغوشده، آخرین {last_day}",
    "churn_fickle_changed": "{changed} {order@changed} تغییرداده‌شده پس از ثبت، آخرین {last_day}",
    "churn_deliveries": "{n} از {total} {delivery@total} با تأخیر (تقصیر ما)، آخرین {last_day}",
    "churn_returns": "{n} {return@n} به ارزش {amount_money} ({revenue_share} درآمد، {defective} معیوب)",
    "churn_complaints": "{n} {complaint@n} ({fault} مورد تقصیر ما)، آخرین {last_day}",
    "churn_tickets": "{n} {ticket@n} پشتیبانی ({minutes} دقیقه وقت کارکنان)",
    "churn_incidents": "{n} {incident@n} تأییدشده، آخرین {last_day}",
    "churn_unsubscribed": "لغو اشتراک خبرنامه",
    "churn_unsubscribed_on": "لغو اشتراک خبرنامه در {at_day}",
    "churn_survey": "آخرین امتیاز نظرسنجی {score}/۱۰ در {at_day}",
    "churn_no_engagement": "هیچ بازکردن خبرنامه، کلیک، بازدید یا نظرسنجی ثبت نشده",
    "churn_engagement": "{n} {event@n} تعامل (بازکردن، کلیک، بازدید، نظرسنجی) ثبت‌شده",
    "churn_opted_out": "انصراف از دریافت بازاریابی",
    "churn_value": "{revenue_money} خرید تا امروز، سود {profit_money}",
    "churn_cost": "هزینهٔ خدمت‌رسانی {cost_money} تا امروز",
    "churn_other": "{feature}: {value_decimal}",
    "churn_no_purchase": "هنوز خریدی نکرده",
    "churn_no_purchase_since": "از ثبت‌نام در {signup_day} هنوز خریدی نکرده",
}

PROBLEMS = {
    "chronic_complainer": "شکایت‌های ناوارد",
    "abusive_to_staff": "بدرفتاری با کارکنان",
    "fraud_or_unethical": "تقلب یا درخواست‌های غیراخلاقی",
    "bad_payer": "مشکلات پرداخت",
    "return_abuser": "مرجوعی بدون عیب",
    "fickle": "تغییر و لغو سفارش",
    "values_conflict": "تعارض ارزشی",
}

# Persian nouns stay singular after a number; Babel's categories for fa are "one" and "other".
WORDS = {
    "complaint": {"one": "شکایت", "other": "شکایت"},
    "order": {"one": "سفارش", "other": "سفارش"},
    "delivery": {"one": "تحویل", "other": "تحویل"},
    "product": {"one": "کالای", "other": "کالای"},
    "hour": {"one": "ساعت", "other": "ساعت"},
    "incident": {"one": "مورد", "other": "مورد"},
    "fraud": {"one": "تقلب", "other": "تقلب"},
    "chargeback": {"one": "برگشت وجه بانکی", "other": "برگشت وجه بانکی"},
    "request": {"one": "درخواست", "other": "درخواست"},
    "policy_abuse": {"one": "سوءاستفاده از قوانین", "other": "سوءاستفاده از قوانین"},
    "invoice": {"one": "صورت‌حساب", "other": "صورت‌حساب"},
    "return": {"one": "مرجوعی", "other": "مرجوعی"},
    "month": {"one": "ماه", "other": "ماه"},
    "day": {"one": "روز", "other": "روز"},
    "ticket": {"one": "درخواست", "other": "درخواست"},
    "event": {"one": "رویداد", "other": "رویداد"},
}
