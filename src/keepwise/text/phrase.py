"""Per-customer reasons phrased from facts, in the reader's language.

The assessment produces facts: a reason code and its figures (counts, amounts, shares, ISO dates).
``Phraser(lang)`` turns them into a sentence from the language's catalog
(``keepwise.text.reasons.<lang>``). A fact's name says how it is formatted:

* ``*_day`` and ``span`` (from ``first_day``/``last_day``): a date (Solar Hijri in Persian);
* ``*_money``: an amount in the currency; ``*_share``: a percentage; ``*_decimal`` and
  ``staff_hours``: one decimal; ``problem``: the name of a problem from the catalog; ``exit_reason``: an
  exit survey's reason in the words the timeline and the app use (``exit_reason.<code>``);
* anything else: a whole number.

Plural forms come from Babel's plural rules for the language (``Locale.plural_form``): the catalog
has one form of each word per category, and ``{word@count}`` picks the form for ``count``. Persian
text gets Persian digits.

``Phraser.phrase_column`` phrases one code for many customers at once: each distinct figure is
formatted once, and the compiled template is filled by column concatenation, word for word what
``phrase`` gives row by row.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from babel.numbers import (
    format_currency,
    format_percent,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

from keepwise.text.amount_texts import amount_texts
from keepwise.text.calendar import PERSIAN_FIGURES
from keepwise.text.columns import concat, factorize, spread, text_array
from keepwise.text.plural import COUNTED, CountedWords
from keepwise.text.translator import LANGUAGES, messages

__all__ = ["Phraser", "phrase_all"]

# Between the first and the last day of a span of dates, in every language.
SPAN_DASH = "–"
# How a share is written (Babel's pattern), and the two things Babel's text of a share depends on: its
# sign and its percentage rounded to the pattern's digits (``NumberPattern.apply``).
SHARE_FORMAT = "#,##0.#%"
_SHARE_PATTERN = parse_pattern(SHARE_FORMAT)
_SHARE_QUANTUM = get_decimal_quantum(_SHARE_PATTERN.frac_prec[1])


# A compiled template: literal text, ("word", word, count name) and ("field", name) pieces, in order.
_Piece = str | tuple[str, str, str]


@cache
def _compile(template: str) -> tuple[_Piece, ...] | None:
    """The template as pieces, or None when it uses more than plain ``{name}`` fields (format specs,
    conversions, attribute or index access): those are phrased row by row."""
    pieces: list[_Piece] = []
    position = 0
    parser = string.Formatter()
    for match in [*COUNTED.finditer(template), None]:
        literal = template[position:match.start() if match else len(template)]
        for text, name, spec, conversion in parser.parse(literal):
            if text:
                pieces.append(text)
            if name is None:
                continue
            if spec or conversion or not name.isidentifier():
                return None
            pieces.append(("field", name, ""))
        if match is None:
            break
        pieces.append(("word", match.group(1), match.group(2)))
        position = match.end()
    return tuple(pieces)


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
        self.words = CountedWords(lang, catalog.WORDS)
        self.problems: dict[str, str] = catalog.PROBLEMS
        self._cache: dict[tuple[str, object], str] = {}
        self._shares: dict[object, str] = {}
        # Babel formats one sample amount per sign; every other amount reuses its pattern (Babel per
        # value costs a millisecond, and an assessment phrases hundreds of thousands of amounts).
        self._separators = str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})
        sample = self._number(1234567.89, 2)
        persian = lang == "fa"
        # Per sign, the text before and after the amount (in Persian with Persian digits); None when
        # Babel's text for the sample does not hold the amount as written here.
        parts = []
        for amount in (1234567.89, -1234567.89):
            text = format_currency(amount, currency, locale=lang)
            if text.count(sample) != 1:
                break
            parts.append(tuple(part.translate(PERSIAN_FIGURES) if persian else part for part in text.split(sample)))
        self._money_parts = tuple(parts) if len(parts) == 2 else None
        # The amount's digits and separators in one translation (None: written as Python writes them).
        digits = {ord(c): c.translate(self._separators) for c in ",."}
        if persian:
            digits = {**{ord(c): c for c in "0123456789"}, **digits}
            digits = {key: value.translate(PERSIAN_FIGURES) for key, value in digits.items()}
        self._money_digits = None if all(chr(key) == value for key, value in digits.items()) else digits

    def _number(self, value: float, digits: int) -> str:
        return f"{value:,.{digits}f}".translate(self._separators)

    def _money_texts(self, values) -> pa.Array:
        """Amounts in the currency (Persian digits in Persian) as Arrow texts: each number written as
        Python writes it (``amount_texts``), the sign's text before and after it (Babel's, for one sample
        amount per sign) put around it by Arrow; Babel per value (a millisecond each) only where it gives
        no such pattern."""
        # An amount that is nothing as written has no sign: -0.0, -0.004 EUR ("€0.00"), -0.4 JPY ("¥0").
        amounts = np.asarray(values, dtype=float) + 0.0  # + 0.0: a negative zero is a zero
        if self._money_parts is None:
            texts = [self._currency_text(amount) for amount in amounts.tolist()]
            return text_array([text.translate(PERSIAN_FIGURES) for text in texts] if self.lang == "fa" else texts)
        body, shown = amount_texts(np.abs(amounts), self._money_digits)
        negative = pa.array((amounts < 0) & shown)
        (plus_before, plus_after), (minus_before, minus_after) = self._money_parts
        size = len(amounts)
        return pc.if_else(negative, concat(minus_before, body, minus_after, size=size),
                          concat(plus_before, body, plus_after, size=size))

    def _currency_text(self, amount: float) -> str:
        """Babel's text of one amount, without a sign when the amount is nothing as written."""
        text = format_currency(amount, self.currency, locale=self.lang)
        if amount < 0 and not any(digit in text for digit in "123456789"):
            return format_currency(0.0, self.currency, locale=self.lang)
        return text

    def word(self, word: str, count) -> str:
        return self.words.form(word, count)

    def _date(self, iso: str) -> str:
        if not iso:
            return "?"
        if self.lang == "fa":
            from persiantools.jdatetime import JalaliDate

            day = JalaliDate(date.fromisoformat(iso[:10]))
            return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
        return iso[:10]

    def _span(self, value) -> str:
        text = str(value)
        return self._date(value) if "..." not in text else SPAN_DASH.join(self._date(part) for part in text.split("..."))

    def _share(self, value) -> str:
        """Babel's percentage of ``value``, asked of Babel once per sign and rounded percentage (a fraction
        of a millisecond each): shares that differ only past the written digits have one text."""
        value = float(value)
        number = Decimal(str(value)).scaleb(_SHARE_PATTERN.scale)  # what Babel rounds and writes
        key = (number.is_signed(), abs(number).normalize().quantize(_SHARE_QUANTUM)) if number.is_finite() else value
        if key not in self._shares:
            self._shares[key] = format_percent(value, format=SHARE_FORMAT, locale=self.lang)
        return self._shares[key]

    def _renderer(self, name: str):
        """How a figure called ``name`` is written (before Persian digits): one function per name."""
        if name.endswith("_day") or name == "span":
            return self._span
        if name.endswith("_share"):
            return self._share
        if name.endswith("_decimal") or name.endswith("_hours"):
            return lambda value: self._number(round(float(value), 1), 1)
        if name == "problem":
            return self.problems.__getitem__
        if name == "exit_reason":
            words = messages(self.lang)
            return lambda value: words[f"exit_reason.{value}"]
        if name == "feature":  # a column name no template knows (keepwise.assess.churn_reasons)
            return lambda value: str(value).replace("_", " ")
        return lambda value: self._number(int(value), 0)

    def format_value(self, name: str, value) -> str:
        key = (name.rsplit("_", 1)[-1], value)
        if key in self._cache:
            return self._cache[key]
        if name.endswith("_money"):
            text = self._money_texts([value])[0].as_py()
        else:
            text = self._renderer(name)(value)
            if self.lang == "fa":
                text = text.translate(PERSIAN_FIGURES)
        self._cache[key] = text
        return text

    def phrase(self, code: str, facts: dict) -> str:
        """One reason; ``facts`` holds the figures its template names."""
        template = self.reasons[code]
        template = self.words.fill(template, facts)
        values = {name: self.format_value(name, value) for name, value in facts.items()}
        if "first_day" in facts and "last_day" in facts:
            first, last = facts["first_day"], facts["last_day"]
            values["span"] = self.format_value("span", first if first == last or not last else f"{first}...{last}")
        text = template.format(**values)
        return text.replace(";", ",")  # reasons are joined with ";"

    def _bulk(self, name: str):
        """``_renderer(name)`` over a list of values, for the figures an assessment has most of besides
        amounts (whole numbers, decimals): the same expressions in one comprehension. None for the other names."""
        separators = self._separators
        if name.endswith(("_day", "_share", "_money")) or name in ("span", "problem", "feature", "exit_reason"):
            return None
        if name.endswith("_decimal") or name.endswith("_hours"):
            return lambda values: [f"{round(v, 1):,.1f}".translate(separators) for v in map(float, values)]
        return lambda values: [f"{v:,.0f}".translate(separators) for v in map(int, values)]

    def _column_texts(self, name: str):
        """A function from a list of values of the figure ``name`` to their texts in a template: as
        ``format_value`` writes them (Persian digits in Persian), with no ``;``."""
        if name.endswith("_money"):
            parts = "".join("".join(sign) for sign in self._money_parts or ())
            if self._money_parts is None or ";" in parts:
                return lambda values: pc.replace_substring(self._money_texts(values), ";", ",")
            return self._money_texts
        bulk = self._bulk(name)
        if bulk is None:
            # ``format_value`` itself, cached per value: dates, shares and names repeat from call to call.
            bulk = lambda values: [self.format_value(name, value) for value in values]  # noqa: E731
        persian = self.lang == "fa" and self._bulk(name) is not None

        def texts(values: list) -> list[str]:
            out = bulk(values)
            if persian:
                out = [text.translate(PERSIAN_FIGURES) for text in out]
            return [text.replace(";", ",") for text in out] if ";" in "".join(out) else out

        return texts

    def _distinct(self, values, texts) -> pa.Array:
        """``texts(values)`` for every value, computed once per distinct value."""
        codes, uniques = factorize(values)
        if len(uniques) and pd.isna(uniques).any():  # None and NaN are one "missing" to factorize
            return text_array(texts(_pylist(values)))
        return spread(texts(uniques), codes)

    def phrase_column(self, code: str, facts: Mapping[str, object], size: int) -> np.ndarray:
        """``phrase(code, ...)`` for ``size`` customers at once: ``facts`` maps each figure's name to
        its values, one per customer. Returns the texts, one per customer, exactly as ``phrase``."""
        return np.asarray(self.phrase_texts(code, facts, size).to_numpy(zero_copy_only=False), dtype=object)

    def phrase_texts(self, code: str, facts: Mapping[str, object], size: int) -> pa.Array:
        """``phrase_column`` as an Arrow string array (``keepwise.text.columns``): figures may be NumPy
        or Arrow arrays, and no Python text is made per customer."""
        columns = {name: values if isinstance(values, np.ndarray | pa.Array | pa.ChunkedArray)
                   else np.asarray(values, dtype=object) for name, values in facts.items()}
        pieces = _compile(self.reasons[code])
        if pieces is None:
            lists = {name: _pylist(column) for name, column in columns.items()}
            return text_array([self.phrase(code, {name: column[row] for name, column in lists.items()})
                               for row in range(size)])
        if "first_day" in columns and "last_day" in columns:
            first, last = text_array(columns["first_day"]), text_array(columns["last_day"])
            one_day = pc.or_kleene(pc.equal(first, last), pc.or_kleene(pc.equal(last, ""), pc.is_null(last)))
            # _span(f"{first}...{last}") is each day written, joined by SPAN_DASH: each distinct day is written once.
            texts = self._column_texts("span")
            first_text, last_text = self._distinct(first, texts), self._distinct(last, texts)
            spans = pc.if_else(one_day, first_text, concat(first_text, SPAN_DASH, last_text, size=size))
        # The template's literal text and one column of texts per figure, concatenated row by row.
        items: list = []
        for piece in pieces:
            if isinstance(piece, str):
                items.append(piece.replace(";", ","))
            elif piece[0] == "word":
                items.append(self._distinct(columns[piece[2]], lambda counts, w=piece[1]: [
                    self.word(w, count).replace(";", ",") for count in counts]))
            elif piece[1] == "span":
                items.append(spans)
            elif piece[1].endswith("_money"):  # written at once (``amount_texts``), not once per distinct amount
                items.append(text_array(self._column_texts(piece[1])(columns[piece[1]])))
            else:
                items.append(self._distinct(columns[piece[1]], self._column_texts(piece[1])))
        return concat(*items, size=size)


def _pylist(values) -> list:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.to_pylist()
    return np.asarray(values).tolist()


def phrase_all(facts: list[tuple[str, dict]], lang: str, currency: str = "EUR") -> list[str]:
    """Every reason of one customer, in order."""
    phraser = Phraser(lang, currency)
    return [phraser.phrase(code, values) for code, values in facts]
