"""Test fixtures built from the contract schema: one small valid business, written to any source.

Column order and value types come from ``keepwise.data.schema``, so the fixtures follow the
contract wherever it goes.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from keepwise.data.schema import TABLES, Kind


def valid_tables() -> dict[str, list[dict[str, str]]]:
    """A tiny business using every table and column, all valid; cells as contract text."""
    return {
        "customers": [
            {"customer_id": "C1", "name": "Ada", "email": "ada@example.com", "language": "en", "country": "GB",
             "signed_up_at": "2024-01-05", "referred_by": "", "marketing_opt_in": "true", "tags": ""},
            {"customer_id": "C2", "name": "Bahram", "email": "", "language": "fa", "country": "IR",
             "signed_up_at": "2024-02-10T09:30:00", "referred_by": "C1", "marketing_opt_in": "no",
             "tags": "wholesale;values_conflict"},
            {"customer_id": "C3", "name": "Вера", "email": "vera@example.ru", "language": "", "country": "",
             "signed_up_at": "", "referred_by": "", "marketing_opt_in": "", "tags": ""},
        ],
        "orders": [
            {"order_id": "O1", "customer_id": "C1", "ordered_at": "2024-03-01T10:00:00", "revenue": "100.00",
             "discount": "0", "cost_of_goods": "50.00", "currency": "EUR", "status": "completed",
             "change_requests": "0", "promised_at": "2024-03-05", "delivered_at": "2024-03-04"},
            {"order_id": "O2", "customer_id": "C1", "ordered_at": "2024-06-01", "revenue": "80.5",
             "discount": "19.5", "cost_of_goods": "", "currency": "", "status": "", "change_requests": "2",
             "promised_at": "2024-06-05", "delivered_at": "2024-06-09"},
            {"order_id": "O3", "customer_id": "C2", "ordered_at": "2024-07-15T08:00:00", "revenue": "40",
             "discount": "", "cost_of_goods": "20", "currency": "EUR", "status": "cancelled",
             "change_requests": "", "promised_at": "", "delivered_at": ""},
        ],
        "returns": [
            {"return_id": "R1", "order_id": "O2", "customer_id": "C1", "returned_at": "2024-06-20",
             "amount": "30.00", "defective": "true", "reason": "broken on arrival"},
        ],
        "invoices": [
            {"invoice_id": "I1", "customer_id": "C1", "issued_at": "2024-03-01", "due_at": "2024-03-31",
             "amount": "100.00", "paid_at": "2024-04-30", "amount_paid": "", "written_off": ""},
            {"invoice_id": "I2", "customer_id": "C2", "issued_at": "2024-07-15", "due_at": "2024-08-14",
             "amount": "40", "paid_at": "", "amount_paid": "", "written_off": "yes"},
        ],
        "tickets": [
            {"ticket_id": "T1", "customer_id": "C1", "opened_at": "2024-06-10", "closed_at": "2024-06-11",
             "channel": "email", "kind": "complaint", "handle_minutes": "25", "substantiated": "true",
             "subject": "late delivery", "severity": "high", "first_response_at": "2024-06-10T15:00:00"},
            {"ticket_id": "T2", "customer_id": "C2", "opened_at": "2024-07-16", "closed_at": "",
             "channel": "in_person", "kind": "question", "handle_minutes": "", "substantiated": "",
             "subject": "", "severity": "", "first_response_at": ""},
        ],
        "incidents": [
            {"incident_id": "X1", "customer_id": "C2", "occurred_at": "2024-07-16T12:00:00",
             "kind": "values_conflict", "confirmed": "1", "reported_by": "Sam", "note": "asked for, then declined"},
        ],
        "engagement": [
            {"customer_id": "C1", "at": "2024-03-02", "kind": "survey", "score": "9"},
            {"customer_id": "C3", "at": "2024-05-02", "kind": "newsletter_unsubscribe", "score": ""},
        ],
        "touches": [
            {"touch_id": "K1", "customer_id": "C1", "at": "2024-03-02", "kind": "thank_you", "channel": "email",
             "campaign_id": "", "control": "", "cost": ""},
            {"touch_id": "K2", "customer_id": "C3", "at": "2024-04-01T09:00:00", "kind": "win_back_offer",
             "channel": "sms", "campaign_id": "WB1", "control": "true", "cost": "0"},
        ],
        "exit_surveys": [
            {"customer_id": "C2", "at": "2024-08-01", "reason": "delivery", "score": "3", "comment": "too slow"},
        ],
    }


def write_csv_folder(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else TABLES[name].names
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def typed_value(kind: Kind, text: str):
    """Contract text as the native value a database or Parquet file would hold."""
    if text == "":
        return None
    if kind is Kind.TIMESTAMP:
        return datetime.fromisoformat(text)
    if kind in (Kind.MONEY, Kind.NUMBER):
        return float(text)
    if kind is Kind.INT:
        return int(text)
    if kind is Kind.BOOL:
        return text.lower() in ("true", "1", "yes")
    return text


ARROW_TYPES = {
    Kind.TIMESTAMP: pa.timestamp("us"),
    Kind.MONEY: pa.float64(),
    Kind.NUMBER: pa.float64(),
    Kind.INT: pa.int64(),
    Kind.BOOL: pa.bool_(),
}
SQL_TYPES = {Kind.TIMESTAMP: "TIMESTAMP", Kind.MONEY: "NUMERIC(12,2)", Kind.NUMBER: "DOUBLE PRECISION",
             Kind.INT: "BIGINT", Kind.BOOL: "BOOLEAN"}


def typed_columns(name: str, rows: list[dict[str, str]]) -> dict[str, list]:
    table = TABLES[name]
    return {c.name: [typed_value(c.kind, r[c.name]) for r in rows] for c in table.columns}


def write_parquet_folder(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = typed_columns(name, rows)
        arrow = pa.table({
            c.name: pa.array(columns[c.name], type=ARROW_TYPES.get(c.kind, pa.string()))
            for c in TABLES[name].columns
        })
        pq.write_table(arrow, folder / f"{name}.parquet")
    return folder


def write_sqlite(path: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    connection = sqlite3.connect(path)
    for name, rows in tables.items():
        table = TABLES[name]
        columns = typed_columns(name, rows)
        ddl = ", ".join(f'"{c.name}" {SQL_TYPES.get(c.kind, "TEXT")}' for c in table.columns)
        connection.execute(f'CREATE TABLE "{name}" ({ddl})')
        values = [tuple(columns[c.name][i] if not isinstance(columns[c.name][i], datetime)
                        else columns[c.name][i].isoformat(sep=" ") for c in table.columns)
                  for i in range(len(rows))]
        marks = ", ".join("?" for _ in table.columns)
        connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)
    connection.commit()
    connection.close()
    return path


def write_duckdb(path: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    import duckdb

    connection = duckdb.connect(str(path))
    for name, rows in tables.items():
        columns = typed_columns(name, rows)
        arrow = pa.table({
            c.name: pa.array(columns[c.name], type=ARROW_TYPES.get(c.kind, pa.string()))
            for c in TABLES[name].columns
        })
        connection.register("incoming", arrow)
        connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
        connection.unregister("incoming")
    connection.close()
    return path


def write_postgres(url: str, tables: dict[str, list[dict[str, str]]]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for name, rows in tables.items():
            table = TABLES[name]
            columns = typed_columns(name, rows)
            ddl = ", ".join(f'"{c.name}" {SQL_TYPES.get(c.kind, "TEXT")}' for c in table.columns)
            connection.execute(f'CREATE TABLE "{name}" ({ddl})')
            marks = ", ".join("%s" for _ in table.columns)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{name}" VALUES ({marks})',
                    [tuple(columns[c.name][i] for c in table.columns) for i in range(len(rows))],
                )
