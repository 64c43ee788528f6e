"""Letters in en, fa and ru for a customer of each offboarding reason: every date and amount they
cite is one of the customer's own records, nothing judges the person, Persian is right-to-left with
Persian digits and Solar Hijri dates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel import Locale
from bs4 import BeautifulSoup
from persiantools.jdatetime import JalaliDate

from keepwise.config import load_settings
from keepwise.offboard import letter_facts, render_letter
from keepwise.offboard.letter import Situation, alternatives_for

from .business import AS_OF, OFFBOARD_REASONS

LANGUAGES = ("en", "fa", "ru")
FORMATS = ("md", "html")

# Words that judge or accuse a person; a letter states records, never these.
JUDGING = {
    "en": ("abuse", "abusive", "fraud", "cheat", "liar", "lying", "dishonest", "difficult customer",
           "bad payer", "troublemaker", "rude", "aggressive", "your fault", "you failed", "unacceptable",
           "chronic", "fickle", "deal seeker", "complainer", "greedy", "scam", "exploit"),
    "fa": ("متقلب", "کلاهبردار", "تقلب", "بدحساب", "بدقول", "پرخاشگر", "گستاخ", "بی‌ادب", "دروغ",
           "تقصیر شما", "سوءاستفاده", "غیرقابل قبول", "فریب"),
    "ru": ("мошен", "обман", "хам", "груб", "недобросовест", "скандал", "ваша вина", "неплательщик",
           "злоупотреб", "неприемлем", "жадн", "лжец", "ложь"),
}
FLAG_CODES = ("chronic_complainer", "abusive_to_staff", "fraud_or_unethical", "bad_payer", "unprofitable",
              "return_abuser", "deal_seeker", "fickle", "values_conflict")
STEP_WORDS = {  # (thanks, apology) of each language: the first and fourth steps are there
    "en": ("Thank you", "We are sorry"),
    "fa": ("سپاسگزاریم", "متأسفیم"),
    "ru": ("благодарим", "Нам жаль"),
}
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
FA_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن",
             "اسفند")


def latin(text: str) -> str:
    """Persian digits and number marks as Latin ones."""
    return text.translate(str.maketrans({**{p: str(i) for i, p in enumerate(PERSIAN)}, "٬": ",", "٫": "."}))


def plain_text(letter: str, fmt: str) -> str:
    return BeautifulSoup(letter, "html.parser").article.get_text(" ") if fmt == "html" else letter


def cited_dates(text: str, lang: str) -> list[date]:
    if lang == "fa":
        months = "|".join(FA_MONTHS)
        found = re.findall(rf"(\d{{1,2}}) ({months}) (\d{{4}})", latin(text))
        return [JalaliDate(int(y), FA_MONTHS.index(m) + 1, int(d)).to_gregorian() for d, m, y in found]
    names = Locale.parse(lang).months["format"]["wide"]
    number = {name: index for index, name in names.items()}
    pattern = "|".join(names.values())
    if lang == "en":
        found = re.findall(rf"({pattern}) (\d{{1,2}}), (\d{{4}})", text)
        return [date(int(y), number[m], int(d)) for m, d, y in found]
    found = re.findall(rf"(\d{{1,2}}) ({pattern}) (\d{{4}})", text)
    return [date(int(y), number[m], int(d)) for d, m, y in found]


def cited_amounts(text: str, lang: str) -> list[float]:
    if lang == "en":
        found = re.findall(r"€([\d,]+\.\d{2})", text)
        return [float(a.replace(",", "")) for a in found]
    if lang == "ru":
        found = re.findall(r"(\d[\d\s\u00a0\u202f]*,\d{2})\s?€", text)
        return [float(re.sub(r"[\s\u00a0\u202f]", "", a).replace(",", ".")) for a in found]
    found = re.findall(r"€\s?([\d,]+\.\d{2})", latin(text))
    return [float(a.replace(",", "")) for a in found]


def record_dates(business, customer_id: str) -> set[date]:
    days = set()
    for rows in business.tables.values():
        for row in rows:
            if row.get("customer_id") != customer_id:
                continue
            for column, value in row.items():
                if (column.endswith("_at") or column == "at") and value:
                    days.add(date.fromisoformat(value[:10]))
    return days


def record_amounts(business, customer_id: str) -> set[float]:
    """Every money cell of the customer's rows, invoices' open balances, the sum of their returns not
    for defects, and their assessed revenue and cost to serve."""
    amounts: set[float] = set()
    money = ("revenue", "discount", "cost_of_goods", "amount", "amount_paid", "cost")
    for rows in business.tables.values():
        for row in rows:
            if row.get("customer_id") != customer_id:
                continue
            amounts |= {round(float(row[c]), 2) for c in money if row.get(c)}
    for row in business.tables["invoices"]:
        if row["customer_id"] == customer_id and not row["paid_at"]:
            amounts.add(round(float(row["amount"]) - float(row["amount_paid"] or 0), 2))
    not_faulty = [float(r["amount"]) for r in business.tables["returns"]
                  if r["customer_id"] == customer_id and r["defective"] != "true"]
    amounts.add(round(sum(not_faulty), 2))
    assessed = business.assessed(customer_id)
    amounts |= {round(float(assessed["revenue"]), 2), round(float(assessed["cost_to_serve"]), 2)}
    return amounts


def draft(business, customer_id: str, lang: str, fmt: str, role: str = "admin"):
    facts = letter_facts(business.dataset, customer_id, AS_OF, business.assessed(customer_id), role=role)
    return facts, render_letter(facts, lang=lang, fmt=fmt)


def test_the_hand_built_customers_are_offboarded_for_their_reasons(business):
    for customer_id, reasons in OFFBOARD_REASONS.items():
        assessed = business.assessed(customer_id)
        assert assessed["action"] == "offboard", customer_id
        assert set(reasons) <= set(assessed["flags"].split(";")), (customer_id, assessed["flags"])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("customer_id", sorted(OFFBOARD_REASONS))
def test_letter_cites_only_the_customers_own_dates_and_amounts(business, customer_id, lang, fmt):
    facts, letter = draft(business, customer_id, lang, fmt)
    assert letter.lang == lang and not letter.fell_back
    text = plain_text(letter.text, fmt)
    days = cited_dates(text, lang)
    amounts = cited_amounts(text, lang)
    assert days, "the letter names no date"
    assert set(days) <= record_dates(business, customer_id), set(days) - record_dates(business, customer_id)
    assert set(amounts) <= record_amounts(business, customer_id), set(amounts) - record_amounts(business, customer_id)
    # Nothing in another date format slipped through.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", latin(text))
    # One situation per documented problem, and the gesture with its amount.
    assert len(facts.situations) >= 1
    if facts.goodwill.gesture is not None:
        assert facts.goodwill.gesture.amount in amounts
    thanks, apology = STEP_WORDS[lang]
    assert thanks in text and apology in text
    # The first day they were with us, in the thanks.
    assert facts.since in days


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("customer_id", sorted(OFFBOARD_REASONS))
def test_letter_never_judges_the_person(business, customer_id, lang):
    for fmt in FORMATS:
        text = plain_text(draft(business, customer_id, lang, fmt)[1].text, fmt).lower()
        for phrase in JUDGING[lang] + FLAG_CODES:
            assert phrase.lower() not in text, (customer_id, lang, phrase)


def test_situations_carry_the_records_behind_each_reason(business):
    b1, _ = draft(business, "B1", "en", "md")
    late = next(s for s in b1.situations if s.code == "late_invoices")
    assert (late.count, late.total, late.last_amount, late.last_due) == (5, 5, 420.0, date(2026, 5, 31))
    # 3 paid after their due dates, 2 still open past theirs (one part-paid: 200.00 of 840.00)
    assert late.parts == {"paid_late": 3, "still_open": 2}
    assert any(s.code == "values_conflict" and s.first == date(2026, 3, 3) for s in b1.situations)
    f1, _ = draft(business, "F1", "en", "md")
    assert [(s.code, s.count, s.dates) for s in f1.situations] == [
        ("chargeback", 2, [date(2026, 4, 1), date(2026, 4, 20)])
    ]
    r1, letter = draft(business, "R1", "en", "md")
    returns = next(s for s in r1.situations if s.code == "returns_not_faulty")
    assert (returns.count, returns.amount) == (7, 539.75)
    # More days than max_dates_cited: the letter gives the span from the first to the last.
    assert returns.dates == [] and "between June 20, 2025 and March 12, 2026" in letter.text


def test_persian_html_is_right_to_left_with_persian_digits_and_hijri_dates(business):
    _, letter = draft(business, "F1", "fa", "html")
    soup = BeautifulSoup(letter.text, "html.parser")
    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "fa"
    text = soup.article.get_text(" ")
    assert not re.search(r"[0-9]", text), "Latin digits in a Persian letter"
    assert any(ch in PERSIAN for ch in text)
    # Customer since 2024-03-15 = 25 Esfand 1402; chargebacks 2026-04-01 = 12 Farvardin 1405.
    assert "۲۵ اسفند ۱۴۰۲" in text and "۱۲ فروردین ۱۴۰۵" in text
    assert "2024" not in text and "مارس" not in text


def test_html_escapes_the_customers_own_text(business):
    facts, _ = draft(business, "A1", "en", "html")
    facts.name = "<script>alert(1)</script>"
    html = render_letter(facts, "en", "html").text
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_language_without_a_template_falls_back_to_english(business):
    facts, letter = draft(business, "N1", None, "md")
    assert facts.language == "de"
    assert letter.fell_back and letter.lang == "en" and letter.requested == "de"
    assert "Thank you" in letter.text


def test_default_language_is_the_customers_own(business):
    assert draft(business, "B1", None, "md")[1].lang == "ru"
    assert draft(business, "F1", None, "md")[1].lang == "fa"


def test_goodwill_in_the_letter_stays_within_the_drafting_roles_cap(business):
    agent, letter = draft(business, "A1", "en", "md", role="agent")
    # A1's gestures: refund of the last invoice (120.00) or order (140.00): both above an agent's 50.
    assert agent.goodwill.gesture is None and agent.goodwill.above_cap.amount == 120.0
    assert "€120.00" not in letter.text
    manager, letter = draft(business, "A1", "en", "md", role="manager")
    assert manager.goodwill.gesture.kind == "refund_last_invoice" and "€120.00" in letter.text
    # The open order is honoured whoever drafts.
    assert "Your order of June 25, 2026 will be delivered as promised, by July 6, 2026." in letter.text
    f1, letter = draft(business, "F1", "en", "md", role="agent")
    assert (f1.goodwill.gesture.kind, f1.goodwill.gesture.amount) == ("cancel_open_invoice", 45.0)


def test_alternatives_come_from_settings_per_country():
    settings = load_settings(overrides={"offboard": {"alternatives": ["Anywhere Co"],
                                                     "alternatives_by_country": {"GB": ["Acme Ltd"]}}})
    assert alternatives_for("GB", settings) == ["Acme Ltd"]
    assert alternatives_for("gb", settings) == ["Acme Ltd"]
    assert alternatives_for("RU", settings) == ["Anywhere Co"]
    assert alternatives_for(None, settings) == ["Anywhere Co"]


def test_the_letter_names_each_kind_of_late_invoice_as_it_was(business):
    """Paid late, still open or written off: the letter says which (it said "paid after the due date or still
    open" of every one, a written-off invoice included), agreeing in number in Russian."""
    letters = {lang: plain_text(draft(business, "B1", lang, "md")[1].text, "md") for lang in LANGUAGES}
    assert "5 of 5 invoices not paid by the due date (3 paid late and 2 still open), due on" in letters["en"]
    assert "5 из 5 счетов не оплачены в срок (3 оплачены с опозданием и 2 до сих пор не оплачены полностью)" in letters["ru"]
    assert "۵ از ۵ فاکتور در موعد پرداخت نشده است (۳ با تأخیر پرداخت شده و ۲ هنوز تسویه نشده)" in letters["fa"]
    for text in letters.values():
        assert "or still open" not in text and "или всё ещё открыты" not in text


@pytest.mark.parametrize(("parts", "en", "ru", "fa"), [
    ({"paid_late": 1}, "1 of 4 invoices paid after the due date,", "1 из 4 счетов оплачен после срока,",
     "۱ از ۴ فاکتور پس از سررسید پرداخت شده است،"),
    ({"still_open": 2}, "2 of 4 invoices still open after the due date,",
     "2 из 4 счетов до сих пор не оплачены полностью,", "۲ از ۴ فاکتور پس از سررسید هنوز تسویه نشده است،"),
    ({"written_off": 1}, "1 of 4 invoices left unpaid and written off,", "1 из 4 счетов не оплачен и списан,",
     "۱ از ۴ فاکتور پرداخت نشده و سوخت شده است،"),
    ({"paid_late": 2, "still_open": 1, "written_off": 1},
     "4 of 4 invoices not paid by the due date (2 paid late, 1 still open, and 1 written off unpaid),",
     "4 из 4 счетов не оплачены в срок (2 оплачены с опозданием, 1 до сих пор не оплачен полностью и 1 списан без оплаты),",
     "۴ از ۴ فاکتور در موعد پرداخت نشده است (۲ با تأخیر پرداخت شده، ۱ هنوز تسویه نشده، و ۱ بدون پرداخت سوخت شده)"),
])
def test_late_invoices_of_one_kind_or_several(business, parts, en, ru, fa):
    facts, _ = draft(business, "B1", "en", "md")
    late = next(s for s in facts.situations if s.code == "late_invoices")
    late.count, late.total, late.parts = sum(parts.values()), 4, parts
    for lang, expected in (("en", en), ("ru", ru), ("fa", fa)):
        # Babel's Persian list puts an invisible right-to-left mark after its first comma
        assert expected in plain_text(render_letter(facts, lang=lang, fmt="md").text, "md").replace("\u200f", ""), lang


DAYS = [date(2026, 1, 5), date(2026, 2, 9), date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 4)]


