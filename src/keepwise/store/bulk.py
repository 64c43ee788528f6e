"""Bulk writes into PostgreSQL: Arrow writes the rows as CSV (in C) and ``COPY ... FROM STDIN`` reads them.

A null is an unquoted empty field (NULL), an empty text a quoted one (``""``); timestamps are ISO,
booleans true/false. Far faster than one Python call per row (psycopg's ``write_row``) or an INSERT per batch.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import sql
from sqlalchemy.orm import Session

from keepwise.store.db import on_postgres

CHUNK_ROWS = 100_000  # rows per CSV chunk handed to COPY


def _csv_chunks(arrow: pa.Table, names: list[str]):
    options = pa_csv.WriteOptions(include_header=False)
    for batch in arrow.select(names).to_batches(CHUNK_ROWS):
        buffer = io.BytesIO()
        pa_csv.write_csv(batch, buffer, options)
        yield buffer.getvalue()


def copy_into(cursor, table: str | sql.Identifier, names: list[str], arrow: pa.Table) -> None:
    """COPY the ``names`` columns of ``arrow`` into ``table`` with a psycopg cursor."""
    target = table if isinstance(table, sql.Identifier) else sql.Identifier(table)
    columns = sql.SQL(", ").join(map(sql.Identifier, names))
    with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, columns)) as copy:
        for chunk in _csv_chunks(arrow, names):
            copy.write(chunk)


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts by column name) into ``table`` in the session's transaction: COPY in
    PostgreSQL, batched INSERTs elsewhere."""
    if not rows:
        return
    if not on_postgres(session):
        for start in range(0, len(rows), 5000):
            session.execute(table.insert(), rows[start:start + 5000])
        return
    names = list(rows[0])
    arrow = pa.Table.from_pylist(rows)
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        copy_into(cursor, table.name, names, arrow)
