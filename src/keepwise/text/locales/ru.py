"""Русские подписи и шаблоны выводов HTML-отчёта (те же ключи, что в ``en``)."""

MESSAGES = {
    "title": "Отчёт о клиентах",
    "meta": "Данные: {source} · на {as_of} · составлен {generated}",
    "footer": "Составлено keepwise по собственным записям компании. Каждая цифра посчитана по данным; "
    "там, где записей нет, ничего не додумано.",
    "not_available": "Нет данных:",
    "points": "{value} п.п.",
    "hours": "{hours} ч",
    # навигация
    "nav.at-a-glance": "Коротко",
    "nav.whale-curve": "Кривая прибыли",
    "nav.cohort-retention": "Когорты",
    "nav.clv": "Ценность клиентов",
    "nav.actions": "Действия",
    "nav.service-quality": "Качество сервиса",
    "nav.flags-findings": "Флаги и наши ошибки",
    "nav.growth-simulation": "Рост",
    "nav.model-diagnostics": "Проверка модели",
    # периоды
    "period.month": "месяц",
    "period.quarter": "квартал",
    "period.year": "год",
    # разделы
    "section.glance": "Клиентская база коротко",
    "intro.glance": "Сколько у вас клиентов, сколько из них ещё покупают и что они приносят.",
    "section.whale": "Кривая прибыли: кто зарабатывает, а кто стоит денег",
    "intro.whale": "Клиенты от самого прибыльного к наименее прибыльному и накопленная прибыль. Где кривая "
    "идёт вниз, клиенты обходятся дороже, чем приносят.",
    "section.cohorts": "Удержание по когортам",
    "intro.cohorts": "Клиенты сгруппированы по периоду первой покупки ({period}): доля каждой группы, "
    "которая покупает в каждом следующем периоде.",
    "section.clv": "Пожизненная ценность клиента",
    "intro.clv": "Ожидаемая будущая маржа каждого клиента и самые ценные клиенты.",
    "section.actions": "Что делать с каждым клиентом",
    "intro.actions": "Каждому клиенту назначено одно действие. Сколько клиентов в каждом и сколько денег "
    "на кону.",
    "section.service": "Качество сервиса: наша сторона",
    "intro.service": "Как компания доставляет, отвечает и делает товар — по периодам — и клиенты, которых "
    "наши ошибки задели сильнее всего.",
    "section.flags": "Флаги и что исправить в собственном сервисе",
    "intro.flags": "Свидетельства поведения клиентов, которое стоит денег, и ошибки самой компании.",
    "section.growth": "Рост: чего стоит лучшее удержание",
    "intro.growth": "Клиентская база на {years} {year@years} вперёд при нынешних удержании и привлечении и при "
    "удержании на несколько пунктов лучше.",
    "section.diagnostics": "Проверка модели",
    "intro.diagnostics": "Можно ли доверять цифрам? Модель покупок обучена на более раннем периоде и "
    "сравнивается с тем, что клиенты сделали потом.",
    # показатели
    "kpi.customers": "Клиенты",
    "kpi.active_customers": "Активные клиенты",
    "kpi.churn_rate": "Отток за {period}",
    "kpi.revenue": "Выручка",
    "kpi.gross_margin": "Валовая маржа",
    "kpi.cost_to_serve": "Стоимость обслуживания",
    "kpi.profit": "Прибыль",
    "kpi.of_revenue": "{share} выручки",
    "kpi.of_customers": "{share} клиентов",
    # графики
    "chart.active_customers": "Активные клиенты",
    "chart.churn_rate": "Отток за {period}",
    "chart.cumulative_profit": "Накопленная прибыль",
    "chart.cumulative_profit_axis": "Накопленная прибыль ({currency})",
    "chart.total_profit": "Вся прибыль",
    "chart.peak": "Пик",
    "chart.customers_by_profit": "Доля клиентов, начиная с самых прибыльных",
    "chart.still_buying": "Покупают",
    "chart.periods_since_joining": "Периодов после первой покупки",
    "chart.cohort": "Когорта (клиентов)",
    "chart.customers": "Клиенты",
    "chart.clv_axis": "Пожизненная ценность ({currency})",
    "chart.money_at_stake": "Деньги на кону ({currency})",
    "chart.years_from_now": "Лет от сегодня",
    "chart.actual": "Факт",
    "chart.model": "Модель (BG/NBD)",
    "chart.cumulative_repeat": "Повторные покупки нарастающим итогом",
    "chart.weekly_repeat": "Повторные покупки в неделю",
    "chart.holdout_starts": "начало проверки",
    "chart.share_of_weight": "Доля в решениях модели",
    "chart.share_of_at_risk": "Доля клиентов под угрозой ухода",
    # столбцы
    "col.figure": "Показатель",
    "col.value": "Значение",
    "col.customer": "Клиент",
    "col.customers": "Клиенты",
    "col.clv": "Пожизненная ценность",
    "col.p_alive": "Ещё активен",
    "col.profit": "Прибыль на сегодня",
    "col.action": "Действие",
    "col.what_to_do": "Что это значит",
    "col.money_at_stake": "Деньги на кону",
    "col.priority": "Приоритет",
    "col.reason": "Главная причина",
    "col.late": "Опоздавшие доставки",
    "col.substantiated": "Жалобы по нашей вине",
    "col.defective": "Возвраты брака",
    "col.cost_of_failures": "Цена наших ошибок",
    # заголовки
    "heading.top_customers": "Самые ценные клиенты ({n})",
    "heading.most_urgent": "Самые срочные клиенты",
    "heading.hurt_most": "Клиенты, которых наши ошибки задели сильнее всего",
    "heading.flags": "Найденные флаги",
    "heading.business_faults": "Наши собственные ошибки: что исправить",
    "heading.tracking": "Прогноз и факт повторных покупок",
    "heading.churn_reasons": "Самые сильные признаки оттока",
    # кривая прибыли
    "whale.peak": "Прибыль самых прибыльных {share} клиентов",
    "whale.total": "Вся прибыль от всех клиентов",
    "whale.destroying": "Клиенты, которые стоят дороже, чем приносят",
    "whale.destroying_cost": "Прибыль, которую они съедают",
    # тренды
    "trend.up": "выше, чем",
    "trend.down": "ниже, чем",
    "trend.flat": "примерно как",
    "trend.worse": "хуже",
    "trend.better": "лучше",
    "trend.same": "примерно так же",
    # выводы
    "takeaway.churn_trend": "Отток в среднем {average} за {period}; за {last_full_periods@n} — {recent}, "
    "{direction} {prior} до этого.",
    "takeaway.churn_average": "Отток в среднем {average} за {period}.",
    "takeaway.whale": "Лучшие {top} клиентов приносят {share} прибыли; {destroying} клиентов обходятся в {cost}.",
    "takeaway.whale_loss": "В целом клиенты убыточны ({total}); {destroying} клиентов обходятся в {cost}.",
    "takeaway.whale_none": "Ни один клиент не обходится дороже, чем приносит; лучшие {top} приносят {share} "
    "прибыли.",
    "takeaway.cohorts": "В среднем {first} новых клиентов покупают снова в следующий {period}; {last} всё ещё "
    "покупают в {later}-й {period}.",
    "takeaway.cohorts_young": "Когорты слишком молоды, чтобы показать повторные покупки.",
    "takeaway.clv": "У 10% лучших клиентов {share} всей ожидаемой будущей ценности ({total}); от {negative} "
    "{customer_gen@negative} ожидается больше затрат, чем дохода.",
    "takeaway.actions": "Клиентов, которым нужны действия сейчас: {n}, на кону {money}; больше всего денег в группе "
    "«{action}» ({action_money}).",
    "takeaway.flags": "У {n} {customer_gen@n} ({share}) есть хотя бы один флаг; чаще всего — «{flag}» ({count}).",
    "takeaway.no_flags": "Ни у одного клиента нет флагов.",
    "takeaway.growth": "При нынешнем удержании {retention} в год активных клиентов станет {end} вместо {start} "
    "через {years} {year@years}; при {better} — {end_better} (на {more} больше).",
    "takeaway.tracking": "За {weeks} {week@weeks} проверки модель ожидала {expected} повторных покупок, клиенты "
    "сделали {actual}: прогноз {direction} на {error}.",
    "tracking.over": "завышен",
    "tracking.under": "занижен",
    "takeaway.churn_reasons": "Самый сильный признак оттока — {reason} ({share} решений модели).",
    "takeaway.churn_reasons_assessment": "Самая частая причина у клиентов под угрозой ухода: {reason} ({share} из них).",
    "takeaway.service_worse": "Хуже за {last_periods@n}: {measures}.",
    "takeaway.service_better": "Лучше за {last_periods@n}: {measures}; ничего не ухудшилось.",
    "takeaway.service_same": "Сервис за {last_periods@n} держится на прежнем уровне.",
    "list_separator": ", ",
    # примечания
    "note.churn_rule": "Клиент считается ушедшим после {days} {day_gen@days} без покупок.",
    "note.no_cost_records": "В данных нет обращений, возвратов, счетов и изменений заказов, поэтому стоимость "
    "обслуживания неизвестна и считается нулевой: прибыль здесь равна валовой марже.",
    "note.values_from_models": "Вероятность активности и пожизненная ценность — из моделей покупок и трат; риск "
    "оттока — из источника, лучше всего предсказавшего прошлое этой компании ({detail}).",
    # Как выбран источник риска ухода на прошлом бизнеса (keepwise.text.churn_source)
    "churn_source.comparison": "{best}: AUC {best_auc}, Brier {best_brier}; {other}: AUC {other_auc}, Brier "
    "{other_brier}; в среднем по {cutoffs} {cutoff_dat@cutoffs}",
    "churn_source.classifier": "классификатор оттока",
    "churn_source.blend": "классификатор и модель покупок вместе",
    "churn_source.bgnbd": "BG/NBD",
    "churn_source.mbgnbd": "MBG/NBD",
    "churn_source.pareto-nbd": "Pareto/NBD",
    "churn_source.rhythm": "ритм покупок каждого клиента",
    "note.values_from_rhythm": "Вероятность активности и пожизненная ценность посчитаны по ритму покупок каждого "
    "клиента, а не по моделям: {detail}.",
    "note.cohorts_trimmed": "Показаны последние {cohorts} {cohort@cohorts} и их первые {periods} {period@periods}.",
    "note.clv": "Пожизненная ценность — ожидаемая маржа (не выручка) на {days} {day@days} вперёд за вычетом "
    "стоимости обслуживания. Крайний 1% с каждой стороны на графике учтён в крайних столбцах.",
    "note.money_at_stake": "Деньги на кону: для клиентов, которых надо сохранить, — ценность, которую можно "
    "потерять; для убыточных — что даст работа с ними.",
    "note.response_proxy": "Время первого ответа в записях не хранится, поэтому вместо него взято время от "
    "открытия до закрытия обращения.",
    "note.flags": "Флаг — это свидетельство, а не приговор: жалобы по нашей вине, опоздания и брак "
    "засчитываются нам, а не клиенту.",
    "note.growth": "Годовое удержание — это средний отток за {period}, сложенный за год; привлечение ({acquisition} "
    "базы в год) — новые клиенты прошлого года.",
    "note.tracking": "BG/NBD обучена на {customers} {customer_prep@customers} до {calibration_end}; параметры {params}.",
    "note.churn_model": "Классификатор оттока (LightGBM) на {days} {day@days} после каждой даты среза; на проверке "
    "он предсказал отток {predicted} при фактическом {actual}.",
    "note.churn_from_assessment": "Вместо этого показаны самые частые первые причины у клиентов, которых надо "
    "удержать или вернуть.",
    # причины отсутствия
    "reason.no_orders": "нет выполненных заказов.",
    "reason.no_customers": "нет клиентов.",
    "reason.no_service_records": "в данных нет дат доставки, возвратов и обращений.",
    "reason.no_churn_history": "истории покупок мало, чтобы измерить удержание и привлечение.",
    "reason.absent_records": "в данных нет: {what}, поэтому наши ошибки здесь измерить нельзя.",
    "records.deliveries": "обещанных и фактических дат доставки",
    "records.tickets": "обращений в поддержку",
    "records.returns": "возвратов",
    "missing.no_delivery_dates": "в заказах нет обещанных и фактических дат доставки",
    "missing.no_returns": "в данных нет возвратов",
    "missing.defect_not_recorded": "в возвратах не отмечено, был ли товар бракованным",
    "missing.no_tickets": "в данных нет обращений в поддержку",
    "missing.no_closed_tickets": "ни у одного обращения нет времени закрытия",
    "missing.no_complaints": "жалоб не зарегистрировано",
    "missing.complaints_not_judged": "по жалобам не решено, обоснованы ли они",
    # сервис
    "service.on_time_rate": "Доставка в срок",
    "service.resolution_hours": "Время решения обращения (медиана)",
    "service.defect_rate": "Доля брака (возвраты брака / заказы)",
    "service.substantiated_complaints": "Жалобы по нашей вине",
    "service.short.on_time_rate": "доставка в срок",
    "service.short.resolution_hours": "время решения обращений",
    "service.short.defect_rate": "доля брака",
    "service.short.substantiated_complaints": "жалобы по нашей вине",
    "service.not_available": "{measure}: нет данных, {reason}.",
    "service.no_recent": "{measure}: в последних периодах записей нет.",
    "service.level": "{measure}: {recent}.",
    "service.trend": "{measure}: {recent} за {last_periods@n} против {prior} до этого ({verdict}).",
    "service.nobody_hurt": "Ни один клиент не пострадал от опоздания, жалобы по нашей вине или брака.",
    # находки
    "finding.late": "Доставок позже обещанного дня: {late} ({share}); это коснулось {customers} "
    "{customer_gen@customers}.",
    "finding.complaints": "Жалоб, признанных нашей ошибкой: {n} ({share} всех), от {customers} "
    "{customer_gen@customers}; их "
    "обработка стоила {cost} рабочего времени.",
    "finding.defects": "Товаров, возвращённых как брак: {n}, возвращено {refunded}, от {customers} "
    "{customer_gen@customers}.",
    "finding.fix_service": "{n} {customer_dat@n} назначено «исправить сервис»: на кону {money}, если исправим.",
    "finding.none": "Собственных ошибок не зарегистрировано.",
    # рост
    "growth.current": "Нынешнее удержание ({retention} в год)",
    "growth.better": "Лучшее удержание ({retention} в год)",
    # действия
    "action.nurture": "Беречь",
    "action.grow": "Развивать",
    "action.keep": "Поддерживать",
    "action.retain": "Удержать",
    "action.win_back": "Вернуть",
    "action.fix_service": "Исправить сервис",
    "action.make_profitable": "Сделать прибыльным",
    "action.deprioritize": "Снизить приоритет",
    "action.offboard": "Расстаться",
    "action_hint.nurture": "Верный и ценный: поощрять и беречь отношения.",
    "action_hint.grow": "Здоровый, есть куда продавать больше.",
    "action_hint.keep": "Ничего сверх обычных контактов.",
    "action_hint.retain": "Ценный и уходит: связаться сейчас.",
    "action_hint.win_back": "Ценный и, вероятно, ушёл: вернуть.",
    "action_hint.fix_service": "Проблема по нашей вине: исправить её, а не винить клиента.",
    "action_hint.make_profitable": "Пересмотреть цену, снизить стоимость обслуживания, разделить или "
    "переопределить услугу.",
    "action_hint.deprioritize": "Перестать тратить на него усилия маркетинга и продаж.",
    "action_hint.offboard": "Бережно завершить отношения.",
    # флаги
    "flag.chronic_complainer": "Постоянные жалобы",
    "flag.abusive_to_staff": "Грубость к персоналу",
    "flag.fraud_or_unethical": "Мошенничество или неэтичность",
    "flag.bad_payer": "Плохой плательщик",
    "flag.unprofitable": "Убыточный",
    "flag.return_abuser": "Злоупотребляет возвратами",
    "flag.deal_seeker": "Охотник за скидками",
    "flag.fickle": "Непостоянный",
    "flag.values_conflict": "Конфликт ценностей",
    "flag.no_growth_potential": "Нет потенциала роста",
    "flag.no_referrals": "Нет рекомендаций",
    # группы причин оттока
    "reason_group.recency": "время с последнего заказа",
    "reason_group.spend_trend": "динамика расходов",
    "reason_group.order_trend": "динамика заказов",
    "reason_group.rhythm": "ритм покупок",
    "reason_group.tenure": "срок сотрудничества",
    "reason_group.discounts": "скидки",
    "reason_group.fickle": "изменённые и отменённые заказы",
    "reason_group.deliveries": "опоздания доставки",
    "reason_group.returns": "возвраты",
    "reason_group.complaints": "жалобы и обращения",
    "reason_group.payments": "оплата",
    "reason_group.incidents": "инциденты",
    "reason_group.unsubscribed": "отписка от рассылки",
    "reason_group.survey": "оценка в опросе",
    "reason_group.engagement": "вовлечённость",
    "reason_group.marketing": "согласие на рекламу",
    "reason_group.value": "ценность на сегодня",
    "reason_group.cost": "стоимость обслуживания",
    # acting on the assessment: the portfolio what-if and the policy review
    "nav.portfolio-what-if": "Что если",
    "nav.policy-review": "Правила",
    "section.what_if": "Что если выполнить предложенные действия",
    "intro.what_if": "Годовая прибыль всего бизнеса сегодня и та же прибыль, если расстаться с клиентами «прекратить обслуживание», пересмотреть цены и брать плату за услуги с клиентов «сделать прибыльным» и не тратить маркетинг на клиентов с низким приоритетом. Предполагается, что клиенты покупают как прежде.",
    "takeaway.what_if": "Годовая прибыль изменилась бы с {today} до {after} ({change}).",
    "whatif.today": "Годовая прибыль сегодня",
    "whatif.offboard": "Прекратить обслуживание {n} {customer_gen@n}",
    "whatif.make_profitable": "Сделать клиентов прибыльными ({n})",
    "whatif.deprioritize": "Без маркетинга для {n} {customer_gen@n} с низким приоритетом",
    "whatif.after": "Годовая прибыль после этих действий",
    "proposals.written": "Клиентов: {customers}, предложений: {n} → {out}",
    "policies.title": "Щедрые правила за год по {day}",
    "section.policies": "Щедрые правила: сколько стоят и кто ими пользуется",
    "intro.policies": "Сколько каждое щедрое правило стоило за последний год, какую долю потребили самые активные пользователи и что дало бы ужесточение, с числом затронутых клиентов по их действию.",
    "policy.free_returns": "Бесплатные возвраты",
    "policy.discounts": "Скидки",
    "policy.free_order_changes": "Бесплатные изменения заказов",
    "policy.payment_terms": "Мягкие условия оплаты",
    "tightening.restocking_fee": "сбор за возврат после {n}-го возврата без дефекта за год",
    "tightening.discount_cap": "скидка не больше {share} от цены",
    "tightening.change_request_fee": "плата {fee} за каждое изменение заказа",
    "tightening.prepayment": "предоплата после {n} {late_invoice_gen@n}",
    "col.policy": "Правило",
    "col.yearly_cost": "Стоимость в год",
    "col.users": "Пользователи",
    "col.top_shares": "Доля верхних 1% / 5% / 10%",
    "col.tightening": "Ужесточение",
    "col.profit_effect": "Прибыль в год",
    "col.touched": "Затронутые клиенты",
    "note.policies": "Предполагается, что клиенты не меняют поведения: это верхняя оценка эффекта ужесточения.",
    "explain.separator": "; ",  # between churn drivers, which hold commas
    "explain.head": "{action} (приоритет {priority})",
    "explain.lifecycle": "{lifecycle}, на {as_of}",
    "explain.figures": "CLV {clv}  p_alive {p_alive}  риск ухода {churn_risk}  под угрозой {stake}",
    "explain.churn_source": "Источник риска ухода — {source}",
    "explain.churn_drivers": "Причины риска ухода: {drivers}",
    "explain.flags": "Флаги: {flags}",
    "explain.no_flags": "нет",
    "explain.past_flags": "Прошлые флаги (прекратились): {flags}",
    "explain.timeline": "Хронология",
    "explain.col.at": "когда",
    "explain.col.table": "таблица",
    "explain.col.what": "что",
    # the dossier's words for the assessment's codes and the tables its timeline shows
    "lifecycle.never_bought": "без покупок",
    "lifecycle.active": "активный",
    "lifecycle.slipping": "уходящий",
    "lifecycle.lapsed": "ушедший",
    "explain.table.orders": "заказы",
    "explain.table.returns": "возвраты",
    "explain.table.invoices": "счета",
    "explain.table.tickets": "обращения",
    "explain.table.incidents": "инциденты",
    "explain.table.engagement": "вовлечённость",
    "explain.table.touches": "контакты",
    "explain.table.exit_surveys": "опросы при уходе",
    "explain.timeline_cut": "Последние {shown} из {total} {event_gen@total}; --events 0 покажет все.",
    "plain.no_purchase_model": "По истории покупок уход клиентов виден недостаточно ясно, чтобы обучить модель покупок, поэтому «ещё активен» (p_alive) и будущая ценность (clv) оцениваются по собственному ритму покупок каждого клиента.",
    "plain.no_predictions": "Ни одну модель покупок нельзя было применить к этим данным, поэтому «ещё активен» (p_alive) и будущая ценность (clv) оцениваются по собственному ритму покупок каждого клиента.",
    "reason.churn_drivers": "причины риска ухода: {drivers}",
}