def _situation(code: str, count: int) -> Situation:
    """A situation of ``count`` records, its dates cited one by one when there are at most five."""
    days = DAYS[:count] if count <= len(DAYS) else []
    return Situation(code, count=count, total=40, dates=days, first=DAYS[0], last=DAYS[-1], amount=120.0,
                     last_amount=30.0, last_due=DAYS[min(count, len(DAYS)) - 1], hours=2.5, share=0.3,
                     parts={"written_off": count} if code == "late_invoices" else {})


@pytest.mark.parametrize(("code", "ru"), [
    ("abuse_of_staff", {1: "1 случай, зафиксированный нашими", 2: "2 случая, зафиксированных нашими",
                        5: "5 случаев, зафиксированных нашими", 21: "21 случай, зафиксированный нашими"}),
    ("chargeback", {1: "1 платёж, отозванный через банк", 3: "3 платежа, отозванных через банк",
                    21: "21 платёж, отозванный через банк"}),
    ("fraud", {1: "1 операция, которую мы не могли", 2: "2 операции, которые мы не могли",
               21: "21 операция, которую мы не могли", 25: "25 операций, которые мы не могли"}),
    ("unethical_request", {1: "1 запрос, который мы не могли", 2: "2 запроса, которые мы не могли"}),
    ("orders_changed", {1: "1 из 40 заказов изменён или отменён", 2: "2 из 40 заказов изменены или отменены"}),
    ("discounted_orders", {1: "1 из 40 заказов оформлен со скидкой", 5: "5 из 40 заказов оформлены со скидкой"}),
    ("complaints_not_our_error", {1: "1 из 40 обращений, в котором наша проверка",
                                  3: "3 из 40 обращений, в которых наша проверка"}),
])
def test_russian_letter_agrees_with_each_count(business, code, ru):
    """What follows a count agrees with it (1 платёж, отозванный; 3 платежа, отозванных; 21 операция, которую),
    and one date is a "дата": it said "1 операция, которые…; даты: 6 апреля 2026"."""
    facts, _ = draft(business, "B1", "ru", "md")
    for count, expected in ru.items():
        facts.situations = [_situation(code, count)]
        text = render_letter(facts, lang="ru", fmt="md").text
        assert expected in text, (count, text)
        if count == 1:
            assert "дата: 5 января 2026" in text and "даты:" not in text
        elif count <= len(DAYS):
            assert "даты: 5 января 2026" in text


