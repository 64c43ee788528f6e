"""A signed figure in a Persian line is shown with its sign on its left, as every reader writes it.

The reference is python-bidi, an implementation of the Unicode bidirectional algorithm: it gives the order
in which a line's characters are shown, left to right. In a right-to-left line a bare "-" or "+" before
Persian digits is shown on the number's right ("۱۴٫۱-"); each way keepwise writes a Persian figure must keep
it on the left.
"""

from __future__ import annotations

import pytest
from bidi import get_display

from keepwise.offboard.render import _Phrasing
from keepwise.offboard.wording import signed_money
from keepwise.text.calendar import LEFT_TO_RIGHT_MARK
from keepwise.text.phrase import Phraser
from keepwise.text.translator import Translator

WORDS = "سود این مشتری"  # "this customer's profit": right-to-left letters on both sides of the figure


def shown(figure: str) -> str:
    """The line holding ``figure`` between Persian words, as it is shown (left to right), marks dropped."""
    return get_display(f"{WORDS} {figure} {WORDS}", base_dir="R").replace(LEFT_TO_RIGHT_MARK, "")


t = Translator.for_report("fa", "EUR")
phraser = Phraser("fa", "EUR")
letter = _Phrasing("fa", "EUR")

# (how it is written, the figure, the sign and number as the reader reads them, left to right)
CASES = [
    ("number", t.number(-14.1, 1), "-۱۴٫۱"),
    ("number, thousands", t.number(-1234.5, 1), "-۱٬۲۳۴٫۵"),
    ("money", t.money(-14.1), "-€\xa0۱۴٫۱۰"),
    ("money, whole", t.money(-14000), "-€\xa0۱۴٬۰۰۰"),
    ("percent", t.percent(-0.2), "-۲۰٪"),
    ("points, down", t.points(-0.141), "-۱۴٫۱"),
    ("points, up", t.points(0.141), "+۱۴٫۱"),
    ("the report's change of money", signed_money(t, 250.0), "+€\xa0۲۵۰٫۰۰"),
    ("a reason's amount", phraser.format_value("lost_money", -12.5), "-€\xa0۱۲٫۵۰"),
    ("a reason's share", phraser.format_value("margin_share", -0.25), "-۲۵٪"),
    ("a reason's count", phraser.format_value("change_count", -3), "-۳"),
    ("the reasons' column of amounts", phraser._column_texts("lost_money")([-1.0])[0].as_py(), "-€\xa0۱٫۰۰"),
    ("a letter's amount", letter.money(-40.0), "-€\xa0۴۰٫۰۰"),
    ("a letter's number", letter.num(-7), "-۷"),
]


@pytest.mark.parametrize(("written", "figure", "read"), CASES, ids=[case[0] for case in CASES])
def test_the_sign_is_shown_on_the_figures_left(written, figure, read):
    assert read in shown(figure)


def test_without_the_mark_the_sign_would_be_shown_on_the_right():
    """The reference itself: the same figures with their marks dropped show the sign on the number's right."""
    assert "۱۴٫۱-" in shown("-۱۴٫۱")
    assert "-۱۴٫۱" not in shown("-۱۴٫۱")
    assert "۱۴٫۱۰-" in shown("-\u200e€\xa0۱۴٫۱۰")  # Babel's own mark after the sign does not help


def test_other_languages_get_no_mark():
    for lang in ("en", "ru"):
        other = Translator.for_report(lang, "EUR")
        assert LEFT_TO_RIGHT_MARK not in other.number(-14.1, 1) + other.points(0.141) + other.percent(-0.2)
        assert LEFT_TO_RIGHT_MARK not in Phraser(lang, "EUR").format_value("lost_money", -12.5)
