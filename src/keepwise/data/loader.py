"""Load a data source into the engine as typed tables, validating everything first.

``load`` is the only way data enters keepwise: every later stage reads the ibis tables of the
returned ``Dataset``. Checking and typing run inside DuckDB (``validate``): a Parquet file is
scanned where it lies, a CSV file is parsed by arrow and handed over without copies. On any error
nothing is loaded and ``DataError`` lists every problem found (up to the configured limit).
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from keepwise.config import Settings, load_settings
from keepwise.data.days import end_of_day
from keepwise.data.problems import Problem, ProblemLog
from keepwise.data.schema import TABLES, Table
from keepwise.data.sources import RawTable, read_source
from keepwise.data.sql import execute, literal, quoted
from keepwise.data.threads import available_cores
from keepwise.data.validate import (
    CheckedTable,
    check_table,
    checked_name,
    warn_events_after,
    warn_mixed_currencies,
    warn_out_of_order,
)

if TYPE_CHECKING:  # ibis takes a second to import, which `keepwise validate` does not need
    import ibis


@dataclass
class Dataset:
    """The validated input, as typed tables behind ibis (DuckDB by default, Spark on request)."""

    con: ibis.BaseBackend
    source: str
    as_of: date | None
    settings: Settings
    warnings: list[Problem] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # tables the source actually had
    engine: str = "duckdb"
    tables: tuple[str, ...] = tuple(TABLES)  # the contract tables it holds (``load(only=...)``)
    # A subset's own tables (``customers_subset``), by name; the engine's tables otherwise.
    subset_tables: dict[str, ibis.Table] = field(default_factory=dict, repr=False)
    subset_of: Dataset | None = field(default=None, repr=False)  # the dataset a subset was taken from
    # The engine's tables as ibis expressions, each looked up once: ibis asks the engine for a table's
    # schema on every lookup (a DESCRIBE query, ~3 ms in DuckDB), and a run looks its tables up ~60 times.
    _engine_tables: dict[str, ibis.Table] = field(default_factory=dict, init=False, repr=False, compare=False)

    def table(self, name: str) -> ibis.Table:
        if name in self.subset_tables:
            return self.subset_tables[name]
        table = self._engine_tables.get(name)
        if table is None:
            table = self._engine_tables[name] = self._engine_table(name)
        return table

    def _engine_table(self, name: str) -> ibis.Table:
        """The engine's table ``name``; on DuckDB with ``[engine] copy_customers``, the customers are first
        copied into a table of the engine (``copied_name``), on the first look-up: the contract's table is
        a view of the source, and DuckDB reads a Parquet file one row group per thread, with up to
        1,048,576 rows in a group as pyarrow writes them. The features query joins every customer to their
        aggregates on the customers' scan: at 1,000,000 customers that step ran on one thread for ~3 s.
        A command that never looks the customers up (``clv fit``) copies nothing. The copy is a table of the
        database, not of the connection (``beside`` shares it)."""
        if name == "customers" and self.engine == "duckdb" and self.settings.engine.copy_customers:
            copied = copied_name(name)
            execute(self.duckdb, f"CREATE OR REPLACE TABLE {quoted(copied)} AS SELECT * FROM {quoted(name)}")
            return self.con.table(copied)
        return self.con.table(name)

    def customers_subset(self, customer_ids: ibis.Table,
                         columns: Mapping[str, Collection[str]] | None = None) -> Dataset:
        """The same data restricted to the customers of ``customer_ids`` (a table with a ``customer_id``
        column): every table semi-joined to it and materialised once in the engine (a temporary table
        in DuckDB, dropped with the subset; a cached view in Spark). In DuckDB a table is materialised
        when it is first read: one nobody reads (the churn model reads no touches) costs nothing, where
        copying it means scanning every column of the whole table.

        ``columns``: per table, the columns its subset keeps (``customer_id`` always, in the table's own
        order); a table not named keeps all. Only the columns kept are decoded from the source (at
        1,000,000 customers the churn model's 25,000: 4.5 -> 3.4 CPU s for its seven tables); a reader
        that names a column left out gets ibis's error for an unknown column, never other figures."""
        import ibis

        ids = customer_ids.select("customer_id")
        sources = {name: self.table(name) for name in self.tables}
        kept = {name: _kept_columns(table, columns.get(name) if columns else None) for name, table in sources.items()}
        if self.engine == "spark":  # Spark's cache runs the SQL as it is: in-memory ids must be a view first
            ids = self.con.create_view(ibis.util.gen_name("subset_ids"), ids)
            tables = {}
            for name in self.tables:
                table = sources[name].select(*kept[name])
                tables[name] = table.semi_join(ids, table.customer_id == ids.customer_id).cache()
            return Dataset(self.con, self.source, self.as_of, self.settings, self.warnings, self.present,
                           self.engine, self.tables, tables, self)
        # DuckDB: one CREATE TEMP TABLE ... AS SELECT per table, written here rather than compiled by ibis
        # (ibis's create_table compiles the semi-join and copies its sqlglot tree; ibis's cache cannot drop
        # its DuckDB tables here either: its DROP statement is empty). The ids are an Arrow view.
        ids_view = ibis.util.gen_name("subset_ids")
        self.duckdb.register(ids_view, ids.to_pyarrow())
        tables = _TablesOnFirstRead()
        temporary = []
        for name in self.tables:
            temporary.append(ibis.util.gen_name(f"subset_{name}"))
            selected = ", ".join(f"s.{quoted(column)}" for column in kept[name])
            sql = (f"CREATE TEMP TABLE {quoted(temporary[-1])} AS SELECT {selected} "
                   f"FROM {quoted(sources[name].get_name())} AS s SEMI JOIN {quoted(ids_view)} AS i "
                   f"ON s.customer_id = i.customer_id")
            tables.on_first_read(name, _materialised, self.con, temporary[-1], sql)
        result = Dataset(self.con, self.source, self.as_of, self.settings, self.warnings, self.present,
                         self.engine, self.tables, tables, self)
        # DROP ... IF EXISTS: a table never read was never made
        weakref.finalize(result, _drop_subset, self.duckdb, temporary, ids_view)
        return result

    def beside(self) -> Dataset:
        """This dataset on a connection of its own to the same DuckDB database, for a stage run in another
        thread while this one's run: a connection runs one statement at a time, a database several.

        The new connection (a cursor) sees the contract's tables, which are views and tables of the
        database, not this connection's temporary ones. It reads this dataset's copy of the customers when
        one was made (``[engine] copy_customers``), else their view: it never copies them itself, which would
        replace the table this dataset reads. Not for a subset (its tables are temporary) nor on Spark:
        ``ValueError``."""
        if self.engine != "duckdb" or self.subset_of is not None:
            raise ValueError("only a DuckDB dataset of the engine's own tables can be opened beside itself")
        import ibis

        twin = Dataset(ibis.duckdb.from_connection(self.duckdb.cursor()), self.source, self.as_of, self.settings,
                       self.warnings, self.present, self.engine, self.tables)
        customers = self._engine_tables.get("customers")
        twin._engine_tables["customers"] = twin.con.table("customers" if customers is None else customers.get_name())
        return twin

    def columns_read(self, expr: ibis.Expr) -> dict[str, set[str]]:
        """The columns of this dataset's tables that ``expr`` may read, per table it reads: every column of
        the table whose name ``expr`` names anywhere (a superset of those it reads: names are not traced
        to their table; enough for ``customers_subset(columns=...)``)."""
        import ibis.expr.operations as ops

        op = expr.op()
        named = {field.name for field in op.find(ops.Field)}
        engine_names = {self.table(name).get_name(): name for name in self.tables}
        return {engine_names[table.name]: set(table.schema.names) & named
                for table in op.find(ops.DatabaseTable) if table.name in engine_names}

    @property
    def duckdb(self):
        """The raw DuckDB connection, for the few steps ibis cannot express."""
        return self.con.con

    def row_count(self, name: str) -> int:
        return int(self.table(name).count().execute())


class _TablesOnFirstRead(dict):
    """Tables by name, each made by its recipe when first looked up (``Dataset.customers_subset``)."""

    def __init__(self):
        super().__init__()
        self._recipes: dict[str, tuple] = {}

    def on_first_read(self, name: str, make, *args, **kwargs) -> None:
        self._recipes[name] = (make, args, kwargs)

    def __contains__(self, name) -> bool:
        return super().__contains__(name) or name in self._recipes

    def __missing__(self, name: str):
        make, args, kwargs = self._recipes.pop(name)  # KeyError for a table the subset does not have
        table = self[name] = make(*args, **kwargs)
        return table


def _kept_columns(table: ibis.Table, columns: Collection[str] | None) -> list[str]:
    """The columns of ``table`` that its subset keeps (``Dataset.customers_subset``), in the table's order."""
    if columns is None:
        return list(table.columns)
    return [column for column in table.columns if column == "customer_id" or column in columns]


def _materialised(con: ibis.BaseBackend, name: str, sql: str) -> ibis.Table:
    """The table ``name`` that the statement ``sql`` creates, created now (``Dataset.customers_subset``)."""
    execute(con.con, sql)
    return con.table(name)


def _drop_subset(con: duckdb.DuckDBPyConnection, names: list[str], ids_view: str) -> None:
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {quoted(name)}")
    con.unregister(ids_view)


@dataclass(frozen=True)
class TableCount:
    """One validated table as the engine holds it: its rows (after the as-of cut), and its columns on
    request (fetched from the engine only when asked for)."""

    name: str
    num_rows: int
    con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False, compare=False)

    def column(self, name: str):
        """One column as an arrow array (read from the engine now)."""
        return self.to_arrow().column(name)

    def to_arrow(self):
        if self.con is None:
            raise ValueError(f"{self.name}: the table is no longer held by an engine")
        return self.con.sql(f"SELECT * FROM {quoted(self.name)}").to_arrow_table()


