"""SQL text for the engine: names quoted, texts as literals, and a statement run to its end."""

from __future__ import annotations

import duckdb

__all__ = ["execute", "in_list", "literal", "quoted"]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def in_list(values) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def execute(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    """Run a statement to its end (DuckDB keeps a connection busy until a result is fetched)."""
    return con.execute(sql).fetchall()
