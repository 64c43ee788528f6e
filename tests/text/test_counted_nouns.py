"""A noun after a count agrees with it, in the reasons and in the report's and the app's messages: "1 customer",
"2 customers"; in Russian in the case the sentence asks for, e.g. "из N" (of N) takes the genitive, singular
after 1, 21, 31… (из 1 заказа, из 21 счёта) and plural after the others (из 2 заказов, из 5 счетов)."""

from __future__ import annotations

from string import Formatter

import pytest

from keepwise.text import LANGUAGES
from keepwise.text.phrase import Phraser
from keepwise.text.plural import COUNTED
from keepwise.text.translator import Translator, counted_words, messages

OF_ORDERS = {1: "из 1 заказа", 2: "из 2 заказов", 5: "из 5 заказов", 11: "из 11 заказов", 21: "из 21 заказа",
             22: "из 22 заказов"}
OF_INVOICES = {1: "из 1 счёта", 3: "из 3 счетов", 7: "из 7 счетов", 21: "из 21 счёта", 101: "из 101 счёта"}


def _phrased_in_russian_per_count(code: str, figures: dict, counted: str, expected: dict[int, str]) -> None:
    """The reason ``code`` with ``figures`` and each count of ``expected`` as its ``counted`` figure holds that
    count's expected words, phrased alone and as a column alike."""
    phraser = Phraser("ru", "EUR")
    counts = list(expected)
    one_by_one = [phraser.phrase(code, {**figures, counted: count}) for count in counts]
    columns = {name: [value] * len(counts) for name, value in figures.items()} | {counted: counts}
    together = list(phraser.phrase_column(code, columns, len(counts)))
    for count, alone, in_column in zip(counts, one_by_one, together, strict=True):
        assert expected[count] in alone and alone == in_column, (count, alone)


@pytest.mark.parametrize(("code", "figures", "counted", "expected"), [
    ("deal_seeker", {"n": 1, "off_share": 0.3}, "orders", OF_ORDERS),
    ("fickle", {"n": 1, "first_day": "2026-01-05", "last_day": "2026-03-01", "changes": 2}, "orders", OF_ORDERS),
    ("bad_payer", {"late": 1, "last_day": "2026-03-01", "overdue_money": 10.0, "written_off_money": 0.0},
     "invoices", OF_INVOICES),
    ("bad_payer_written_off", {"n": 1, "last_day": "2026-03-01", "amount_money": 10.0}, "invoices", OF_INVOICES),
])
def test_russian_of_n_takes_the_genitive_of_the_count(code, figures, counted, expected):
    _phrased_in_russian_per_count(code, figures, counted, expected)


@pytest.mark.parametrize(("code", "figures", "counted", "expected"), [
    ("deal_seeker", {"orders": 30, "off_share": 0.3}, "n",
     {1: "1 из 30 заказов куплен со", 2: "2 из 30 заказов куплены со", 5: "5 из 30 заказов куплены со",
      21: "21 из 30 заказов куплен со", 22: "22 из 30 заказов куплены со"}),
    ("fickle", {"orders": 31, "first_day": "2026-01-05", "last_day": "2026-03-01", "changes": 2}, "n",
     {1: "1 из 31 заказа отменён или изменён 2026", 3: "3 из 31 заказа отменены или изменены 2026",
      21: "21 из 31 заказа отменён или изменён 2026", 11: "11 из 31 заказа отменены или изменены 2026"}),
    ("bad_payer", {"invoices": 40, "last_day": "2026-03-01", "overdue_money": 10.0, "written_off_money": 0.0}, "late",
     {1: "1 из 40 счетов оплачен с опозданием или просрочен,", 4: "4 из 40 счетов оплачены с опозданием или просрочены,",
      31: "31 из 40 счетов оплачен с опозданием или просрочен,"}),
    ("bad_payer_written_off", {"invoices": 8, "last_day": "2026-03-01", "amount_money": 10.0}, "n",
     {1: "1 из 8 счетов списан как неоплаченный,", 2: "2 из 8 счетов списаны как неоплаченные,"}),
])
def test_russian_n_of_m_agrees_with_its_first_count(code, figures, counted, expected):
    """"1 из 8 счетов списан", not "списаны": the verb agrees with the count of the customer's own events, singular
    after 1, 21, 31… and plural after the others; one by one and as a column alike."""
    _phrased_in_russian_per_count(code, figures, counted, expected)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_counted_word_of_every_template_is_in_its_languages_words(lang):
    import importlib

    from keepwise.app.i18n import catalog

    reasons = importlib.import_module(f"keepwise.text.reasons.{lang}")
    own = getattr(importlib.import_module(f"keepwise.text.locales.{lang}"), "WORDS", {})
    words = counted_words(lang)  # the reasons' words and those only the messages use
    assert words == {**reasons.WORDS, **own} and not set(own) & set(reasons.WORDS)  # each word written once
    used = {}
    for source, templates in (("reasons", reasons.REASONS), ("messages", messages(lang)), ("app", catalog(lang))):
        for key, template in templates.items():
            for word, count in COUNTED.findall(template):
                assert "other" in words.get(word, {}), (lang, key, word)
                # the count written in the template, or by every form of a phrase that holds it (``#``)
                holds_count = all("#" in form for category, form in words[word].items() if not category.startswith("="))
                assert f"{{{count}}}" in template or f"{{{count}_" in template or holds_count, (lang, key, count)
                used.setdefault(source, set()).add(word)
    assert set(reasons.WORDS) == used.get("reasons", set())  # no word left that no reason uses
    assert set(own) <= used.get("messages", set()) | used.get("app", set())
    assert Translator.for_report(lang, "EUR")("whatif.offboard", n=3)


