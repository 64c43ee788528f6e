"""Persian digits and Solar Hijri dates, Russian and English long dates, plural categories."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from keepwise.text.calendar import format_day, localize_digits, persian_digits
from keepwise.text.phrase import Phraser
from keepwise.text.plural import plural_category
from keepwise.text.translator import Translator


def test_persian_dates_are_solar_hijri_with_persian_digits():
    assert format_day(date(2024, 3, 1), "fa") == "۱۱ اسفند ۱۴۰۲"
    assert format_day(date(2024, 3, 20), "fa") == "۱ فروردین ۱۴۰۳"  # Nowruz
    assert format_day(pd.Timestamp("2026-06-30 17:00"), "fa") == "۹ تیر ۱۴۰۵"
    assert format_day(datetime(2024, 3, 1, 10), "fa", style="short") == "۱۴۰۲/۱۲/۱۱"


def test_other_languages_use_babel():
    assert format_day(date(2024, 3, 1), "en") == "March 1, 2024"
    assert format_day(date(2024, 3, 1), "ru") == "1 марта 2024"  # no "г." to double a full stop
    assert format_day("2024-03-01", "en", style="short") == "3/1/24"


def test_digits():
    assert persian_digits("2024") == "۲۰۲۴"
    assert persian_digits("1,234.50", separators=True) == "۱٬۲۳۴٫۵۰"
    assert localize_digits("1,234.50", "en", separators=True) == "1,234.50"
    assert localize_digits("12", "fa") == "۱۲"
    # a share: the Persian percent sign, in the report (Translator) and in the reasons (Phraser) alike
    assert persian_digits("18.3%", separators=True) == "۱۸٫۳٪" and persian_digits("18%") == "۱۸%"
    assert "۳۵٪" in Phraser("fa", "EUR").phrase("deal_seeker", {"n": 4, "orders": 5, "off_share": 0.35})
    assert Translator.for_report("fa", "EUR").percent(0.35) == "۳۵٪"


def test_plural_categories():
    assert [plural_category("ru", n) for n in (1, 2, 5, 21)] == ["one", "few", "many", "one"]
    assert [plural_category("en", n) for n in (1, 2)] == ["one", "other"]
