"""Причины по-русски."""

REASONS = {
    "service_substantiated": "вина компании: {n} {complaint_confirmed@n}, заказов: {orders}, {span}; "
    "в среднем по компании {rate_share} заказов",
    "service_late": "вина компании: доставок с опозданием {n} из {total}, {span}; в среднем по компании {rate_share}",
    "service_defective": "вина компании: {n} {defective_returned@n}, заказов: {orders}, {span}, "
    "возмещено {amount_money}; в среднем по компании {rate_share} заказов",
    # Что сказал ушедший клиент и подтверждают ли это его записи (keepwise.assess.exit_answers).
    "exit_answer": "опрос при уходе {at_day}, причина: {exit_reason}",
    "exit_answer_scored": "опрос при уходе {at_day}, причина: {exit_reason}, готов рекомендовать нас на {score} из 10",
    "exit_claim_late": "вина компании, как и сказал клиент: доставок с опозданием {n} из {total}, последняя {last_day}",
    "exit_claim_defective": "вина компании, как и сказал клиент: {n} {defective_returned@n}, последний {last_day}",
    "exit_claim_substantiated": "вина компании, как и сказал клиент: {n} {complaint_confirmed@n}, последняя {last_day}",
    "exit_claim_unseen_late": "ни одной доставки с опозданием за {months} {month@months} до последнего заказа",
    "exit_claim_unseen_defective": "ни одного возврата товара с браком за {months} {month@months} до последнего заказа",
    "exit_claim_unseen_substantiated": "ни одной подтверждённой жалобы за {months} {month@months} до последнего заказа",
    "chronic_complainer": "{n} {complaint@n} {span}, не подтверждено: {unfounded}, заказов: {orders} "
    "(по норме компании ожидалось около {expected_decimal}), {staff_hours} {hour@staff_hours} работы сотрудников",
    "abusive_to_staff": "{n} {abuse_confirmed@n}, {span}",
    "incident_fraud": "{n} {fraud_confirmed@n}, последний {last_day}",
    "incident_chargeback": "{n} {chargeback@n}, последний {last_day}",
    "incident_unethical_request": "{n} {unethical_request_confirmed@n}, последняя {last_day}",
    "incident_policy_abuse": "{n} {policy_abuse@n} правил подтверждено, последнее {last_day}",
    "bad_payer": "{late} из {invoices} {invoice_of@invoices} {paid_late@late}, последний {last_day}, "
    "просрочено {overdue_money}, списано {written_off_money}",
    "bad_payer_overdue": "{late} из {invoices} {invoice_of@invoices} {paid_late@late}, последний {last_day}, "
    "просрочено {overdue_money}",
    "bad_payer_late_written_off": "{late} из {invoices} {invoice_of@invoices} {paid_late@late}, последний "
    "{last_day}, списано {written_off_money}",
    "bad_payer_late": "{late} из {invoices} {invoice_of@invoices} {paid_late@late}, последний {last_day}",
    "bad_payer_written_off": "{n} из {invoices} {invoice_of@invoices} {written_off@n}, последний {last_day}: {amount_money}",
    "unprofitable": "чистый убыток на сегодня {loss_money}: выручка {revenue_money}, себестоимость {goods_money}, "
    "затраты на обслуживание {serve_money}",
    "return_abuser": "{n} {return@n} не из-за брака {span}, возмещено {amount_money} ({revenue_share} выручки)",
    "deal_seeker": "{n} из {orders} {order_of@orders} {bought@n} со скидкой {off_share} и больше",
    "fickle": "{n} из {orders} {order_of@orders} {cancelled_or_changed@n} {span}, {changes} {change@changes}",
    "values_tag": "сотрудники отметили конфликт ценностей (values_conflict)",
    "values_incidents": "{n} {values_confirmed@n}, последний {last_day}",
    "stopped_invoices": "{problem} прекратились: ни одной в {clean} {invoice_prep@clean} с тех пор, "
    "против {former} из {former_total} до того",
    "stopped_measured": "{problem} прекратились: ни одного случая за {clean_months} {month@clean_months} до последнего заказа, "
    "против {former} за {former_months} {month@former_months} до того",
    "stopped_long_ago": "{problem} прекратились {months} {month@months} назад, заказы продолжаются",
    "minor_problem": "{problem}: обошлись в {cost_money} при принесённой марже {margin_money}, незначительно",
    "destroys_value": "{problem} обошлись в {cost_money}, больше всей принесённой маржи {margin_money}: "
    "изменением цен не исправить",
    "last_order": "последний заказ {last_day} ({days} {day@days} назад, обычно раз в {gap} {day@gap})",
    "last_order_once": "последний заказ {last_day} ({days} {day@days} назад), единственный день покупок: типичный "
    "клиент покупает раз в {gap} {day@gap}",
    "margin": "маржа на сегодня {margin_money}, заказов: {orders}, с {first_day}",
    "no_orders": "пока нет выполненных заказов",
    "no_growth": "выручка {last_money} за последние {months} {month@months} против {prior_money} до того, "
    "среди самых низких годовых выручек",
    "no_referrals": "ни одной рекомендации за {months} {month@months}",
    "expected_value": "ожидаемая ценность {clv_money} за {months} {month@months}, на кону {stake_money}",
    # The churn classifier's drivers (keepwise.assess.churn_reasons).
    "churn_recency": "нет покупок {days} {day@days}, в {ratio_decimal} раза дольше обычного перерыва в {gap} {day@gap}",
    "churn_recency_once": "нет покупок {days} {day@days} (последняя {last_day}, единственный день покупок)",
    "churn_spend_down": "траты упали на {change_share} к предыдущим {months} {month@months} ({last_money} против {prior_money})",
    "churn_spend_up": "траты выросли на {change_share} к предыдущим {months} {month@months} ({last_money} против {prior_money})",
    "churn_spend_new": "траты {last_money} за последние {months} {month@months}, ничего за {months} до этого",
    "churn_spend_none": "нет трат за последние {months} {month@months}",
    "churn_orders": "{n} {order@n} за последние {months} {month@months} против {prior} за {months} до этого",
    "churn_rhythm_once": "пока только один день покупок",
    "churn_rhythm": "{n} {purchase_day@n}, в среднем раз в {gap} {day@gap}",
    "churn_tenure": "клиент уже {days} {day@days} (с {since_day})",
    "churn_deep_discounts": "{deep_share} заказов куплено с большой скидкой ({n} из {orders})",
    "churn_discounts": "скидки {discount_share} от цены по прайсу в их заказах",
    "churn_fickle": "отменено заказов: {cancelled}, изменено после оформления: {changed}, последний раз {last_day}",
    "churn_fickle_cancelled": "отменено заказов: {cancelled}, последний раз {last_day}",
    "churn_fickle_changed": "изменено заказов после оформления: {changed}, последний раз {last_day}",
    "churn_deliveries": "{n} из {total} {delivery@total} с опозданием (наша вина), последняя {last_day}",
    "churn_returns": "{n} {return@n} на {amount_money} ({revenue_share} выручки, с браком: {defective})",
    "churn_complaints": "{n} {complaint@n} (по нашей вине: {fault}), последняя {last_day}",
    "churn_tickets": "{n} {ticket@n} в поддержку ({minutes} мин. работы сотрудников)",
    "churn_incidents": "подтверждённые инциденты: {n}, последний {last_day}",
    "churn_unsubscribed": "отписался от рассылки",
    "churn_unsubscribed_on": "отписался от рассылки {at_day}",
    "churn_survey": "последняя оценка в опросе {score}/10, {at_day}",
    "churn_no_engagement": "нет ни открытий рассылки, ни кликов, ни визитов, ни опросов",
    "churn_engagement": "{n} {event@n} вовлечённости (открытия, клики, визиты, опросы)",
    "churn_opted_out": "отказался от маркетинговых рассылок",
    "churn_value": "потрачено на сегодня {revenue_money}, прибыль {profit_money}",
    "churn_cost": "стоимость обслуживания на сегодня {cost_money}",
    "churn_other": "{feature}: {value_decimal}",
    "churn_no_purchase": "ещё нет покупок",
    "churn_no_purchase_since": "нет покупок с регистрации {signup_day}",
}

