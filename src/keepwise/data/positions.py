"""Where each of some keys stands in a column of ids: the one lookup by id the later stages share
(model scores onto the assessment, features and tiers onto customers, facts onto the customers asked about)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["inverse_positions", "positions", "reindexed", "taken_at", "values_at"]


# Keys fewer than the ids by this factor are looked up among the ids that hold one of them (``positions``).
FEW_KEYS_RATIO = 8


def _index_in(keys: pa.Array, among: pa.Array) -> np.ndarray:
    found = pc.index_in(keys, value_set=among)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _texts(values) -> pa.Array | None:
    """``values`` as an Arrow string array, or None when they are not texts."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        try:
            values = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            return None
    return values if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) else None


def positions(keys, among) -> np.ndarray:
    """Each key's position in ``among`` (its first occurrence there), -1 where it is not there.

    Texts go through Arrow's hash lookup: pandas' isin, map and get_indexer on Arrow strings first make
    a Python object per value (seconds at a million customers). Other keys go through a pandas index."""
    texts, known = _texts(keys), _texts(among)
    if texts is not None and known is not None:
        known = known.cast(texts.type)
        if len(texts) * FEW_KEYS_RATIO < len(known):
            # Few keys among many ids (a handful of customers among a million): the ids holding a key are
            # found against the keys' small set, and the keys looked up among those alone, in their order
            # (so the first occurrence stays first). 0.23 -> ~0.02 s for 10 keys among 1,000,000 ids.
            holding = np.flatnonzero(pc.is_in(known, value_set=texts).to_numpy(zero_copy_only=False))
            found = _index_in(texts, known.take(pa.array(holding)))
            held = found >= 0
            found[held] = holding[found[held]]
            return found
        return _index_in(texts, known)
    values = pd.Series(np.asarray(among, dtype=object))
    first = np.flatnonzero(~values.duplicated().to_numpy())
    found = pd.Index(values.to_numpy()[first]).get_indexer(pd.Index(np.asarray(keys, dtype=object)))
    out = np.full(len(found), -1, dtype=np.int64)
    out[found >= 0] = first[found[found >= 0]]
    return out


def inverse_positions(rows: np.ndarray, size: int) -> np.ndarray:
    """From ``rows = positions(keys, among)`` where ``keys`` and ``among`` each hold an id at most once:
    ``positions(among, keys)`` (``among`` has ``size`` ids), without looking the ids up again."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.full(size, -1, dtype=np.int64)
    found = np.flatnonzero(rows >= 0)
    out[rows[found]] = found
    return out


def taken_at(values: np.ndarray, rows: np.ndarray, missing) -> np.ndarray:
    """``values`` (an array, its dtype kept) at ``rows`` (from ``positions``), ``missing`` (a value of that
    dtype) where a row is -1 (the key is not there)."""
    values = np.asarray(values)
    out = np.full(rows.shape[0], missing, dtype=values.dtype)
    found = rows >= 0
    out[found] = values[rows[found]]
    return out


def values_at(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values`` at ``rows`` (from ``positions``) as floats, NaN where a row is -1 (the key is not there)."""
    return taken_at(np.asarray(values, dtype=float), rows, np.nan)


def reindexed(data: pd.Series | pd.DataFrame, index: pd.Index,
              known: tuple[pd.Index, np.ndarray] | None = None) -> pd.Series | pd.DataFrame:
    """``data.reindex(index)`` for ``data`` indexed by unique ids, through ``positions``: its rows in the
    order of ``index``, NaN rows for ids it does not hold (pandas' reindex hashes a million texts as
    Python objects: 0.4-1 s each time at 1,000,000 customers, by py-spy).

    ``known``: ``(ids, positions(index, ids))`` when the caller has it; used when ``data``'s index is those
    ids in that order (compared by Arrow, ~1 ms for a million), instead of looking ``index`` up again
    (~0.3 s at a million customers)."""
    if data.empty:
        return data.reindex(index)
    if data.index.equals(index):  # the same ids in the same order, as pandas' reindex sees at once
        return data.set_axis(index, axis=0)
    if known is not None and len(known[1]) == len(index) and data.index.equals(known[0]):
        at = np.asarray(known[1], dtype=np.int64)
    else:
        at = positions(index, data.index)
    found = at >= 0
    taken = data.iloc[np.where(found, at, 0)].set_axis(index, axis=0)
    if found.all():
        return taken
    return taken.where(found if taken.ndim == 1 else np.broadcast_to(found[:, None], taken.shape))
