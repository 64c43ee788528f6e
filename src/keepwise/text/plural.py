"""Plural forms per language (CLDR rules through Babel): ``1 invoice``, ``2 счёта``, ``5 счетов``."""

from __future__ import annotations

from babel import Locale

__all__ = ["plural_category"]


def plural_category(lang: str, count) -> str:
    """The CLDR plural category of ``count`` in ``lang``: ``one``, ``few``, ``many`` or ``other``."""
    return Locale.parse(lang).plural_form(abs(count))
