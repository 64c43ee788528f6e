"""The HTML report: one self-contained file for the business owner (``build_report``)."""

from keepwise.report.build import SECTION_IDS, build_report, render_html

__all__ = ["SECTION_IDS", "build_report", "render_html"]
