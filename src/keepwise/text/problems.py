"""Errors people read, phrased in their language: a ``Phrased`` error keeps a catalog key and its
facts (ids, codes, amounts), never a sentence; ``str()`` gives the English text (command line, logs)
and ``phrase(lang)`` the reader's. The sentences live in ``keepwise.text.locales.errors_<lang>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keepwise.text.translator import LANGUAGES, Translator, messages

__all__ = ["Phrased", "phrase_problem"]


class Phrased(Exception):
    """Mix into an exception class: ``raise Invalid("error.no_user", "user_id", user_id=3)``.

    A float value is a figure, written per locale with two decimals (money, amounts); anything else
    is inserted as it is (ids, codes).
    """

    def __init__(self, key: str, /, *args, **values):
        self.key = key
        self.values = values
        super().__init__(self.phrase("en"), *args)

    def phrase(self, lang: str) -> str:
        """The message in ``lang`` (English for a language keepwise does not speak)."""
        return phrase_problem(self.key, self.values, lang)

    def facts(self) -> dict[str, Any]:
        """The key and its facts, as a record keeps them (the audit log): ``phrase_problem`` phrases them."""
        return {"key": self.key, "values": dict(self.values)}


def phrase_problem(key: str, values: Mapping[str, Any], lang: str) -> str:
    """The message of ``key`` with its facts in ``lang`` (English for a language keepwise does not speak)."""
    lang = lang if lang in LANGUAGES else "en"
    figures = Translator.for_report(lang, "EUR")
    values = {name: figures.number(value, 2) if isinstance(value, float) else value for name, value in values.items()}
    return messages(lang)[key].format(**values)
