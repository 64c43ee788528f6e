import numpy as np
import pyarrow as pa

from keepwise.text.columns import TEXT, append_at


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
