"""The one Jinja2 environment factory: autoescaping, the Translator as ``t``, undefined names as errors."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from keepwise.text.locales import fa
from keepwise.text.templating import environment
from keepwise.text.translator import Translator


def test_text_is_escaped_markup_is_not_and_t_translates():
    env = environment("keepwise.report", translator=Translator.for_report("fa", "EUR"))
    page = env.from_string("{{ x }}|{{ y }}|{{ t('title') }}|{{ t.percent(0.5) }}|{{ direction }}|{{ lang }}")
    rendered = page.render(x='<a href="x">', y=Markup("<b>ok</b>"))
    escaped, markup, title, percent, direction, lang = rendered.split("|")
    assert escaped == "&lt;a href=&#34;x&#34;&gt;" and markup == "<b>ok</b>"
    assert title == fa.MESSAGES["title"] and percent == Translator.for_report("fa", "EUR").percent(0.5)
    assert (direction, lang) == ("rtl", "fa")
    # The package's own templates load by name.
    assert env.get_template("report.html").name == "report.html"


def test_an_undefined_name_is_an_error_not_an_empty_string():
    env = environment("keepwise.report")
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert "t" not in env.globals
