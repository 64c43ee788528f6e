"""Find the contract's tables in a folder (CSV or Parquet) or a database, ready for the engine.

Every source yields ``RawTable``: either an arrow table (CSV cells as trimmed text, '' for an empty
cell; typed database columns as they are) or the path of a Parquet file the engine reads where it
lies. Checking and typing are then the same SQL for every source (``validate``), run in DuckDB.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from keepwise.data.problems import ProblemLog
from keepwise.data.schema import TABLES, Kind

NOT_TEXT_PROBE_BYTES = 65536


# A folder's files whose names start so are not the business's data: no warning names them as unknown tables
# (Spark and Hadoop skip ``_SUCCESS`` and ``.crc`` files so when they read a folder). The sample's answer key is
# one (``keepwise.sample.TRUTH_FILE``).
NOT_DATA_PREFIXES = ("_", ".")

ROW_COLUMN = "__keepwise_row"  # 0-based data row, added to every raw table for locating problems


@dataclass(frozen=True)
class ColumnStats:
    """What a Parquet footer states about one column over all its row groups: the null cells, and a
    lower and upper bound of the others (None when any row group does not say). The bounds are the
    writer's min/max: NaN is never among them, and a text bound may be a shortened one, still a bound."""

    nulls: int | None
    low: object = None
    high: object = None


@dataclass
class RawTable:
    """One input table (arrow columns, or a Parquet file the engine reads), plus how to name its rows."""

    name: str
    label: str  # what messages call it: "orders.csv", "orders (table in shop.sqlite)"
    columns: dict[str, pa.Array]  # empty when ``parquet`` is set
    n_rows: int
    is_csv: bool = False
    parquet: Path | None = None  # read by the engine itself: nothing of it passes through Python
    column_names: list[str] = field(default_factory=list)
    # False when rows were unreadable (ragged): its ids are then incomplete, so other tables'
    # references to it are not checked, sparing the user a cascade of follow-on errors.
    complete: bool = True
    stats: dict[str, ColumnStats] = field(default_factory=dict)  # per column, from a Parquet footer
    line_of: Callable[[int], int | None] = field(default=lambda row: None, repr=False)

    def __post_init__(self) -> None:
        if not self.column_names:
            self.column_names = list(self.columns)

    def where(self, row_index: int) -> dict:
        """Location keywords for a Problem, from a 0-based data row index."""
        return {"row": row_index + 1, "line": self.line_of(row_index)}

    def arrow_with_rows(self) -> pa.Table:
        """The arrow columns plus ``ROW_COLUMN``, to register in the engine."""
        import numpy as np

        table = pa.table(self.columns) if self.columns else pa.table({})
        # From the buffer, not pa.array(ndarray): that asks pyarrow's pandas shim and so imports pandas.
        rows = pa.Array.from_buffers(pa.int64(), self.n_rows, [None, pa.py_buffer(np.arange(self.n_rows, dtype=np.int64))])
        if not self.columns:
            return pa.table({ROW_COLUMN: rows})
        return table.append_column(ROW_COLUMN, rows)