def test_one_late_invoice_or_one_concern_is_told_as_one(business):
    """One late invoice is not "the most recent" of itself, one concern took its hours alone, and one chargeback
    is "a chargeback", in each language; several read as before."""
    facts, _ = draft(business, "B1", "en", "md")
    expected = {
        1: {"en": ["1 of 40 invoices left unpaid and written off, for €30.00, due on January 5, 2026.",
                   "not find to be an error on our side; it took 2.5 hours", "1 payment reversed through the bank (a chargeback)"],
            "ru": ["1 из 40 счетов не оплачен и списан, на сумму 30,00 €, срок оплаты: 5 января 2026.",
                   "оно заняло 2,5 ч работы"],
            "fa": ["۱ از ۴۰ فاکتور پرداخت نشده و سوخت شده است، به مبلغ ‎€ ۳۰٫۰۰، با سررسید ۱۵ دی ۱۴۰۴.",
                   "این مورد ۲٫۵ ساعت"]},
        2: {"en": ["2 of 40 invoices left unpaid and written off, due on January 5, 2026 and February 9, 2026; "
                   "the most recent, for €30.00, was due on February 9, 2026.",
                   "not find to be an error on our side; together they took 2.5 hours", "2 payments reversed through the bank (chargebacks)"],
            "ru": ["2 из 40 счетов не оплачены и списаны, сроки оплаты: 5 января 2026 и 9 февраля 2026; последний",
                   "вместе они заняли 2,5 ч работы"],
            "fa": ["آخرین آن‌ها به مبلغ ‎€ ۳۰٫۰۰ در ۲۰ بهمن ۱۴۰۴ سررسید داشت.", "این موارد روی‌هم ۲٫۵ ساعت"]},
    }
    for count, languages in expected.items():
        facts.situations = [_situation(code, count) for code in ("late_invoices", "complaints_not_our_error",
                                                                  "chargeback")]
        for lang, phrases in languages.items():
            text = render_letter(facts, lang=lang, fmt="md").text.replace("\u200f", "").replace("\u00a0", " ")
            for phrase in phrases:
                assert phrase in text, (count, lang, phrase, text)
    facts.situations = [_situation("late_invoices", 1)]
    assert "most recent" not in render_letter(facts, lang="en", fmt="md").text


