"""LightGBM's ``pred_contrib`` summed into groups of features, computed once per distinct tree path.

``pred_contrib`` (path-dependent TreeSHAP) costs far more than a prediction: every row walks every
tree's every leaf. Yet within one tree a row's contributions depend only on which way the row goes at
each of the tree's splits, and thousands of customers share each such pattern (a tree of 15 leaves
has 14 splits; 19,000 customers of a business take a few hundred distinct patterns in a tree).

``grouped_contributions`` therefore asks LightGBM for each tree's contributions for one row per
distinct pattern and adds the trees up. LightGBM itself adds a tree's contributions into the running
sum leaf by leaf, so the sums may differ from one ``pred_contrib`` call in the last bits; rows whose
group values are so close (to zero or to each other) that such a difference could change which
groups push up or their order are computed again by ``pred_contrib`` over all trees at once. The
order and sign of every row's groups are therefore those of ``pred_contrib``.
"""

from __future__ import annotations

import numpy as np

from keepwise.data.distinct import first_appearances
from keepwise.models.boosting import lgb

__all__ = ["grouped_contributions"]

# LightGBM treats |x| <= kZeroThreshold as zero (dense rows keep only larger values).
_ZERO = 1e-35
# Values closer than this (relative to the row's largest, at least 1) are recomputed in one call:
# per-tree sums differ from LightGBM's own by rounding alone (~1e-15 relative).
_CLOSE = 1e-9


def _splits(tree: dict) -> list[dict] | None:
    """The tree's split nodes; None when a split is not numerical (a categorical one)."""
    nodes: list[dict] = []
    stack = [tree["tree_structure"]]
    while stack:
        node = stack.pop()
        if "split_feature" not in node:
            continue
        if node.get("decision_type") != "<=":
            return None
        nodes.append(node)
        stack.extend((node["left_child"], node["right_child"]))
    return nodes


def _goes_left(values: np.ndarray, node: dict) -> np.ndarray:
    """LightGBM's numerical decision (Tree::NumericalDecision) for a column of values: a missing value
    (NaN) is 0.0 unless missing_type is NaN, and the missing (or, for Zero, zero) values go the default way."""
    missing, default_left = node["missing_type"], bool(node["default_left"])
    with np.errstate(invalid="ignore"):
        left = values <= node["threshold"]  # False for NaN
    if missing == "NaN":
        return left | np.isnan(values) if default_left else left
    if missing == "Zero":
        default = np.isnan(values) | (np.abs(values) <= _ZERO)
        return np.where(default, default_left, left)
    return left | np.isnan(values) if node["threshold"] >= 0.0 else left  # NaN as 0.0


