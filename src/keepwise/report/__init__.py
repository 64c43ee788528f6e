"""The HTML report: one self-contained file for the business owner (``build_report``)."""
