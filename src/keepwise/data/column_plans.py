"""How each contract column is typed and checked in the engine (``ColumnPlan``), from the type its source
holds: a value already of the column's kind is taken as it is; text is trimmed where it needs it and parsed
(dates and numbers by pattern and TRY_CAST, true/false and enumerations from their lists). Each plan's
checks (``Check``) are SQL over one cell, true for a cell that fails: what ``keepwise.data.validate`` counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from keepwise.data.schema import BOOL_FALSE, BOOL_TRUE, Column, Kind
from keepwise.data.sql import in_list, literal, quoted

__all__ = ["TRIMMED", "Check", "ColumnPlan", "column_plan", "needs_trim"]

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
NUMBER_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
INT_PATTERN = r"^[+-]?\d+$"
EXPECTED_TIMESTAMP = "an ISO 8601 date or timestamp such as 2025-08-02 or 2025-08-02T14:30:00"
TRIMMED = " \t\r\n\x0b\x0c"  # what is trimmed around a text cell

# What a bad cell of each kind is called, and what was expected instead.
BAD_CELL = {
    Kind.TIMESTAMP: ("not a valid date or timestamp", EXPECTED_TIMESTAMP),
    Kind.MONEY: ("not a number", "a decimal number with '.' as separator, e.g. 12.50"),
    Kind.NUMBER: ("not a number", "a decimal number with '.' as separator, e.g. 12.50"),
    Kind.INT: ("not a whole number", "a whole number, e.g. 2"),
    Kind.BOOL: ("not a true/false value", "true/false, 1/0 or yes/no"),
}

INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT"}
FLOAT_TYPES = {"FLOAT", "DOUBLE"}
TIME_TYPES = {"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE"}


@dataclass(frozen=True)
class Check:
    """One contract check of one column: ``bad`` is SQL over the cells layer, true for a failing cell.

    ``role`` says what a Parquet footer can prove of it: "null" (an empty cell is a NULL one: none when
    the footer counts no NULL), "min"/"max" (a bound of the values), "cell" (a bad cell: never proven)."""

    column: Column
    bad: str
    message: str
    expected: str
    role: str = "cell"


@dataclass(frozen=True)
class ColumnPlan:
    cell: str  # SQL over the raw relation: the cell as the checks see it (trimmed text, or typed value)
    value: str  # SQL over the cells layer: the typed value, NULL for an empty or bad cell
    checks: tuple[Check, ...]  # bad cell and empty-cell checks, over the cells layer
    range_checks: tuple[Check, ...]  # over the values layer
    parses: bool = False  # the value is parsed from text (dates, numbers, true/false): worth doing once
    # A text column taken as the file holds it (Parquet): ``dirty`` is SQL over the cells layer, true for
    # a cell that is not exactly its value (to trim, empty, or an enumeration to lower or reject). While
    # any cell may be dirty the column is not shown clean, and it is checked again with the full plan.
    dirty: str | None = None
    clean_value: str | None = None  # the value once no cell of the column failed its bad-cell checks


def _source_kind(duckdb_type: str) -> str:
    if duckdb_type == "VARCHAR":
        return "text"
    if duckdb_type in INTEGER_TYPES:
        return "integer"
    if duckdb_type in FLOAT_TYPES or duckdb_type.startswith("DECIMAL"):
        return "float"
    if duckdb_type in TIME_TYPES:
        return "time"
    if duckdb_type == "BOOLEAN":
        return "bool"
    return "other"


def _typed_plan(column: Column, source: str, c: str, kind: str) -> tuple[str, str, list[Check]] | None:
    """(cell, value, bad-cell checks) when the source column already holds the column's kind of value
    (Parquet, DuckDB); None when it does not, and the column is then read as text."""
    bad_cell = BAD_CELL.get(column.kind)
    if column.kind is Kind.TIMESTAMP and kind == "time":
        # A zoned timestamp is stored as UTC: its UTC wall time is the naive UTC value, as text with an
        # offset gives. Nanoseconds are cut to microseconds, the contract's resolution.
        if source == "TIMESTAMP WITH TIME ZONE":
            return f"timezone('UTC', {c})", "{cell}", []
        return f"CAST({c} AS TIMESTAMP)", "{cell}", []
    if column.kind in (Kind.MONEY, Kind.NUMBER) and kind in ("integer", "float"):
        number = f"CAST({c} AS DOUBLE)"
        return number, FINITE_VALUE, [
            Check(column, "{cell} IS NOT NULL AND NOT isfinite({cell})", *bad_cell)]
    if column.kind is Kind.INT and kind == "integer":
        return f"CAST({c} AS BIGINT)", "{cell}", []
    if column.kind is Kind.INT and kind == "float":
        whole = "isfinite({cell}) AND {cell} = floor({cell}) AND abs({cell}) < 9.2e18"
        return f"CAST({c} AS DOUBLE)", f"CASE WHEN {whole} THEN CAST({{cell}} AS BIGINT) END", [
            Check(column, f"{{cell}} IS NOT NULL AND NOT ({whole})", *bad_cell)]
    if column.kind is Kind.BOOL and kind == "bool":
        return c, "{cell}", []
    return None


FINITE_VALUE = "CASE WHEN isfinite({cell}) THEN {cell} END"
AS_IS_KINDS = (Kind.ID, Kind.STRING, Kind.ENUM)  # text whose value is the (trimmed) cell itself


def needs_trim(text: str) -> str:
    """SQL true for a text that is empty or starts or ends with a character up to ' ' (all the trimmed
    ones are): a text below '!' is empty or starts with one (a byte comparison, unlike text[1]);
    substring(text, -1), its last character, costs 60% of what right(text, 1) does."""
    return f"{text} < '!' OR substring({text}, -1) <= ' '"


def column_plan(column: Column, source: str | None, as_stored: bool = False) -> ColumnPlan:
    """How one column is typed and checked; ``source`` is its DuckDB type in the source, None if absent.

    ``as_stored`` (Parquet): a text column of ids, names or an enumeration is first taken as the file
    holds it, with a ``dirty`` test showing that every cell is its own value (the full plan trims each
    cell that needs it, and lowers enumerations, in every later query)."""
    if source is None:
        return ColumnPlan(f"CAST(NULL AS {column.kind.duckdb_type})", "{cell}", (), ())
    parses, dirty, clean_value = False, None, None
    c = quoted(column.name)
    kind = _source_kind(source)
    typed = None if kind == "text" else _typed_plan(column, source, c, kind)
    if typed is not None:
        cell, value, checks = typed
        empty = "{cell} IS NULL"
        clean_value = "{cell}" if value == FINITE_VALUE else None
    elif as_stored and kind == "text" and column.kind in AS_IS_KINDS:
        cell, value, checks, empty = c, "{cell}", [], "{cell} IS NULL"
        dirty = (f"{{cell}} NOT IN {in_list(column.choices)}" if column.kind is Kind.ENUM
                 else needs_trim("{cell}"))
    else:
        text = c if kind == "text" else f"CAST({c} AS VARCHAR)"
        # Trimmed only where a cell starts or ends with whitespace: trim() on every cell costs 5x the scan.
        cell = f"coalesce(CASE WHEN {needs_trim(text)} THEN trim({text}, {literal(TRIMMED)}) ELSE {text} END, '')"
        value, checks = _text_plan(column)
        empty = "{cell} = ''"
        parses = column.kind not in AS_IS_KINDS
    if not column.nullable:
        what = "empty id" if column.kind is Kind.ID else "empty cell"
        checks.append(Check(column, empty, what, f"a value ({column.type_label})",
                            "null" if empty.endswith("IS NULL") else "cell"))
    ranges = []
    if column.minimum is not None:
        if column.minimum == 0:
            ranges.append(Check(column, f"{{value}} < {column.minimum!r}", "negative amount", "a value >= 0", "min"))
        else:
            ranges.append(Check(column, f"{{value}} < {column.minimum!r}", "value too small",
                                f"a value >= {column.minimum:g}", "min"))
    if column.maximum is not None:
        ranges.append(Check(column, f"{{value}} > {column.maximum!r}", "value too large",
                            f"a value <= {column.maximum:g}", "max"))
    return ColumnPlan(cell, value, tuple(checks), tuple(ranges), parses, dirty, clean_value)


def _text_plan(column: Column) -> tuple[str, list[Check]]:
    """(value, bad-cell checks) of a text cell ``{cell}`` (trimmed, '' when empty)."""
    kind = column.kind
    if kind in (Kind.ID, Kind.STRING):
        return "NULLIF({cell}, '')", []
    if kind is Kind.ENUM:
        # The choices are lower case: lower() (a new string per cell) only for cells not already one of them.
        choices = in_list(column.choices)
        value = f"CASE WHEN {{cell}} IN {choices} THEN {{cell}} WHEN lower({{cell}}) IN {choices} THEN lower({{cell}}) END"
        return value, [Check(column, f"{{cell}} <> '' AND NOT ({{cell}} IN {choices} OR lower({{cell}}) IN {choices})",
                             "unknown value", "one of " + ", ".join(column.choices))]
    if kind is Kind.TIMESTAMP:
        value = (f"CASE WHEN regexp_full_match({{cell}}, {literal(TIMESTAMP_PATTERN)}) "
                 "THEN timezone('UTC', TRY_CAST({cell} AS TIMESTAMPTZ)) END")
    elif kind in (Kind.MONEY, Kind.NUMBER):
        number = (f"CASE WHEN regexp_full_match({{cell}}, {literal(NUMBER_PATTERN)}) "
                  "THEN TRY_CAST({cell} AS DOUBLE) END")
        value = f"CASE WHEN isfinite({number}) THEN {number} END"
    elif kind is Kind.INT:
        value = (f"CASE WHEN regexp_full_match({{cell}}, {literal(INT_PATTERN)}) "
                 "THEN TRY_CAST({cell} AS BIGINT) END")
    elif kind is Kind.BOOL:
        value = (f"CASE WHEN lower({{cell}}) IN {in_list(BOOL_TRUE)} THEN true "
                 f"WHEN lower({{cell}}) IN {in_list(BOOL_FALSE)} THEN false END")
    else:  # pragma: no cover - Kind is closed
        raise AssertionError(kind)
    return value, [Check(column, f"{{cell}} <> '' AND ({value}) IS NULL", *BAD_CELL[kind])]
