"""The contract loader: types, defaults, every source, and every bad-input case with its exact location."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from keepwise.config import ConfigError, load_settings
from keepwise.data import DataError, load, loader
from keepwise.data.loader import validate_source
from keepwise.data.schema import TABLES, Kind

from datafactory import (
    valid_tables,
    write_csv_folder,
    write_duckdb,
    write_parquet_folder,
    write_postgres,
    write_sqlite,
)


def problems_of(source) -> list:
    _, log, _ = validate_source(source, settings=load_settings())
    return log.problems


def only_error(source, file: str | None = None):
    """The one error (in ``file``, when given: a bad id may also orphan rows that reference it)."""
    errors = [p for p in problems_of(source) if p.severity == "error" and (file is None or p.file == file)]
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def frames(ds) -> dict[str, pd.DataFrame]:
    out = {}
    for name, table in TABLES.items():
        key = table.unique_id.name if table.unique_id else "at"
        out[name] = ds.table(name).execute().sort_values(key).reset_index(drop=True)
    return out


# --- types and defaults ---------------------------------------------------------------------------------


def test_every_table_and_column_gets_its_contract_type(tmp_path):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()))
    for name, table in TABLES.items():
        described = dict(ds.duckdb.execute(f'DESCRIBE "{name}"').fetchall() and
                         [(r[0], r[1]) for r in ds.duckdb.execute(f'DESCRIBE "{name}"').fetchall()])
        assert list(described) == table.names
        for column in table.columns:
            assert described[column.name] == column.kind.duckdb_type, (name, column.name)


def test_defaults_fill_empty_cells_as_the_contract_says(tmp_path):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()))
    data = frames(ds)
    orders = data["orders"].set_index("order_id")
    # O2: list price 80.5 + 19.5 = 100, cost of goods empty -> 55% of list price.
    assert orders.loc["O2", "cost_of_goods"] == pytest.approx(55.0)
    assert orders.loc["O2", "currency"] == "EUR"
    assert orders.loc["O2", "status"] == "completed"
    assert orders.loc["O3", "discount"] == 0
    assert orders.loc["O3", "change_requests"] == 0
    assert orders.loc["O1", "ordered_at"] == datetime(2024, 3, 1, 10, 0)
    customers = data["customers"].set_index("customer_id")
    assert customers.loc["C3", "language"] == "en"
    assert bool(customers.loc["C3", "marketing_opt_in"]) is True
    assert bool(customers.loc["C2", "marketing_opt_in"]) is False
    invoices = data["invoices"].set_index("invoice_id")
    assert invoices.loc["I1", "amount_paid"] == 100.0  # paid: defaults to the amount
    assert pd.isna(invoices.loc["I2", "amount_paid"])  # unpaid: stays empty
    assert bool(invoices.loc["I2", "written_off"]) is True
    assert bool(invoices.loc["I1", "written_off"]) is False
    incidents = data["incidents"].set_index("incident_id")
    assert bool(incidents.loc["X1", "confirmed"]) is True


@pytest.mark.parametrize("enabled", [True, False])
def test_allocator_setting_reaches_the_connection(tmp_path, enabled):
    settings = load_settings(overrides={"engine": {"duckdb_allocator_background_threads": enabled}})
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()), settings=settings)
    value = ds.duckdb.execute("SELECT current_setting('allocator_background_threads')").fetchone()[0]
    assert value is enabled


_VALIDATED_WITHOUT_IBIS = """
import sys
import keepwise.data.loader as loader
checked = loader.check_source
def spy(con, *args, **kwargs):
    print("ibis while validating:", "ibis" in sys.modules)
    print("engine:", con.execute("SELECT current_setting('python_enable_replacements')").fetchall())
    return checked(con, *args, **kwargs)