def _patterns(columns: dict[int, np.ndarray], rows: int, nodes: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the index of its decision pattern in the tree; and one row per pattern (its first).
    ``columns``: each feature the tree splits on, by its index, as a contiguous column of ``rows`` values."""
    if not nodes:
        return np.zeros(rows, dtype=np.int64), np.zeros(min(1, rows), dtype=np.int64)
    if len(nodes) < 63:
        # Each row's decisions as the bits of one number, numbered by hashing (no sort of the rows).
        keys = np.zeros(rows, dtype=np.int64)
        for bit, node in enumerate(nodes):
            keys |= _goes_left(columns[node["split_feature"]], node).astype(np.int64) << bit
        return first_appearances(keys)
    decisions = np.stack([_goes_left(columns[node["split_feature"]], node) for node in nodes], axis=1)
    _, first, inverse = np.unique(decisions, axis=0, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def _exact(booster: lgb.Booster, features: np.ndarray, membership: np.ndarray, threads: int) -> np.ndarray:
    return booster.predict(features, pred_contrib=True, num_threads=threads)[:, :-1] @ membership


def _zeroed(column: np.ndarray) -> np.ndarray:
    """LightGBM's dense rows: values of magnitude <= kZeroThreshold are zero."""
    tiny = np.abs(column) <= _ZERO
    return np.where(tiny, 0.0, column) if tiny.any() else np.ascontiguousarray(column)


def grouped_contributions(booster: lgb.Booster, features: np.ndarray, membership: np.ndarray,
                          threads: int = 0) -> np.ndarray:
    """``booster.predict(features, pred_contrib=True)[:, :-1] @ membership`` (``membership``: features
    x groups, 0/1) as far as the sign and order of each row's groups go (see the module docstring).
    ``threads``: LightGBM's threads where it predicts many rows at once (0: OpenMP's default)."""
    features = np.asarray(features, dtype=np.float64)
    rows = len(features)
    n_iterations = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
    model = booster.dump_model(num_iteration=n_iterations)
    trees = model["tree_info"][: n_iterations * booster.num_model_per_iteration()]
    splits = [_splits(tree) for tree in trees]
    if rows < 2 or booster.num_model_per_iteration() != 1 or any(nodes is None for nodes in splits):
        return _exact(booster, features, membership, threads)
    # The features each tree splits on, and all of them.
    tree_features = [sorted({node["split_feature"] for node in nodes}) for nodes in splits]
    split_on = sorted({feature for features_of_tree in tree_features for feature in features_of_tree})
    # The columns the trees split on, each read out of the matrix once, with LightGBM's zero for the
    # tiniest values; the rows handed to LightGBM stay as they are (its dense rows drop those values itself).
    split_columns = {feature: _zeroed(features[:, feature]) for feature in split_on}
    patterns = [_patterns(split_columns, rows, nodes) for nodes in splits]
    del split_columns
    if sum(len(first) for _, first in patterns) >= rows * len(trees):  # no row shares a pattern
        return _exact(booster, features, membership, threads)
    # Group by group (a row of ``by_group``), each tree adding only to the groups of the features it
    # splits on: every other feature's contribution in that tree is exactly 0, and x + 0.0 is x.
    by_group = np.zeros((membership.shape[1], rows), dtype=np.float64)
    # Each group's columns summed by numpy, not a matrix product per tree (BLAS threads cost more than
    # these small products); the sums only need to be close, the close rows are redone below.
    columns = [np.flatnonzero(membership[:, group]) for group in range(membership.shape[1])]
    weighted = not np.isin(membership, (0.0, 1.0)).all()
    for position, ((inverse, first), split_features) in enumerate(zip(patterns, tree_features, strict=True)):
        live = np.flatnonzero(membership[split_features].any(axis=0))
        if not len(live):
            continue
        # One thread: a tree's patterns are a few hundred rows, for which waking LightGBM's second
        # OpenMP thread costs more than the work (1,000 rows: 5.1 ms CPU with two threads, 2.5 ms with
        # one); each row's contributions are computed alone, so they are the same either way.
        tree = booster.predict(features[first], pred_contrib=True, start_iteration=position, num_iteration=1,
                               num_threads=1)[:, :-1]
        for group in live.tolist():
            sums = tree @ membership[:, group] if weighted else tree[:, columns[group]].sum(axis=1)
            by_group[group] += sums[inverse]
    by_group = np.ascontiguousarray(by_group.T)
    # Groups no tree splits on are exactly 0 either way; any other value near 0 or near another is redone.
    used = np.zeros(membership.shape[0], dtype=bool)
    used[split_on] = True
    live = membership[used].any(axis=0)
    values = by_group[:, live]
    scale = _CLOSE * np.maximum(1.0, np.abs(values).max(axis=1, initial=0.0))
    close = (np.abs(values) <= scale[:, None]).any(axis=1)
    ordered = np.sort(values, axis=1)
    close |= (np.diff(ordered, axis=1) <= scale[:, None]).any(axis=1)
    redo = np.flatnonzero(close)
    if len(redo):
        by_group[redo] = _exact(booster, features[redo], membership, threads)
    return by_group
