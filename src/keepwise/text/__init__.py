"""Text people read, in the reader's language: message catalogs (en, fa, ru), plural rules, and
numbers, money and dates formatted per locale. The logic produces facts (codes, counts, dates,
amounts); this package phrases them. Reasons, letters, the report and the app all phrase through it.

The names below come from ``keepwise.text.translator`` when first asked for: importing a module of the
package (``keepwise.text.terminal``, which lays a command's table out) does not import pandas and Babel.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keepwise.text.translator import LANGUAGES, MISSING, RIGHT_TO_LEFT, Translator, messages

__all__ = ["LANGUAGES", "MISSING", "RIGHT_TO_LEFT", "Translator", "messages"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module("keepwise.text.translator"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
