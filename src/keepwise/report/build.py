"""``build_report``: one self-contained HTML file a business owner can open anywhere, offline.

The report renders an ``Analysis`` (``keepwise.assess.analysis``, filled by ``keepwise.pipeline``) and
computes nothing of its own: ``sections`` phrases each section's figures in the reader's language,
the Jinja2 templates in ``templates/`` lay them out (autoescaped), and the stylesheet and Plotly's
cartesian bundle come from ``assets/``, inlined once in the head. There is no external URL anywhere:
no CDN, no web fonts, no images. Where the data lacks what a section needs (CDNOW has no tickets,
returns or invoices) the section says "not available" with the reason instead of drawing an empty chart.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from keepwise.assess.analysis import Analysis
from keepwise.campaigns import Learning
from keepwise.output import write_atomic
from keepwise.report.learning import learning_section
from keepwise.report.sections import SECTION_IDS, Section, sections, source_name
from keepwise.text.templating import environment
from keepwise.text.translator import Translator

__all__ = ["CHART_DIGITS", "PLOTLY_BUNDLE", "PLOTLY_STYLESHEET", "SECTION_IDS", "asset", "build_report", "plotly_js",
           "plotly_stylesheet", "render_html", "render_page"]

# plotly.js's cartesian partial bundle, vendored from npm (assets/README.md: version and licence).
PLOTLY_BUNDLE = "plotly-cartesian.min.js"
STYLESHEET = "report.css"
# Our script writing a chart's numbers in the reader's digits (plotly.js writes 0-9 only), for the report and the
# staff app's dashboard.
CHART_DIGITS = "chart_digits.js"
# The stylesheet plotly.js inserts as <style> rules at run time, as a file: a page whose Content-Security-
# Policy forbids inline style links it instead (the staff app's dashboard). Written by ``plotly_stylesheet``.
PLOTLY_STYLESHEET = "plotly.css"
# plotly.js's rule table: "selector": 'declarations' pairs, X and Y standing for its two root selectors.
_PLOTLY_RULES = re.compile(r"""\{("X,X div":.*?)\};for\(""", re.DOTALL)
_PLOTLY_RULE = re.compile(r"""("[^"]*"):('[^']*'|"[^"]*")""")


@cache
def asset(name: str) -> str:
    """The text of one file of ``assets/``."""
    return resources.files("keepwise.report").joinpath("assets", name).read_text(encoding="utf-8")


def plotly_js() -> str:
    """The Plotly JavaScript every report embeds."""
    return asset(PLOTLY_BUNDLE)


def plotly_stylesheet() -> str:
    """plotly.js's own style rules (taken from the bundle) as a stylesheet, for pages without inline style."""
    table = _PLOTLY_RULES.search(plotly_js())
    if table is None:
        raise RuntimeError(f"{PLOTLY_BUNDLE} has no style rule table: regenerate {PLOTLY_STYLESHEET} by hand")
    lines = ["/* plotly.js's style rules, taken from " + PLOTLY_BUNDLE + " by keepwise.report.build.plotly_stylesheet. */"]
    for key, value in _PLOTLY_RULE.findall(table.group(1)):
        selector = key[1:-1].replace(",X", ", X").replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector} {{ {value[1:-1]} }}")
    return "\n".join(lines) + "\n"


def render_page(t: Translator, sections: list[Section], source: str, meta: str) -> str:
    """The page around ``sections``: head with the inlined stylesheet and Plotly, header, navigation, footer."""
    page = environment("keepwise.report", translator=t).get_template("report.html")
    return page.render(
        sections=sections,
        source=source,
        meta=meta,
        # Trusted files of this package, inserted as they are.
        css=Markup(asset(STYLESHEET)),
        plotly_js=Markup(plotly_js()),
        chart_digits_js=Markup(asset(CHART_DIGITS)),
    )


def render_html(analysis: Analysis, lang: str = "en", learning: Learning | None = None) -> str:
    """The whole report page as a string. ``lang``: ``en``, ``fa`` or ``ru``. ``learning`` (campaigns and
    exit surveys, when the data has touches or exit surveys) adds its section at the end."""
    t = Translator.for_report(lang, analysis.currency, analysis.settings.general.locale)
    source = source_name(analysis)
    meta = t("meta", source=source, as_of=t.date(analysis.as_of, "long"), generated=t.date(datetime.now().date()))
    parts = sections(analysis, t)
    if learning is not None:
        parts.append(learning_section(learning, t))
    return render_page(t, parts, source, meta)


def build_report(analysis: Analysis, out_path: str | Path, lang: str = "en", learning: Learning | None = None) -> Path:
    """Write the HTML report of ``analysis`` to ``out_path`` and return the path.

    The file is written to a temporary name first and renamed, so a failed build leaves no half file.
    """
    page = render_html(analysis, lang, learning)
    return write_atomic(Path(out_path), lambda temp: temp.write_text(page, encoding="utf-8"))
