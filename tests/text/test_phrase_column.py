"""Phrasing a reason for many customers at once gives, word for word, what phrasing each alone gives."""

from __future__ import annotations

import re

import numpy as np
import pytest

from keepwise.text import LANGUAGES
from keepwise.text.phrase import Phraser

_FIELD = re.compile(r"\{(\w+)(?:@(\w+))?\}")


def _figures(name: str, row: int):
    """A figure of the kind its name says, varied by row (plural forms, signs, empty dates, one-day spans)."""
    if name.endswith("_day"):
        days = ["2024-01-31", "2025-06-30", "", "2026-02-28"]
        return days[row % 4] if name != "last_day" else days[(row // 2) % 4]
    if name.endswith("_money"):
        return [0.0, -0.0, 1.5, -1234.56, 1234567.891, 21.0][row % 6]
    if name.endswith("_share"):
        return [0.0, 0.005, 0.25, 1.0, 0.1234][row % 5]
    if name.endswith("_decimal") or name.endswith("_hours"):
        return [0.0, 1.04, 2.5, 12345.67][row % 4]
    if name == "problem":
        return ["bad_payer", "fickle", "return_abuser", "chronic_complainer"][row % 4]
    if name == "feature":
        return ["new_column", "other"][row % 2]
    if name == "exit_reason":
        return ["delivery", "no_longer_needed", "competitor"][row % 3]
    return [0, 1, 2, 3, 5, 11, 21, 22, 101, 1234][row % 10]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_phrased_as_a_column_equals_phrasing_row_by_row(lang):
    phraser = Phraser(lang, "EUR")
    reference = Phraser(lang, "EUR")
    size = 40
    for code, template in phraser.reasons.items():
        names = {match.group(2) or match.group(1) for match in _FIELD.finditer(template)} - {"span"}
        if "span" in template:
            names |= {"first_day", "last_day"}
        columns = {name: [_figures(name, row) for row in range(size)] for name in sorted(names)}
        texts = phraser.phrase_column(code, columns, size)
        expected = [reference.phrase(code, {name: column[row] for name, column in columns.items()}) for row in range(size)]
        assert list(texts) == expected, code


def test_a_template_with_a_format_spec_is_phrased_row_by_row_the_same(monkeypatch):
    phraser = Phraser("en", "EUR")
    monkeypatch.setitem(phraser.reasons, "spec_test", "{n} {order@n}; {n!r:>4} {amount_money}")
    columns = {"n": [1, 2, 30], "amount_money": [1.0, -2.5, 3.25]}
    texts = phraser.phrase_column("spec_test", columns, 3)
    assert list(texts) == ["1 order,  '1' €1.00", "2 orders,  '2' -€2.50", "30 orders, '30' €3.25"]
    rows = zip(columns["n"], columns["amount_money"], strict=True)
    assert list(texts) == [phraser.phrase("spec_test", {"n": n, "amount_money": a}) for n, a in rows]
    assert isinstance(texts, np.ndarray)


def test_no_customers_give_no_texts():
    assert len(Phraser("ru", "EUR").phrase_column("last_order", {"last_day": [], "days": [], "gap": []}, 0)) == 0


@pytest.mark.parametrize("currency", ["EUR", "JPY"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_amount_that_is_nothing_as_written_has_no_sign(lang, currency):
    # Babel writes -0.0 with a minus sign ("-¥0"), and -0.4 yen or -0.004 euro as "-¥0" and "-€0.00".
    phraser = Phraser(lang, currency)
    zero, *nothing = phraser._money_texts([0.0, -0.0, -0.004, -0.4 if currency == "JPY" else -0.001]).to_pylist()
    assert nothing == [zero] * 3
    assert "-" not in zero and "\u2212" not in zero
    # a real negative amount keeps its sign, and NaN is not made a zero
    negative, missing = phraser._money_texts([-1.0, float("nan")]).to_pylist()
    assert negative != phraser._money_texts([1.0]).to_pylist()[0]
    assert missing != zero


def test_share_is_babels_percentage_for_every_value():
    """Shares are asked of Babel once per sign and rounded percentage; every text is still Babel's."""
    import numpy as np
    from babel.numbers import format_percent

    from keepwise.text.phrase import SHARE_FORMAT, Phraser

    rng = np.random.default_rng(3)
    values = [0.0, -0.0, 0.00049, 0.0005, 0.00051, 0.00125, 0.00135, -0.00001, -0.0005, 0.1234, 0.12345,
              0.99999, 1.0, 12.3456, 1234.5678, -3.21, float("nan"), float("inf"), float("-inf"),
              *rng.random(300).tolist(), *(rng.random(200) * 40 - 20).round(5).tolist()]
    for lang in ("en", "fa", "ru"):
        phraser = Phraser(lang)
        for value in [*values, *values]:  # the second time from what was kept
            assert phraser._share(value) == format_percent(value, format=SHARE_FORMAT, locale=lang), (lang, value)
