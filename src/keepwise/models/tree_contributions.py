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

import lightgbm as lgb
import numpy as np

from keepwise.data.distinct import first_appearances

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
    """LightGBM's numerical decision (Tree::NumericalDecision) for a column of values."""
    missing = node["missing_type"]
    nan = np.isnan(values)
    if missing != "NaN":
        values = np.where(nan, 0.0, values)
    if missing == "NaN":
        default = nan
    elif missing == "Zero":
        default = np.abs(values) <= _ZERO
    else:
        default = np.zeros(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        left = values <= node["threshold"]
    return np.where(default, bool(node["default_left"]), left)


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


def _exact(booster: lgb.Booster, features: np.ndarray, membership: np.ndarray) -> np.ndarray:
    return booster.predict(features, pred_contrib=True)[:, :-1] @ membership


def grouped_contributions(booster: lgb.Booster, features: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """``booster.predict(features, pred_contrib=True)[:, :-1] @ membership`` (``membership``: features
    x groups, 0/1) as far as the sign and order of each row's groups go (see the module docstring)."""
    features = np.asarray(features, dtype=np.float64)
    rows = len(features)
    n_iterations = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
    model = booster.dump_model(num_iteration=n_iterations)
    trees = model["tree_info"][: n_iterations * booster.num_model_per_iteration()]
    splits = [_splits(tree) for tree in trees]
    if rows < 2 or booster.num_model_per_iteration() != 1 or any(nodes is None for nodes in splits):
        return _exact(booster, features, membership)
    # LightGBM's dense rows: values of magnitude <= kZeroThreshold are zero.
    features = np.where(np.abs(features) <= _ZERO, 0.0, features)
    # The columns the trees split on, each read out of the row-major matrix once.
    split_on = sorted({node["split_feature"] for nodes in splits for node in nodes})
    split_columns = {feature: np.ascontiguousarray(features[:, feature]) for feature in split_on}
    patterns = [_patterns(split_columns, rows, nodes) for nodes in splits]
    del split_columns
    if sum(len(first) for _, first in patterns) >= rows * len(trees):  # no row shares a pattern
        return _exact(booster, features, membership)
    by_group = np.zeros((rows, membership.shape[1]), dtype=np.float64)
    # Each group's columns summed by numpy, not a matrix product per tree (BLAS threads cost more than
    # these small products); the sums only need to be close, the close rows are redone below.
    columns = [np.flatnonzero(membership[:, group]) for group in range(membership.shape[1])]
    weighted = not np.isin(membership, (0.0, 1.0)).all()
    for position, (inverse, first) in enumerate(patterns):
        tree = booster.predict(features[first], pred_contrib=True, start_iteration=position, num_iteration=1)[:, :-1]
        if weighted:
            sums = tree @ membership
        else:
            sums = np.column_stack([tree[:, group].sum(axis=1) for group in columns])
        by_group += sums[inverse]
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
        by_group[redo] = _exact(booster, features[redo], membership)
    return by_group
