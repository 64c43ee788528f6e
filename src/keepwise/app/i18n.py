"""The interface's words in the user's language (en, fa right-to-left, ru), and figures per locale.

UI catalogs live in ``keepwise.app.locales.<lang>`` (plain dicts; ``en`` is the reference, every
language has the same keys, checked by a test). Money, numbers and dates come from
``keepwise.text.Translator`` (Babel). Timeline entries become sentences here, never in the store.
"""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from functools import cache
from numbers import Integral

from babel.dates import format_datetime

from keepwise.store.services.customers import TimelineEntry
from keepwise.text import LANGUAGES, MISSING, Translator, messages
from keepwise.text.calendar import localize_digits, persian_moment
from keepwise.text.phrase import Phraser
from keepwise.text.plural import WrittenNumber
from keepwise.text.timeline import timeline_sentence
from keepwise.text.translator import counted_words_for

# Words the app shares with the report and the dossier: their one home is the text layer's catalog
# (keepwise.text.locales): actions, flags, and the timeline's sentences of the records' events with the words
# for the kinds, channels and severities they name (a touch's kind and channel as the timetable names them).
SHARED_PREFIXES = ("action.", "flag.", "tl.", "channel.", "severity.", "ticket_kind.", "incident_kind.", "touch.kind.",
                   "exit_reason.")


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        lang = "en"
    shared = {key: text for key, text in messages(lang).items() if key.startswith(SHARED_PREFIXES)}
    return {**shared, **importlib.import_module(f"keepwise.app.locales.{lang}").MESSAGES}


class AppText:
    """``t("key", **values)`` plus Babel formatting, for one user's language."""

    def __init__(self, lang: str, currency: str, configured_locale: str | None = None):
        self.lang = lang if lang in LANGUAGES else "en"
        self.currency = currency
        self.figures = Translator.for_report(self.lang, currency, configured_locale)
        self.messages = catalog(self.lang)
        self.direction = self.figures.direction
        self._phraser: Phraser | None = None  # made on first use, then shared by every reason of the page

    def __call__(self, key: str, **values) -> str:
        """The text of ``key`` with ``values`` filled in. A whole number given as it is (a page, a run's or a
        case's number) is written in the language's digits, without grouping: counts come as ``number()``
        wrote them."""
        template, lang = self.messages.get(key), self.lang
        if template is None:
            template, lang = catalog("en").get(key, key), "en"
        if not values:
            return template
        values = {name: WrittenNumber(localize_digits(str(value), self.lang), value)
                  if isinstance(value, Integral) and not isinstance(value, bool) else value
                  for name, value in values.items()}
        return counted_words_for(lang).fill(template, values).format(**values)

    def label(self, group: str, code: str | None) -> str:
        """The word for a code (``action.retain``, ``flag.bad_payer``); the code itself when unknown."""
        if not code:
            return ""
        return self.messages.get(f"{group}.{code}") or catalog("en").get(f"{group}.{code}") or code

    def money(self, value, whole: bool | None = None) -> str:
        return self.figures.money(value, whole)

    def wholes_in(self, values) -> bool:
        """Whether a column of money is written in whole units (``Translator.wholes_in``)."""
        return self.figures.wholes_in(values)

    def number(self, value, digits: int = 0) -> str:
        return self.figures.number(value, digits)

    def percent(self, value, digits: int = 0) -> str:
        return self.figures.percent(value, digits)

    def date(self, value) -> str:
        return self.figures.date(value)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return MISSING
        if self.lang == "fa":  # the Solar Hijri day and Persian digits, as every other Persian date and figure
            return persian_moment(value)
        return format_datetime(value, format="medium", locale=self.figures.babel)

    def reasons(self, evidence: str | None, stored: str | None = "", limit: int | None = None) -> list[str]:
        """A decision's reasons in this language, phrased from the facts in its stored ``evidence``
        JSON; the stored (English) text split on ``;`` when the evidence holds no reason facts.
        ``limit``: only the first so many (a worklist shows one reason per row)."""
        try:
            facts = json.loads(evidence or "{}").get("reasons") or []
        except (ValueError, AttributeError):
            facts = []
        if facts:
            if self._phraser is None:
                self._phraser = Phraser(self.lang, self.currency)
            return [self._phraser.phrase(code, values) for code, values in facts[:limit]]
        return [r.strip() for r in (stored or "").split(";") if r.strip()]

    def sentence(self, entry: TimelineEntry) -> str:
        """One timeline entry as a sentence of this language."""
        return timeline_sentence(self, entry.key, entry.values)
