"""Issue 10: the churn classifier's drivers are facts phrased by the text layer in en, fa and ru."""

from __future__ import annotations

import pandas as pd
import pytest

from keepwise.assess.churn_reasons import _days, _phrase_other, _Phrasing, fact_of
from keepwise.text.phrase import Phraser
from keepwise.text.reasons import en, fa, ru

ROW = pd.Series({
    "customer_id": "C1", "days_since_last_order": 120, "mean_purchase_gap_days": 40.0,
    "last_order_at": pd.Timestamp("2026-03-02"), "revenue_last_period": 50.0, "revenue_prior_period": 200.0,
    "orders_last_period": 1, "orders_prior_period": 4, "n_purchase_days": 5, "tenure_days": 400,
    "first_order_at": pd.Timestamp("2025-05-26"), "signed_up_at": pd.Timestamp("2025-05-20"),
    "n_complaints": 2, "n_complaints_substantiated": 1, "last_complaint_at": pd.Timestamp("2026-02-10"),
    "n_tickets": 2, "handle_minutes": 30.0, "n_invoices": 10, "n_paid_late": 3, "n_unpaid_overdue": 1,
    "n_written_off": 0, "overdue_unpaid_amount": 80.0, "written_off_amount": 0.0,
    "last_payment_problem_at": pd.Timestamp("2026-01-15"),
})
CTX = _Phrasing(trend_months=6, unsubscribed_at={})


def _say(group: str, lang: str) -> str:
    code, facts = fact_of(group, ROW, CTX)
    return Phraser(lang, "EUR").phrase(code, facts)


def test_english_drivers_read_as_before():
    assert _say("recency", "en") == "no purchase for 120 days, 3.0× their usual gap of 40 days"
    assert _say("spend_trend", "en") == "spend down 75% vs the previous 6 months (€50.00 vs €200.00)"
    assert _say("order_trend", "en") == "1 order in the last 6 months vs 4 in the 6 before"
    assert _say("complaints", "en") == "2 complaints (1 found to be our fault), the last on 2026-02-10"
    assert _say("payments", "en") == "4 of 10 invoices paid late or overdue, last 2026-01-15, €80.00 overdue"
    [(code, mask, values)] = _phrase_other("new_column", [2.5])
    assert mask.tolist() == [True]
    assert Phraser("en").phrase(code, {name: column[0] for name, column in values.items()}) == "new column: 2.5"


@pytest.mark.parametrize(("record", "said"), [
    ({"overdue_unpaid_amount": 80.0, "n_written_off": 1, "written_off_amount": 20.0},
     "4 of 10 invoices paid late or overdue, last 2026-01-15, €80.00 overdue, €20.00 written off"),
    ({"overdue_unpaid_amount": 80.0}, "4 of 10 invoices paid late or overdue, last 2026-01-15, €80.00 overdue"),
    ({"n_unpaid_overdue": 0, "overdue_unpaid_amount": 0.0, "n_written_off": 1, "written_off_amount": 20.0},
     "3 of 10 invoices paid late or overdue, last 2026-01-15, €20.00 written off"),
    ({"n_unpaid_overdue": 0, "overdue_unpaid_amount": 0.001}, "3 of 10 invoices paid late or overdue, last 2026-01-15"),
    ({"n_paid_late": 0, "n_unpaid_overdue": 0, "overdue_unpaid_amount": 0.0, "n_written_off": 2,
      "written_off_amount": 35.5}, "2 of 10 invoices written off unpaid, last 2026-01-15: €35.50"),
])
def test_a_payment_record_names_only_the_money_there_is(record, said):
    """The payments driver tells the record as the bad payer flag's evidence does: no "€0.00 written off", no
    "0 written off" (it read "3 invoices paid late, 1 unpaid past due (€80.00), 0 written off")."""
    row = ROW.copy()
    for name, value in record.items():
        row[name] = value
    code, facts = fact_of("payments", row, CTX)
    assert Phraser("en", "EUR").phrase(code, facts) == said
    assert " 0,00\xa0€" not in Phraser("ru", "EUR").phrase(code, facts)  # no sum of nothing in Russian either


