"""The report's portfolio what-if and policy review: figures the pipeline passes, rendered per language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from keepwise.pipeline import analyse
from keepwise.report.build import render_html

from .business import AS_OF


@pytest.fixture(scope="module")
def analysis(business):
    return analyse(business.dataset, AS_OF)


def test_the_pipeline_passes_the_what_if_and_the_policy_review(analysis):
    assert analysis.what_if.make_profitable_effect == pytest.approx(638.0)
    assert analysis.what_if.n_offboard == 4
    assert [r.policy for r in analysis.policies] == ["free_returns", "discounts", "free_order_changes",
                                                     "payment_terms"]


def test_english_sections(analysis):
    soup = BeautifulSoup(render_html(analysis, "en"), "html.parser")
    what_if = soup.find(id="portfolio-what-if").get_text(" ")
    # whole units, as the column's €7,760 of profit today is written
    assert "Make 1 customer profitable" in what_if and "+€638 " in what_if and "+€638.00" not in what_if
    policies = soup.find(id="policy-review").get_text(" ")
    assert "Free order changes" in policies and "a fee of €15.00 per change request" in policies
    assert "+€270.00" in policies and "Offboard 1" in policies and "Make profitable 1" in policies
    assert soup.find("a", href="#policy-review") is not None


def test_persian_sections_are_translated(analysis):
    soup = BeautifulSoup(render_html(analysis, "fa"), "html.parser")
    assert soup.html["dir"] == "rtl"
    assert "سودآور کردن" in soup.find(id="portfolio-what-if").get_text(" ")
    policies = soup.find(id="policy-review").get_text(" ")
    assert "تغییر رایگان سفارش" in policies
    # Persian lists the customers a tightening touches with its own comma, and counts the returns without an ordinal.
    assert "پایان همکاری ۱، سودآور کردن ۱" in policies and "پایان همکاری ۱, " not in policies
    assert "بیش از ۳ بار در سال" in policies and "مین" not in policies