def _combined(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks() if array.num_chunks else pa.array([], type=array.type)
    return array


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any arrow column as text in the contract's spelling, trimmed; nulls become ''."""
    array = _combined(array)
    kind = array.type
    if pa.types.is_timestamp(kind):
        fmt = "%Y-%m-%dT%H:%M:%S%z" if kind.tz else "%Y-%m-%dT%H:%M:%S"
        text = pc.strftime(array, format=fmt)
    elif pa.types.is_date(kind):
        text = pc.strftime(array.cast(pa.timestamp("s")), format="%Y-%m-%d")
    else:
        text = array.cast(pa.string())
    return pc.utf8_trim_whitespace(pc.fill_null(text, ""))


def _source_column(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column of a typed source (Parquet, DuckDB): text (and dictionary-encoded text) as trimmed
    text like a CSV cell, every other type as it is. Validation takes typed columns without a
    round trip through text, which for 46M timestamps took three minutes (arrow's strftime)."""
    array = _combined(array)
    if is_text(array.type) or pa.types.is_dictionary(array.type) or pa.types.is_null(array.type):
        return as_text(array)
    return array


def _python_strings(values: list) -> pa.Array:
    """Values fetched by a DB-API driver as contract text (dates ISO, bools true/false)."""
    out = []
    for value in values:
        if value is None:
            out.append("")
        elif isinstance(value, bool):
            out.append("true" if value else "false")
        elif hasattr(value, "isoformat"):
            out.append(value.isoformat())
        elif isinstance(value, bytes):
            out.append(value.decode("utf-8", errors="replace"))
        else:
            out.append(str(value))
    return pa.array(out, type=pa.string())


# --- CSV --------------------------------------------------------------------------------------------


def read_csv(path: Path, log: ProblemLog) -> RawTable | None:
    name, label = path.stem, path.name
    raw = path.read_bytes()
    if not raw or raw.isspace():
        log.error(label, "the file is empty", expected="a header line naming the columns")
        return None
    if b"\x00" in raw[:NOT_TEXT_PROBE_BYTES]:
        log.error(label, "not a CSV file: it holds binary data", expected="UTF-8 text, comma-separated")
        return None
    try:
        # Before arrow sees it: a row arrow cannot decode, handed to our invalid-row callback from a
        # worker thread, can leave the parser hanging.
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        log.error(label, "not a CSV file: the text is not UTF-8", line=line, expected="UTF-8 text")
        return None
    header_end = raw.find(b"\n")
    header_bytes = raw if header_end < 0 else raw[:header_end]
    header_line = header_bytes.decode("utf-8-sig").rstrip("\r")
    try:
        header = [h.strip() for h in next(csv.reader([header_line]))]
    except csv.Error as error:
        log.error(label, f"the header line is not readable CSV ({error})", line=1, value=header_line,
                  expected="column names separated by ','")
        return None
    if len(header) < 2 and name in TABLES and len(TABLES[name].columns) > 1 and any(
        sep in header_line for sep in (";", "\t", "|")
    ):
        log.error(label, "not a comma-separated file", line=1, value=header_line, expected="columns separated by ','")
        return None
    seen = set()
    for position, column in enumerate(header):
        if not column:
            log.error(label, f"header column {position + 1} has no name", line=1)
        elif column in seen:
            log.error(label, f"column '{column}' appears twice in the header", line=1, column=column)
        seen.add(column)
    if len(seen) != len(header):
        return None

    ragged: list[int] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append(row.actual_columns)
        return "skip"

    # Quoted cells may span lines only when there are quotes at all; without them the
    # parser can split the file freely across threads (about 2x faster on large files).
    may_span_lines = b'"' in raw
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            # Our parsed (trimmed) header names, so the arrow columns are exactly the ones we checked.
            read_options=pacsv.ReadOptions(
                use_threads=True, block_size=1 << 20, column_names=header, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=may_span_lines, ignore_empty_lines=False, invalid_row_handler=on_invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        log.error(label, f"not a readable CSV file: {error}", expected="RFC 4180 CSV with a header line")
        return None

    physical_lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    simple_lines = physical_lines == table.num_rows + 1 + len(ragged)
    record_lines: list[int] | None = None

    def line_of(row_index: int) -> int | None:
        nonlocal record_lines
        if simple_lines and not ragged:
            return row_index + 2
        if record_lines is None:
            record_lines = _good_record_lines(path, len(header))
        return record_lines[row_index] if row_index < len(record_lines) else None

    if ragged:
        _report_ragged(path, label, len(header), log)
    columns = {h: pc.utf8_trim_whitespace(table.column(h).combine_chunks()) for h in header}
    return RawTable(name, label, columns, table.num_rows, is_csv=True, line_of=line_of, complete=not ragged)


def _records(path: Path) -> Iterator[tuple[int, list[str] | None]]:
    """(start line, cells) per data record; (line, None) once where the text stops being CSV."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            next(reader, None)
            line = reader.line_num
            for record in reader:
                yield line + 1, record
                line = reader.line_num
        except csv.Error:
            yield line + 1, None


def _good_record_lines(path: Path, width: int) -> list[int]:
    """Start lines of the records the parser kept (ragged ones are skipped)."""
    return [line for line, record in _records(path) if record is not None and len(record) == width]


def _report_ragged(path: Path, label: str, width: int, log: ProblemLog) -> None:
    for data_row, (line, record) in enumerate(_records(path), start=1):
        if record is None:
            log.error(label, "the text is not readable CSV from here on", row=data_row, line=line,
                      expected="RFC 4180 CSV")
            return
        if len(record) != width:
            if not record or record == [""]:
                log.error(label, "empty line", row=data_row, line=line, expected=f"{width} cells")
            else:
                log.error(
                    label,
                    f"the row has {len(record)} cells but the header has {width}",
                    row=data_row,
                    line=line,
                    value=",".join(record),
                    expected=f"{width} cells",
                )
            if log.full:
                return


# --- Parquet and databases --------------------------------------------------------------------------


def read_parquet(path: Path, log: ProblemLog) -> RawTable | None:
    """Only the footer is read here (names, row count); the engine scans the file itself."""
    try:
        metadata = pq.ParquetFile(path)
        names = list(metadata.schema_arrow.names)
        n_rows = metadata.metadata.num_rows
        stats = _footer_stats(metadata.metadata)
    except (pa.ArrowInvalid, OSError) as error:
        log.error(path.name, f"not a readable Parquet file: {error}")
        return None
    return RawTable(path.stem, path.name, {}, n_rows, parquet=path, column_names=names, stats=stats)


def _footer_stats(metadata: pq.FileMetaData) -> dict[str, ColumnStats]:
    """Per top-level column, the null count and bounds its row groups' statistics state (read in
    milliseconds; the validation takes them as proofs that some checks pass without a scan)."""
    nulls: dict[str, int | None] = {}
    lows: dict[str, object] = {}
    highs: dict[str, object] = {}
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for i in range(row_group.num_columns):
            chunk = row_group.column(i)
            name = chunk.path_in_schema
            stats = chunk.statistics if chunk.is_stats_set else None
            if stats is None or not stats.has_null_count:
                nulls[name] = None
            elif nulls.get(name, 0) is not None:
                nulls[name] = nulls.get(name, 0) + stats.null_count
            if stats is not None and stats.has_null_count and stats.null_count == chunk.num_values:
                continue  # all empty: no bounds to state, none needed
            for bounds, value, pick in ((lows, "min", min), (highs, "max", max)):
                bound = getattr(stats, value) if stats is not None and stats.has_min_max else None
                if bound is None or (name in bounds and bounds[name] is None):
                    bounds[name] = None
                else:
                    try:
                        bounds[name] = pick(bounds[name], bound) if name in bounds else bound
                    except TypeError:  # bounds of different kinds: say nothing
                        bounds[name] = None
    return {name: ColumnStats(count, lows.get(name), highs.get(name)) for name, count in nulls.items()
            if "." not in name}


def read_arrow_table(name: str, label: str, table: pa.Table) -> RawTable:
    columns = {col: _source_column(table.column(col)) for col in table.column_names}
    return RawTable(name, label, columns, table.num_rows)


def _fetched_table(name: str, label: str, cursor) -> RawTable:
    """All rows of an executed DB-API cursor as a RawTable (column names from its description)."""
    header = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    columns = {h: _python_strings([r[i] for r in rows]) for i, h in enumerate(header)}
    return RawTable(name, label, columns, len(rows))


def read_sqlite(path: Path, log: ProblemLog, only: Collection[str] = TABLES) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")]
    except sqlite3.DatabaseError as error:
        log.error(path.name, f"not a readable SQLite database: {error}")
        return tables
    try:
        for name in names:
            if name not in TABLES or name not in only:
                continue
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            tables[name] = _fetched_table(name, f"{name} (table in {path.name})", cursor)
    finally:
        connection.close()
    return tables


def read_duckdb(path: Path, log: ProblemLog, only: Collection[str] = TABLES) -> dict[str, RawTable]:
    import duckdb

    tables: dict[str, RawTable] = {}
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        log.error(path.name, f"not a readable DuckDB database: {error}")
        return tables
    try:
        names = [r[0] for r in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        for name in names:
            if name in TABLES and name in only:
                arrow = connection.sql(f'SELECT * FROM "{name}"').to_arrow_table()
                tables[name] = read_arrow_table(name, f"{name} (table in {path.name})", arrow)
    finally:
        connection.close()
    return tables


# PostgreSQL column types read typed (COPY as CSV, parsed by Arrow in C), by the contract kind they hold.
_POSTGRES_TYPED = {
    Kind.TIMESTAMP: ({"timestamp without time zone"}, pa.timestamp("us")),
    Kind.MONEY: ({"double precision", "real"}, pa.float64()),
    Kind.NUMBER: ({"double precision", "real"}, pa.float64()),
    Kind.INT: ({"bigint", "integer", "smallint"}, pa.int64()),
    Kind.BOOL: ({"boolean"}, pa.bool_()),
}
_POSTGRES_TEXT = {"text", "character varying", "character"}


def _postgres_types(name: str, columns: list[tuple[str, str]]) -> dict[str, pa.DataType] | None:
    """Arrow types for a table whose every column is text or its contract kind's own type (as the
    store makes them); None for any other table, read value by value instead."""
    kinds = {c.name: c.kind for c in TABLES[name].columns}
    types: dict[str, pa.DataType] = {}
    for column, data_type in columns:
        if data_type in _POSTGRES_TEXT:
            types[column] = pa.string()
        elif column in kinds and kinds[column] in _POSTGRES_TYPED and data_type in _POSTGRES_TYPED[kinds[column]][0]:
            types[column] = _POSTGRES_TYPED[kinds[column]][1]
        else:
            return None
    return types


def _copied_table(cursor, name: str, label: str, types: dict[str, pa.DataType]) -> RawTable:
    """A whole table by ``COPY ... TO STDOUT (FORMAT csv)``, typed by Arrow's CSV reader (NULL text as '')."""
    from psycopg import sql

    buffer = io.BytesIO()
    query = sql.SQL("COPY {} ({}) TO STDOUT (FORMAT csv)").format(
        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, types)))
    with cursor.copy(query) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    table = pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=list(types)),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=types, true_values=["t"], false_values=["f"],
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    return read_arrow_table(name, label, table)


