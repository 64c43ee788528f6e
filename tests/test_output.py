"""keepwise.output: a CSV written slice by slice on several threads is the same file, byte for byte; a
result gets the permissions of the user's umask, and its temporary name is never one already taken."""

from __future__ import annotations

import os
import stat
import threading

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest

import keepwise.output as output


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    words = np.array(["plain", "with, comma", 'a "quote"', "two\nlines", "", "ünï;cødé"], dtype=object)
    return pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(rows)],
        "text": pd.array(words[rng.integers(0, len(words), rows)], dtype="string[pyarrow]"),
        "amount": rng.normal(100, 50, rows).round(2),
        "count": rng.integers(0, 9, rows),
        "at": pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"),
    })


@pytest.mark.parametrize("rows", [0, 1, 7, 50, 51, 333])
def test_threads_write_the_same_bytes_as_one_writer(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(output, "CSV_SLICE_ROWS", 50)
    frame = _frame(rows)
    output.write_csv(frame, tmp_path / "one.csv")
    output.write_csv(frame, tmp_path / "three.csv", threads=3)
    assert (tmp_path / "three.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    back = pd.read_csv(tmp_path / "three.csv", keep_default_na=False)
    assert back["customer_id"].tolist() == frame["customer_id"].tolist()


def test_slices_are_texts_made_on_the_writer_threads_with_few_held_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "CSV_SLICE_ROWS", 10)
    made, held, most = [], [0], [0]
    write_csv = pacsv.write_csv
    lock = threading.Lock()

    def counted(table, sink, options=None):
        with lock:
            made.append(threading.current_thread().name)
            held[0] += 1
            most[0] = max(most[0], held[0])
        return write_csv(table, sink, options)

    class Counting:
        def __init__(self, path):
            self.file = open(path, "wb")  # noqa: SIM115

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            with lock:
                held[0] -= 1
            self.file.write(data)

    monkeypatch.setattr(output.pacsv, "write_csv", counted)
    monkeypatch.setattr(output, "open", lambda path, mode: Counting(path), raising=False)
    output.write_csv(_frame(200), tmp_path / "out.csv", threads=2)
    assert len(made) == 20 and all(name.startswith("keepwise-csv") for name in made)
    assert most[0] <= 3  # the slice being written and at most two made ahead
    assert len(pd.read_csv(tmp_path / "out.csv")) == 200


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_a_written_file_has_the_permissions_of_the_users_umask(tmp_path, umask_027, fmt):
    path = output.write_frame(_frame(3), tmp_path / f"out.{fmt}", fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0o666 less the umask, as open() makes it
    output.write_frame(_frame(4), path, fmt)  # replaced: the same
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_written_folder_has_the_permissions_of_the_users_umask(tmp_path, umask_027):
    path = output.write_frame(_frame(5), tmp_path / "out", "parquet-dir")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert len(pd.read_parquet(path)) == 5


def test_a_temporary_name_already_taken_is_not_reused(tmp_path, monkeypatch):
    names = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr(output.secrets, "token_hex", lambda n: next(names))
    (tmp_path / ".out.csv.aaaa.part").write_text("someone else's")
    output.write_atomic(tmp_path / "out.csv", lambda temp: temp.write_text("mine"))
    assert (tmp_path / "out.csv").read_text() == "mine"
    assert (tmp_path / ".out.csv.aaaa.part").read_text() == "someone else's"