# The words that follow a count in the messages above (``{word@count}``, keepwise.text.plural), in the case
# each sentence asks for: после 1 дня / 5 дней (genitive), на 1 клиенте / 5 клиентах (prepositional)...; with
# the reasons' words (keepwise.text.reasons.ru: день, дня, дней), ``counted_words`` gives both.
WORDS = {
    "customer_gen": {"one": "клиента", "few": "клиентов", "many": "клиентов", "other": "клиента"},
    "customer_dat": {"one": "клиенту", "few": "клиентам", "many": "клиентам", "other": "клиента"},
    "customer_prep": {"one": "клиенте", "few": "клиентах", "many": "клиентах", "other": "клиента"},
    "late_invoice_gen": {"one": "просроченного счёта", "few": "просроченных счетов", "many": "просроченных счетов",
                         "other": "просроченного счёта"},
    "year": {"one": "год", "few": "года", "many": "лет", "other": "года"},
    "week": {"one": "неделю", "few": "недели", "many": "недель", "other": "недели"},
    "day_gen": {"one": "дня", "few": "дней", "many": "дней", "other": "дня"},
    "event_gen": {"one": "события", "few": "событий", "many": "событий", "other": "события"},
    "period": {"one": "период", "few": "периода", "many": "периодов", "other": "периода"},
    "answer": {"one": "ответ", "few": "ответа", "many": "ответов", "other": "ответа"},
    # "за последний период", "за последние 2 периода", "за последний 21 период"
    "last_periods": {"=1": "последний период", "one": "последний # период", "few": "последние # периода",
                     "many": "последние # периодов", "other": "последние # периода"},
    "last_full_periods": {"=1": "последний полный период", "one": "последний # полный период",
                          "few": "последние # полных периода", "many": "последние # полных периодов",
                          "other": "последние # полного периода"},
    "cohort": {"one": "когорта", "few": "когорты", "many": "когорт", "other": "когорты"},
    # по 1 дате среза, по 2 / 5 датам среза
    "cutoff_dat": {"one": "дате среза", "few": "датам среза", "many": "датам среза", "other": "датам среза"},
}

# The timetable and campaigns have their own catalog (keepwise.text.locales.cadence_ru).
from keepwise.text.locales.cadence_ru import MESSAGES as _CADENCE  # noqa: E402

MESSAGES |= _CADENCE

# The errors of the store's services have their own catalog (keepwise.text.locales.errors_ru).
from keepwise.text.locales.errors_ru import MESSAGES as _ERRORS  # noqa: E402

MESSAGES |= _ERRORS

# A customer's timeline has its own catalog (keepwise.text.locales.timeline_ru), shared with the app.
from keepwise.text.locales.timeline_ru import MESSAGES as _TIMELINE  # noqa: E402

MESSAGES |= _TIMELINE