def test_facts_follow_the_customer_s_own_records():
    quiet = ROW.copy()
    quiet[["n_complaints", "n_tickets"]] = 0
    assert fact_of("complaints", quiet, CTX) is None  # never complained: no evidence to give
    quiet["n_tickets"] = 2
    assert fact_of("complaints", quiet, CTX) == ("churn_tickets", {"n": 2, "minutes": 30})
    once = ROW.copy()
    once["mean_purchase_gap_days"] = float("nan")
    code, facts = fact_of("recency", once, CTX)
    assert (code, facts) == ("churn_recency_once", {"days": 120, "last_day": "2026-03-02"})
    assert type(facts["days"]) is int and type(facts["last_day"]) is str
    code, facts = fact_of("recency", ROW, CTX)
    assert type(facts["ratio_decimal"]) is float and facts["gap"] == 40


def test_russian_drivers_use_babel_plural_categories():
    assert _say("recency", "ru") == "нет покупок 120 дней, в 3,0 раза дольше обычного перерыва в 40 дней"
    assert _say("order_trend", "ru").startswith("1 заказ за последние 6 месяцев против 4")
    assert _say("complaints", "ru").startswith("2 жалобы (по нашей вине: 1)")
    assert "2026" in _say("complaints", "ru")


def test_persian_drivers_have_persian_digits_and_solar_dates():
    text = _say("recency", "fa")
    assert text.startswith("۱۲۰ روز بدون خرید") and "۴۰" in text
    complaints = _say("complaints", "fa")
    assert "۱۴۰۴/۱۱/۲۱" in complaints  # 2026-02-10 in the Solar Hijri calendar
    assert not any(ch.isascii() and ch.isdigit() for ch in complaints)


@pytest.mark.parametrize("catalog", [en, fa, ru])
def test_every_driver_code_is_in_every_catalog(catalog):
    codes = {key for key in en.REASONS if key.startswith("churn_")}
    assert len(codes) >= 30 and codes <= set(catalog.REASONS)


def test_days_are_numpys_dates_each_written_once():
    moments = pd.Series(pd.to_datetime(["2026-03-02 23:59:59", None, "2025-05-26 00:00:01", "2026-03-02 08:00:00",
                                        "1999-12-31 12:00:00"]).as_unit("us"))
    days = _days(moments)
    expected = moments.to_numpy().astype("datetime64[D]").astype(str)
    assert days.dtype == expected.dtype
    assert days.tolist() == expected.tolist() == ["2026-03-02", "NaT", "2025-05-26", "2026-03-02", "1999-12-31"]
    assert _days(moments.iloc[:0]).tolist() == []


@pytest.mark.parametrize(("cancelled", "changed", "en_text", "ru_text"), [
    (2, 3, "2 cancelled orders and 3 orders changed after placing, the last on 2026-02-01",
     "отменено заказов: 2, изменено после оформления: 3, последний раз 2026-02-01"),
    (0, 3, "3 orders changed after placing, the last on 2026-02-01",
     "изменено заказов после оформления: 3, последний раз 2026-02-01"),
    (1, 0, "1 cancelled order, the last on 2026-02-01", "отменено заказов: 1, последний раз 2026-02-01"),
])
def test_a_kind_of_fickle_order_of_which_there_is_none_is_not_named(cancelled, changed, en_text, ru_text):
    """The demo's C000188 read "0 cancelled orders and 3 orders changed after placing": a count of none is left out."""
    row = ROW.copy()
    row["n_cancelled"], row["n_orders_changed"], row["n_fickle_orders"] = cancelled, changed, cancelled + changed
    row["last_fickle_at"] = pd.Timestamp("2026-02-01")
    assert (_say_row("fickle", row, "en"), _say_row("fickle", row, "ru")) == (en_text, ru_text)
    assert "۰ سفارش" not in _say_row("fickle", row, "fa")


def _say_row(group: str, row: pd.Series, lang: str) -> str:
    code, facts = fact_of(group, row, CTX)
    return Phraser(lang, "EUR").phrase(code, facts)
