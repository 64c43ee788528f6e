"""Text people read, in the reader's language: message catalogs (en, fa, ru), plural rules, and
numbers, money and dates formatted per locale. The logic produces facts (codes, counts, dates,
amounts); this package phrases them. Reasons, letters, the report and the app all phrase through it.
"""

from keepwise.text.translator import LANGUAGES, MISSING, RIGHT_TO_LEFT, Translator, messages

__all__ = ["LANGUAGES", "MISSING", "RIGHT_TO_LEFT", "Translator", "messages"]