loader.check_source = spy
ds = loader.load(sys.argv[1])
print("ibis after:", "ibis" in sys.modules, ds.table("customers").count().execute())
"""


def test_data_are_validated_before_ibis_is_needed(tmp_path):
    # Validation runs on a DuckDB connection with ibis's settings, which ibis takes over afterwards: importing
    # ibis (~0.4 s) can happen meanwhile in another thread (cli.common.imported_meanwhile).
    import subprocess
    import sys

    folder = write_csv_folder(tmp_path / "d", valid_tables())
    result = subprocess.run([sys.executable, "-c", _VALIDATED_WITHOUT_IBIS, str(folder)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines() == [
        "ibis while validating: False", "engine: [(False,)]", f"ibis after: True {len(valid_tables()['customers'])}"]


def _engine_tables(ds) -> set[str]:
    return {name for (name,) in ds.duckdb.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_customers_are_copied_into_the_engine_when_first_read_with_the_same_rows(tmp_path):
    from keepwise.data.loader import copied_name
    from keepwise.metrics.features import customer_feature_frame

    folder = write_csv_folder(tmp_path / "d", valid_tables())
    frames = {}
    for copied in (True, False):
        settings = load_settings(overrides={"engine": {"copy_customers": copied}})
        ds = load(folder, as_of=date(2025, 1, 31), settings=settings)

        assert copied_name("customers") not in _engine_tables(ds)  # nothing is copied before it is read
        frames[copied] = customer_feature_frame(ds, date(2025, 1, 31)).sort_values("customer_id").reset_index(drop=True)
        assert (copied_name("customers") in _engine_tables(ds)) is copied
        assert (ds.table("customers").get_name() == copied_name("customers")) is copied
        assert copied_name("orders") not in _engine_tables(ds)  # only the customers are copied
    pd.testing.assert_frame_equal(frames[True], frames[False])


def test_each_engine_table_is_looked_up_once_and_is_the_engines(tmp_path, monkeypatch):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()))
    asked = []
    engine_table = ds.con.table
    monkeypatch.setattr(ds.con, "table", lambda name: asked.append(name) or engine_table(name))
    first = ds.table("orders")
    assert ds.table("orders") is first and ds.table("invoices") is ds.table("invoices")
    assert asked == ["orders", "invoices"]
    assert first.schema() == engine_table("orders").schema()
    assert first.count().execute() == len(valid_tables()["orders"])


@pytest.mark.parametrize("enabled", [True, False])
def test_huge_pages_setting_reaches_numpy(tmp_path, enabled):
    import numpy as np

    settings = load_settings(overrides={"engine": {"numpy_huge_pages": enabled}})
    load(write_csv_folder(tmp_path / "d", valid_tables()), settings=settings)
    assert np._core.multiarray._get_madvise_hugepage() is enabled


@pytest.mark.parametrize("pool", ["jemalloc", "mimalloc", "system"])
def test_arrow_pool_setting_becomes_arrows_default_with_the_same_tables(tmp_path, pool):
    if pool not in pa.supported_memory_backends():
        pytest.skip(f"this pyarrow was built without {pool}")
    source = write_csv_folder(tmp_path / "d", valid_tables())
    before = pa.default_memory_pool()
    try:
        expected = frames(load(source, settings=load_settings(overrides={"engine": {"arrow_memory_pool": "system"}})))
        ds = load(source, settings=load_settings(overrides={"engine": {"arrow_memory_pool": pool}}))
        assert pa.default_memory_pool().backend_name == pool
        _assert_same(expected, frames(ds))
    finally:
        pa.set_memory_pool(before)


@pytest.mark.parametrize(("cores", "pool", "arrow_threads"), [(1, 2, 1), (3, 2, 2), (2, 4, 2)])
def test_threads_keep_within_the_cores_the_process_may_use(tmp_path, monkeypatch, cores, pool, arrow_threads):
    # a container's quota of 1 core on a larger machine: DuckDB's threads and Arrow's pool shrink to it; a
    # count already smaller (OMP_NUM_THREADS for Arrow) stays as it is
    monkeypatch.setattr(loader, "available_cores", lambda: cores)
    source = write_csv_folder(tmp_path / "d", valid_tables())
    engine_threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchall()[0][0]
    before = pa.cpu_count()
    try:
        pa.set_cpu_count(pool)
        ds = load(source)
        assert pa.cpu_count() == arrow_threads
        threads = ds.duckdb.execute("SELECT current_setting('threads')").fetchall()[0][0]
        assert threads == min(cores, engine_threads)
        assert ds.table("orders").count().execute() == len(valid_tables()["orders"])
        counts, log, _ = validate_source(source)
        assert not log.errors and counts["orders"].con.execute("SELECT current_setting('threads')").fetchall()[0][0] == threads
    finally:
        pa.set_cpu_count(before)


def test_arrow_pool_setting_is_one_of_arrows_allocators():
    with pytest.raises(ConfigError, match=r"arrow_memory_pool = 'tcmalloc'"):
        load_settings(overrides={"engine": {"arrow_memory_pool": "tcmalloc"}})


def test_timestamp_with_offset_is_converted_to_utc(tmp_path):
    tables = valid_tables()
    tables["orders"][0]["ordered_at"] = "2024-03-01T10:00:00+03:30"
    ds = load(write_csv_folder(tmp_path / "d", tables))
    first = frames(ds)["orders"].set_index("order_id").loc["O1", "ordered_at"]
    assert first == datetime(2024, 3, 1, 6, 30)


def _parquet_with(folder: Path, name: str, rows: list[dict[str, str]], **replaced) -> None:
    """Rewrite one table's Parquet file with some columns replaced by the given arrow arrays."""
    import pyarrow.parquet as pq

    table = pq.read_table(folder / f"{name}.parquet")
    for column, array in replaced.items():
        table = table.set_column(table.schema.get_field_index(column), column, array)
    assert table.num_rows == len(rows)
    pq.write_table(table, folder / f"{name}.parquet")