def copied_name(table: str) -> str:
    """The engine's copy of the contract's table ``table`` (``Dataset.table``)."""
    return f"keepwise_copied_{table}"


def _empty_table(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    columns = ", ".join(f"{quoted(c.name)} {c.kind.duckdb_type}" for c in table.columns)
    execute(con, f"CREATE OR REPLACE TABLE {quoted(table.name)} ({columns})")


def _expose(con: duckdb.DuckDBPyConnection, checked: CheckedTable, as_of: date | None) -> None:
    """The contract's table: a view of the checked one, without row numbers and bitmask, up to as_of."""
    table = checked.table
    columns = ", ".join(quoted(c.name) for c in table.columns)
    where = ""
    if as_of is not None and table.event_time:
        limit = literal(end_of_day(as_of).isoformat(sep=" "))
        column = quoted(table.event_time)
        undated = f" OR {column} IS NULL" if table.column(table.event_time).nullable else ""
        where = f" WHERE {column} <= CAST({limit} AS TIMESTAMP){undated}"
    execute(con, f"CREATE OR REPLACE VIEW {quoted(table.name)} AS SELECT {columns} "
                f"FROM {quoted(checked_name(table.name))}{where}")


def check_source(
    con: duckdb.DuckDBPyConnection, source: str | Path, as_of: date | None, settings: Settings,
    only: Collection[str] = TABLES,
) -> tuple[dict[str, TableCount], ProblemLog, set[str]]:
    """Check the tables of ``source`` named in ``only`` (all by default) in ``con`` and expose them there
    as the contract's tables (empty ones for absent tables); returns the rows per table, the problems
    and the tables the source had. Tables not in ``only`` are neither read nor exposed."""
    execute(con, "SET TimeZone = 'UTC'")  # text without an offset is UTC
    log = ProblemLog(settings.validation.max_problems)
    raw_tables, label = read_source(source, log, only)
    present = set(raw_tables)
    source_unreadable = not raw_tables and bool(log.errors)  # already said why; no cascade of "missing"
    wanted = {name: table for name, table in TABLES.items() if name in only}
    for name, table in wanted.items():
        if source_unreadable:
            break
        if table.required and name not in raw_tables and not any(
            p.file.startswith(name) for p in log.errors
        ):
            folder_like = not str(source).startswith(("postgres", "/dev")) and Path(source).is_dir()
            where = f"{name}.csv" if folder_like else f"{name} (table in {label})"
            log.error(where, f"required table '{name}' is missing", expected=f"{name}.csv or {name}.parquet")

    known: dict[str, int] = {}  # the tables whose ids are complete, with their rows
    counts: dict[str, TableCount] = {}
    # Order matters: customers then orders first, so references can be checked.
    for name, table in wanted.items():
        # Popped, so that each raw table is freed once the engine holds it typed.
        raw: RawTable | None = raw_tables.pop(name, None)
        checked = None if raw is None else check_table(con, raw, table, known, log, settings, as_of)
        if checked is None:
            _empty_table(con, table)
            counts[name] = TableCount(name, 0, con)
            continue
        if name == "orders":
            warn_mixed_currencies(con, checked, log)
        warn_out_of_order(con, checked, log)
        if as_of is not None:
            warn_events_after(con, checked, as_of, log)
        _expose(con, checked, as_of)
        counts[name] = TableCount(name, checked.n_rows - checked.events_after, con)
        del raw, checked
    return counts, log, present


def validate_source(
    source: str | Path, as_of: date | None = None, settings: Settings | None = None
) -> tuple[dict[str, TableCount], ProblemLog, set[str]]:
    """Check every table of ``source`` (in a scratch DuckDB); returns the validated tables (rows, and their
    columns on request, from the scratch engine, which lives as long as they do), problems, tables present.
    The scratch engine keeps ``[validation] block_allocator_memory`` of memory for its data blocks between
    its queries."""
    settings = settings or load_settings()
    con = duckdb.connect()
    _keep_within_cores(con)
    if settings.validation.block_allocator_memory:
        execute(con, f"SET block_allocator_memory = {literal(settings.validation.block_allocator_memory)}")
    return check_source(con, source, as_of, settings)


def _use_huge_pages(enabled: bool) -> None:
    """numpy's large arrays on transparent huge pages or not ([engine] numpy_huge_pages), for the process."""
    import numpy as np

    np._core.multiarray._set_madvise_hugepage(enabled)


def _use_arrow_pool(name: str) -> None:
    """Arrow's default allocator for the process ([engine] arrow_memory_pool): buffers already allocated stay
    with theirs. A pool pyarrow was built without leaves its own default in place."""
    import pyarrow as pa

    if name in pa.supported_memory_backends():
        pa.set_memory_pool(getattr(pa, f"{name}_memory_pool")())


def _keep_within_cores(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's threads and Arrow's thread pool (its conversions to pandas, the Parquet writer) no more than
    the cores the process may use (``available_cores``: within a container's CPU quota). Arrow counts the
    machine's cores; DuckDB reads cgroup v2's quota itself, though not v1's in every release. A smaller
    count already set (DuckDB's ``threads``, OMP_NUM_THREADS for Arrow) is kept."""
    import pyarrow as pa

    cores = available_cores()
    if con.execute("SELECT current_setting('threads')").fetchall()[0][0] > cores:
        execute(con, f"SET threads = {cores}")
    if pa.cpu_count() > cores:
        pa.set_cpu_count(cores)


def load(
    source: str | Path,
    as_of: date | None = None,
    settings: Settings | None = None,
    con: ibis.BaseBackend | None = None,
    only: Collection[str] = TABLES,
) -> Dataset:
    """Validate ``source`` and load it into DuckDB; raises ``DataError`` listing every problem.

    ``only`` names the tables to read, check and expose (all by default): a command that reads a few
    tables (``clv fit``: customers and orders) validates those, and the others are not in the dataset.

    Without ``con``, the data are validated on a DuckDB connection of their own, which ibis takes over
    afterwards (``from_connection``): validation needs no ibis, and importing ibis (~0.4 s of one core)
    can happen meanwhile in another thread (``cli.common.imported_meanwhile``)."""
    settings = settings or load_settings()
    raw = duckdb.connect() if con is None else con.con
    # What ibis sets on a connection it opens, set before validation so that it runs on the same engine.
    raw.execute("SET python_enable_replacements = false")
    if settings.engine.duckdb_allocator_background_threads:
        raw.execute("SET allocator_background_threads = true")
    _use_huge_pages(settings.engine.numpy_huge_pages)
    _use_arrow_pool(settings.engine.arrow_memory_pool)
    _keep_within_cores(raw)
    _, log, present = check_source(raw, source, as_of, settings, only)
    log.raise_if_errors()
    if con is None:
        import ibis

        con = ibis.duckdb.from_connection(raw)
    return Dataset(con, str(source), as_of, settings, log.warnings, present,
                   tables=tuple(name for name in TABLES if name in only))
