"""Plural forms per language (CLDR rules through Babel): ``1 invoice``, ``2 счёта``, ``5 счетов``.

A template names the word that follows a count as ``{word@count}``: ``{n} {order@n}`` reads ``1 order``,
``2 orders``. Each language's ``WORDS`` give a word's form per CLDR plural category (``one``, ``few``,
``many``, ``other``; a language without a category uses ``other``). The reasons (``keepwise.text.phrase``)
and the report's and the app's messages (``keepwise.text.translator``) fill them the same way.

A word may also be a phrase that holds its count, written ``#`` (as in ICU's plural messages), with a form
for one exact count (``=1``) that can leave the count out: ``{last_periods@n}`` reads "последний период",
"последние 2 периода", "последний 21 период" where "последние 1 период" would not do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import cache
from numbers import Real

from babel import Locale

__all__ = ["COUNTED", "CountedWords", "WrittenNumber", "plural_category"]

# ``{word@count}``: the form of ``word`` that the figure named ``count`` takes.
COUNTED = re.compile(r"\{(\w+)@(\w+)\}")


class WrittenNumber(str):
    """A number as a reader reads it (the language's digits and grouping) that keeps the number it writes:
    the count a following word agrees with (``{n} {customer@n}``). Anywhere else it is the text."""

    value: float

    def __new__(cls, text: str, value: float) -> WrittenNumber:
        written = super().__new__(cls, text)
        written.value = value
        return written


class CountedWords:
    """One language's words that follow a count (``WORDS``: word -> form per plural category), each in the
    form its count takes; the categories are computed once per count."""

    def __init__(self, lang: str, words: Mapping[str, Mapping[str, str]]):
        self.words = words
        self._locale = Locale.parse(lang)
        self._categories: dict[object, str] = {}

    def category(self, count) -> str:
        """``count``'s plural category; ``other`` for what is not a finite number (a missing figure)."""
        count = getattr(count, "value", count)
        if not isinstance(count, Real) or not math.isfinite(count):
            return "other"
        if count not in self._categories:
            self._categories[count] = self._locale.plural_form(abs(count))
        return self._categories[count]

    def form(self, word: str, count) -> str:
        """``word``'s form for ``count``: its form for that exact count (``=1``) if it has one, else for the
        count's category; a ``#`` in it is the count as given (as the reader writes it, if ``number()``
        wrote it)."""
        forms = self.words[word]
        value = getattr(count, "value", count)
        exact = forms.get(f"={value:g}") if isinstance(value, Real) and math.isfinite(value) else None
        form = exact if exact is not None else forms.get(self.category(count), forms["other"])
        return form.replace("#", str(count)) if "#" in form else form

    def fill(self, template: str, values: Mapping[str, object]) -> str:
        """``template`` with each ``{word@count}`` replaced by the word in the form ``values[count]`` takes."""
        return COUNTED.sub(lambda match: self.form(match.group(1), values[match.group(2)]), template)


@cache
def _categories(lang: str) -> CountedWords:
    return CountedWords(lang, {})


def plural_category(lang: str, count) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``one``, ``few``, ``many`` or ``other``."""
    return _categories(lang).category(count)
