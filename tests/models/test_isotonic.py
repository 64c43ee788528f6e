"""models.isotonic.IsotonicCurve: values known by hand, and scikit-learn's IsotonicRegression."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.isotonic import IsotonicRegression

from keepwise.models.isotonic import IsotonicCurve


def test_pools_violators_and_interpolates():
    # mean labels by score: 1 -> 0, 2 -> 1, 3 -> 0 (a violator pooled with 2: 1/2 each), 4 -> 1
    scores = np.array([1, 2, 3, 4, 1, 4])
    labels = np.array([0, 1, 0, 1, 0, 1])
    curve = IsotonicCurve().fit(scores, labels)
    assert curve.x_.tolist() == [1, 2, 3, 4]
    assert curve.y_.tolist() == [0.0, 0.5, 0.5, 1.0]
    assert curve.predict(np.array([0, 1.5, 2.5, 3.5, 9])).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_bounds_clip_the_fit():
    curve = IsotonicCurve(lower=0.1, upper=0.8).fit(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5, 1.0]))
    assert curve.y_.tolist() == [0.1, 0.5, 0.8]


def test_refuses_what_it_cannot_fit():
    with pytest.raises(ValueError, match="not fitted"):
        IsotonicCurve().predict(np.array([1.0]))
    with pytest.raises(ValueError, match="finite"):
        IsotonicCurve().fit(np.array([1.0, np.nan]), np.array([0, 1]))
    with pytest.raises(ValueError, match="same"):
        IsotonicCurve().fit(np.array([]), np.array([]))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_equal_to_scikit_learn(n, distinct, seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, distinct, n).astype(float) * 1.7
    labels = (rng.random(n) < 0.2 + 0.6 * scores / scores.max(initial=1.0)).astype(np.int8)
    new = np.r_[rng.uniform(-5, scores.max(initial=0.0) + 5, 50), scores]
    ours = IsotonicCurve(lower=0.0, upper=1.0).fit(scores, labels).predict(new)
    theirs = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(scores, labels).predict(new)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