def test_returns_of_items_not_faulty_are_told_as_one_or_several(business):
    """"1 returns of items that were not faulty …, refunded with €20.00 in total" read as neither English nor a
    total; one return is told alone in English and Persian, several with their total."""
    facts, _ = draft(business, "B1", "en", "md")
    expected = {1: {"en": "1 return of an item that was not faulty on January 5, 2026, for which we refunded €120.00.",
                    "fa": "۱ مرجوعی کالایی که معیوب نبود، "},
                2: {"en": "2 returns of items that were not faulty on January 5, 2026 and February 9, 2026, for which "
                          "we refunded €120.00 in total.",
                    "fa": "۲ مرجوعی کالاهایی که معیوب نبودند، "}}
    for count, languages in expected.items():
        facts.situations = [_situation("returns_not_faulty", count)]
        for lang, phrase in languages.items():
            text = render_letter(facts, lang=lang, fmt="md").text.replace("\u200f", "").replace("\u00a0", " ")
            assert phrase in text, (count, lang, text)
            if lang == "fa":  # "in total" for several only
                assert ("در مجموع" in text) == (count > 1)


def test_one_order_is_not_the_most_recent_of_itself(business):
    """With no other situation the letter tells the order history: one order read "1 order since January 5, 2026,
    the most recent on January 5, 2026"; it is told alone, and several as before, in each language."""
    facts, _ = draft(business, "B1", "en", "md")
    expected = {1: {"en": "1 order, on January 5, 2026.", "ru": "1 заказ — 5 января 2026.",
                    "fa": "۱ سفارش در ۱۵ دی ۱۴۰۴."},
                3: {"en": "3 orders since January 5, 2026, the most recent on March 2, 2026.",
                    "ru": "3 заказа с 5 января 2026, последний — 2 марта 2026.", "fa": "آخرین آن‌ها در"}}
    for count, languages in expected.items():
        facts.situations = [Situation("order_history", count=count, first=DAYS[0], last=DAYS[count - 1])]
        for lang, phrase in languages.items():
            text = render_letter(facts, lang=lang, fmt="md").text.replace("\u200f", "").replace("\u00a0", " ")
            assert phrase in text, (count, lang, text)