@pytest.mark.parametrize(("lang", "key", "values", "expected"), [
    ("en", "takeaway.actions", {"money": "€5.00", "action": "retain", "action_money": "€5.00"},
     {1: "1 customer to act on now", 2: "2 customers to act on now", 1234: "1,234 customers to act on now"}),
    ("en", "whatif.offboard", {}, {1: "Let 1 offboard customer go", 21: "Let 21 offboard customers go"}),
    ("en", "note.churn_rule", {}, {1: "after 1 day without", 90: "after 90 days without"}),
    ("en", "tightening.restocking_fee", {}, {1: "beyond 1 return a year", 3: "beyond 3 returns a year"}),
    ("en", "touch.reason.every", {}, {1: "Every 1 day", 30: "Every 30 days"}),
    ("ru", "takeaway.flags", {"share": "5 %", "flag": "x", "count": "1"},
     {1: "У 1 клиента (", 3: "У 3 клиентов (", 21: "У 21 клиента (", 25: "У 25 клиентов ("}),
    ("ru", "finding.fix_service", {"money": "5 €"}, {1: "1 клиенту назначено", 5: "5 клиентам назначено"}),
    ("ru", "note.tracking", {"model": "MBG/NBD", "calibration_end": "1 мая", "params": "r"},
     {1: "на 1 клиенте до", 2: "на 2 клиентах до", 31: "на 31 клиенте до"}),
    ("ru", "note.churn_rule", {}, {1: "после 1 дня без покупок", 2: "после 2 дней без", 90: "после 90 дней без"}),
    ("ru", "intro.growth", {}, {1: "на 1 год вперёд", 3: "на 3 года вперёд", 5: "на 5 лет вперёд"}),
    ("ru", "tightening.prepayment", {},
     {1: "после 1 просроченного счёта", 3: "после 3 просроченных счетов", 21: "после 21 просроченного счёта"}),
    # Persian puts the singular after every number: nothing to agree with.
    ("fa", "whatif.offboard", {}, {1: "با ۱ مشتری", 1234: "با ۱٬۲۳۴ مشتری"}),
    # "the last 1 period" reads "the last period" (a yearly report compares one year with the one before)
    ("en", "takeaway.service_same", {}, {1: "over the last period.", 2: "over the last 2 periods."}),
    ("en", "takeaway.churn_trend", {"average": "1%", "period": "year", "recent": "2%", "direction": "up", "prior": "1%"},
     {1: "; in the last complete period it was", 3: "; in the last 3 complete periods it was"}),
    ("ru", "takeaway.service_worse", {"measures": "x"},
     {1: "Хуже за последний период:", 2: "Хуже за последние 2 периода:", 5: "Хуже за последние 5 периодов:",
      21: "Хуже за последний 21 период:"}),
    ("ru", "takeaway.churn_trend", {"average": "1%", "period": "год", "recent": "2%", "direction": "x", "prior": "1%"},
     {1: "; за последний полный период —", 2: "; за последние 2 полных периода —",
      6: "; за последние 6 полных периодов —"}),
    ("fa", "service.trend", {"measure": "x", "recent": "1", "prior": "2", "verdict": "y"},
     {1: "در دوره‌ی اخیر در برابر", 2: "در ۲ دوره‌ی اخیر در برابر"}),
])
def test_a_count_in_a_message_takes_its_words_form_given_as_a_number_or_as_number_wrote_it(lang, key, values, expected):
    t = Translator.for_report(lang, "EUR")
    template = messages(lang)[key]
    names = {name for _, name, _, _ in Formatter().parse(template) if name} | {n for _, n in COUNTED.findall(template)}
    counted = [name for name in names if name not in values and "@" not in name]
    name = {"takeaway.actions": "n", "note.churn_rule": "days", "intro.growth": "years"}.get(
        key, "n" if "n" in counted else counted[0])
    fill = {other: "x" for other in counted if other != name}
    for count, text in expected.items():
        written = t(key, **values, **fill, **{name: t.number(count)})
        assert text in written, (count, written)
        assert t(key, **values, **fill, **{name: count}) == written  # a whole number given as it is: the same


