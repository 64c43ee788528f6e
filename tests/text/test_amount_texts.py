"""Amounts written all at once are, character for character, what Python writes for each: f"{amount:,.2f}"."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keepwise.text import LANGUAGES
from keepwise.text.amount_texts import amount_texts
from keepwise.text.phrase import Phraser

PERSIAN = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")
# Half cents and their neighbours (where a float product by 100 may round the other way than the decimal
# Python writes), whole groups of three digits, the limits of exact cents, and what is not a number.
EDGES = [0.0, -0.0, 0.005, 0.015, 0.025, 0.125, 0.135, 1.005, 2.675, 8.345, 999.995, 999_999.995, 0.004999999999,
         1e-300, 5e-324, 999.0, 1000.0, 999_999.99, 1_000_000.0, 123_456_789_012.345, 4.5e13, 2.0**52 / 100,
         2.0**52 / 100 + 1, 1e15, 1e16, 1.7e308, float("inf"), float("nan"), -1.0, -0.001, -1234.565]


def _written(values, translation=None) -> list[str]:
    return [f"{value:,.2f}".translate(translation or {}) for value in values]


def test_edges_are_written_as_python_writes_them():
    texts, shown = amount_texts(np.array(EDGES))
    assert texts.to_pylist() == _written(EDGES)
    assert shown.tolist() == [any(digit in text for digit in "123456789") for text in _written(EDGES)]


def test_half_cents_and_their_neighbours_at_every_size():
    cents = np.concatenate([np.arange(0, 200_000) + 0.5, 10.0 ** np.arange(2, 16) + 0.5])
    values = cents / 100.0
    values = np.concatenate([values, np.nextafter(values, 0.0), np.nextafter(values, np.inf)])
    texts, _ = amount_texts(values)
    assert texts.to_pylist() == _written(values.tolist())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_any_floats_are_written_as_python_writes_them(values):
    texts, shown = amount_texts(np.array(values, dtype=float))
    assert texts.to_pylist() == _written(values)
    assert shown.tolist() == [any(digit in text for digit in "123456789") for text in _written(values)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**14), max_size=50))
def test_whole_cents_in_persian_digits(cents):
    values = [c / 100 for c in cents]
    texts, _ = amount_texts(np.array(values, dtype=float), PERSIAN)
    assert texts.to_pylist() == _written(values, PERSIAN)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_money_texts_are_those_of_each_amount_alone(lang):
    """A reason's amounts in whole cents, written at once, are Babel's text of each amount alone (for whole
    cents Babel's rounding and Python's agree), in every language (in Persian with Persian digits)."""
    rng = np.random.default_rng(11)
    amounts = [0.0, -0.0, 0.01, -0.01, 999.99, 1000.0, -1_234_567.89, 123_456_789.1,
               *(rng.lognormal(4, 3, 400) * rng.choice([-1, 1], 400)).round(2).tolist()]
    phraser, alone = Phraser(lang, "EUR"), Phraser(lang, "EUR")
    texts = phraser._money_texts(amounts).to_pylist()
    # Babel writes Latin digits; the reasons in Persian, Persian ones, and a sign with its left-to-right mark
    # before it (tests/text/test_signs_right_to_left.py)
    digits = {**PERSIAN, ord("-"): "\u200e-"} if lang == "fa" else {}
    assert texts == [alone._currency_text(amount + 0.0).translate(digits) for amount in amounts]