def test_typed_parquet_columns_are_taken_without_text(tmp_path, monkeypatch):
    """Zoned nanosecond timestamps, dates, integer money and whole floats in an integer column load
    as the contract's types, equal to the same business written as text, and never become text."""
    import pyarrow as pa

    from keepwise.data import validate

    as_text = validate.as_text
    made_text = []
    monkeypatch.setattr(validate, "as_text", lambda array: made_text.append(array.type) or as_text(array))

    tables = valid_tables()
    folder = write_parquet_folder(tmp_path / "p", tables)
    orders, customers = tables["orders"], tables["customers"]
    ordered = [datetime.fromisoformat(r["ordered_at"]) if r["ordered_at"] else None for r in orders]
    _parquet_with(folder, "orders", orders,
                  ordered_at=pa.array(ordered, type=pa.timestamp("ns", tz="UTC")).cast(
                      pa.timestamp("ns", tz="Asia/Tehran")),
                  revenue=pa.array([round(float(r["revenue"]) * 100) if r["revenue"] else None for r in orders],
                                   pa.int64()),
                  change_requests=pa.array([float(r["change_requests"]) if r["change_requests"] else None
                                            for r in orders], pa.float64()))
    signed_up = [datetime.fromisoformat(r["signed_up_at"]).date() if r["signed_up_at"] else None for r in customers]
    _parquet_with(folder, "customers", customers, signed_up_at=pa.array(signed_up, pa.date32()))
    typed = frames(load(folder))
    assert made_text == []
    text = frames(load(write_csv_folder(tmp_path / "c", tables)))
    pd.testing.assert_series_equal(typed["orders"]["ordered_at"], text["orders"]["ordered_at"])
    pd.testing.assert_series_equal(typed["orders"]["revenue"], (100 * text["orders"]["revenue"]).round())
    pd.testing.assert_series_equal(typed["orders"]["change_requests"], text["orders"]["change_requests"])
    pd.testing.assert_series_equal(typed["customers"]["signed_up_at"], text["customers"]["signed_up_at"].dt.normalize())


@pytest.mark.parametrize("column, array_of, message", [
    ("revenue", lambda n: [float("nan")] + [10.0] * (n - 1), "not a number"),
    ("change_requests", lambda n: [0.0, 1.5] + [0.0] * (n - 2), "not a whole number"),
])
def test_bad_typed_parquet_cell_is_named_exactly(tmp_path, column, array_of, message):
    import pyarrow as pa

    tables = valid_tables()
    folder = write_parquet_folder(tmp_path / "p", tables)
    values = array_of(len(tables["orders"]))
    _parquet_with(folder, "orders", tables["orders"], **{column: pa.array(values, pa.float64())})
    error = only_error(folder, "orders.parquet")
    bad_row = next(i for i, v in enumerate(values) if v != v or v != int(v)) + 1
    assert (error.column, error.row, error.message) == (column, bad_row, message)


