"""Per-customer reasons phrased from facts, in the reader's language.

The assessment produces facts: a reason code and its figures (counts, amounts, shares, ISO dates).
``Phraser(lang)`` turns them into a sentence from the language's catalog
(``keepwise.text.reasons.<lang>``). A fact's name says how it is formatted:

* ``*_day`` and ``span`` (from ``first_day``/``last_day``): a date (Solar Hijri in Persian);
* ``*_money``: an amount in the currency; ``*_share``: a percentage; ``*_decimal`` and
  ``staff_hours``: one decimal; ``problem``: the name of a problem from the catalog;
* anything else: a whole number.

Plural forms come from Babel's plural rules for the language (``Locale.plural_form``): the catalog
has one form of each word per category, and ``{word@count}`` picks the form for ``count``. Persian
text gets Persian digits.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from functools import cache

from babel import Locale
from babel.numbers import format_currency, format_percent, get_decimal_symbol, get_group_symbol

from keepwise.text.translator import LANGUAGES

__all__ = ["Phraser", "phrase_all"]

_WORD = re.compile(r"\{(\w+)@(\w+)\}")
_PERSIAN_DIGITS = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")


@cache
def _catalog(lang: str):
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return importlib.import_module(f"keepwise.text.reasons.{lang}")


class Phraser:
    """Phrases reason facts in one language; formatting is cached per value (reasons repeat figures)."""

    def __init__(self, lang: str, currency: str = "EUR"):
        catalog = _catalog(lang)
        self.lang = lang
        self.currency = currency
        self.reasons: dict[str, str] = catalog.REASONS
        self.words: dict[str, dict[str, str]] = catalog.WORDS
        self.problems: dict[str, str] = catalog.PROBLEMS
        self._locale = Locale.parse(lang)
        self._cache: dict[tuple[str, object], str] = {}
        self._plurals: dict[object, str] = {}
        # Babel formats one sample amount per sign; every other amount reuses its pattern (Babel per
        # value costs a millisecond, and an assessment phrases hundreds of thousands of amounts).
        self._separators = str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})
        sample = self._number(1234567.89, 2)
        self._money_patterns = {}
        for sign, amount in (("+", 1234567.89), ("-", -1234567.89)):
            text = format_currency(amount, currency, locale=lang)
            self._money_patterns[sign] = text.replace(sample, "{}") if sample in text else None

    def _number(self, value: float, digits: int) -> str:
        return f"{value:,.{digits}f}".translate(self._separators)

    def _money(self, value: float) -> str:
        pattern = self._money_patterns["-" if value < 0 else "+"]
        if pattern is None:
            return format_currency(value, self.currency, locale=self.lang)
        return pattern.format(self._number(abs(value), 2))

    def plural(self, count) -> str:
        if count not in self._plurals:
            self._plurals[count] = self._locale.plural_form(abs(count))
        return self._plurals[count]

    def word(self, word: str, count) -> str:
        forms = self.words[word]
        return forms.get(self.plural(count), forms["other"])

    def _date(self, iso: str) -> str:
        if not iso:
            return "?"
        if self.lang == "fa":
            from persiantools.jdatetime import JalaliDate

            day = JalaliDate(date.fromisoformat(iso[:10]))
            return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
        return iso[:10]

    def format_value(self, name: str, value) -> str:
        key = (name.rsplit("_", 1)[-1], value)
        if key in self._cache:
            return self._cache[key]
        if name.endswith("_day") or name == "span":
            text = self._date(value) if "..." not in str(value) else "–".join(
                self._date(part) for part in str(value).split("...")
            )
        elif name.endswith("_money"):
            text = self._money(float(value))
        elif name.endswith("_share"):
            text = format_percent(float(value), format="#,##0.#%", locale=self.lang)
        elif name.endswith("_decimal") or name.endswith("_hours"):
            text = self._number(round(float(value), 1), 1)
        elif name == "problem":
            text = self.problems[value]
        elif name == "feature":  # a column name no template knows (keepwise.assess.churn_reasons)
            text = str(value).replace("_", " ")
        else:
            text = self._number(int(value), 0)
        if self.lang == "fa":
            text = text.translate(_PERSIAN_DIGITS)
        self._cache[key] = text
        return text

    def phrase(self, code: str, facts: dict) -> str:
        """One reason; ``facts`` holds the figures its template names."""
        template = self.reasons[code]
        template = _WORD.sub(lambda m: self.word(m.group(1), facts[m.group(2)]), template)
        values = {name: self.format_value(name, value) for name, value in facts.items()}
        if "first_day" in facts and "last_day" in facts:
            first, last = facts["first_day"], facts["last_day"]
            values["span"] = self.format_value("span", first if first == last or not last else f"{first}...{last}")
        text = template.format(**values)
        return text.replace(";", ",")  # reasons are joined with ";"


def phrase_all(facts: list[tuple[str, dict]], lang: str, currency: str = "EUR") -> list[str]:
    """Every reason of one customer, in order."""
    phraser = Phraser(lang, currency)
    return [phraser.phrase(code, values) for code, values in facts]
