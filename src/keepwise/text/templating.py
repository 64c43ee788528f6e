"""Jinja2 for every page people read: the report now, the staff web app next.

One way to build an environment: templates from a package folder, autoescaping on for every
template (data and translations are text, never markup), undefined names an error rather than an
empty string, and the reader's ``Translator`` available as ``t`` (with ``lang`` and ``direction``):
``{{ t("section.whale") }}``, ``{{ t.money(amount) }}``. Trusted HTML (a Plotly div, a vendored
stylesheet) is passed in as ``markupsafe.Markup``; nothing else is inserted unescaped.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from keepwise.text.translator import Translator


def environment(package: str, folder: str = "templates", translator: Translator | None = None) -> Environment:
    """A Jinja2 environment over ``package``'s ``folder``, autoescaping, with ``t`` when ``translator`` is given."""
    env = Environment(
        loader=PackageLoader(package, folder),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if translator is not None:
        env.globals.update(t=translator, lang=translator.lang, direction=translator.direction)
    return env