PROBLEMS = {
    "chronic_complainer": "необоснованные жалобы",
    "abusive_to_staff": "оскорбления сотрудников",
    "fraud_or_unethical": "мошенничество и неэтичные просьбы",
    "bad_payer": "проблемы с оплатой",
    "return_abuser": "возвраты не из-за брака",
    "fickle": "изменения и отмены заказов",
    "values_conflict": "конфликты ценностей",
}

WORDS = {
    "complaint": {"one": "жалоба", "few": "жалобы", "many": "жалоб", "other": "жалобы"},
    "hour": {"one": "час", "few": "часа", "many": "часов", "other": "часа"},
    "chargeback": {"one": "возврат платежа через банк", "few": "возврата платежа через банк",
                   "many": "возвратов платежа через банк", "other": "возврата платежа через банк"},
    "policy_abuse": {"one": "нарушение", "few": "нарушения", "many": "нарушений", "other": "нарушения"},
    "return": {"one": "возврат", "few": "возврата", "many": "возвратов", "other": "возврата"},
    "change": {"one": "просьба изменить заказ", "few": "просьбы изменить заказ", "many": "просьб изменить заказ",
               "other": "просьбы изменить заказ"},
    "month": {"one": "месяц", "few": "месяца", "many": "месяцев", "other": "месяца"},
    "day": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
    "order": {"one": "заказ", "few": "заказа", "many": "заказов", "other": "заказа"},
    "delivery": {"one": "доставки", "few": "доставок", "many": "доставок", "other": "доставки"},
    # A count, its noun and the participle that agrees with both: 1 случай подтверждён, 2 случая подтверждено.
    "complaint_confirmed": {"one": "жалоба подтверждена", "few": "жалобы подтверждены", "many": "жалоб подтверждено",
                            "other": "жалобы подтверждено"},
    "defective_returned": {"one": "товар с браком возвращён", "few": "товара с браком возвращено",
                           "many": "товаров с браком возвращено", "other": "товара с браком возвращено"},
    "abuse_confirmed": {"one": "случай оскорбления сотрудников подтверждён",
                        "few": "случая оскорбления сотрудников подтверждено",
                        "many": "случаев оскорбления сотрудников подтверждено",
                        "other": "случая оскорбления сотрудников подтверждено"},
    "fraud_confirmed": {"one": "случай мошенничества подтверждён", "few": "случая мошенничества подтверждено",
                        "many": "случаев мошенничества подтверждено", "other": "случая мошенничества подтверждено"},
    "unethical_request_confirmed": {"one": "неэтичная просьба подтверждена", "few": "неэтичные просьбы подтверждены",
                                    "many": "неэтичных просьб подтверждено", "other": "неэтичной просьбы подтверждено"},
    "values_confirmed": {"one": "случай конфликта ценностей подтверждён",
                         "few": "случая конфликта ценностей подтверждено",
                         "many": "случаев конфликта ценностей подтверждено",
                         "other": "случая конфликта ценностей подтверждено"},
    # After "из N" (of N): the genitive, singular for one (из 1 заказа, из 21 заказа), plural for the others.
    "order_of": {"one": "заказа", "few": "заказов", "many": "заказов", "other": "заказа"},
    "invoice_of": {"one": "счёта", "few": "счетов", "many": "счетов", "other": "счёта"},
    # "N из M счетов оплачен(ы)": the verb agrees with the first count, singular after 1, 21, 31… (1 из 5 счетов
    # оплачен, 21 из 30 заказов отменён), plural after the others (2 из 5 счетов оплачены): "few" and "many" take
    # the "other" form.
    "paid_late": {"one": "оплачен с опозданием или просрочен", "other": "оплачены с опозданием или просрочены"},
    "written_off": {"one": "списан как неоплаченный", "other": "списаны как неоплаченные"},
    "bought": {"one": "куплен", "other": "куплены"},
    "cancelled_or_changed": {"one": "отменён или изменён", "other": "отменены или изменены"},
    # After "в N" (in N): the prepositional (в 1 счёте, в 21 счёте, в 9 счетах).
    "invoice_prep": {"one": "счёте", "few": "счетах", "many": "счетах", "other": "счёта"},
    "ticket": {"one": "обращение", "few": "обращения", "many": "обращений", "other": "обращения"},
    "event": {"one": "событие", "few": "события", "many": "событий", "other": "события"},
    "purchase_day": {"one": "день покупок", "few": "дня покупок", "many": "дней покупок", "other": "дня покупок"},
}
