"""The HTML report: one self-contained file for the business owner (``build_report``), rendered from an
``Analysis`` with Jinja2 templates."""

from keepwise.report.build import SECTION_IDS, build_report, render_html

__all__ = ["SECTION_IDS", "build_report", "render_html"]
