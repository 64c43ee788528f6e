"""برچسب‌ها و قالب‌های جمع‌بندی گزارش HTML به فارسی (همان کلیدهای ``en``)."""

MESSAGES = {
    "title": "گزارش مشتریان",
    "meta": "داده: {source} · تا تاریخ {as_of} · تهیه‌شده در {generated}",
    "footer": "تهیه‌شده با keepwise از سوابق خود کسب‌وکار. هر عدد از داده‌ها محاسبه شده است؛ جایی که "
    "سابقه‌ای نیست، چیزی حدس زده نشده است.",
    "not_available": "در دسترس نیست:",
    "points": "{value} واحد درصد",
    "hours": "{hours} ساعت",
    # پیمایش
    "nav.at-a-glance": "نگاه کلی",
    "nav.whale-curve": "منحنی سود",
    "nav.cohort-retention": "گروه‌ها",
    "nav.clv": "ارزش مشتری",
    "nav.actions": "اقدام‌ها",
    "nav.service-quality": "کیفیت خدمات",
    "nav.flags-findings": "هشدارها و خطاهای ما",
    "nav.growth-simulation": "رشد",
    "nav.model-diagnostics": "بررسی مدل",
    # دوره‌ها
    "period.month": "ماه",
    "period.quarter": "فصل",
    "period.year": "سال",
    # بخش‌ها
    "section.glance": "نگاه کلی به مشتریان",
    "intro.glance": "چند مشتری دارید، چند نفر هنوز خرید می‌کنند و چه درآمدی می‌آورند.",
    "section.whale": "منحنی سود: چه کسی سود می‌آورد و چه کسی هزینه",
    "intro.whale": "مشتریان از سودآورترین تا کم‌سودترین، همراه با سود انباشته. جایی که منحنی پایین می‌آید، "
    "مشتریان بیش از آنچه می‌آورند هزینه دارند.",
    "section.cohorts": "ماندگاری گروه‌ها",
    "intro.cohorts": "مشتریان بر اساس {period} نخستین خرید گروه‌بندی شده‌اند: سهم هر گروه که در هر دوره‌ی "
    "بعد هنوز خرید می‌کند.",
    "section.clv": "ارزش طول عمر مشتری",
    "intro.clv": "حاشیه‌ی سود آینده‌ی مورد انتظار هر مشتری و باارزش‌ترین مشتریان.",
    "section.actions": "برای هر مشتری چه باید کرد",
    "intro.actions": "برای هر مشتری یک اقدام تعیین شده است. تعداد مشتریان هر اقدام و پولی که در میان است.",
    "section.service": "کیفیت خدمات: سهم ما",
    "intro.service": "کسب‌وکار در هر دوره چقدر خوب تحویل می‌دهد، پاسخ می‌دهد و کالا می‌سازد، و کدام "
    "مشتریان بیشترین آسیب را از خطاهای ما دیده‌اند.",
    "section.flags": "هشدارها و آنچه در خدمات خودمان باید اصلاح شود",
    "intro.flags": "شواهدی از رفتار مشتریان که هزینه دارد، و خطاهایی که از خود کسب‌وکار است.",
    "section.growth": "رشد: ماندگاری بهتر چقدر می‌ارزد",
    "intro.growth": "پایگاه مشتریان در {years} سال آینده با ماندگاری و جذب کنونی، و با ماندگاری چند واحد "
    "بهتر.",
    "section.diagnostics": "بررسی مدل",
    "intro.diagnostics": "آیا می‌توان به اعداد اعتماد کرد؟ مدل خرید روی دوره‌ای پیشین برازش شده و با آنچه "
    "مشتریان پس از آن واقعاً کردند مقایسه می‌شود.",
    # شاخص‌ها
    "kpi.customers": "مشتریان",
    "kpi.active_customers": "مشتریان فعال",
    "kpi.churn_rate": "ریزش در هر {period}",
    "kpi.revenue": "درآمد",
    "kpi.gross_margin": "حاشیه‌ی سود ناخالص",
    "kpi.cost_to_serve": "هزینه‌ی خدمت‌رسانی",
    "kpi.profit": "سود",
    "kpi.of_revenue": "{share} از درآمد",
    "kpi.of_customers": "{share} از مشتریان",
    # نمودارها
    "chart.active_customers": "مشتریان فعال",
    "chart.churn_rate": "ریزش در هر {period}",
    "chart.cumulative_profit": "سود انباشته",
    "chart.cumulative_profit_axis": "سود انباشته ({currency})",
    "chart.total_profit": "کل سود",
    "chart.peak": "اوج",
    "chart.customers_by_profit": "سهم مشتریان، سودآورترین‌ها نخست",
    "chart.still_buying": "خریدار",
    "chart.periods_since_joining": "دوره‌ها از نخستین خرید",
    "chart.cohort": "گروه (مشتریان)",
    "chart.customers": "مشتریان",
    "chart.clv_axis": "ارزش طول عمر مشتری ({currency})",
    "chart.money_at_stake": "پول در میان ({currency})",
    "chart.years_from_now": "سال از امروز",
    "chart.actual": "واقعی",
    "chart.model": "مدل (BG/NBD)",
    "chart.cumulative_repeat": "خریدهای تکراری انباشته",
    "chart.weekly_repeat": "خریدهای تکراری در هفته",
    "chart.holdout_starts": "آغاز دوره‌ی آزمون",
    "chart.share_of_weight": "سهم از شواهد مدل",
    "chart.share_of_at_risk": "سهم مشتریان در خطر رفتن",
    # ستون‌ها
    "col.figure": "شاخص",
    "col.value": "مقدار",
    "col.customer": "مشتری",
    "col.customers": "مشتریان",
    "col.clv": "ارزش طول عمر",
    "col.p_alive": "هنوز فعال",
    "col.profit": "سود تا امروز",
    "col.action": "اقدام",
    "col.what_to_do": "یعنی چه",
    "col.money_at_stake": "پول در میان",
    "col.priority": "اولویت",
    "col.reason": "دلیل اصلی",
    "col.late": "تحویل‌های دیرکرد",
    "col.substantiated": "شکایت‌های به حق",
    "col.defective": "مرجوعی‌های معیوب",
    "col.cost_of_failures": "هزینه‌ی خطاهای ما",
    # سرفصل‌ها
    "heading.top_customers": "{n} مشتری باارزش‌تر",
    "heading.most_urgent": "فوری‌ترین مشتریان",
    "heading.hurt_most": "مشتریانی که بیشترین آسیب را از خطاهای ما دیده‌اند",
    "heading.flags": "هشدارهای یافته‌شده",
    "heading.business_faults": "خطاهای خودمان: چه باید اصلاح شود",
    "heading.tracking": "خریدهای تکراری پیش‌بینی‌شده در برابر واقعی",
    "heading.churn_reasons": "قوی‌ترین نشانه‌های ریزش",
    # منحنی سود
    "whale.peak": "سود {share} سودآورترین مشتریان",
    "whale.total": "کل سود همه‌ی مشتریان",
    "whale.destroying": "مشتریانی که بیش از آنچه می‌آورند هزینه دارند",
    "whale.destroying_cost": "سودی که این مشتریان از بین می‌برند",
    # روندها
    "trend.up": "بالاتر از",
    "trend.down": "پایین‌تر از",
    "trend.flat": "تقریباً برابر با",
    "trend.worse": "بدتر",
    "trend.better": "بهتر",
    "trend.same": "تقریباً یکسان",
    # جمع‌بندی‌ها
    "takeaway.churn_trend": "میانگین ریزش {average} در هر {period} بود؛ در {last_complete_periods@n} {recent}، "
    "{direction} {prior} پیش از آن.",
    "takeaway.churn_average": "میانگین ریزش {average} در هر {period} بود.",
    "takeaway.whale": "{top} برتر مشتریان {share} از سود را می‌آورند؛ {destroying} از مشتریان {cost} هزینه "
    "دارند.",
    "takeaway.whale_loss": "مشتریان در مجموع زیان‌ده‌اند ({total})؛ {destroying} از مشتریان {cost} هزینه دارند.",
    "takeaway.whale_none": "هیچ مشتری‌ای بیش از آنچه می‌آورد هزینه ندارد؛ {top} برتر {share} از سود را "
    "می‌آورند.",
    "takeaway.cohorts": "به طور میانگین {first} از مشتریان تازه در {period} پس از پیوستن دوباره خرید می‌کنند؛ "
    "{last} در {period} {later} هنوز خرید می‌کنند.",
    "takeaway.cohorts_young": "گروه‌ها هنوز آن‌قدر تازه‌اند که خرید تکراری نشان نمی‌دهند.",
    "takeaway.clv": "۱۰٪ برتر مشتریان {share} از کل ارزش آینده‌ی مورد انتظار ({total}) را دارند؛ انتظار "
    "می‌رود {negative} مشتری بیش از آنچه می‌آورند هزینه داشته باشند.",
    "takeaway.actions": "{n} مشتری اکنون به اقدام نیاز دارند و {money} در میان است؛ بیشترین پول در «{action}» "
    "است ({action_money}).",
    "takeaway.flags": "{n} مشتری ({share}) دست‌کم یک هشدار دارند؛ رایج‌ترین «{flag}» است ({count}).",
    "takeaway.no_flags": "هیچ مشتری‌ای هشدار ندارد.",
    "takeaway.growth": "با ماندگاری کنونی {retention} در سال، {start} مشتری فعال در {years} سال به {end} "
    "می‌رسند؛ با {better} به {end_better} می‌رسیدند ({more} بیشتر).",
    "takeaway.tracking": "در {weeks} هفته‌ی آزمون، مدل {expected} خرید تکراری انتظار داشت و مشتریان {actual} "
    "خرید کردند: {error} {direction}.",
    "tracking.over": "بیش‌برآورد",
    "tracking.under": "کم‌برآورد",
    "takeaway.churn_reasons": "قوی‌ترین نشانه‌ی ریزش {reason} است ({share} از شواهد مدل).",
    "takeaway.churn_reasons_assessment": "رایج‌ترین دلیل در میان مشتریان در خطر رفتن: {reason} ({share} از آن‌ها).",
    "takeaway.service_worse": "بدتر شده در {last_periods@n}: {measures}.",
    "takeaway.service_better": "بهتر شده در {last_periods@n}: {measures}؛ چیزی بدتر نشده است.",
    "takeaway.service_same": "کیفیت خدمات در {last_periods@n} ثابت مانده است.",
    "list_separator": "، ",
    # یادداشت‌ها
    "note.churn_rule": "مشتری پس از {days} روز بدون خرید از دست‌رفته شمرده می‌شود.",
    "note.no_cost_records": "داده‌ها هیچ تیکت، مرجوعی، صورت‌حساب یا تغییر سفارشی ندارند، پس هزینه‌ی "
    "خدمت‌رسانی معلوم نیست و صفر شمرده می‌شود: سود در اینجا همان حاشیه‌ی سود ناخالص است.",
    "note.values_from_models": "احتمال فعال بودن و ارزش طول عمر از مدل‌های خرید و خرج می‌آیند؛ ریسک ریزش از "
    "منبعی که گذشته‌ی همین کسب‌وکار را بهتر پیش‌بینی کرده است ({detail}).",
    # چگونگی انتخاب منبع ریسک ریزش بر پایه‌ی گذشته‌ی کسب‌وکار (keepwise.text.churn_source)
    "churn_source.comparison": "{best}: AUC {best_auc}، Brier {best_brier}؛ {other}: AUC {other_auc}، Brier "
    "{other_brier}؛ میانگین در {cutoffs} تاریخ برش",
    "churn_source.classifier": "طبقه‌بند ریزش",
    "churn_source.blend": "ترکیب طبقه‌بند و مدل خرید",
    "churn_source.bgnbd": "BG/NBD",
    "churn_source.mbgnbd": "MBG/NBD",
    "churn_source.pareto-nbd": "Pareto/NBD",
    "churn_source.rhythm": "ریتم خرید هر مشتری",
    "note.values_from_rhythm": "احتمال فعال بودن و ارزش طول عمر از ریتم خرید هر مشتری محاسبه شده‌اند، نه از "
    "مدل‌ها: {detail}.",
    "note.cohorts_trimmed": "{cohorts} گروه اخیر و {periods} دوره‌ی نخست آن‌ها نمایش داده شده است.",
    "note.clv": "ارزش طول عمر، حاشیه‌ی سود مورد انتظار (نه درآمد) در {days} روز آینده، پس از هزینه‌ی "
    "خدمت‌رسانی است. ۱٪ کرانه‌ای هر سو در ستون‌های کناری نمودار شمرده شده است.",
    "note.money_at_stake": "پول در میان: برای مشتریانی که باید نگه داشت، ارزشی که از دست می‌رود؛ برای "
    "مشتریان پرهزینه، آنچه اقدام درباره‌ی آن‌ها صرفه‌جویی می‌کند.",
    "note.response_proxy": "زمان نخستین پاسخ در سوابق نیست، پس زمان باز شدن تا بسته شدن تیکت جایگزین آن "
    "شده است.",
    "note.flags": "هشدار یک شاهد است، نه حکم: شکایت‌های به حق، تحویل‌های دیرکرد و کالای معیوب به حساب ما "
    "گذاشته می‌شود، نه مشتری.",
    "note.growth": "ماندگاری سالانه از ترکیب میانگین ریزش در هر {period} به دست آمده است؛ جذب ({acquisition} "
    "از پایگاه در سال) مشتریان تازه‌ی سال گذشته است.",
    "note.tracking": "BG/NBD روی {customers} مشتری تا {calibration_end} برازش شده است؛ پارامترها {params}.",
    "note.churn_model": "طبقه‌بند ریزش (LightGBM) برای {days} روز پس از هر تاریخ برش؛ در دوره‌ی آزمون، ریزش "
    "{predicted} پیش‌بینی کرد در برابر {actual} واقعی.",
    "note.churn_from_assessment": "به جای آن: رایج‌ترین دلیل‌های نخست برای مشتریانی که باید نگه داشت یا "
    "بازگرداند.",
    # دلیل‌های در دسترس نبودن
    "reason.no_orders": "هیچ سفارش تکمیل‌شده‌ای نیست.",
    "reason.no_customers": "هیچ مشتری‌ای نیست.",
    "reason.no_service_records": "داده‌ها تاریخ تحویل، مرجوعی یا تیکت ندارند.",
    "reason.no_churn_history": "سابقه‌ی خرید برای سنجش ماندگاری و جذب کافی نیست.",
    "reason.absent_records": "داده‌ها این‌ها را ندارند: {what}؛ پس خطاهای ما در این زمینه سنجیدنی نیست.",
    "records.deliveries": "تاریخ‌های وعده‌داده‌شده و تحویل",
    "records.tickets": "تیکت‌های پشتیبانی",
    "records.returns": "مرجوعی‌ها",
    "missing.no_delivery_dates": "سفارش‌ها تاریخ وعده و تحویل ندارند",
    "missing.no_returns": "داده‌ها مرجوعی ندارند",
    "missing.defect_not_recorded": "در مرجوعی‌ها ثبت نشده که کالا معیوب بوده یا نه",
    "missing.no_tickets": "داده‌ها تیکت پشتیبانی ندارند",
    "missing.no_closed_tickets": "هیچ تیکتی زمان بسته شدن ندارد",
    "missing.no_complaints": "هیچ شکایتی ثبت نشده است",
    "missing.complaints_not_judged": "درباره‌ی به حق بودن شکایت‌ها داوری نشده است",
    # خدمات
    "service.on_time_rate": "تحویل به موقع",
    "service.resolution_hours": "زمان حل تیکت (میانه)",
    "service.defect_rate": "نرخ خرابی (مرجوعی معیوب / سفارش)",
    "service.substantiated_complaints": "شکایت‌های به حق",
    "service.short.on_time_rate": "تحویل به موقع",
    "service.short.resolution_hours": "زمان حل تیکت‌ها",
    "service.short.defect_rate": "نرخ خرابی",
    "service.short.substantiated_complaints": "شکایت‌های به حق",
    "service.not_available": "{measure}: در دسترس نیست، {reason}.",
    "service.no_recent": "{measure}: در دوره‌های اخیر سابقه‌ای نیست.",
    "service.level": "{measure}: {recent}.",
    "service.trend": "{measure}: {recent} در {last_periods@n} در برابر {prior} پیش از آن ({verdict}).",
    "service.nobody_hurt": "هیچ مشتری‌ای از تحویل دیرکرد، شکایت به حق یا کالای معیوب آسیب ندیده است.",
    # یافته‌ها
    "finding.late": "{late} تحویل ({share}) پس از روز وعده‌داده‌شده رسید و {customers} مشتری را درگیر کرد.",
    "finding.complaints": "{n} شکایت ({share} از همه) خطای ما شناخته شد، از {customers} مشتری؛ رسیدگی به "
    "آن‌ها {cost} وقت کارکنان هزینه داشت.",
    "finding.defects": "{n} کالا معیوب برگشت، {refunded} بازپرداخت شد، از {customers} مشتری.",
    "finding.fix_service": "برای {n} مشتری «اصلاح خدمات» تعیین شده است: اگر اصلاح کنیم {money} در میان است.",
    "finding.none": "هیچ خطایی از سوی ما ثبت نشده است.",
    # رشد
    "growth.current": "ماندگاری کنونی ({retention} در سال)",
    "growth.better": "ماندگاری بهتر ({retention} در سال)",
    # اقدام‌ها
    "action.nurture": "پرورش",
    "action.grow": "رشد دادن",
    "action.keep": "حفظ روال",
    "action.retain": "نگه‌داشتن",
    "action.win_back": "بازگرداندن",
    "action.fix_service": "اصلاح خدمات",
    "action.make_profitable": "سودآور کردن",
    "action.deprioritize": "کاهش اولویت",
    "action.offboard": "پایان همکاری",
    "action_hint.nurture": "وفادار و باارزش: پاداش دهید و رابطه را حفظ کنید.",
    "action_hint.grow": "سالم، با جا برای فروش بیشتر.",
    "action_hint.keep": "چیزی فراتر از تماس‌های معمول لازم نیست.",
    "action_hint.retain": "باارزش و در حال رفتن: همین حالا تماس بگیرید.",
    "action_hint.win_back": "باارزش و احتمالاً رفته: دوباره فعالش کنید.",
    "action_hint.fix_service": "مشکل از ماست: آن را اصلاح کنید و مشتری را مقصر ندانید.",
    "action_hint.make_profitable": "قیمت را بازنگری کنید، هزینه‌ی خدمت را کم کنید، خدمات را جدا یا "
    "دوباره تعریف کنید.",
    "action_hint.deprioritize": "هزینه‌ی بازاریابی و فروش برای او را متوقف کنید.",
    "action_hint.offboard": "رابطه را محترمانه پایان دهید.",
    # هشدارها
    "flag.chronic_complainer": "شکایت مزمن",
    "flag.abusive_to_staff": "بدرفتاری با کارکنان",
    "flag.fraud_or_unethical": "تقلب یا رفتار غیراخلاقی",
    "flag.bad_payer": "بدحساب",
    "flag.unprofitable": "زیان‌ده",
    "flag.return_abuser": "سوءاستفاده از مرجوعی",
    "flag.deal_seeker": "تخفیف‌جو",
    "flag.fickle": "بی‌ثبات",
    "flag.values_conflict": "تعارض ارزش‌ها",
    "flag.no_growth_potential": "بدون ظرفیت رشد",
    "flag.no_referrals": "بدون معرفی",
    # گروه‌های دلیل ریزش
    "reason_group.recency": "زمان از آخرین سفارش",
    "reason_group.spend_trend": "روند خرج",
    "reason_group.order_trend": "روند سفارش‌ها",
    "reason_group.rhythm": "ریتم خرید",
    "reason_group.tenure": "مدت مشتری بودن",
    "reason_group.discounts": "تخفیف‌ها",
    "reason_group.fickle": "سفارش‌های تغییریافته یا لغوشده",
    "reason_group.deliveries": "تحویل‌های دیرکرد",
    "reason_group.returns": "مرجوعی‌ها",
    "reason_group.complaints": "شکایت‌ها و تیکت‌ها",
    "reason_group.payments": "پرداخت‌ها",
    "reason_group.incidents": "رخدادها",
    "reason_group.unsubscribed": "لغو اشتراک خبرنامه",
    "reason_group.survey": "امتیاز نظرسنجی",
    "reason_group.engagement": "تعامل",
    "reason_group.marketing": "رضایت به بازاریابی",
    "reason_group.value": "ارزش تا امروز",
    "reason_group.cost": "هزینه‌ی خدمت‌رسانی",
    # acting on the assessment: the portfolio what-if and the policy review
    "nav.portfolio-what-if": "اگر",
    "nav.policy-review": "سیاست\u200cها",
    "section.what_if": "اگر اقدام\u200cهای پیشنهادی انجام شود",
    "intro.what_if": "سود سالانه\u200cی کل کسب\u200cوکار امروز، در برابر همان سود اگر با مشتریان «پایان همکاری» خداحافظی شود، قیمت مشتریان «سودآور کردن» اصلاح و برای خدماتی که می\u200cگیرند هزینه دریافت شود، و دیگر برای مشتریان «کم\u200cاولویت» هزینه\u200cی بازاریابی نشود. فرض بر این است که مشتریان مانند گذشته خرید می\u200cکنند.",
    "takeaway.what_if": "سود سالانه از {today} به {after} می\u200cرسد ({change}).",
    "whatif.today": "سود سالانه\u200cی امروز",
    "whatif.offboard": "پایان همکاری با {n} مشتری",
    "whatif.make_profitable": "سودآور کردن {n} مشتری",
    "whatif.deprioritize": "بدون بازاریابی برای {n} مشتری کم\u200cاولویت",
    "whatif.after": "سود سالانه اگر این اقدام\u200cها انجام شود",
    "proposals.written": "{customers} مشتری، {n} پیشنهاد → {out}",
    "policies.title": "سیاست‌های سخاوتمندانه، سال منتهی به {day}",
    "section.policies": "سیاست\u200cهای سخاوتمندانه: هزینه و استفاده\u200cکنندگان",
    "intro.policies": "هزینه\u200cی هر سیاست سخاوتمندانه در سال گذشته، سهم پرمصرف\u200cترین استفاده\u200cکنندگان از آن، و آنچه سخت\u200cتر کردنش به همراه دارد، با مشتریانی که بر آن\u200cها اثر می\u200cگذارد به تفکیک اقدام.",
    "policy.free_returns": "مرجوعی رایگان",
    "policy.discounts": "تخفیف\u200cها",
    "policy.free_order_changes": "تغییر رایگان سفارش",
    "policy.payment_terms": "مهلت پرداخت سخاوتمندانه",
    "tightening.restocking_fee": "هزینه\u200cی بازگرداندن کالا برای مرجوعی\u200cهای غیرمعیوب بیش از {n} بار در سال",
    "tightening.discount_cap": "تخفیف نه بیشتر از {share} قیمت فهرست",
    "tightening.change_request_fee": "هزینه\u200cی {fee} برای هر درخواست تغییر",
    "tightening.prepayment": "پیش\u200cپرداخت پس از {n} فاکتور دیرکرد",
    "col.policy": "سیاست",
    "col.yearly_cost": "هزینه در سال",
    "col.users": "استفاده\u200cکنندگان",
    "col.top_shares": "سهم ۱٪ / ۵٪ / ۱۰٪ بالا",
    "col.tightening": "سخت\u200cتر",
    "col.profit_effect": "سود در سال",
    "col.touched": "مشتریان متأثر",
    "note.policies": "فرض بر این است که مشتریان رفتار خود را تغییر نمی\u200cدهند: این حد بالای اثر سخت\u200cگیری است.",
    "explain.separator": "؛ ",  # between churn drivers, which hold commas
    "explain.head": "{action} (اولویت {priority})",
    "explain.lifecycle": "{lifecycle}، تا {as_of}",
    "explain.figures": "ارزش طول عمر {clv}  احتمال فعال‌بودن {p_alive}  ریسک ریزش {churn_risk}  در خطر {stake}",
    "explain.churn_source": "ریسک ریزش از {source}",
    "explain.churn_drivers": "عوامل ریزش: {drivers}",
    "explain.flags": "پرچم‌ها: {flags}",
    "explain.no_flags": "هیچ",
    "explain.past_flags": "پرچم‌های گذشته (متوقف‌شده): {flags}",
    "explain.timeline": "گاه‌شمار",
    "explain.col.at": "زمان",
    "explain.col.table": "جدول",
    "explain.col.what": "چه",
    # the dossier's words for the assessment's codes and the tables its timeline shows
    "lifecycle.never_bought": "بدون خرید",
    "lifecycle.active": "فعال",
    "lifecycle.slipping": "در حال دور شدن",
    "lifecycle.lapsed": "غیرفعال",
    "explain.table.orders": "سفارش‌ها",
    "explain.table.returns": "مرجوعی‌ها",
    "explain.table.invoices": "فاکتورها",
    "explain.table.tickets": "درخواست‌ها",
    "explain.table.incidents": "رویدادها",
    "explain.table.engagement": "تعامل",
    "explain.table.touches": "تماس‌ها",
    "explain.table.exit_surveys": "نظرسنجی‌های خروج",
    "explain.timeline_cut": "{shown} رویداد آخر از {total} رویداد؛ ‎--events 0 همه را نشان می‌دهد.",
    "plain.no_purchase_model": "سابقهٔ خرید شما رفتن مشتریان را آن‌قدر روشن نشان نمی‌دهد که بتوان مدل خرید را برازش کرد؛ پس «هنوز فعال» (p_alive) و ارزش آینده (clv) از ریتم خرید خود هر مشتری برآورد می‌شود.",
    "plain.no_predictions": "هیچ مدل خریدی روی این داده‌ها قابل استفاده نبود؛ پس «هنوز فعال» (p_alive) و ارزش آینده (clv) از ریتم خرید خود هر مشتری برآورد می‌شود.",
    "reason.churn_drivers": "عوامل ریزش: {drivers}",
}

# The timetable and campaigns have their own catalog (keepwise.text.locales.cadence_fa).
from keepwise.text.locales.cadence_fa import MESSAGES as _CADENCE  # noqa: E402

MESSAGES |= _CADENCE

# Words that follow a count in these messages (keepwise.text.plural); the reasons' own are in their catalog.
WORDS = {
    # "در دوره‌ی اخیر" for one, "در ۲ دوره‌ی اخیر" for more
    "last_periods": {"=1": "دوره‌ی اخیر", "other": "# دوره‌ی اخیر"},
    "last_complete_periods": {"=1": "دوره‌ی کامل اخیر", "other": "# دوره‌ی کامل اخیر"},
}

# The errors of the store's services have their own catalog (keepwise.text.locales.errors_fa).
from keepwise.text.locales.errors_fa import MESSAGES as _ERRORS  # noqa: E402

MESSAGES |= _ERRORS

# A customer's timeline has its own catalog (keepwise.text.locales.timeline_fa), shared with the app.
from keepwise.text.locales.timeline_fa import MESSAGES as _TIMELINE  # noqa: E402

MESSAGES |= _TIMELINE
