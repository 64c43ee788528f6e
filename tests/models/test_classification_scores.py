"""The churn backtest's scores (models.classification_scores): values known by hand, and scikit-learn's."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from keepwise.models.classification_scores import average_precision, brier_score, roc_auc


def test_known_values():
    labels = np.array([0, 0, 1, 1])
    risk = np.array([0.1, 0.4, 0.35, 0.8])
    # pairs (churned, retained) ranked right: (0.35 > 0.1), (0.8 > 0.1), (0.8 > 0.4); wrong: (0.35 < 0.4)
    assert roc_auc(labels, risk) == pytest.approx(3 / 4)
    # highest first: 0.8 (1 of 1 right, recall 1/2), 0.4 (1 of 2), 0.35 (2 of 3, recall 1): 1/2 x 1 + 1/2 x 2/3
    assert average_precision(labels, risk) == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert brier_score(labels, risk) == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)


def test_ties_count_one_half():
    labels = np.array([1, 0, 1, 0])
    risk = np.array([0.5, 0.5, 0.5, 0.5])
    assert roc_auc(labels, risk) == 0.5
    assert average_precision(labels, risk) == 0.5  # one threshold admits everyone: precision 1/2 at recall 1
    assert roc_auc(np.array([0, 1]), np.array([0.2, 0.9])) == 1.0
    assert roc_auc(np.array([1, 0]), np.array([0.2, 0.9])) == 0.0


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="both classes"):
        roc_auc(np.array([1, 1]), np.array([0.2, 0.3]))
    with pytest.raises(ValueError, match="both classes"):
        average_precision(np.array([0, 0]), np.array([0.2, 0.3]))
    with pytest.raises(ValueError, match="0 or 1"):
        brier_score(np.array([0, 2]), np.array([0.2, 0.3]))
    with pytest.raises(ValueError, match="same"):
        brier_score(np.array([0, 1]), np.array([0.2]))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 300), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_equal_to_scikit_learn(n, distinct, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    labels[:2] = (0, 1)  # both classes
    rng.shuffle(labels)
    risk = rng.integers(0, distinct, n) / distinct  # many ties when ``distinct`` is small
    assert roc_auc(labels, risk) == pytest.approx(roc_auc_score(labels, risk), rel=1e-12, abs=1e-12)
    assert average_precision(labels, risk) == pytest.approx(average_precision_score(labels, risk), rel=1e-12)
    # scikit-learn 1.9 sums the squares over the two classes' columns and halves: the last bit may differ
    assert brier_score(labels, risk) == pytest.approx(brier_score_loss(labels, risk), rel=1e-12)
