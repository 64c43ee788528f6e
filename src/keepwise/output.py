"""Write result files atomically: a temp file in the target folder, then a rename.

A command that fails half way leaves no file behind, and never a half-written one.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv


def _temp_beside(path: Path, make) -> Path:
    """A new, unused name beside ``path`` (hidden, ending in .part), created by ``make(name)``: made
    the way any file or folder is, its permissions those of the user's umask (``tempfile``'s are the
    owner's alone, which the result would keep after the rename)."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            make(temp)
        except FileExistsError:
            continue
        return temp


def _new_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def write_atomic(path: Path, write) -> Path:
    """Call ``write(temp_path)``, then move the temp file onto ``path``; remove it on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(path, _new_file)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


# Rows per slice of a CSV file written on several threads: each slice's text is held in memory until
# it is written (~6 MB of an assessment's rows; larger slices cost more in growing their buffers).
CSV_SLICE_ROWS = 8_192


def write_csv(frame: pd.DataFrame, path: Path, threads: int = 1) -> None:
    """CSV through Arrow's writer: 20x faster than pandas on 100,000 rows of long reasons.

    With ``threads`` > 1, slices of ``CSV_SLICE_ROWS`` rows are turned into text side by side (Arrow
    does it outside Python's GIL) and written in order as they are done, with at most ``threads``
    slices ahead of the file: the same bytes as one call of the writer."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if threads <= 1 or table.num_rows <= CSV_SLICE_ROWS:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
        return

    def text(start: int) -> pa.Buffer:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table.slice(start, CSV_SLICE_ROWS), sink,
                        pacsv.WriteOptions(quoting_style="needed", include_header=start == 0))
        return sink.getvalue()

    starts = iter(range(0, table.num_rows, CSV_SLICE_ROWS))
    with open(path, "wb") as out, ThreadPoolExecutor(threads, thread_name_prefix="keepwise-csv") as pool:
        pending = deque(pool.submit(text, start) for start in islice(starts, threads))
        while pending:
            written = pending.popleft().result()
            for start in islice(starts, 1):
                pending.append(pool.submit(text, start))
            out.write(written)


PARTITION_COLUMN = "action"  # how a Parquet folder of an assessment is partitioned


def format_for(path: Path) -> str:
    """The output format an ``--out`` path asks for: a .parquet file, a folder (Parquet partitioned), or CSV."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return "parquet"
    if path.is_dir() or not path.suffix:
        return "parquet-dir"
    return "json" if path.suffix.lower() == ".json" else "csv"


def write_parquet_folder(frame: pd.DataFrame, path: Path) -> Path:
    """A folder of Parquet files partitioned by ``PARTITION_COLUMN`` (when the frame has it), written
    beside the target and swapped in whole, so a failure leaves the old folder as it was."""
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(path, os.mkdir)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        partitions = [PARTITION_COLUMN] if PARTITION_COLUMN in frame.columns else None
        pq.write_to_dataset(table, temp, partition_cols=partitions)
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            os.replace(path, old)
            os.replace(temp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return path


def write_frame(frame: pd.DataFrame, path: Path, fmt: str = "csv", threads: int = 1) -> Path:
    """A table as CSV (no index), a JSON list of records, a Parquet file or a partitioned Parquet folder.
    ``threads``: for CSV, see ``write_csv``."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return write_atomic(path, lambda temp: pq.write_table(pa.Table.from_pandas(frame, preserve_index=False),
                                                               temp))
    if fmt == "parquet-dir":
        return write_parquet_folder(frame, path)
    if fmt == "csv":
        return write_atomic(path, lambda temp: write_csv(frame, temp, threads))
    if fmt == "json":
        return write_atomic(
            path,
            lambda temp: frame.to_json(temp, orient="records", date_format="iso", force_ascii=False, indent=1),
        )
    raise ValueError(f"unknown output format '{fmt}' (csv, json, parquet or parquet-dir)")