@pytest.mark.parametrize(("days", "orders", "expected"), [
    (374, 1, {"en": "for the year you have been with us, since", "ru": "за год с нами, начиная с",
              "fa": "برای یک سال همراهی‌تان"}),
    (10, 1, {"en": "and for the order you placed with us", "ru": "и за заказ, сделанный у нас",
             "fa": "و برای سفارشی که"}),
    (749, 2, {"en": "for the 2 years you have been with us", "ru": "за 2 года с нами",
              "fa": "برای ۲ سال همراهی‌تان"}),
    (749, 21, {"en": "and for the 21 orders you placed", "ru": "и за 21 заказ, сделанный у нас",
               "fa": "و برای ۲۱ سفارشی که"}),
])
def test_the_thanks_says_a_year_and_an_order_without_counting_to_one(business, days, orders, expected):
    """"Thank you for the 1 year … and for the 1 order" read as a form letter: one year is "the year", one order
    "the order" (за год, за заказ; یک سال); more are counted."""
    facts, _ = draft(business, "B1", "en", "md")
    facts.since, facts.tenure_days, facts.n_orders = date(2023, 7, 2), days, orders
    for lang, phrase in expected.items():
        assert phrase in render_letter(facts, lang=lang, fmt="md").text, (lang, phrase)


