"""Phrase a letter's facts in the reader's language: Jinja2 templates, Markdown or HTML.

Each language has one template of macros (``letter_<lang>.txt.j2``: subject, greeting, the five steps,
one line per situation), written as plain text; the layouts (``letter.md.j2``, ``letter.html.j2``) put
the steps in order. HTML is rendered with every template autoescaped (the language macros included:
a macro imported into an autoescaped layout returns markup), so a customer's name is text, never markup; its
root element carries ``lang`` and ``dir`` (``rtl`` for Persian). Dates, money and numbers reach the
templates through the text layer: Solar Hijri dates and Persian digits in Persian, Babel elsewhere.
A language without a template falls back to English, and ``Letter.fell_back`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound

from keepwise.offboard.letter import LetterFacts
from keepwise.text.calendar import format_day, localize_digits
from keepwise.text.plural import plural_category
from keepwise.text.translator import RIGHT_TO_LEFT

__all__ = ["FORMATS", "Letter", "letter_language", "render_letter"]

FORMATS = ("md", "html")
FALLBACK = "en"


@dataclass
class Letter:
    text: str
    lang: str  # the language it is written in
    requested: str  # the language asked for
    fmt: str

    @property
    def fell_back(self) -> bool:
        return self.lang != self.requested


@cache
def _environment(html: bool = False) -> Environment:
    """Templates for HTML (every template autoescaped, the language macros too, so what they return is
    already escaped text) or for Markdown (none escaped)."""
    return Environment(
        loader=PackageLoader("keepwise.offboard", "templates"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def letter_language(requested: str) -> str:
    """The template language for ``requested`` (a BCP 47 code): itself when a template exists, else English."""
    lang = (requested or FALLBACK).replace("_", "-").split("-")[0].lower()
    try:
        _environment().get_template(f"letter_{lang}.txt.j2")
    except TemplateNotFound:
        return FALLBACK
    return lang


class _Phrasing:
    """Formatting helpers for one language, handed to the templates."""

    def __init__(self, lang: str, currency: str):
        self.lang, self.currency = lang, currency

    def day(self, value) -> str:
        return format_day(value, self.lang)

    def days(self, values) -> str:
        return self.join([self.day(value) for value in values])

    def join(self, items) -> str:
        return format_list(list(items), locale=self.lang) if items else ""

    def money(self, amount) -> str:
        text = format_currency(float(amount), self.currency, locale=self.lang)
        return localize_digits(text, self.lang, separators=True)

    def num(self, value, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return localize_digits(
            format_decimal(value, format=pattern, locale=self.lang), self.lang, separators=True
        )

    def percent(self, share) -> str:
        return localize_digits(format_percent(share, locale=self.lang), self.lang, separators=True)

    def tenure(self, since: date, days: int) -> list[tuple[int, str]]:
        """How long since ``since``, ``days`` in all, in calendar units that read naturally: years and the
        months beyond them ([(2, "years"), (11, "months")]: "2 years" alone undersold 2 years 11 months),
        months under a year, weeks under two months."""
        end = since + timedelta(days=days)
        months = (end.year - since.year) * 12 + end.month - since.month - (end.day < since.day)
        if months >= 12:
            return [(months // 12, "years")] + ([(months % 12, "months")] if months % 12 else [])
        if months >= 2:
            return [(months, "months")]
        return [(max(days // 7, 1), "weeks")]

    def plural(self, count, *forms: str) -> str:
        """``forms`` are (one, other) in English, (one, few, many) in Russian, one form in Persian."""
        category = plural_category(self.lang, count)
        if category == "one" or len(forms) == 1:
            return forms[0]
        if category == "few" and len(forms) > 2:
            return forms[1]
        return forms[-1]


def render_letter(facts: LetterFacts, lang: str | None = None, fmt: str = "md") -> Letter:
    """The letter in ``lang`` (default: the customer's own language) as Markdown or HTML."""
    if fmt not in FORMATS:
        raise ValueError(f"letter format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    requested = (lang or facts.language or FALLBACK).lower()
    written_in = letter_language(requested)
    environment = _environment(html=fmt == "html")
    phrasing = _Phrasing(written_in, facts.currency)
    text = environment.get_template(f"letter.{fmt}.j2").render(
        f=facts,
        language_template=f"letter_{written_in}.txt.j2",
        p=phrasing,
        lang=written_in,
        direction="rtl" if written_in in RIGHT_TO_LEFT else "ltr",
    )
    return Letter(text=text, lang=written_in, requested=requested, fmt=fmt)