@pytest.mark.parametrize(("code", "figures", "expected"), [
    ("incident_fraud", {"last_day": "2026-04-06"},
     {1: "1 случай мошенничества подтверждён", 2: "2 случая мошенничества подтверждено",
      5: "5 случаев мошенничества подтверждено", 21: "21 случай мошенничества подтверждён"}),
    ("incident_unethical_request", {"last_day": "2026-04-06"},
     {1: "1 неэтичная просьба подтверждена, последняя", 3: "3 неэтичные просьбы подтверждены, последняя",
      7: "7 неэтичных просьб подтверждено, последняя"}),
    ("service_substantiated", {"orders": 5, "first_day": "2026-01-05", "last_day": "2026-03-01", "rate_share": 0.02},
     {1: "1 жалоба подтверждена,", 2: "2 жалобы подтверждены,", 5: "5 жалоб подтверждено,"}),
    ("abusive_to_staff", {"first_day": "2026-01-05", "last_day": "2026-03-01"},
     {1: "1 случай оскорбления сотрудников подтверждён", 3: "3 случая оскорбления сотрудников подтверждено"}),
])
def test_russian_confirmed_counts_agree_in_number_and_gender(code, figures, expected):
    phraser = Phraser("ru", "EUR")
    for count, text in expected.items():
        assert text in phraser.phrase(code, {**figures, "n": count})


def test_english_confirmed_fraud_is_counted_in_cases():
    """Fraud is not counted as "frauds": "1 confirmed case of fraud", "2 confirmed cases of fraud"."""
    phraser = Phraser("en", "EUR")
    for count, text in {1: "1 confirmed case of fraud, last", 2: "2 confirmed cases of fraud, last"}.items():
        assert text in phraser.phrase("incident_fraud", {"last_day": "2026-04-06", "n": count})


def test_the_apps_messages_count_their_words_too():
    from keepwise.app.i18n import AppText

    t = AppText("en", "EUR")
    assert t("tl.order.delivered_late", id="O1", days=t.number(1)) == "Order O1 delivered 1 day late"
    assert t("tl.invoice.paid_late", id="I1", amount="€5.00", days=t.number(3)) == "Invoice I1, €5.00, paid 3 days late"
    assert t("wl.count", total=t.number(1)) == "1 customer" and t("wl.count", total=t.number(2)) == "2 customers"
    assert AppText("ru", "EUR")("home.run", as_of="1 мая", customers=t.number(1)).endswith("(клиентов: 1)")


def test_russian_stopped_payment_problems_count_the_clean_invoices_in_the_prepositional():
    phraser = Phraser("ru", "EUR")
    figures = {"problem": "bad_payer", "former": 6, "former_total": 10}
    for clean, text in {1: "ни одной в 1 счёте с тех пор", 9: "ни одной в 9 счетах с тех пор",
                        21: "ни одной в 21 счёте с тех пор"}.items():
        assert text in phraser.phrase("stopped_invoices", {**figures, "clean": clean})
