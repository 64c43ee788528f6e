"""How well a churn risk predicted labels that came true (1 = churned): ROC AUC, average precision and the
Brier score, as the churn backtest scores its sources.

The same definitions as scikit-learn's ``roc_auc_score``, ``average_precision_score`` and
``brier_score_loss`` for binary labels (tests/models/test_classification_scores.py compares them), in
NumPy: keepwise does not import scikit-learn at run time, because importing it imports ``scipy.stats``
(~0.5 s of one core on every ``assess``).
"""

from __future__ import annotations

import numpy as np

from keepwise.data.distinct import equal_runs

__all__ = ["average_precision", "brier_score", "roc_auc"]


def _checked(labels: np.ndarray, risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(labels)
    risk = np.asarray(risk, dtype=float)
    if labels.ndim != 1 or labels.shape != risk.shape or len(labels) == 0:
        raise ValueError("scores need labels and risks as one-dimensional arrays of the same, non-zero length")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    return labels.astype(bool), risk


def _both_classes(churned: np.ndarray) -> None:
    if churned.all() or not churned.any():
        raise ValueError("ROC AUC and average precision need labels of both classes")


def roc_auc(labels: np.ndarray, risk: np.ndarray) -> float:
    """The probability that a random churned customer has a higher risk than a random retained one, ties
    counting one half (the Mann-Whitney statistic over the product of the two classes' sizes)."""
    churned, risk = _checked(labels, risk)
    _both_classes(churned)
    order = np.argsort(risk, kind="stable")
    ordered = risk[order]
    # Mid-ranks: tied risks share the mean of the ranks they span (1-based).
    starts, ends = equal_runs(ordered)
    mid_ranks = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    n_churned = int(churned.sum())
    n_retained = len(churned) - n_churned
    rank_sum = float(mid_ranks[churned[order]].sum())
    return (rank_sum - n_churned * (n_churned + 1) / 2.0) / (n_churned * n_retained)


def average_precision(labels: np.ndarray, risk: np.ndarray) -> float:
    """The mean precision over the churned customers' ranks: sum over the distinct risks, highest first, of
    (recall there - recall at the previous one) x precision there."""
    churned, risk = _checked(labels, risk)
    _both_classes(churned)
    order = np.argsort(-risk, kind="stable")
    ordered = risk[order]
    true_positives = np.cumsum(churned[order])
    # The last row of each run of equal risks: a threshold admits the whole run.
    last = equal_runs(ordered)[1] - 1
    hits = true_positives[last].astype(float)
    precision = hits / (last + 1)
    recall = hits / hits[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier_score(labels: np.ndarray, risk: np.ndarray) -> float:
    """The mean squared difference between the risk and the label."""
    churned, risk = _checked(labels, risk)
    return float(np.mean((churned.astype(float) - risk) ** 2))
