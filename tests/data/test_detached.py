"""detached_frame: the frame of an engine's Arrow result, holding none of the result's buffers."""

import duckdb
import pandas as pd
import pyarrow as pa

from keepwise.data.detached import detached_frame


def _addresses(array: pa.ChunkedArray | pa.Array) -> set[int]:
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    return {buffer.address for chunk in chunks for buffer in chunk.buffers() if buffer is not None}


def _engine_result() -> pa.Table:
    return duckdb.sql(
        "SELECT 'c' || range AS customer_id, range * 2 AS n, "
        "CASE WHEN range % 3 = 0 THEN NULL ELSE 'tag' || (range % 7) END AS tags, range / 4 AS share "
        "FROM range(5000)").to_arrow_table()


def test_the_frame_equals_pandas_own_conversion():
    result = _engine_result()
    pd.testing.assert_frame_equal(detached_frame(result), result.to_pandas())


def test_no_text_column_shares_a_buffer_with_the_result():
    result = _engine_result()
    frame = detached_frame(result)
    held = _addresses(result.column("customer_id")) | _addresses(result.column("tags"))
    for name in ("customer_id", "tags"):
        values = frame[name].array
        arrow = values.__arrow_array__() if hasattr(values, "__arrow_array__") else None
        if arrow is not None:  # pandas 3 keeps text as Arrow; pandas 2 makes Python objects (copies)
            assert not _addresses(arrow) & held
    # pandas' own conversion shares them: what detached_frame exists to avoid
    plain = result.to_pandas()["customer_id"].array
    if hasattr(plain, "__arrow_array__"):
        assert _addresses(plain.__arrow_array__()) & held
