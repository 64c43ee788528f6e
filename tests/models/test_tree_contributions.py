"""grouped_contributions: pred_contrib per distinct tree path gives the groups, signs and order of pred_contrib."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest

from keepwise.models import tree_contributions
from keepwise.models.tree_contributions import grouped_contributions


def _booster(zero_as_missing: bool = False) -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(5)
    rows = 3000
    features = np.column_stack([
        rng.integers(0, 6, rows).astype(float),  # a count: many customers share its splits
        rng.normal(size=rows),
        rng.exponential(30.0, rows),
        np.where(rng.random(rows) < 0.3, np.nan, rng.normal(size=rows)),  # missing values
        np.where(rng.random(rows) < 0.4, 0.0, rng.normal(size=rows)),
        rng.integers(0, 2, rows).astype(float),
    ])
    signal = features[:, 0] - 0.05 * features[:, 2] + np.nan_to_num(features[:, 3]) + features[:, 4] * features[:, 5]
    label = (signal + rng.normal(size=rows) > 0).astype(int)
    params = {"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 20, "verbosity": -1, "seed": 1,
              "deterministic": True, "num_threads": 1, "zero_as_missing": zero_as_missing}
    return lgb.train(params, lgb.Dataset(features, label), num_boost_round=40), features


MEMBERSHIP = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)


def _exact(booster, features, membership):
    return booster.predict(features, pred_contrib=True)[:, :-1] @ membership


def _ranked(values: np.ndarray) -> list[list[int]]:
    order = np.argsort(-values, axis=1, kind="stable")
    return [[int(g) for g in order[row] if values[row, g] > 0] for row in range(len(values))]


@pytest.mark.parametrize("zero_as_missing", [False, True])
def test_groups_signs_and_order_are_those_of_pred_contrib(zero_as_missing, monkeypatch):
    booster, features = _booster(zero_as_missing)
    calls = []
    monkeypatch.setattr(booster, "predict", lambda data, **kw: calls.append(len(data)) or lgb.Booster.predict(
        booster, data, **kw))
    fast = grouped_contributions(booster, features, MEMBERSHIP)
    exact = _exact(booster, features, MEMBERSHIP)
    np.testing.assert_allclose(fast, exact, rtol=0, atol=1e-12)
    assert _ranked(fast) == _ranked(exact)
    # One row per distinct path and tree was scored, far fewer than every row in every tree.
    assert sum(calls) < len(features) * booster.current_iteration() / 5


def test_rows_whose_groups_tie_are_computed_in_one_call():
    booster, features = _booster()
    # Two groups of the same feature: their values tie exactly, so every row is redone by pred_contrib.
    membership = np.array([[1, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], dtype=float)
    fast = grouped_contributions(booster, features, membership)
    assert np.array_equal(fast, _exact(booster, features, membership))


def test_a_group_no_tree_uses_stays_zero_without_a_redo(monkeypatch):
    booster, features = _booster()
    features = features.copy()
    redone = []
    exact = tree_contributions._exact
    monkeypatch.setattr(tree_contributions, "_exact", lambda b, f, m: redone.append(len(f)) or exact(b, f, m))
    membership = np.column_stack([MEMBERSHIP, np.zeros(6)])  # a fourth group with no feature
    fast = grouped_contributions(booster, features, membership)
    assert (fast[:, 3] == 0).all()
    assert sum(redone) < len(features) / 10
    assert _ranked(fast) == _ranked(_exact(booster, features, membership))


@pytest.mark.parametrize("zero_as_missing", [False, True])
def test_values_lightgbm_takes_for_zero_give_the_same_groups_as_zero(zero_as_missing):
    booster, features = _booster(zero_as_missing)
    tiny = features.copy()
    # |x| <= kZeroThreshold (1e-35) is zero to LightGBM: the columns' patterns must say the same.
    tiny[::7, 4] = np.where(tiny[::7, 4] == 0.0, 1e-40, tiny[::7, 4])
    tiny[::5, 0] = np.where(tiny[::5, 0] == 0.0, -1e-36, tiny[::5, 0])
    assert np.array_equal(grouped_contributions(booster, tiny, MEMBERSHIP),
                          grouped_contributions(booster, features, MEMBERSHIP))


@pytest.mark.parametrize("zero_as_missing", [False, True])
def test_each_decision_pattern_is_one_leaf(zero_as_missing):
    booster, features = _booster(zero_as_missing)
    features = features.copy()
    features[::11, 1] = np.nan  # a column LightGBM saw no missing value in (missing_type None)
    leaves = booster.predict(features, pred_leaf=True)
    columns = {feature: np.ascontiguousarray(features[:, feature]) for feature in range(features.shape[1])}
    for position, tree in enumerate(booster.dump_model()["tree_info"]):
        inverse, first = tree_contributions._patterns(columns, len(features), tree_contributions._splits(tree))
        assert np.array_equal(leaves[first][inverse, position], leaves[:, position])
