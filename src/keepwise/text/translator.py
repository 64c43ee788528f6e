"""Words, money, numbers and dates of the report in the reader's language.

Labels and takeaway templates live in ``keepwise.text.locales.<lang>`` as plain dicts (Python
modules, so they ship with the package without any data-file plumbing). Templates use
``str.format`` fields; the numbers put into them are already formatted here with Babel, so a Russian
report reads ``12 345,60 €`` and an English one ``€12,345.60``. A word after a count is written
``{word@count}`` and takes the form the count asks for (``keepwise.text.plural``, the language's ``WORDS``):
``1 customer``, ``2 клиентов``... whether the count is given as a number or as ``number()`` wrote it.
"""

from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from numbers import Integral

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, format_decimal, format_percent, parse_pattern

from keepwise.text.calendar import format_day, localize_digits
from keepwise.text.plural import CountedWords, WrittenNumber

LANGUAGES = ("en", "fa", "ru")
RIGHT_TO_LEFT = frozenset({"fa"})
# Shown for a figure that cannot be computed (no data); never a made-up zero.
MISSING = "–"
# A quarter and its year (Babel's pattern); Persian's abbreviated quarter ("س‌م۴") is not read as one.
_QUARTER_FORMAT = {"fa": "QQQQ y"}


def messages(lang: str) -> dict[str, str]:
    """The label and template table of one language."""
    return _locale_module(lang).MESSAGES


def counted_words(lang: str) -> dict[str, dict[str, str]]:
    """The words of one language that follow a count (``{word@count}``), by plural category: the reasons'
    (``keepwise.text.reasons.<lang>``) and those only the messages use (their module's ``WORDS``)."""
    reasons = importlib.import_module(f"keepwise.text.reasons.{lang}").WORDS
    return {**reasons, **getattr(_locale_module(lang), "WORDS", {})}


@cache
def counted_words_for(lang: str) -> CountedWords:
    """``lang``'s words that follow a count (:func:`counted_words`), made once per language: the report's, the
    timetable's and the app's messages share them (and the plural categories of the counts they meet)."""
    return CountedWords(lang, counted_words(lang))


def _locale_module(lang: str):
    if lang not in LANGUAGES:
        raise ValueError(f"report language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return importlib.import_module(f"keepwise.text.locales.{lang}")


@cache
def babel_locale(name: str) -> Locale:
    """Babel's ``Locale`` for a name such as ``en_GB``, parsed once (Babel parses a name given as text on
    every call, which cost more than the formatting itself: the app formats thousands of figures a second)."""
    return Locale.parse(name)


@cache
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@cache
def _whole_money_pattern(name: str) -> NumberPattern:
    """The locale's currency pattern without decimals (money from 1,000 up)."""
    return parse_pattern(re.sub(r"\.0+", "", babel_locale(name).currency_formats["standard"].pattern))


def _babel_locale(lang: str, configured: str | None) -> str:
    """The configured locale when it speaks the report's language (``en_GB`` for an English report), else the language."""
    if configured:
        try:
            if Locale.parse(configured.replace("-", "_")).language == lang:
                return configured.replace("-", "_")
        except (ValueError, UnknownLocaleError):
            pass
    return lang


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) or (isinstance(value, float) and math.isinf(value))
    except (TypeError, ValueError):
        return False