def test_optional_tables_may_be_absent(tmp_path):
    tables = {k: v for k, v in valid_tables().items() if k in ("customers", "orders")}
    ds = load(write_csv_folder(tmp_path / "d", tables))
    assert ds.row_count("returns") == 0
    assert ds.present == {"customers", "orders"}
    assert list(ds.table("tickets").columns) == TABLES["tickets"].names


def test_cdnow_bundle_loads(cdnow_dir):
    ds = load(cdnow_dir)
    assert ds.row_count("customers") == 2357
    assert ds.row_count("orders") == 6919
    assert ds.warnings == []


# --- the same data from every source --------------------------------------------------------------------


def _assert_same(reference: dict[str, pd.DataFrame], other: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(reference[name], other[name], check_dtype=True, obj=name)


def test_csv_parquet_sqlite_duckdb_give_identical_tables(tmp_path):
    tables = valid_tables()
    reference = frames(load(write_csv_folder(tmp_path / "csv", tables)))
    _assert_same(reference, frames(load(write_parquet_folder(tmp_path / "parquet", tables))))
    _assert_same(reference, frames(load(write_sqlite(tmp_path / "shop.sqlite", tables))))
    _assert_same(reference, frames(load(write_duckdb(tmp_path / "shop.duckdb", tables))))


def test_postgresql_gives_identical_tables(tmp_path, pg_url):
    tables = valid_tables()
    reference = frames(load(write_csv_folder(tmp_path / "csv", tables)))
    write_postgres(pg_url, tables)
    _assert_same(reference, frames(load(pg_url)))


# --- bad input: every case names file, row, line and column ----------------------------------------------


def broken(tmp_path: Path, table: str, row: int, column: str, value: str) -> Path:
    tables = copy.deepcopy(valid_tables())
    tables[table][row][column] = value
    return write_csv_folder(tmp_path / "d", tables)


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "message"),
    [
        ("orders", 1, "ordered_at", "2025-13-45", "not a valid date"),
        ("orders", 2, "revenue", "12,50", "not a number"),
        ("orders", 0, "revenue", "-5", "negative amount"),
        ("returns", 0, "amount", "-1.00", "negative amount"),
        ("tickets", 1, "channel", "fax", "unknown value"),
        ("incidents", 0, "kind", "rudeness", "unknown value"),
        ("orders", 2, "status", "shipped", "unknown value"),
        ("customers", 2, "customer_id", "", "empty id"),
        ("orders", 1, "order_id", "O1", "duplicate order_id"),
        ("orders", 2, "customer_id", "C99", "unknown customer_id"),
        ("returns", 0, "order_id", "O77", "unknown order_id"),
        ("orders", 1, "change_requests", "two", "not a whole number"),
        ("invoices", 0, "written_off", "maybe", "not a true/false value"),
        ("engagement", 0, "score", "11", "value too large"),
    ],
)
def test_bad_cell_is_named_exactly(tmp_path, table, row, column, value, message):
    problem = only_error(broken(tmp_path, table, row, column, value), file=f"{table}.csv")
    assert problem.file == f"{table}.csv"
    assert problem.row == row + 1
    assert problem.line == row + 2
    assert problem.column == column
    assert problem.value == value
    assert message in problem.message
    assert problem.expected


def test_the_issue_example_row_7_line_8(tmp_path, cdnow_dir):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "customers.csv").write_text((cdnow_dir / "customers.csv").read_text())
    lines = (cdnow_dir / "orders.csv").read_text().splitlines()
    cells = lines[7].split(",")
    cells[2] = "2025-13-45"
    lines[7] = ",".join(cells)
    (folder / "orders.csv").write_text("\n".join(lines) + "\n")
    problem = only_error(folder)
    assert (problem.file, problem.row, problem.line, problem.column) == ("orders.csv", 7, 8, "ordered_at")
    assert "orders.csv, row 7 (line 8), column ordered_at" in str(problem)


