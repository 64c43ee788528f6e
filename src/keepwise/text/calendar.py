"""Dates and digits as each language writes them: Persian digits and the Solar Hijri calendar for fa.

Babel formats Persian numbers with Latin digits and dates in the Gregorian calendar; a Persian reader
expects ``۱۴۰۲`` and ``۱۱ اسفند ۱۴۰۲``. ``persiantools`` supplies the calendar and the digits. The
letters, the reasons, the report and the app all write dates through ``format_day`` and numbers through
``localize_digits``, so a Persian text never mixes the two systems.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from babel.dates import format_date
from persiantools.jdatetime import JalaliDate

__all__ = ["LEFT_TO_RIGHT_MARK", "PERSIAN_DIGITS", "PERSIAN_FIGURES", "format_day", "jalali", "localize_digits", "persian_digits", "persian_moment",
           "to_date"]

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
LEFT_TO_RIGHT_MARK = "\u200e"
# A figure Babel wrote for Persian (a number, an amount, a share) as Persian writes it: Babel writes Latin
# digits, separators and percent sign; Persian has its own digits, the momayyez, its group mark and ٪. A
# sign gets a left-to-right mark before it, as CLDR writes Persian's own: in a right-to-left line a bare
# "-" or "+" before Persian digits is shown on the number's right ("۱۴٫۱-"), the mark keeps it on the left.
PERSIAN_FIGURES = {**str.maketrans("0123456789.,%", PERSIAN_DIGITS + "٫٬٪"),
                   **{ord(sign): LEFT_TO_RIGHT_MARK + sign for sign in "-+"}}
_PERSIAN_DIGITS_ONLY = str.maketrans("0123456789", PERSIAN_DIGITS)
# Long dates inside running text: Babel's Russian "long" ends in "г.", which doubles a sentence's full stop.
_LONG_IN_TEXT = {"ru": "d MMMM y"}


def to_date(day) -> date:
    """A ``date`` from a date, datetime, pandas Timestamp or ISO text."""
    if isinstance(day, pd.Timestamp | datetime):
        return day.date()
    if isinstance(day, date):
        return day
    return date.fromisoformat(str(day)[:10])


def persian_digits(text: str, separators: bool = False) -> str:
    """``text`` with Latin digits in Persian; with ``separators`` also ``,``, ``.`` and ``%`` as Persian
    marks (only for a formatted figure, never for free text)."""
    return str(text).translate(PERSIAN_FIGURES if separators else _PERSIAN_DIGITS_ONLY)


def localize_digits(text: str, lang: str, separators: bool = False) -> str:
    """Digits as ``lang`` writes them: Persian for ``fa``, unchanged otherwise."""
    return persian_digits(text, separators) if lang == "fa" else str(text)


def jalali(day) -> JalaliDate:
    """The Solar Hijri date of a Gregorian day."""
    return JalaliDate(to_date(day))


def persian_moment(moment) -> str:
    """A moment (a datetime, or ISO text with or without a time of day) as Persian writes it: the Solar
    Hijri day and the hour in Persian digits, ``۱۴۰۵/۰۴/۰۹ ۱۴:۰۵``; a day alone, ``۱۴۰۵/۰۴/۰۹``."""
    day = format_day(moment, "fa", style="short")
    if isinstance(moment, datetime | pd.Timestamp):
        return f"{day} {persian_digits(moment.strftime('%H:%M'))}"
    text = str(moment)
    return f"{day} {persian_digits(text[11:16])}" if len(text) > 10 else day


def format_day(day, lang: str, locale: str | None = None, style: str = "long") -> str:
    """One day as ``lang`` writes it: ``March 1, 2024``, ``1 марта 2024 г.``, ``۱۱ اسفند ۱۴۰۲``.

    Persian dates are Solar Hijri with Persian digits (``style`` "short" gives ``۱۴۰۲/۱۲/۱۱``);
    other languages use Babel's ``style`` in ``locale`` (default: the language itself).
    """
    day = to_date(day)
    if lang == "fa":
        converted = jalali(day)
        if style == "short":
            return persian_digits(converted.strftime("%Y/%m/%d"))
        month = converted.strftime("%B", locale="fa")
        return persian_digits(f"{converted.day} {month} {converted.year}")
    pattern = _LONG_IN_TEXT.get(lang, style) if style == "long" else style
    return format_date(day, format=pattern, locale=locale or lang)
