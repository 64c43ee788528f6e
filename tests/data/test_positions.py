"""positions: each key's place among ids, the same through Arrow (texts) and pandas (other keys)."""

import numpy as np
import pandas as pd
import pyarrow as pa

from keepwise.data.positions import positions


def test_text_keys_found_at_first_occurrence_and_missing_as_minus_one():
    among = pd.Series(["C2", "C1", "C3", "C1"], dtype="str")
    keys = pd.Series(["C1", "C9", "C3", "C2"], dtype="str")
    assert positions(keys, among).tolist() == [1, -1, 2, 0]


def test_lists_chunked_arrays_and_both_string_widths_agree():
    among = pa.chunked_array([pa.array(["a", "b"], pa.large_string()), pa.array(["c"], pa.large_string())])
    assert positions(["c", "a", "z"], among).tolist() == [2, 0, -1]
    assert positions(pa.array(["b"], pa.string()), ["x", "b"]).tolist() == [1]


def test_other_keys_go_through_pandas_with_the_same_answers():
    among = np.array([30, 10, 20, 10])
    assert positions(np.array([10, 40, 20]), among).tolist() == [1, -1, 2]
    assert positions(["10"], among).tolist() == [-1]  # a text never matches a number


def test_empty_inputs():
    assert positions([], ["a"]).tolist() == []
    assert positions(["a"], pd.Series([], dtype="str")).tolist() == [-1]


def test_values_at_positions_with_nan_where_a_key_is_missing():
    from keepwise.data.positions import values_at

    rows = positions(["b", "z", "a"], ["a", "b", "c"])
    assert rows.tolist() == [1, -1, 0]
    out = values_at(np.array([10, 20, 30]), rows)
    assert out[0] == 20.0 and np.isnan(out[1]) and out[2] == 10.0


def test_reindexed_is_pandas_reindex_by_ids():
    from keepwise.data.positions import reindexed

    ids = pd.Index(["c", "a", "x", "b", "a2"], name="customer_id", dtype="str")
    frame = pd.DataFrame({"n": [1.0, 2.0, np.nan, 4.0], "m": [5.0, 6.0, 7.0, 8.0]},
                         index=pd.Index(["a", "b", "c", "d"], name="customer_id", dtype="str"))
    pd.testing.assert_frame_equal(reindexed(frame, ids), frame.reindex(ids))
    actions = pd.Series(["keep", "offboard", "grow"], index=pd.Index(["a", "b", "c"], dtype="str"), dtype="str")
    pd.testing.assert_series_equal(reindexed(actions, ids), actions.reindex(ids))
    # Every id held: the rows in the asked order, nothing made missing.
    held = pd.Index(["d", "a", "c"], name="customer_id", dtype="str")
    pd.testing.assert_frame_equal(reindexed(frame, held), frame.reindex(held))
    pd.testing.assert_series_equal(reindexed(actions.iloc[:0], ids), actions.iloc[:0].reindex(ids))
    # The same ids in the same order: the data as they are, under the index asked for.
    same = pd.Index(["a", "b", "c", "d"], name="customer_id", dtype="str")
    pd.testing.assert_frame_equal(reindexed(frame, same), frame.reindex(same))


def test_taken_at_keeps_the_values_type_and_fills_the_missing():
    from keepwise.data.positions import taken_at, values_at

    rows = np.array([2, -1, 0])
    actions = np.array(["keep", "grow", "offboard"], dtype=object)
    assert taken_at(actions, rows, "keep").tolist() == ["offboard", "keep", "keep"]
    flags = np.array([True, False, True])
    out = taken_at(flags, rows, False)
    assert out.dtype == bool and out.tolist() == [True, False, True]
    # Nothing to take from: every row is missing (no -1 read from the end of an empty array).
    assert taken_at(np.array([], dtype=object), np.array([-1, -1]), None).tolist() == [None, None]
    assert np.isnan(values_at(np.array([]), np.array([-1]))).all()


def test_inverse_positions_are_the_lookup_the_other_way_for_ids_held_once():
    from keepwise.data.positions import inverse_positions

    rng = np.random.default_rng(3)
    ids = np.array([f"C{i}" for i in range(40)], dtype=object)
    for _ in range(20):
        keys = pd.Series(rng.permutation(ids)[:25], dtype="str")  # a subset, in any order
        among = pd.Series(np.concatenate([rng.permutation(ids)[:30], ["X1", "X2"]]), dtype="str")
        rows = positions(keys, among)
        assert inverse_positions(rows, len(among)).tolist() == positions(among, keys).tolist()
    assert inverse_positions(np.array([], dtype=np.int64), 2).tolist() == [-1, -1]


def test_reindexed_with_known_positions_gives_the_same_and_ignores_them_for_other_ids():
    from keepwise.data.positions import reindexed

    data = pd.Series([1.0, 2.0, 3.0], index=pd.Index(["b", "c", "a"], dtype="str"))
    index = pd.Index(["a", "z", "b"], dtype="str")
    expected = data.reindex(index)
    known = (pd.Index(["b", "c", "a"], dtype="str"), positions(index, ["b", "c", "a"]))
    pd.testing.assert_series_equal(reindexed(data, index, known), expected)
    # Positions of other ids (or of these in another order) are not the data's: looked up again.
    wrong = (pd.Index(["a", "c", "b"], dtype="str"), np.array([0, -1, 2]))
    pd.testing.assert_series_equal(reindexed(data, index, wrong), expected)
    # Positions made for another index (of another length) are not used either.
    short = (pd.Index(["b", "c", "a"], dtype="str"), np.array([2]))
    pd.testing.assert_series_equal(reindexed(data, index, short), expected)


def test_few_keys_among_many_ids_are_found_as_among_few(monkeypatch):
    import keepwise.data.positions as module

    rng = np.random.default_rng(5)
    among = pa.array(rng.choice([f"C{i}" for i in range(300)] + [None], 2000).tolist(), pa.large_string())
    for size in (1, 3, 40, 250):  # from far fewer keys than ids to as many as the factor allows
        keys = pa.array(rng.choice([f"C{i}" for i in range(320)] + [None], size).tolist(), pa.large_string())
        fast = positions(keys, among)
        monkeypatch.setattr(module, "FEW_KEYS_RATIO", 0)  # every lookup the plain way
        assert fast.tolist() == positions(keys, among).tolist()
        monkeypatch.undo()
    # First occurrences, a missing key, and a null key finding the first null, on the few-keys path.
    keys = pa.array(["a", "z", None], pa.large_string())
    among = pa.array(["b", "a", None, "a", "b"] * 4, pa.large_string())
    monkeypatch.setattr(module, "FEW_KEYS_RATIO", 1)
    assert positions(keys, among).tolist() == [1, -1, 2]
    assert positions(pa.array(["y", "z"], pa.large_string()), among).tolist() == [-1, -1]  # no id holds a key
