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
    "intro.growth": "Клиентская база на {years} лет вперёд при нынешних удержании и привлечении и при "
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
    "heading.top_customers": "{n} самых ценных клиентов",
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
    "takeaway.churn_trend": "Отток в среднем {average} за {period}; за последние {n} полных периода — {recent}, "
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
    "клиентов ожидается больше затрат, чем дохода.",
    "takeaway.actions": "{n} клиентов требуют действий сейчас, на кону {money}; больше всего денег в группе "
    "«{action}» ({action_money}).",
    "takeaway.flags": "У {n} клиентов ({share}) есть хотя бы один флаг; чаще всего — «{flag}» ({count}).",
    "takeaway.no_flags": "Ни у одного клиента нет флагов.",
    "takeaway.growth": "При нынешнем удержании {retention} в год {start} активных клиентов превратятся в {end} "
    "через {years} лет; при {better} — в {end_better} (на {more} больше).",
    "takeaway.tracking": "За {weeks} недель проверки модель ожидала {expected} повторных покупок, клиенты "
    "сделали {actual}: прогноз {direction} на {error}.",
    "tracking.over": "завышен",
    "tracking.under": "занижен",
    "takeaway.churn_reasons": "Самый сильный признак оттока — {reason} ({share} решений модели).",
    "takeaway.churn_reasons_assessment": "Самая частая причина у клиентов под угрозой ухода: {reason} ({share} из них).",
    "takeaway.service_worse": "Хуже за последние {n} периодов: {measures}.",
    "takeaway.service_better": "Лучше за последние {n} периодов: {measures}; ничего не ухудшилось.",
    "takeaway.service_same": "Сервис за последние {n} периодов держится на прежнем уровне.",
    "list_separator": ", ",
    # примечания
    "note.churn_rule": "Клиент считается ушедшим после {days} дней без покупок.",
    "note.no_cost_records": "В данных нет обращений, возвратов, счетов и изменений заказов, поэтому стоимость "
    "обслуживания неизвестна и считается нулевой: прибыль здесь равна валовой марже.",
    "note.values_from_models": "Вероятность активности и пожизненная ценность — из моделей покупок и трат; риск "
    "оттока — из источника, лучше всего предсказавшего прошлое этой компании ({detail}).",
    "note.values_from_rhythm": "Вероятность активности и пожизненная ценность посчитаны по ритму покупок каждого "
    "клиента, а не по моделям: {detail}.",
    "note.cohorts_trimmed": "Показаны последние {cohorts} когорт и их первые {periods} периодов.",
    "note.clv": "Пожизненная ценность — ожидаемая маржа (не выручка) за следующие {days} дней за вычетом "
    "стоимости обслуживания. Крайний 1% с каждой стороны на графике учтён в крайних столбцах.",
    "note.money_at_stake": "Деньги на кону: для клиентов, которых надо сохранить, — ценность, которую можно "
    "потерять; для убыточных — что даст работа с ними.",
    "note.response_proxy": "Время первого ответа в записях не хранится, поэтому вместо него взято время от "
    "открытия до закрытия обращения.",
    "note.flags": "Флаг — это свидетельство, а не приговор: жалобы по нашей вине, опоздания и брак "
    "засчитываются нам, а не клиенту.",
    "note.growth": "Годовое удержание — это средний отток за {period}, сложенный за год; привлечение ({acquisition} "
    "базы в год) — новые клиенты прошлого года.",
    "note.tracking": "BG/NBD обучена на {customers} клиентах до {calibration_end}; параметры {params}.",
    "note.churn_model": "Классификатор оттока (LightGBM) на {days} дней после каждой даты среза; на проверке "
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
    "service.trend": "{measure}: {recent} за последние {n} периодов против {prior} до этого ({verdict}).",
    "service.nobody_hurt": "Ни один клиент не пострадал от опоздания, жалобы по нашей вине или брака.",
    # находки
    "finding.late": "{late} доставок ({share}) пришли позже обещанного дня; это коснулось {customers} клиентов.",
    "finding.complaints": "{n} жалоб ({share} всех) признаны нашей ошибкой, от {customers} клиентов; их "
    "обработка стоила {cost} рабочего времени.",
    "finding.defects": "{n} товаров вернули как брак, возвращено {refunded}, от {customers} клиентов.",
    "finding.fix_service": "{n} клиентам назначено «исправить сервис»: на кону {money}, если исправим.",
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
}

# The timetable and campaigns have their own catalog (keepwise.text.locales.cadence_ru).
from keepwise.text.locales.cadence_ru import MESSAGES as _CADENCE  # noqa: E402

MESSAGES |= _CADENCE
