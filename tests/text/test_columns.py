import numpy as np
import pandas as pd
import pyarrow as pa

from keepwise.text.columns import TEXT, append_at, day_texts


def _appended_by_python(texts: list[str], rows, additions, separator: str) -> list[str]:
    out = list(texts)
    for row, addition in zip(rows, additions, strict=True):
        out[row] = addition if out[row] == "" else out[row] + separator + addition
    return out


def test_append_at_joins_only_the_rows_given_and_keeps_untouched_chunks():
    chunks = [pa.array(["a", "", "b"], TEXT), pa.array(["c", "d"], TEXT), pa.array(["", "e"], TEXT)]
    column = pa.chunked_array(chunks)
    rows, additions = np.array([1, 2, 5]), ["x", "y", "z"]
    result = append_at(column, rows, pa.array(additions, TEXT), ";")
    assert result.to_pylist() == _appended_by_python(column.to_pylist(), rows, additions, ";")
    assert result.to_pylist() == ["a", "x", "b;y", "c", "d", "z", "e"]
    assert result.type == TEXT and result.num_chunks == 3
    assert result.chunk(1) is chunks[1] or result.chunk(1).buffers()[2].address == chunks[1].buffers()[2].address


def test_append_at_with_no_rows_is_the_column():
    column = pa.chunked_array([pa.array(["a", "b"], TEXT)])
    assert append_at(column, np.array([], dtype=np.int64), pa.array([], TEXT), ";").to_pylist() == ["a", "b"]


def test_day_texts_are_iso_days_and_empty_where_there_is_none():
    moments = pd.Series(pd.to_datetime(["2024-02-29 23:59:59", None, "1997-01-01 00:00:00"]))
    expected = ["2024-02-29", "", "1997-01-01"]
    assert day_texts(moments).to_pylist() == expected
    assert day_texts(pd.Series(moments.to_numpy().astype("datetime64[D]"))).to_pylist() == expected  # as days
    # a zoned moment is written as its own calendar day
    zoned = pd.Series(pd.to_datetime(["2024-03-01 01:30"]).tz_localize("Asia/Tehran"))
    assert day_texts(zoned).to_pylist() == ["2024-03-01"]
    assert day_texts(moments).type == TEXT

