"""A customer's timeline in the dossier: the records' events as the staff app's timeline names them, and
their sentences in the reader's language."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from rich.console import Console

from keepwise.assess.explain import render_text
from keepwise.assess.timeline import customer_timeline
from keepwise.config import load_settings
from keepwise.data import load
from keepwise.text.timeline import timeline_sentence
from keepwise.text.translator import Translator

AS_OF = date(2026, 6, 30)

# One customer with every kind of event, each with its known key and values.
TABLES = {
    "customers": "customer_id,name\nC1,Ada\nC2,Bo\n",
    "orders": (
        "order_id,customer_id,ordered_at,revenue,discount,status,change_requests,promised_at,delivered_at\n"
        "O1,C1,2026-01-05 10:00,120.5,4.5,completed,2,2026-01-08,2026-01-11 16:30\n"  # 3 days late
        "O2,C1,2026-02-01,80,,completed,,2026-02-05,2026-02-04\n"  # a day early: on time
        "O3,C1,2026-03-01,50,,cancelled,,,\n"
        "O4,C1,2026-06-20,30,,completed,,2026-07-03,2026-07-02\n"  # delivered after the as-of date
        "O5,C2,2026-01-01,10,,completed,,,\n"
    ),
    "invoices": (
        "invoice_id,customer_id,issued_at,due_at,amount,paid_at,amount_paid,written_off\n"
        "I1,C1,2026-01-05,2026-02-04,120.5,2026-02-01,,\n"  # 3 days early
        "I2,C1,2026-02-01,2026-03-03,80,2026-03-10,70,\n"  # 7 days late, 70 paid
        "I3,C1,2026-03-01,2026-03-31,50,2026-03-31 18:00,,\n"  # on the due day
        "I4,C1,2026-04-01,2026-05-01,40,,,true\n"
    ),
    "returns": (
        "return_id,order_id,customer_id,returned_at,amount,defective,reason\n"
        "R1,O1,C1,2026-01-20,20,true,broken\n"
        "R2,O2,C1,2026-02-10,15,,\n"
    ),
    "tickets": (
        "ticket_id,customer_id,opened_at,closed_at,channel,kind,substantiated,subject,severity,first_response_at\n"
        "T1,C1,2026-01-12 09:00,2026-01-14 12:00,email,complaint,true,late delivery,high,2026-01-12 13:30\n"
        "T2,C1,2026-02-15 10:00,2026-02-16,phone,complaint,false,price,,\n"
        "T3,C1,2026-03-15,,chat,question,,,,\n"
    ),
    "incidents": (
        "incident_id,customer_id,occurred_at,kind,confirmed,reported_by,note\n"
        "X1,C1,2026-04-10,abuse_of_staff,true,Olga,shouted\n"
        "X2,C1,2026-04-11,chargeback,,,\n"
    ),
    "engagement": "customer_id,at,kind,score\nC1,2026-05-01,survey,8\nC1,2026-05-02,visit,\n",
    "touches": (
        "touch_id,customer_id,at,kind,channel,campaign_id,control,cost\n"
        "H1,C1,2026-05-10 11:00,call,phone,,,2.5\n"
        "H2,C1,2026-05-20,win_back_offer,email,K1,true,\n"
        "H3,C1,2026-07-01,call,phone,,,1\n"  # after the as-of date
        "H4,C1,2026-05-25,win_back_offer,email,K1,false,3\n"
    ),
    "exit_surveys": (
        "customer_id,at,reason,score,comment\n"
        "C1,2026-06-01,price,0,too dear\n"  # a score of 0 is told
        "C1,2026-06-02,competitor,,\n"
    ),
}

EXPECTED = [
    ("2026-01-05", "invoices", "invoice.issued", {"id": "I1", "amount": 120.5, "due": "2026-02-04"}),
    ("2026-01-05 10:00", "orders", "order.placed",
     {"id": "O1", "amount": 120.5, "currency": "EUR", "discount": 4.5, "changes": 2}),
    ("2026-01-11 16:30", "orders", "order.delivered_late", {"id": "O1", "days": 3}),
    ("2026-01-12 09:00", "tickets", "ticket.opened",
     {"id": "T1", "kind": "complaint", "channel": "email", "severity": "high", "subject": "late delivery"}),
    ("2026-01-12 13:30", "tickets", "ticket.answered",
     {"id": "T1", "kind": "complaint", "channel": "email", "severity": "high", "subject": "late delivery",
      "hours": 4.5}),
    ("2026-01-14 12:00", "tickets", "ticket.closed_substantiated",
     {"id": "T1", "kind": "complaint", "channel": "email", "severity": "high", "subject": "late delivery"}),
    ("2026-01-20", "returns", "return.defective", {"id": "R1", "order": "O1", "amount": 20.0, "reason": "broken"}),
    ("2026-02-01", "orders", "order.placed", {"id": "O2", "amount": 80.0, "currency": "EUR", "discount": 0.0,
                                              "changes": 0}),
    ("2026-02-01", "invoices", "invoice.paid_early", {"id": "I1", "amount": 120.5, "days": 3}),
    ("2026-02-01", "invoices", "invoice.issued", {"id": "I2", "amount": 80.0, "due": "2026-03-03"}),
    ("2026-02-04", "orders", "order.delivered", {"id": "O2", "days": -1}),  # days past the promise
    ("2026-02-10", "returns", "return.made", {"id": "R2", "order": "O2", "amount": 15.0, "reason": ""}),
    ("2026-02-15 10:00", "tickets", "ticket.opened",
     {"id": "T2", "kind": "complaint", "channel": "phone", "severity": "normal", "subject": "price"}),
    ("2026-02-16", "tickets", "ticket.closed_unfounded",
     {"id": "T2", "kind": "complaint", "channel": "phone", "severity": "normal", "subject": "price"}),
    ("2026-03-01", "orders", "order.cancelled", {"id": "O3", "amount": 50.0, "currency": "EUR", "discount": 0.0,
                                                 "changes": 0}),
    ("2026-03-01", "invoices", "invoice.issued", {"id": "I3", "amount": 50.0, "due": "2026-03-31"}),
    ("2026-03-10", "invoices", "invoice.paid_late", {"id": "I2", "amount": 70.0, "days": 7}),
    ("2026-03-15", "tickets", "ticket.opened",
     {"id": "T3", "kind": "question", "channel": "chat", "severity": "normal", "subject": ""}),
    ("2026-03-31 18:00", "invoices", "invoice.paid_on_time", {"id": "I3", "amount": 50.0, "days": 0}),
    ("2026-04-01", "invoices", "invoice.issued", {"id": "I4", "amount": 40.0, "due": "2026-05-01"}),
    ("2026-04-10", "incidents", "incident.confirmed",
     {"id": "X1", "kind": "abuse_of_staff", "by": "Olga", "note": "shouted"}),
    ("2026-04-11", "incidents", "incident.reported", {"id": "X2", "kind": "chargeback", "by": "", "note": ""}),
    ("2026-05-01", "invoices", "invoice.written_off", {"id": "I4", "amount": 40.0}),
    ("2026-05-01", "engagement", "engagement.survey", {"score": 8.0}),
    ("2026-05-02", "engagement", "engagement.visit", {"score": None}),
    ("2026-05-10 11:00", "touches", "touch.made",
     {"id": "H1", "kind": "call", "channel": "phone", "cost": 2.5, "campaign": ""}),
    ("2026-05-20", "touches", "touch.control",
     {"id": "H2", "kind": "win_back_offer", "channel": "email", "cost": 0.0, "campaign": "K1"}),
    ("2026-05-25", "touches", "touch.made",
     {"id": "H4", "kind": "win_back_offer", "channel": "email", "cost": 3.0, "campaign": "K1"}),
    ("2026-06-01", "exit_surveys", "survey.exit", {"reason": "price", "score": 0.0, "comment": "too dear"}),
    ("2026-06-02", "exit_surveys", "survey.exit", {"reason": "competitor", "score": None, "comment": ""}),
    ("2026-06-20", "orders", "order.placed", {"id": "O4", "amount": 30.0, "currency": "EUR", "discount": 0.0,
                                              "changes": 0}),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("timeline")
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text)
    return load(folder, AS_OF, settings=load_settings())


def test_every_event_of_the_records_with_its_key_and_values(dataset):
    """Each order, invoice, return, ticket, incident, engagement, touch and exit survey row gives the events it
    holds, oldest first; nothing after the as-of date (O4's delivery on 2026-07-02, H3), nothing of another
    customer."""
    got = [(event["at"], event["table"], event["event"], event["values"])
           for event in customer_timeline(dataset, "C1", AS_OF)]
    assert got == EXPECTED
    assert [event["event"] for event in customer_timeline(dataset, "C2", AS_OF)] == ["order.placed"]


def _rendered(dataset, lang: str) -> str:
    dossier = {"customer_id": "C1", "as_of": AS_OF.isoformat(), "action": "retain", "priority": 1,
               "lifecycle": "active", "flags": [], "past_flags": [], "reasons": [], "lang": lang, "currency": "EUR",
               "locale": None, "money_at_stake": 0.0, "clv": 0.0, "p_alive": 1.0, "churn_risk": 0.0,
               "churn_source": "rhythm", "timeline": customer_timeline(dataset, "C1", AS_OF)}
    console = Console(record=True, width=250, color_system=None)
    console.print(render_text(dossier))
    return console.export_text().replace("\xa0", " ")  # Babel puts no-break spaces in amounts


def _what(text: str, start: str) -> str:
    """The event cell of the timeline row whose event starts with ``start``."""
    cells = [line.split("│")[3].strip() for line in text.splitlines() if line.count("│") == 4]
    return next(cell for cell in cells if cell.startswith(start))


def test_the_dossier_tells_each_event_as_a_sentence_of_the_readers_language(dataset):
    en = _rendered(dataset, "en")
    for sentence in ("Order O1, €120.50", "Order O1 delivered 3 days late", "Order O2 delivered on time",
                     "Order O3 cancelled (€50.00)", "Invoice I1, €120.50, due Feb 4, 2026",
                     "Invoice I1, €120.50, paid 3 days before due", "Invoice I2, €70.00, paid 7 days late",
                     "Invoice I3, €50.00, paid on the due date", "Invoice I4 written off: €40.00 unpaid",
                     "Return R1 of order O1: €20.00 refunded, the product was defective",
                     "Complaint T1 by email, high: late delivery", "Complaint T1 answered after 4.5 h",
                     "Complaint T1 closed: we were at fault", "Complaint T2 closed: not substantiated",
                     "Incident X1 (confirmed): abuse of staff, reported by Olga: shouted",
                     "Answered a survey: 8 of 10", "Visited"):
        assert sentence in en
    # an empty optional value leaves no words behind (were "reported by : " and "Question T3 by chat, normal: ")
    assert _what(en, "Incident X2") == "Incident X2: chargeback"
    assert _what(en, "Question T3") == "Question T3 by chat, normal"
    assert _what(_rendered(dataset, "ru"), "Инцидент X2") == "Инцидент X2: оспаривание платежа"
    # touches and exit surveys, as the staff app tells them; a score of 0 is told, an empty one leaves nothing
    assert _what(en, "Personal call") == "Personal call by phone, cost €2.50"  # in no campaign
    assert "Win-back offer by email, cost €3.00, campaign K1" in en
    assert "Win-back offer held back: control group of campaign K1" in en
    assert "Exit survey: left because of price; would recommend us 0 of 10. too dear" in en
    assert _what(en, "Exit survey: left because of a competitor") == "Exit survey: left because of a competitor"
    assert "order_id=" not in en and "delivered_at=" not in en  # no longer the record's raw fields
    ru = _rendered(dataset, "ru")
    for sentence in ("Заказ O1 доставлен с опозданием на 3 дн.", "Счёт I2, 70,00 €, оплачен с опозданием на 7 дн.",
                     "Счёт I4 списан: не оплачено 40,00 €", "Жалоба T1: закрыто, виноваты мы",
                     "Жалоба T2: закрыто, претензия не подтвердилась",
                     "Опрос при уходе: причина — цена; готов рекомендовать нас на 0 из 10. too dear",
                     "Предложение для возврата: намеренно не выполнено (контрольная группа кампании K1)",
                     "Предложение для возврата, канал: эл. почта, стоимость 3,00 €, кампания K1"):
        assert sentence in ru
    fa = _rendered(dataset, "fa")
    assert "سفارش O1" in fa and "۳ روز" in fa and "۱۴۰۴/۱۰/۲۱ ۱۶:۳۰" in fa  # 2026-01-11 16:30, Solar Hijri
    assert "۱۵ بهمن ۱۴۰۴" in fa  # I1's due day, 2026-02-04
    assert "نظرسنجی خروج: به دلیل قیمت رفت؛ ما را ۰ از ۱۰ توصیه می‌کند" in fa
    assert "تماس‌ها" in fa and "نظرسنجی‌های خروج" in fa  # the tables' names
    for text in (ru, fa):  # codes are named in the reader's words
        for code in ("complaint", "abuse_of_staff", "email", "order.placed", "win_back_offer", "competitor",
                     "exit_surveys"):
            assert code not in text


APP_CATEGORY = {"exit_surveys": "surveys"}  # the app's timeline filter names the exit surveys' category so


def test_the_dossiers_events_are_the_staff_apps(dataset, tmp_path):
    """The store's timeline (SQL over the imported records) and the dossier's (the dataset's rows) derive the
    same events from the same records: keys, times and values."""
    from keepwise.store import open_store
    from keepwise.store.services import customers, imports
    from keepwise.store.services.base import Actor

    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", tmp_path)
    with store.sessions() as session:
        imports.import_source(session, Actor.system(), str(dataset.source), load_settings())
        app = customers.timeline(session, "C1", [APP_CATEGORY.get(name, name) for name in list(TABLES)[1:]],
                                 per_page=500)
    store.engine.dispose()

    def plain(value):
        if isinstance(value, datetime):
            return value.date().isoformat()
        return None if isinstance(value, float) and math.isnan(value) else value

    def moment(at: datetime) -> str:
        return at.strftime("%Y-%m-%d %H:%M") if (at.hour or at.minute) else at.strftime("%Y-%m-%d")

    table = {category: name for name, category in APP_CATEGORY.items()}
    stored = sorted((moment(entry.at), table.get(entry.category, entry.category), entry.key, sorted((k, plain(v)) for k, v in entry.values.items()))
                    for entry in app.entries if entry.at.date() <= AS_OF)
    ours = sorted((event["at"], event["table"], event["event"], sorted(event["values"].items()))
                  for event in customer_timeline(dataset, "C1", AS_OF))
    assert ours == stored


@pytest.mark.parametrize("kind", ["complaint", "question", "request", "praise"])
def test_a_closed_ticket_reads_right_whatever_the_gender_of_its_kind(kind):
    """Russian named a closed question or request "Вопрос T3 закрыта" (the feminine of "Жалоба"): the sentence
    now says the ticket's state ("Вопрос T3: закрыто"), which agrees with every kind."""
    words = Translator.for_report("ru", "EUR")
    ticket = {"id": "T3", "kind": kind, "channel": "chat", "severity": "normal", "subject": ""}
    name = words.label("ticket_kind", kind)
    assert timeline_sentence(words, "ticket.closed", ticket) == f"{name} T3: закрыто"
    assert timeline_sentence(words, "ticket.closed_substantiated", ticket) == f"{name} T3: закрыто, виноваты мы"


@pytest.mark.parametrize(("hours", "en", "ru", "fa"), [
    (0.005, "within a minute", "ответ в течение минуты", "در کمتر از یک دقیقه"),
    (3 / 60, "after 3 min", "ответ через 3 мин", "پس از ۳ دقیقه"),
    (0.995, "after 1.0 h", "ответ через 1,0 ч", "پس از ۱٫۰ ساعت"),  # 59.7 minutes: an hour
    (4.5, "after 4.5 h", "ответ через 4,5 ч", "پس از ۴٫۵ ساعت"),
    (47.9, "after 47.9 h", "ответ через 47,9 ч", "پس از ۴۷٫۹ ساعت"),
    (76, "after 3 days", "ответ через 3 дн.", "پس از ۳ روز"),
])
def test_a_first_response_is_told_in_the_unit_a_person_would_use(hours, en, ru, fa):
    """A ticket answered 3 minutes after it was opened read "answered after 0.1 h" ("ответ через 0,0 ч" at 2
    minutes); minutes under an hour, hours under two days, whole days beyond; in the dossier and the app alike."""
    ticket = {"id": "T1", "kind": "question", "channel": "chat", "severity": "normal", "subject": "", "hours": hours}
    for lang, told in (("en", en), ("ru", ru), ("fa", fa)):
        assert told in timeline_sentence(Translator.for_report(lang, "EUR"), "ticket.answered", ticket), lang
    english = timeline_sentence(Translator.for_report("en", "EUR"), "ticket.answered", ticket)
    assert english == f"Question T1 answered {en}"