@dataclass
class Translator:
    """Translates keys and formats figures for one report language and currency."""

    lang: str
    currency: str
    locale: str

    def __post_init__(self) -> None:
        self._messages = messages(self.lang)
        self._words = counted_words_for(self.lang)

    @classmethod
    def for_report(cls, lang: str, currency: str, configured_locale: str | None = None) -> Translator:
        return cls(lang=lang, currency=currency.upper(), locale=_babel_locale(lang, configured_locale))

    @property
    def babel(self) -> Locale:
        return babel_locale(self.locale)

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in RIGHT_TO_LEFT else "ltr"

    def __call__(self, key: str, **values) -> str:
        """The text of ``key`` with ``values`` filled in; a missing key is a bug, so it raises."""
        template = self._messages[key]
        if not values:
            return template
        # A whole number given as it is is written as ``number()`` writes it (Persian digits in fa).
        values = {name: self.number(value) if isinstance(value, Integral) and not isinstance(value, bool) else value
                  for name, value in values.items()}
        return self._words.fill(template, values).format(**values)

    def label(self, group: str, code: str | None) -> str:
        """The word for a code of a group (``channel.email``, ``ticket_kind.complaint``); the code itself when
        the catalog has none (a value the contract does not enumerate)."""
        if not code:
            return ""
        return self._messages.get(f"{group}.{code}", code)

    def money(self, amount, whole: bool | None = None) -> str:
        """Money in the report currency; whole units from 1,000 up (cents add nothing at that scale), or as
        ``whole`` says: a column's figures are written alike (``wholes_in``)."""
        if _is_missing(amount):
            return MISSING
        amount = float(amount)
        if whole is None:
            whole = abs(amount) >= 1000
        if not whole:
            return self._written(format_currency(amount, self.currency, locale=self.babel))
        return self._written(format_currency(round(amount), self.currency, format=_whole_money_pattern(self.locale),
                                             locale=self.babel, currency_digits=False))

    @staticmethod
    def wholes_in(amounts) -> bool:
        """Whether a column of ``amounts`` is written in whole units: when any of them is (``money``), so
        "+€900.00" does not stand above "+€6,076"."""
        return any(not _is_missing(amount) and abs(float(amount)) >= 1000 for amount in amounts)

    def number(self, value, digits: int = 0) -> str:
        if _is_missing(value):
            return MISSING
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        # The text, and the number as written (rounded to its digits): the count a following word agrees with.
        return WrittenNumber(self._written(format_decimal(float(value), format=_number_pattern(pattern),
                                                         locale=self.babel)), round(float(value), digits))

    def percent(self, share, digits: int = 0) -> str:
        if _is_missing(share):
            return MISSING
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return self._written(format_percent(float(share), format=_number_pattern(pattern), locale=self.babel))

    def points(self, share_difference) -> str:
        """A difference of two shares in percentage points, signed (``+1.5 pts``)."""
        if _is_missing(share_difference):
            return MISSING
        value = 100 * float(share_difference)
        return self("points", value=self.plus_sign(value) + self.number(value, 1))

    def plus_sign(self, value) -> str:
        """The "+" a positive figure is written with when its sign matters (a change), as the language
        writes it (with the left-to-right mark Persian's signs carry); nothing for zero or less, whose
        figure carries its own sign."""
        return self._written("+") if not _is_missing(value) and float(value) > 0 else ""

    def date(self, day, style: str = "medium") -> str:
        if _is_missing(day):
            return MISSING
        if isinstance(day, datetime | pd.Timestamp):
            day = day.date()
        if not isinstance(day, date):
            day = date.fromisoformat(str(day)[:10])
        if self.lang == "fa":  # the Solar Hijri calendar, as the letters and the reasons write it
            return format_day(day, "fa", style="short" if style == "short" else "long")
        return format_date(day, format=style, locale=self.babel)

    def month(self, day) -> str:
        """A period label like ``Jun 1998``."""
        if _is_missing(day):
            return MISSING
        # A calendar month of the data (cohorts, churn periods): Gregorian in every language, its digits the reader's.
        return self._written(format_date(pd.Timestamp(day).date(), format="LLL y", locale=self.babel))

    def period_name(self, period: str) -> str:
        """The word for a kind of period ("month", "quarter" or "year") as it follows "per" or "each"."""
        return self(f"period.{period}")

    def period(self, label: str, period: str) -> str:
        """A calendar period given as pandas labels it (``2025-10``, ``2025Q4``, ``2025``) for ``period``
        ("month", "quarter" or "year"), as the reader writes it: ``Oct 2025``, ``Q4 2025`` / ``4-й кв. 2025`` /
        ``سه‌ماههٔ چهارم ۲۰۲۵``, ``2025``. Gregorian, as ``month`` is."""
        if _is_missing(label):
            return MISSING
        day = pd.Period(str(label)).start_time.date()
        if period == "month":
            return self.month(day)
        if period == "quarter":
            return self._written(format_date(day, format=_QUARTER_FORMAT.get(self.lang, "QQQ y"), locale=self.babel))
        return self._written(str(day.year))

    def _written(self, text: str) -> str:
        """A figure Babel wrote, with the digits and separators of the language (Persian ones in fa: Babel
        writes Latin digits), as the reasons and the letters write them."""
        return localize_digits(text, self.lang, separators=True)
