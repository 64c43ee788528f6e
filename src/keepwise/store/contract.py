"""The contract tables (``keepwise.data.schema.TABLES``) as SQLAlchemy tables, generated, never hand-copied.

Their names and columns are the contract's, so the store is itself a keepwise data source
(``keepwise assess store.sqlite`` / ``postgresql://...``). A table's unique id column is its primary
key; tables without one (engagement, exit_surveys) are keyed by their required columns when imported.
Every event table is indexed by ``customer_id`` (the customer page reads one customer at a time).
"""

from __future__ import annotations

import sqlalchemy as sa

from keepwise.data.schema import TABLES, Kind, Table
from keepwise.store.base import metadata

SQL_TYPES = {
    Kind.ID: sa.String,
    Kind.STRING: sa.Text,
    Kind.ENUM: sa.String,
    Kind.TIMESTAMP: sa.DateTime,
    Kind.MONEY: sa.Float,
    Kind.NUMBER: sa.Float,
    Kind.INT: sa.BigInteger,
    Kind.BOOL: sa.Boolean,
}


def _sql_table(table: Table) -> sa.Table:
    key = table.unique_id
    columns = [
        sa.Column(c.name, SQL_TYPES[c.kind](), primary_key=c is key, nullable=c.nullable and c is not key)
        for c in table.columns
    ]
    indexes = []
    if table.name != "customers" and "customer_id" in table.column_index:
        indexes.append(sa.Index(f"ix_{table.name}_customer_id", "customer_id"))
    return sa.Table(table.name, metadata, *columns, *indexes)


CONTRACT_TABLES: dict[str, sa.Table] = {name: _sql_table(table) for name, table in TABLES.items()}


def natural_key(name: str) -> list[str]:
    """The columns that identify a row: the unique id, or every required column of an id-less table."""
    table = TABLES[name]
    if table.unique_id is not None:
        return [table.unique_id.name]
    return [c.name for c in table.columns if c.required and not c.nullable]
