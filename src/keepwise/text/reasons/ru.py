"""Причины по-русски."""

REASONS = {
    "service_substantiated": "вина компании: {n} {complaint@n} подтверждены, заказов: {orders}, {span}; "
    "в среднем по компании {rate_share} заказов",
    "service_late": "вина компании: доставок с опозданием {n} из {total}, {span}; в среднем по компании {rate_share}",
    "service_defective": "вина компании: {n} {product@n} с браком возвращено, заказов: {orders}, {span}, "
    "возмещено {amount_money}; в среднем по компании {rate_share} заказов",
    "chronic_complainer": "{n} {complaint@n} {span}, не подтверждено: {unfounded}, заказов: {orders} "
    "(по норме компании ожидалось около {expected_decimal}), {staff_hours} {hour@staff_hours} работы сотрудников",
    "abusive_to_staff": "{n} {incident@n} оскорбления сотрудников подтверждено, {span}",
    "incident_fraud": "{n} {fraud@n} подтверждено, последний {last_day}",
    "incident_chargeback": "{n} {chargeback@n}, последний {last_day}",
    "incident_unethical_request": "{n} неэтичных {request@n} подтверждено, последний {last_day}",
    "incident_policy_abuse": "{n} {policy_abuse@n} правил подтверждено, последний {last_day}",
    "bad_payer": "{late} из {invoices} счетов оплачены с опозданием или просрочены, последний {last_day}, "
    "просрочено {overdue_money}, списано {written_off_money}",
    "unprofitable": "чистый убыток на сегодня {loss_money}: выручка {revenue_money}, себестоимость {goods_money}, "
    "затраты на обслуживание {serve_money}",
    "return_abuser": "{n} {return@n} не из-за брака {span}, возмещено {amount_money} ({revenue_share} выручки)",
    "deal_seeker": "{n} из {orders} заказов куплены со скидкой {off_share} и больше",
    "fickle": "{n} из {orders} заказов отменены или изменены {span}, {changes} {change@changes}",
    "values_tag": "сотрудники отметили конфликт ценностей (values_conflict)",
    "values_incidents": "{n} {incident@n} конфликта ценностей подтверждено, последний {last_day}",
    "stopped_invoices": "{problem} прекратились: ни одной на последних {clean} счетах, "
    "против {former} из {former_total} до того",
    "stopped_measured": "{problem} прекратились: ни одного случая за {clean_months} {month@clean_months} до последнего заказа, "
    "против {former} за {former_months} {month@former_months} до того",
    "stopped_long_ago": "{problem} прекратились {months} {month@months} назад, заказы продолжаются",
    "minor_problem": "{problem}: обошлись в {cost_money} при принесённой марже {margin_money}, незначительно",
    "destroys_value": "{problem} обошлись в {cost_money}, больше всей принесённой маржи {margin_money}: "
    "изменением цен не исправить",
    "last_order": "последний заказ {last_day} ({days} {day@days} назад, обычно раз в {gap} {day@gap})",
    "margin": "маржа на сегодня {margin_money}, заказов: {orders}, с {first_day}",
    "no_orders": "пока нет выполненных заказов",
    "no_growth": "выручка {last_money} за последние {months} {month@months} против {prior_money} до того, "
    "среди самых низких годовых выручек",
    "no_referrals": "ни одной рекомендации за {months} {month@months}",
    "expected_value": "ожидаемая ценность {clv_money} за {months} {month@months}, на кону {stake_money}",
}

PROBLEMS = {
    "chronic_complainer": "необоснованные жалобы",
    "abusive_to_staff": "оскорбления сотрудников",
    "fraud_or_unethical": "мошенничество и неэтичные просьбы",
    "bad_payer": "просрочки оплаты",
    "return_abuser": "возвраты не из-за брака",
    "fickle": "изменения и отмены заказов",
    "values_conflict": "конфликты ценностей",
}

WORDS = {
    "complaint": {"one": "жалоба", "few": "жалобы", "many": "жалоб", "other": "жалобы"},
    "product": {"one": "товар", "few": "товара", "many": "товаров", "other": "товара"},
    "hour": {"one": "час", "few": "часа", "many": "часов", "other": "часа"},
    "incident": {"one": "случай", "few": "случая", "many": "случаев", "other": "случая"},
    "fraud": {"one": "случай мошенничества", "few": "случая мошенничества", "many": "случаев мошенничества",
              "other": "случая мошенничества"},
    "chargeback": {"one": "возврат платежа через банк", "few": "возврата платежа через банк",
                   "many": "возвратов платежа через банк", "other": "возврата платежа через банк"},
    "request": {"one": "просьба", "few": "просьбы", "many": "просьб", "other": "просьбы"},
    "policy_abuse": {"one": "нарушение", "few": "нарушения", "many": "нарушений", "other": "нарушения"},
    "return": {"one": "возврат", "few": "возврата", "many": "возвратов", "other": "возврата"},
    "change": {"one": "просьба изменить заказ", "few": "просьбы изменить заказ", "many": "просьб изменить заказ",
               "other": "просьбы изменить заказ"},
    "month": {"one": "месяц", "few": "месяца", "many": "месяцев", "other": "месяца"},
    "day": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
}