def test_ragged_row_names_its_line(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    lines = (folder / "orders.csv").read_text().splitlines()
    lines[2] += ",extra"
    (folder / "orders.csv").write_text("\n".join(lines) + "\n")
    problem = only_error(folder)
    assert (problem.file, problem.row, problem.line) == ("orders.csv", 2, 3)
    assert "cells but the header has 11" in problem.message


def test_quoted_newlines_keep_line_numbers_right(tmp_path):
    tables = valid_tables()
    tables["incidents"][0]["note"] = "first line\nsecond line"
    tables["customers"][2]["signed_up_at"] = "yesterday"
    folder = write_csv_folder(tmp_path / "d", tables)
    problem = only_error(folder)
    assert (problem.file, problem.row, problem.line) == ("customers.csv", 3, 4)


def test_binary_file_is_not_csv(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    (folder / "tickets.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    problem = only_error(folder)
    assert problem.file == "tickets.csv"
    assert "not a CSV file" in problem.message


def test_semicolon_separated_file_is_refused(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    text = (folder / "orders.csv").read_text().replace(",", ";")
    (folder / "orders.csv").write_text(text)
    problem = only_error(folder)
    assert problem.file == "orders.csv" and problem.line == 1
    assert "not a comma-separated file" in problem.message


def test_missing_required_file(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    (folder / "orders.csv").unlink()
    errors = [p for p in problems_of(folder) if p.severity == "error"]
    assert any(p.file == "orders.csv" and "required table 'orders' is missing" in p.message for p in errors)


def test_missing_required_column(tmp_path):
    tables = valid_tables()
    for row in tables["orders"]:
        del row["revenue"]
    problem = only_error(write_csv_folder(tmp_path / "d", tables))
    assert (problem.file, problem.line, problem.column) == ("orders.csv", 1, "revenue")
    assert problem.message == "missing required column"


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    tables = valid_tables()
    tables["orders"][0]["revenue"] = "abc"
    tables["orders"][1]["ordered_at"] = "tomorrow"
    tables["tickets"][0]["kind"] = "rant"
    errors = [p for p in problems_of(write_csv_folder(tmp_path / "d", tables)) if p.severity == "error"]
    assert {(p.file, p.row, p.column) for p in errors} == {
        ("orders.csv", 1, "revenue"), ("orders.csv", 2, "ordered_at"), ("tickets.csv", 1, "kind")
    }


def test_load_raises_with_every_problem(tmp_path):
    with pytest.raises(DataError) as caught:
        load(broken(tmp_path, "orders", 1, "ordered_at", "2025-13-45"))
    assert "orders.csv, row 2 (line 3), column ordered_at" in str(caught.value)


def test_problem_list_stops_at_the_limit(tmp_path):
    tables = valid_tables()
    base = tables["orders"][0]
    tables["orders"] = [dict(base, order_id=f"O{i}", revenue="x") for i in range(50)]
    tables["returns"] = []
    settings = load_settings(overrides={"validation": {"max_problems": 10}})
    _, log, _ = validate_source(write_csv_folder(tmp_path / "d", tables), settings=settings)
    assert len(log.errors) == 10
    assert log.truncated


# --- warnings -----------------------------------------------------------------------------------------------


def test_extra_columns_are_a_warning(tmp_path):
    tables = valid_tables()
    for row in tables["orders"]:
        row["channel_partner"] = "x"
    ds = load(write_csv_folder(tmp_path / "d", tables))
    assert any("extra column(s) ignored: channel_partner" in p.message for p in ds.warnings)
    assert "channel_partner" not in ds.table("orders").columns


def test_events_after_as_of_warn_and_are_left_out(tmp_path):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()), as_of=date(2024, 6, 30))
    late = [p for p in ds.warnings if "after the as-of date" in p.message and p.file == "orders.csv"]
    assert late and late[0].row == 3 and late[0].column == "ordered_at"
    assert ds.row_count("orders") == 2


def test_customers_signed_up_after_as_of_warn_and_are_left_out_those_without_a_date_kept(tmp_path):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()), as_of=date(2024, 2, 1))
    later = [p for p in ds.warnings if "after the as-of date" in p.message and p.file == "customers.csv"]
    assert [(p.row, p.column, p.value) for p in later] == [(2, "signed_up_at", "2024-02-10T09:30:00")]
    assert "1 row(s)" in later[0].message
    assert sorted(frames(ds)["customers"]["customer_id"]) == ["C1", "C3"]  # C3 has no sign-up date


def _out_of_order_tables() -> dict:
    """The valid tables with times out of order: O2 delivered before it was ordered, I1 due before it was
    issued, T1 closed and answered before it was opened; and one in order on its day (O1 ordered at 10:00 and
    promised the same day, a date: 00:00)."""
    tables = valid_tables()
    tables["orders"][1]["delivered_at"] = "2024-05-30"
    tables["orders"][0]["promised_at"] = "2024-03-01"
    tables["invoices"][0]["due_at"] = "2024-02-28"
    tables["tickets"][0].update(closed_at="2024-06-09T18:00:00", first_response_at="2024-06-01")
    return tables


def test_times_out_of_order_warn_and_are_kept(tmp_path):
    tables = _out_of_order_tables()
    ds = load(write_csv_folder(tmp_path / "d", tables))
    found = [(p.file, p.row, p.column, p.value, p.expected) for p in ds.warnings if "on a day before" in p.message]
    assert found == [
        ("orders.csv", 2, "delivered_at", "2024-05-30", "not before ordered_at (2024-06-01)"),
        ("invoices.csv", 1, "due_at", "2024-02-28", "not before issued_at (2024-03-01)"),
        ("tickets.csv", 1, "first_response_at", "2024-06-01", "not before opened_at (2024-06-10)"),
        ("tickets.csv", 1, "closed_at", "2024-06-09T18:00:00", "not before opened_at (2024-06-10)"),
    ]
    assert any(p.message == "1 row(s) with delivered_at on a day before ordered_at; kept as they are"
               for p in ds.warnings)
    assert ds.row_count("orders") == 3 and ds.row_count("tickets") == 2  # kept as they are
    clean = load(write_csv_folder(tmp_path / "clean", valid_tables()))
    assert not [p for p in clean.warnings if "on a day before" in p.message]


def test_stored_times_out_of_order_warn_as_in_csv(tmp_path):
    """A Parquet file's times are typed already; the same rows are named, their values as typed."""
    tables = _out_of_order_tables()
    csv_ds = load(write_csv_folder(tmp_path / "csv", tables))
    parquet_ds = load(write_parquet_folder(tmp_path / "parquet", tables))

    def found(ds):
        return [(p.file.split(".")[0], p.row, p.column) for p in ds.warnings if "on a day before" in p.message]

    assert found(parquet_ds) == found(csv_ds) and len(found(csv_ds)) == 4


def test_mixed_currencies_warn(tmp_path):
    tables = valid_tables()
    tables["orders"][1]["currency"] = "USD"
    ds = load(write_csv_folder(tmp_path / "d", tables))
    assert any("several currencies" in p.message for p in ds.warnings)


def test_unknown_referrer_is_a_warning_and_dropped(tmp_path):
    tables = valid_tables()
    tables["customers"][2]["referred_by"] = "GONE"
    ds = load(write_csv_folder(tmp_path / "d", tables))
    assert any(p.column == "referred_by" for p in ds.warnings)
    customers = frames(ds)["customers"].set_index("customer_id")
    assert pd.isna(customers.loc["C3", "referred_by"])


def test_a_file_named_as_no_table_is_named_in_a_warning_unless_marked_as_not_data(tmp_path):
    """A misnamed table (order.csv) is named in a warning; a file whose name starts with "_" or "." is not the
    business's data (as Spark and Hadoop read a folder: _SUCCESS, .crc) and passes without a word."""
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    for name in ("order.csv", "_truth.csv", ".orders.csv.crc", "_SUCCESS", ".notes.parquet", "readme.txt"):
        (folder / name).write_text("customer_id\nC1\n")
    ds = load(folder)
    assert [(p.file, p.message) for p in ds.warnings] == [("order.csv", "not a keepwise table; ignored")]


# --- the bundled sample business ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generated_sample_passes_validation(tmp_path, fmt):
    from keepwise.sample import generate_sample

    result = generate_sample(tmp_path / "shop", n_customers=1500, seed=5, as_of=date(2026, 6, 30), fmt=fmt)
    ds = load(tmp_path / "shop", as_of=date(2026, 6, 30))
    # no warning: not even of the answer key beside the tables (_truth.csv), which said "truth.csv: not a keepwise
    # table; ignored" to every command run on the sample
    assert ds.warnings == []
    for name, count in result.row_counts.items():
        assert ds.row_count(name) == count, name


# --- Parquet text taken as stored: the same as the same cells in a CSV file ---------------------------------

TEXT_KINDS = (Kind.ID, Kind.STRING, Kind.ENUM)


def parquet_keeping_text(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """The tables as Parquet, every text cell exactly as written ('' stays '', padding stays)."""
    write_parquet_folder(folder, tables)
    for name, rows in tables.items():
        table = pq.read_table(folder / f"{name}.parquet")
        for column in TABLES[name].columns:
            if column.kind in TEXT_KINDS:
                table = table.set_column(table.schema.get_field_index(column.name), column.name,
                                         pa.array([r[column.name] for r in rows], pa.string()))
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def _seen(problems) -> list[tuple]:
    """What a problem says, whatever the file's suffix (a Parquet file has no lines)."""
    return [(p.severity, Path(p.file).stem, p.message, p.column, p.row, p.value, p.expected) for p in problems]


CHANGES = {
    "empty id": [("customers", 2, "customer_id", "")],
    "blank id": [("customers", 2, "customer_id", " \t ")],
    "padded duplicate": [("orders", 1, "order_id", " O1 ")],
    "unknown reference": [("orders", 2, "customer_id", "C99")],
    "unknown order": [("returns", 0, "order_id", "O77")],
    "unknown enum": [("tickets", 1, "channel", "fax")],
    "unknown referrer": [("customers", 0, "referred_by", "C99")],
    "second currency": [("orders", 0, "currency", "usd")],
    "padded and upper case": [("orders", 2, "customer_id", " C1\t"), ("tickets", 1, "channel", " Chat "),
                              ("orders", 0, "status", "COMPLETED"), ("orders", 1, "currency", "eur "),
                              ("customers", 1, "referred_by", " C1"), ("customers", 0, "language", "EN "),
                              ("returns", 0, "order_id", "O2 "), ("orders", 2, "status", "")],
}


@pytest.mark.parametrize("case", list(CHANGES))
def test_stored_text_gives_what_the_same_csv_cells_give(tmp_path, case):
    tables = copy.deepcopy(valid_tables())
    for table, row, column, value in CHANGES[case]:
        tables[table][row][column] = value
    csv_folder = write_csv_folder(tmp_path / "csv", tables)
    parquet_folder = parquet_keeping_text(tmp_path / "parquet", tables)
    expected = problems_of(csv_folder)
    assert expected or case == "padded and upper case"
    assert _seen(problems_of(parquet_folder)) == _seen(expected)
    if any(p.severity == "error" for p in expected):
        with pytest.raises(DataError):
            load(parquet_folder)
        return
    _assert_same(frames(load(csv_folder)), frames(load(parquet_folder)))


def _view_sql(ds, table: str) -> str:
    """The SQL of the engine view that later queries of ``table`` read its values through."""
    from keepwise.data.validate import checks_name

    return ds.duckdb.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [checks_name(table)]).fetchall()[0][0]


def test_clean_stored_columns_reach_later_queries_as_stored(tmp_path):
    """A clean Parquet column is read as it lies (no trim, lower() or finiteness CASE per cell); one that
    needs trimming or lowering still gets it, and gives the same values."""
    tables = valid_tables()
    clean = load(write_parquet_folder(tmp_path / "clean", tables))
    sql = _view_sql(clean, "orders")
    assert "trim" not in sql and "lower" not in sql and "CASE" not in sql
    padded_tables = copy.deepcopy(tables)
    padded_tables["orders"][0]["customer_id"] = "C1 "
    padded_tables["orders"][1]["status"] = " " + tables["orders"][1]["status"].upper()
    padded = load(parquet_keeping_text(tmp_path / "padded", padded_tables))
    sql = _view_sql(padded, "orders")
    assert "trim" in sql and "lower" in sql
    query = 'SELECT customer_id, order_id, status, revenue FROM "orders" ORDER BY order_id'
    assert padded.duckdb.execute(query).fetchall() == clean.duckdb.execute(query).fetchall()


@pytest.mark.parametrize("as_of", [date(2024, 2, 1), date(2024, 6, 30), date(2030, 1, 1)])
def test_stored_events_after_as_of_warn_as_in_csv(tmp_path, as_of):
    """The footer's latest date proves no event is after a late as-of date; an early one is counted."""
    tables = valid_tables()
    csv_ds = load(write_csv_folder(tmp_path / "csv", tables), as_of=as_of)
    parquet_ds = load(write_parquet_folder(tmp_path / "parquet", tables), as_of=as_of)
    assert [(p.message, p.column, p.row) for p in parquet_ds.warnings] == [
        (p.message, p.column, p.row) for p in csv_ds.warnings]
    assert bool(csv_ds.warnings) == (as_of.year == 2024)
    _assert_same(frames(csv_ds), frames(parquet_ds))


@pytest.mark.parametrize("partitioned", [True, False])
def test_dangling_references_are_the_same_with_the_probe_partitioned_or_not(tmp_path, partitioned):
    tables = valid_tables()
    # More orders than customers: their references are counted with the probe partitioned when asked to.
    tables["orders"].append(dict(tables["orders"][0], order_id="O9", customer_id="C99"))
    assert len(tables["orders"]) > len(tables["customers"])
    settings = load_settings(overrides={"validation": {"partitioned_reference_probe": partitioned}})
    _, log, _ = validate_source(write_parquet_folder(tmp_path / "d", tables), settings=settings)
    assert [(p.file, p.row, p.column, p.value) for p in log.errors] == [("orders.parquet", 4, "customer_id", "C99")]
    assert "unknown customer_id" in log.errors[0].message


@pytest.mark.parametrize(("memory", "kept"), [("2GB", "1.8 GiB"), ("", "0 bytes")])
def test_validation_block_memory_reaches_its_engine_and_finds_the_same(tmp_path, memory, kept):
    tables = valid_tables()
    tables["orders"].append(dict(tables["orders"][0], order_id="O9", customer_id="C99"))
    settings = load_settings(overrides={"validation": {"block_allocator_memory": memory}})
    counts, log, _ = validate_source(write_parquet_folder(tmp_path / "d", tables), settings=settings)
    con = counts["orders"].con
    assert con.execute("SELECT current_setting('block_allocator_memory')").fetchone()[0] == kept
    assert [(p.file, p.row, p.column, p.value) for p in log.errors] == [("orders.parquet", 4, "customer_id", "C99")]


# --- customer subsets ------------------------------------------------------------------------------------


def test_customers_subset_keeps_their_rows_and_the_columns_asked_for(tmp_path):
    import ibis

    ds = load(write_csv_folder(tmp_path / "d", valid_tables()))
    full = frames(ds)
    chosen = sorted(full["customers"]["customer_id"])[:2]
    subset = ds.customers_subset(ibis.memtable({"customer_id": chosen}),
                                 columns={"orders": {"revenue", "ordered_at", "not_a_column"}})
    # customer_id always, the others in the table's own order; tables not named keep every column
    assert list(subset.table("orders").columns) == ["customer_id", "ordered_at", "revenue"]
    assert subset.table("returns").columns == ds.table("returns").columns
    orders = full["orders"][full["orders"]["customer_id"].isin(chosen)]
    got = subset.table("orders").execute().sort_values(["customer_id", "ordered_at", "revenue"])
    want = orders[["customer_id", "ordered_at", "revenue"]].sort_values(["customer_id", "ordered_at", "revenue"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    returns = full["returns"]
    assert subset.row_count("returns") == returns["customer_id"].isin(chosen).sum()
    with pytest.raises(TypeError, match="order_id"):  # a column left out is an error, not other figures
        subset.table("orders").select("order_id")


def test_columns_read_names_the_columns_an_expression_names_per_table(tmp_path):
    ds = load(write_csv_folder(tmp_path / "d", valid_tables()))
    orders, customers = ds.table("orders"), ds.table("customers")
    completed = orders.filter(orders.status == "completed")
    expr = customers.select("customer_id", "country").left_join(
        completed.group_by("customer_id").aggregate(total=completed.revenue.sum()), "customer_id")
    assert ds.columns_read(expr) == {"orders": {"customer_id", "status", "revenue"},
                                     "customers": {"customer_id", "country"}}
