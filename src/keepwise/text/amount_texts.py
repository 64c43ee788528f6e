"""Many amounts written at once as Python writes one, ``f"{amount:,.2f}"``, as an Arrow text array."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.text.columns import TEXT, text_array

__all__ = ["amount_texts"]

# Whole cents from a float product are exact below this many (a double holds every integer to 2^53).
_EXACT_CENTS = 2.0**52
# How close to a half cent, in units of the product's last place, the float product must not come: there
# its rounding may differ from the correctly rounded decimal Python writes.
_HALF_CENT_MARGIN = 4.0


def amount_texts(values, translation: Mapping[int, str] | None = None) -> tuple[pa.Array, np.ndarray]:
    """``f"{value:,.2f}".translate(translation)`` of every value, and whether that text shows a digit 1-9
    (an amount that is not nothing as written).

    The cents are rounded by NumPy and the digits put together by Arrow, from tables of the 1,000 groups of
    three digits (each translated once): no Python text per value, ~0.2 s for a million amounts where
    Python's formatting held Python's GIL ~0.45 s. Python writes, itself, every value whose float product
    by 100 comes within a few units of its last place of a half cent (its rounding there may differ from
    Python's correctly rounded decimal), and every negative, huge or not finite value."""
    values = np.asarray(values, dtype=float)
    scaled = values * 100.0
    with np.errstate(invalid="ignore"):
        fraction = np.abs(scaled - np.trunc(scaled))
        by_python = ~(np.isfinite(scaled) & (scaled >= 0.0) & (scaled < _EXACT_CENTS)) | np.signbit(values)
        by_python |= np.abs(fraction - 0.5) <= _HALF_CENT_MARGIN * np.spacing(np.abs(scaled))
    cents = np.where(by_python, 0.0, np.rint(scaled)).astype(np.int64)
    whole, hundredths = np.divmod(cents, 100)
    groups, hundredths_texts, point = _tables(None if translation is None else tuple(sorted(translation.items())))
    powers = 1000 ** np.arange(1, 5, dtype=np.int64)
    first = np.searchsorted(powers, whole, side="right")  # the index of each number's first group
    pieces = []
    for k in range(int(first.max(initial=0)), -1, -1):
        group = (whole // 1000**k) % 1000
        chosen = np.where(first == k, group, np.where(first > k, 1000 + group, 2000))
        pieces.append(groups.take(pa.array(chosen)))
    decimals = hundredths_texts.take(pa.array(hundredths))
    texts = pc.binary_join_element_wise(*pieces, pa.scalar(point, TEXT), decimals, pa.scalar("", TEXT))
    shown = cents > 0
    if by_python.any():
        rows = np.flatnonzero(by_python)
        python = [f"{value:,.2f}" for value in values[rows].tolist()]
        written = [text.translate(translation or {}) for text in python]
        texts = pc.replace_with_mask(texts, pa.array(by_python), text_array(written))
        shown[rows] = [any(digit in text for digit in "123456789") for text in python]
    return text_array(texts), shown


@cache
def _tables(translation: tuple | None) -> tuple[pa.Array, pa.Array, str]:
    """The texts ``amount_texts`` puts together, written with ``translation`` (its items), made once:
    per group of three digits, written as the first group (no padding), after another (its separator and
    three digits), or not at all (a number with fewer groups; index 2000); the hundredths; the point."""
    mapping = dict(translation or ())
    separator = ",".translate(mapping)
    groups = pa.array([str(i).translate(mapping) for i in range(1000)]
                      + [separator + f"{i:03d}".translate(mapping) for i in range(1000)] + [""], TEXT)
    return groups, pa.array([f"{i:02d}".translate(mapping) for i in range(100)], TEXT), ".".translate(mapping)
