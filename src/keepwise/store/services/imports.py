"""``keepwise import``: a contract data source into the store, then a dated assessment run.

The source is validated first (the same checks and messages as ``keepwise validate``); with any
error nothing is written. Then every table is upserted by its id in ONE transaction (id-less tables
by their required columns), so importing the same source twice leaves the store as it was, and an
updated source updates rows, never duplicates them.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa
from psycopg import sql as pgsql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from keepwise.config import Settings
from keepwise.data.loader import validate_source
from keepwise.data.problems import DataError
from keepwise.data.schema import TABLES
from keepwise.store.bulk import copy_into
from keepwise.store.contract import CONTRACT_TABLES, natural_key
from keepwise.store.db import on_postgres
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, audit, mutation

BATCH_ROWS = 5000


def _insert(session: Session, table: sa.Table):
    return (postgresql.insert if on_postgres(session) else sqlite.insert)(table)


def _copy_upsert_postgres(session: Session, table: sa.Table, key: list[str], arrow: pa.Table) -> None:
    """PostgreSQL: COPY (``keepwise.store.bulk``) straight into an empty table; into a non-empty one COPY
    into a temporary table, then set-based upserts by ``key``. The table is locked against other
    writers first, so "empty" stays true until the import commits."""
    names = [c.name for c in table.columns]
    target = pgsql.Identifier(table.name)
    staging = pgsql.Identifier(f"keepwise_import_{table.name}")
    columns = pgsql.SQL(", ").join(map(pgsql.Identifier, names))
    others = [n for n in names if n not in key]
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(pgsql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(target))
        empty = cursor.execute(pgsql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(target)).fetchone()[0]
        into = target if empty else staging
        if not empty:
            cursor.execute(pgsql.SQL("CREATE TEMPORARY TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                           .format(staging, target))
        copy_into(cursor, into, names, arrow)
        if empty:
            cursor.execute(pgsql.SQL("ANALYZE {}").format(target))  # the planner's statistics, from the first rows
            return
        matches = pgsql.SQL(" AND ").join(
            pgsql.SQL("t.{} = s.{}").format(pgsql.Identifier(k), pgsql.Identifier(k)) for k in key)
        if len(key) == 1:
            updates = pgsql.SQL(", ").join(
                pgsql.SQL("{} = EXCLUDED.{}").format(pgsql.Identifier(n), pgsql.Identifier(n)) for n in others)
            cursor.execute(pgsql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT ({}) DO UPDATE SET {}")
                           .format(target, columns, columns, staging, pgsql.Identifier(key[0]), updates))
        else:
            if others:
                sets = pgsql.SQL(", ").join(
                    pgsql.SQL("{} = s.{}").format(pgsql.Identifier(n), pgsql.Identifier(n)) for n in others)
                cursor.execute(pgsql.SQL("UPDATE {} t SET {} FROM {} s WHERE {}").format(target, sets, staging, matches))
            cursor.execute(pgsql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} s WHERE NOT EXISTS "
                                     "(SELECT 1 FROM {} t WHERE {})")
                           .format(target, columns, columns, staging, target, matches))
        cursor.execute(pgsql.SQL("DROP TABLE {}").format(staging))


def _upsert_with_id(session: Session, table: sa.Table, key: str, rows: list[dict]) -> None:
    statement = _insert(session, table)
    update = {c.name: statement.excluded[c.name] for c in table.columns if c.name != key}
    statement = statement.on_conflict_do_update(index_elements=[key], set_=update)
    for start in range(0, len(rows), BATCH_ROWS):
        session.execute(statement, rows[start:start + BATCH_ROWS])


def _upsert_by_columns(session: Session, table: sa.Table, key: list[str], rows: list[dict]) -> None:
    existing = {tuple(r) for r in session.execute(sa.select(*[table.c[k] for k in key]))}
    new = [r for r in rows if tuple(r[k] for k in key) not in existing]
    old = [r for r in rows if tuple(r[k] for k in key) in existing]
    if new:
        for start in range(0, len(new), BATCH_ROWS):
            session.execute(table.insert(), new[start:start + BATCH_ROWS])
    others = [c.name for c in table.columns if c.name not in key]
    if old and others:
        statement = (
            table.update()
            .where(*[table.c[k] == sa.bindparam(f"key_{k}") for k in key])
            .values({name: sa.bindparam(f"new_{name}") for name in others})
        )
        params = [{**{f"key_{k}": r[k] for k in key}, **{f"new_{n}": r[n] for n in others}} for r in old]
        session.execute(statement, params)


def write_tables(session: Session, tables: dict, present: set[str]) -> dict[str, int]:
    """Upsert the typed tables of a validated source; returns rows written per table."""
    written: dict[str, int] = {}
    postgres = on_postgres(session)
    for name in TABLES:
        if name not in present:
            continue
        table = CONTRACT_TABLES[name]
        key = natural_key(name)
        held = tables[name]
        arrow = held.to_arrow() if hasattr(held, "to_arrow") else held  # the validator's TableCount, or arrow
        if postgres:
            _copy_upsert_postgres(session, table, key, arrow)
            written[name] = arrow.num_rows
            continue
        rows = arrow.to_pylist()
        if TABLES[name].unique_id is not None:
            _upsert_with_id(session, table, key[0], rows)
        else:
            _upsert_by_columns(session, table, key, rows)
        written[name] = len(rows)
    return written


@mutation(Permission.IMPORT_DATA)
def import_source(session: Session, actor: Actor, source: str, settings: Settings) -> dict[str, int]:
    """Validate ``source`` and upsert it into the store; ``DataError`` (nothing written) when invalid."""
    tables, log, present = validate_source(source, None, settings)
    if log.errors:
        raise DataError(log.problems, log.truncated)
    written = write_tables(session, tables, present)
    audit(session, actor, "data.import", "source", source, None, written)
    return written


def import_warnings(source: str, settings: Settings):
    """The warnings ``keepwise validate`` would print for ``source`` (shown after a successful import)."""
    _, log, _ = validate_source(source, None, settings)
    return log.warnings


def count_rows(session: Session) -> dict[str, int]:
    return {name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for name, table in CONTRACT_TABLES.items()}


def has_orders(session: Session) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(CONTRACT_TABLES["orders"])) > 0


__all__ = ["count_rows", "has_orders", "import_source", "write_tables"]