def read_postgres(url: str, log: ProblemLog, only: Collection[str] = TABLES) -> dict[str, RawTable]:
    import psycopg

    tables: dict[str, RawTable] = {}
    shown = url.split("@")[-1]
    try:
        connection = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as error:
        log.error(shown, f"cannot connect to PostgreSQL: {str(error).strip()}")
        return tables
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
            found: dict[str, list[tuple[str, str]]] = {}
            for table_name, column, data_type in cursor.fetchall():
                found.setdefault(table_name, []).append((column, data_type))
            for name, columns in found.items():
                if name not in TABLES or name not in only:
                    continue
                label = f"{name} (table in PostgreSQL {shown})"
                types = _postgres_types(name, columns)
                if types is not None:
                    tables[name] = _copied_table(cursor, name, label, types)
                    continue
                cursor.execute(f'SELECT * FROM "{name}"')
                tables[name] = _fetched_table(name, label, cursor)
    finally:
        connection.close()
    return tables


DATABASE_SUFFIXES = {".sqlite": read_sqlite, ".sqlite3": read_sqlite, ".db": read_sqlite, ".duckdb": read_duckdb}


def is_postgres_url(source: str) -> bool:
    return source.startswith(("postgresql://", "postgres://"))


def read_source(source: str | Path, log: ProblemLog,
                only: Collection[str] = TABLES) -> tuple[dict[str, RawTable], str]:
    """The contract tables (of those named in ``only``) found in ``source``, and how to name the source in
    messages."""
    text = str(source)
    if is_postgres_url(text):
        return read_postgres(text, log, only), text.split("@")[-1]
    path = Path(source)
    if not path.exists():
        log.error(str(path), "no such data folder or database file")
        return {}, str(path)
    if path.is_file():
        reader = DATABASE_SUFFIXES.get(path.suffix.lower())
        if reader is None:
            log.error(
                path.name,
                "not a data source",
                expected="a folder of CSV/Parquet files, a .sqlite/.db/.duckdb file or a postgresql:// URL",
            )
            return {}, str(path)
        return reader(path, log, only), str(path)
    return read_folder(path, log, only), str(path)


def read_folder(folder: Path, log: ProblemLog, only: Collection[str] = TABLES) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for name in TABLES:
        if name not in only:
            continue
        csv_path, parquet_path = folder / f"{name}.csv", folder / f"{name}.parquet"
        if csv_path.exists() and parquet_path.exists():
            log.error(f"{name}.csv", f"both {name}.csv and {name}.parquet exist; keep one")
            continue
        if csv_path.exists():
            table = read_csv(csv_path, log)
        elif parquet_path.exists():
            table = read_parquet(parquet_path, log)
        else:
            continue
        if table is not None:
            tables[name] = table
    known = {f"{n}{s}" for n in TABLES for s in (".csv", ".parquet")}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(NOT_DATA_PREFIXES):
            continue
        if path.is_file() and path.name not in known and path.suffix.lower() in (".csv", ".parquet"):
            log.warning(path.name, "not a keepwise table; ignored", expected=", ".join(TABLES))
    return tables
