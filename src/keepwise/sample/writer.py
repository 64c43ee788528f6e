"""Assembly and output: every table generated from its own random stream, checked against the
contract, written as CSV (or Parquet) with the truth file beside it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from keepwise.data.schema import TABLES, Kind
from keepwise.sample.arrays import labels_from_codes
from keepwise.sample.business import make_business
from keepwise.sample.contacts import engagement_table, incidents_table, tickets_table
from keepwise.sample.customers import customers_table
from keepwise.sample.purchases import draw_orders, invoices_table, orders_table, returns_table
from keepwise.sample.relationship import exit_surveys_table, touches_table
from keepwise.sample.types import TYPE_NAMES

OUTPUT_TABLES = (
    "customers", "orders", "returns", "invoices", "tickets", "incidents", "engagement", "touches", "exit_surveys",
)
# Each customer's planted type, beside the tables: "_" makes it a file no command reads as the business's data
# nor warns about (keepwise.data.sources.NOT_DATA_PREFIXES).
TRUTH_FILE = "_truth.csv"
# The relationship tables' own stream: a child of the seed far from the per-table ones above it, so
# adding them (or another per-table stream) leaves every other table of a seed exactly as it was.
RELATIONSHIP_STREAM = 1000


@dataclass
class SampleResult:
    """What ``generate_sample`` wrote."""

    out_dir: Path
    paths: dict[str, Path]  # table name -> file, in contract order
    row_counts: dict[str, int]
    truth_path: Path
    type_counts: dict[str, int]
    seed: int
    as_of: date
    fmt: str


def _generate_arrow(n_customers: int, seed: int, as_of: date) -> tuple[dict[str, pa.Table], pa.Table]:
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    # One independent stream per table, so changing one generator leaves the others' data alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    biz = make_business(n_customers, as_of, streams[0])
    orders = draw_orders(biz, streams[1])  # also settles each customer's activity_end
    incidents, tagged_values_conflict = incidents_table(biz, streams[3])
    customers, subscribed = customers_table(biz, tagged_values_conflict, streams[2])
    tables = {
        "customers": customers,
        "orders": orders_table(biz, orders),
        "returns": returns_table(biz, orders, streams[4]),
        "invoices": invoices_table(biz, orders, streams[5]),
        "tickets": tickets_table(biz, streams[6]),
        "incidents": incidents,
        "engagement": engagement_table(biz, subscribed, streams[7]),
    }
    relationship = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(RELATIONSHIP_STREAM,)))
    tables["touches"] = touches_table(biz, tables["orders"], tables["engagement"], subscribed, relationship)
    tables["exit_surveys"] = exit_surveys_table(biz, tables["orders"], relationship)
    for name, table in tables.items():
        expected = TABLES[name].names
        if table.column_names != expected:
            raise RuntimeError(f"{name}: columns {table.column_names} differ from the contract {expected}")
    truth = pa.table(
        {
            "customer_id": biz.customer_ids,
            "customer_type": labels_from_codes(TYPE_NAMES, biz.type_code),
            "dropped_out_at": _dropout_dates(biz),
        }
    )
    return tables, truth


def _dropout_dates(biz) -> pa.Array:
    """The day each customer left of their own accord (real dropout), empty for those still around."""
    days = biz.dropped_out_day if biz.dropped_out_day is not None else np.full(biz.n, np.nan)
    missing = ~np.isfinite(days)
    stamps = biz.stamps(np.where(missing, 0.0, days)).astype("datetime64[D]")
    return pa.array(stamps, pa.date32(), mask=missing)


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False)
    return frame


def generate_tables(
    n_customers: int = 2000, seed: int = 7, as_of: date = date(2026, 6, 30)
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The sample business in memory: ({table name: DataFrame}, truth DataFrame).

    Timestamps are datetime64[s] (naive, UTC), signed_up_at a datetime at 00:00, money float
    with 2 decimals, bools nullable ``boolean``, counts nullable ``Int64``."""
    tables, truth = _generate_arrow(n_customers, seed, as_of)
    return {name: _to_pandas(table) for name, table in tables.items()}, _to_pandas(truth)


def _csv_ready(name: str, table: pa.Table) -> pa.Table:
    """Text the contract asks for: ISO 8601 with a 'T', money with 2 decimals, bools true/false."""
    columns = []
    for column in TABLES[name].columns:
        values = table.column(column.name)
        if pa.types.is_timestamp(values.type):
            values = pc.replace_substring(pc.cast(values, pa.string()), " ", "T")
        elif pa.types.is_date(values.type):
            values = pc.cast(values, pa.string())
        elif column.kind is Kind.MONEY:
            values = pc.cast(values, pa.decimal128(18, 2), safe=False)
        columns.append(values)
    return pa.table(columns, names=table.column_names)


def _write_csv(table: pa.Table, path: Path) -> None:
    # Our text never holds commas, quotes or newlines, so no cell needs quoting; the header is
    # written by hand because Arrow quotes header names regardless.
    buffer = io.BytesIO()
    buffer.write((",".join(table.column_names) + "\n").encode())
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    path.write_bytes(buffer.getvalue())


def generate_sample(
    out_dir: Path,
    n_customers: int = 2000,
    seed: int = 7,
    as_of: date = date(2026, 6, 30),
    fmt: str = "csv",
) -> SampleResult:
    """Write the sample business to out_dir as <table>.csv (or .parquet) plus the planted types (TRUTH_FILE).

    Files are byte-identical for the same n_customers, seed and as_of."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, truth = _generate_arrow(n_customers, seed, as_of)
    paths: dict[str, Path] = {}
    for name in OUTPUT_TABLES:
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            _write_csv(_csv_ready(name, tables[name]), path)
        else:
            pq.write_table(tables[name], path, compression="zstd")
        paths[name] = path
        # A table in the other format left from an earlier run would make the folder ambiguous.
        (out_dir / f"{name}.{'parquet' if fmt == 'csv' else 'csv'}").unlink(missing_ok=True)
    truth_path = out_dir / TRUTH_FILE
    _write_csv(truth, truth_path)
    type_names = truth.column("customer_type").to_numpy(zero_copy_only=False)
    return SampleResult(
        out_dir=out_dir,
        paths=paths,
        row_counts={name: tables[name].num_rows for name in OUTPUT_TABLES},
        truth_path=truth_path,
        type_counts={name: int((type_names == name).sum()) for name in TYPE_NAMES},
        seed=seed,
        as_of=as_of,
        fmt=fmt,
    )