@pytest.mark.parametrize(("until", "expected"), [
    # 2 years 11 months was "the 2 years" (whole years of 365 days): the months beyond the years are said
    (date(2026, 6, 30), {"en": "for the 2 years and 11 months you have been with us",
                         "ru": "за 2 года и 11 месяцев с нами", "fa": "برای ۲ سال و ۱۱ ماه همراهی‌تان"}),
    # a day short of the month's date is not yet the month
    (date(2026, 6, 1), {"en": "for the 2 years and 10 months you", "ru": "за 2 года и 10 месяцев с",
                        "fa": "برای ۲ سال و ۱۰ ماه همراهی‌تان"}),
    (date(2024, 8, 5), {"en": "for the 1 year and 1 month you", "ru": "за 1 год и 1 месяц с нами",
                        "fa": "برای یک سال و یک ماه همراهی‌تان"}),
    (date(2025, 7, 2), {"en": "for the 2 years you", "ru": "за 2 года с нами", "fa": "برای ۲ سال همراهی‌تان"}),
    (date(2024, 6, 30), {"en": "for the 11 months you", "ru": "за 11 месяцев с нами",
                         "fa": "برای ۱۱ ماه همراهی‌تان"}),
    (date(2023, 8, 30), {"en": "for the 8 weeks you", "ru": "за 8 недель с нами", "fa": "برای ۸ هفته همراهی‌تان"}),
])
def test_the_thanks_counts_the_calendar_years_and_months_since_the_customer_came(business, until, expected):
    facts, _ = draft(business, "B1", "en", "md")
    facts.since = date(2023, 7, 2)
    facts.tenure_days = (until - facts.since).days
    for lang, phrase in expected.items():
        text = render_letter(facts, lang=lang, fmt="md").text
        assert phrase in text, (lang, phrase, text[:400])
