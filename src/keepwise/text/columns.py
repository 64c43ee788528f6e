"""Per-customer texts as Arrow string columns, built and joined by Arrow's kernels.

An assessment writes a few texts per customer (reasons, evidence, flags). One Python ``str`` per
customer and part cost seconds and gigabytes at a million customers; Arrow keeps a column's texts in
one buffer, and its kernels concatenate and join them without a Python object per row. pandas' ``str``
dtype stores the same ``large_string`` arrays, so a column goes into the frame without a copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TEXT", "append_at", "concat", "day_texts", "factorize", "join_rows", "repeat", "spread",
           "text_array", "to_series"]

TEXT = pa.large_string()  # what pandas' str dtype holds
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def text_array(values) -> pa.Array:
    """``values`` (texts: an Arrow array, a NumPy array or a list) as one Arrow ``large_string`` array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == TEXT else values.cast(TEXT)
    return pa.array(values, TEXT)


def day_texts(moments: pd.Series) -> pa.Array:
    """ISO days (``YYYY-MM-DD``), "" where there is none, as Arrow texts (Arrow writes a date as ISO): at a
    million rows ~0.04 s, where a Python date per row made into a text took ~0.9 s."""
    if isinstance(moments.dtype, np.dtype) and moments.dtype.kind == "M":
        days = pa.array(moments.to_numpy().astype("datetime64[D]"), from_pandas=True)
        return pc.fill_null(days.cast(TEXT), pa.scalar("", TEXT))
    return text_array(moments.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object))


def repeat(text: str, size: int) -> pa.Array:
    """``text`` on ``size`` rows."""
    indices = pa.array(np.zeros(size, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([text], TEXT)).dictionary_decode()


def spread(texts, codes) -> pa.Array:
    """``texts[code]`` for every code: each distinct text is made once."""
    return text_array(texts).take(pa.array(np.asarray(codes, dtype=np.int64)))


def concat(*items, size: int) -> pa.Array:
    """Row by row, the items one after another; a ``str`` item is the same text on every row."""
    if not any(not isinstance(item, str) for item in items):
        return repeat("".join(items), size)
    arrays = [pa.scalar(item, TEXT) if isinstance(item, str) else text_array(item) for item in items]
    return pc.binary_join_element_wise(*arrays, pa.scalar("", TEXT))


def factorize(values) -> tuple[np.ndarray, list]:
    """(a code per value, the distinct values as Python objects in order of first appearance)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        encoded = pc.dictionary_encode(values)
        return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, uniques.tolist()


def join_rows(size: int, parts, separator: str) -> pa.Array:
    """``separator.join`` per row of texts given part by part: ``parts`` yields ``(rows, texts)`` in
    order; a row's texts are joined in the order of the parts that name it ("" for none)."""
    parts = [(np.asarray(rows, dtype=np.int64), text_array(texts)) for rows, texts in parts if len(rows)]
    offsets = np.zeros(size + 1, dtype=np.int64)
    if not parts:
        return pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), pa.array([], TEXT)),
                              pa.scalar(separator, TEXT))
    rows = np.concatenate([rows for rows, _ in parts])
    np.cumsum(np.bincount(rows, minlength=size), out=offsets[1:])
    if all(np.bincount(part, minlength=size).max() <= 1 for part, _ in parts):
        # Each text's place: its row's start plus the texts earlier parts gave that row.
        places, filled = [], offsets[:-1].copy()
        for part, _ in parts:
            places.append(filled[part])
            filled[part] += 1
        order = np.empty(len(rows), dtype=np.int64)
        order[np.concatenate(places)] = np.arange(len(rows))
    else:  # a part names a row twice
        order = np.argsort(rows, kind="stable")  # by row, each row's texts in the parts' order
    texts = pa.concat_arrays([texts for _, texts in parts])
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), texts.take(pa.array(order)))
    return pc.binary_join(lists, pa.scalar(separator, TEXT))


def append_at(texts: pa.ChunkedArray, rows, additions, separator: str) -> pa.ChunkedArray:
    """``texts`` with ``additions[i]`` put after the text of row ``rows[i]`` (``rows`` ascending), joined
    with ``separator`` (the addition alone where the text is ""). Chunk by chunk: a chunk with none of
    ``rows`` is kept as it is, and no chunk is combined with another (a copy of the whole column)."""
    rows = np.asarray(rows, dtype=np.int64)
    additions = text_array(additions)
    starts = np.cumsum([0, *(len(chunk) for chunk in texts.chunks)])
    bounds = np.searchsorted(rows, starts)
    chunks = []
    for chunk, start, first, last in zip(texts.chunks, starts[:-1].tolist(), bounds[:-1].tolist(), bounds[1:].tolist(),
                                         strict=True):
        if last == first:
            chunks.append(chunk)
            continue
        local = rows[first:last] - start
        before = text_array(chunk.take(pa.array(local)))
        adding = additions.slice(first, last - first)
        joined = pc.if_else(pc.equal(before, ""), adding, concat(before, separator, adding, size=last - first))
        mask = np.zeros(len(chunk), dtype=bool)
        mask[local] = True
        chunks.append(pc.replace_with_mask(chunk, pa.array(mask), joined.cast(chunk.type)))
    return pa.chunked_array(chunks, texts.type)


def to_series(texts: pa.Array | pa.ChunkedArray, index=None) -> pd.Series:
    """The texts as a pandas ``str`` Series, sharing Arrow's buffers."""
    chunked = texts if isinstance(texts, pa.ChunkedArray) else pa.chunked_array([text_array(texts)])
    return pd.Series(pd.arrays.ArrowStringArray(chunked, dtype=_STR), index=index)
