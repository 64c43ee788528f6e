"""Check every source table against the contract inside DuckDB, and type it there.

Per table, the typed values and every contract check as a boolean column are defined in one
relation over the source (a registered arrow table, or a Parquet file scanned where it lies): a bad
date, number, whole number, true/false value or enumeration (TRY_CAST and pattern counts), an empty
required cell, a value out of range. ONE statement counts every check and what the as-of date leaves
out, each count filtering the relation on its own (over Parquet the filter runs inside the scan, on a
column's dictionary where it has one); one ordered pass shows the ids unique (a distinct count only when they are not in
increasing order); references are counted with anti-joins against the tables they name. Only when a
count is not zero are the offending rows looked up (file, row, line, column, value, up to
``MAX_EXAMPLES_PER_CHECK`` per check). Nothing of a table passes through Python objects on the way.

A Parquet file whose columns already hold the contract's types is never copied: the relation is a
view, and so is everything the loader exposes over it. Its footer's statistics prove checks without a
scan (no NULL cell, a range from the bounds, no event after the as-of date); its text columns of ids,
names and enumerations are first taken as stored and shown clean where they are read anyway (beside
the ordered pass, by the references they hold, among the counts): then every later query reads them,
and the numbers without a non-finite one, exactly as they lie. A column found dirty is checked again
with its full plan (trimmed, lowered), so the problems found are the same either way. Text cells (CSV, text columns of a database
or Parquet file) are parsed once, into an engine table. The loader then exposes each table as a
view over the typed one (events after the as-of date left out), so the data stays in the engine
from the source file to the features.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

import duckdb

from keepwise.config import Settings
from keepwise.data.column_plans import TRIMMED, Check, ColumnPlan, column_plan
from keepwise.data.days import end_of_day
from keepwise.data.problems import ProblemLog
from keepwise.data.schema import TABLES, Column, Table
from keepwise.data.sources import ROW_COLUMN, ColumnStats, RawTable, as_text, is_text
from keepwise.data.sql import execute, literal, quoted

MAX_EXAMPLES_PER_CHECK = 50
REFERENCED_TABLES = {c.references[0] for t in TABLES.values() for c in t.columns if c.references}
ROW = ROW_COLUMN


def checked_name(table: str) -> str:
    """The engine table holding ``table`` typed, with its row numbers and failed-check bitmask."""
    return f"_keepwise_checked_{table}"


def _defaults(table: Table, settings: Settings) -> dict[str, str]:
    """How empty cells are filled (CONTRACT.md, per column), as SQL over the typed values."""
    currency = literal(settings.general.currency.upper())
    share = repr(float(settings.costs.cost_of_goods_share))
    return {
        "customers": {
            "language": "coalesce(lower(language), 'en')",
            "marketing_opt_in": "coalesce(marketing_opt_in, true)",
        },
        "orders": {
            "discount": "coalesce(discount, 0.0)",
            "cost_of_goods": f"coalesce(cost_of_goods, (revenue + coalesce(discount, 0.0)) * {share})",
            "currency": f"coalesce(upper(currency), {currency})",
            "status": "coalesce(status, 'completed')",
            "change_requests": "coalesce(change_requests, 0)",
        },
        "invoices": {
            "amount_paid": "coalesce(amount_paid, CASE WHEN paid_at IS NOT NULL THEN amount END)",
            "written_off": "coalesce(written_off, false)",
        },
        "incidents": {"confirmed": "coalesce(confirmed, false)"},
        "tickets": {"severity": "coalesce(severity, 'normal')"},
        "touches": {"control": "coalesce(control, false)", "cost": "coalesce(cost, 0.0)"},
    }.get(table.name, {})


@dataclass
class CheckedTable:
    """A source table typed in the engine, with what its checks found.

    ``checks_name(table)`` holds the typed values and one boolean column per check: a view over a
    Parquet file whose columns need no text parsing (nothing copied: every later query reads the file
    where it lies), else a table (text cells are parsed once). ``checked_name(table)`` is a view of it
    with the contract's defaults filled."""

    raw: RawTable
    table: Table
    plans: dict[str, ColumnPlan]
    relation: str  # the raw relation in the engine
    n_rows: int = 0
    events_after: int = 0  # rows dated after the as-of date (when one was given)
    first_after: int | None = None  # the first of them (0-based data row)
    several_currencies: bool = False
    # per (earlier, later) pair of the table's ``time_order``: the rows whose later time falls on an earlier day
    out_of_order: dict[tuple[str, str], int] = field(default_factory=dict)
    materialized: bool = False
    failed: dict[int, int] = field(default_factory=dict)  # per check (by id), the cells failing it


def checks_name(table: str) -> str:
    """The engine relation of ``table``'s typed values and one boolean column per check."""
    return f"_keepwise_checks_{table}"


def _check_column(position: int) -> str:
    return f"__keepwise_check_{position}"


def _raw_relation(con: duckdb.DuckDBPyConnection, raw: RawTable) -> str:
    name = f"_keepwise_raw_{raw.name}"
    if raw.parquet is not None:
        path = literal(str(raw.parquet))
        execute(con, f"CREATE OR REPLACE VIEW {quoted(name)} AS SELECT * EXCLUDE (file_row_number), "
                    f"file_row_number AS {ROW} FROM read_parquet({path}, file_row_number = true)")
    else:
        con.register(name, raw.arrow_with_rows())
    return name


def _drop_raw(con: duckdb.DuckDBPyConnection, raw: RawTable, relation: str) -> None:
    if raw.parquet is not None:
        execute(con, f"DROP VIEW IF EXISTS {quoted(relation)}")
    else:
        con.unregister(relation)


def _source_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {quoted(relation)}").fetchall()}


def _all_checks(plans: dict[str, ColumnPlan]) -> list[Check]:
    return [check for plan in plans.values() for check in (*plan.checks, *plan.range_checks)]


def _define_checks(con, checked: CheckedTable) -> None:
    """The typed values and every check as a boolean column, read from the source in one pass: a view
    when the source is Parquet needing no text parsing, else materialized once."""
    table, plans = checked.table, checked.plans
    checks = _all_checks(plans)
    position = {id(check): i for i, check in enumerate(checks)}
    names = [quoted(c.name) for c in table.columns]
    cells = ", ".join(f"{plans[c.name].cell} AS {n}" for c, n in zip(table.columns, names, strict=True))
    values, cell_checks, range_checks = [], [], []
    for column, name in zip(table.columns, names, strict=True):
        plan = plans[column.name]
        values.append(f"{plan.value.replace('{cell}', name)} AS {name}")
        for check in plan.checks:
            cell_checks.append(f"coalesce({check.bad.replace('{cell}', name)}, false) "
                               f"AS {_check_column(position[id(check)])}")
        for check in plan.range_checks:
            range_checks.append(f"coalesce({check.bad.replace('{value}', name)}, false) "
                                f"AS {_check_column(position[id(check)])}")
    typed = ", ".join([ROW, *values, *cell_checks])
    final = ", ".join([ROW, *names, *(_check_column(position[id(c)]) for plan in plans.values()
                                      for c in plan.checks), *range_checks])
    query = (f"WITH cells AS (SELECT {ROW}, {cells} FROM {quoted(checked.relation)}), "
             f"typed AS (SELECT {typed} FROM cells) SELECT {final} FROM typed")
    checked.materialized = checked.raw.parquet is None or any(plan.parses for plan in plans.values())
    kind = "TABLE" if checked.materialized else "VIEW"
    execute(con, f"CREATE OR REPLACE {kind} {quoted(checks_name(table.name))} AS {query}")


def _define_checked(con, checked: CheckedTable, settings: Settings, dropped: tuple[Column, ...] = ()) -> None:
    """The contract's typed table: defaults filled; ``dropped`` reference columns keep only known ids."""
    table = checked.table
    defaults = _defaults(table, settings)
    columns = []
    for column in table.columns:
        c = quoted(column.name)
        value = defaults.get(column.name, c)
        if column in dropped:
            target, key = column.references
            value = (f"CASE WHEN {c} IN (SELECT {quoted(key)} FROM {quoted(checks_name(target))} "
                     f"WHERE {quoted(key)} IS NOT NULL) THEN {c} END")
        columns.append(f"{value} AS {c}")
    execute(con, f"CREATE OR REPLACE VIEW {quoted(checked_name(table.name))} AS SELECT {ROW}, "
                f"{', '.join(columns)} FROM {quoted(checks_name(table.name))}")


def _value_at(con, checked: CheckedTable, column: str, rows: list[int]) -> dict[int, object]:
    """The source cells of ``column`` at ``rows``, as the file holds them (for messages)."""
    raw = checked.raw
    if raw.parquet is None:
        array = raw.columns[column]
        out = {}
        for row in rows:
            cell = array.slice(row, 1)
            out[row] = cell[0].as_py() if is_text(array.type) else as_text(cell)[0].as_py()
        return out
    listed = ", ".join(str(r) for r in rows)
    fetched = con.execute(f"SELECT {ROW}, CAST({quoted(column)} AS VARCHAR) FROM {quoted(checked.relation)} "
                          f"WHERE {ROW} IN ({listed})").fetchall()
    return {int(row): (value.strip(TRIMMED) if isinstance(value, str) else value) for row, value in fetched}


def _report_rows(con, log: ProblemLog, checked: CheckedTable, check: Check, rows: list[int], count: int) -> None:
    values = _value_at(con, checked, check.column.name, rows)
    for row in rows:
        if log.full:
            log.truncated = True
            return
        log.error(checked.raw.label, check.message, column=check.column.name, value=values.get(row),
                  expected=check.expected, **checked.raw.where(row))
    if count > MAX_EXAMPLES_PER_CHECK:
        log.truncated = True


def _unique_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.unique]


def _references(checked: CheckedTable, known: dict[str, int]) -> list[Column]:
    """The columns whose references can be checked: present, and naming a table whose ids are complete."""
    return [c for c in checked.table.columns
            if c.references and c.name in checked.raw.column_names and c.references[0] in known]


def _dangling(checked: CheckedTable, column: Column, stored: bool = False) -> str:
    """FROM clause of the rows (``a``) of the checks relation whose ``column`` names no row of the table
    it references: an anti-join, its hash table built on whichever side is smaller. ``stored``: the
    cells as the source holds them (the raw relation) instead."""
    target, key = column.references
    c = quoted(column.name)
    rows = checked.relation if stored else checks_name(checked.table.name)
    return (f"FROM {quoted(rows)} AS a ANTI JOIN {quoted(checks_name(target))} AS b "
            f"ON a.{c} = b.{quoted(key)} WHERE a.{c} IS NOT NULL")


def _count_dangling(con, checked: CheckedTable, column: Column, known: dict[str, int], settings: Settings,
                    stored: bool = False) -> int:
    """How many values of ``column`` name no row of the table it references (``_dangling``), counted on a
    connection of its own. When the referencing rows outnumber the referenced ones, the engine probes a
    hash table of the referenced ids with every referencing row: past the CPU's caches (1M customers) each
    probe waits on memory. With ``validation.partitioned_reference_probe`` the probe rows are first
    partitioned by hash (DuckDB's out-of-core join, held in memory), so that each part probes a part of the
    hash table that stays in cache: 20-25% less CPU at 1M customers, the same at 100k."""
    with con.cursor() as cursor:
        if settings.validation.partitioned_reference_probe and checked.raw.n_rows > known[column.references[0]]:
            cursor.execute("SET debug_force_external = true")
        return int(cursor.execute(f"SELECT count(*) {_dangling(checked, column, stored)}").fetchall()[0][0])


def _duplicates(con, relation: str, column: Column, dirty: str | None = None) -> tuple[int, int]:
    """How many values of ``column`` repeat an earlier one, and how many cells the ``dirty`` test finds
    (then the first count is not made). Ids usually come in increasing order (an
    export sorted by its key): then one ordered pass shows each id exceeds the one before it, so none
    repeats; a hash count of distinct values (5x the time on 15M ids) is the fallback. The pass is
    exact whatever order the engine streams the rows in: ids all greater than their predecessor in one
    sequence are distinct, and a second sequence would start with a NULL predecessor and fail."""
    c = quoted(column.name)
    dirt = f"count_if({dirty.replace('{cell}', c)})" if dirty else "0"
    present, increasing, dirty_cells = con.execute(
        f"SELECT count({c}), count_if({c} > previous), {dirt} FROM "
        f"(SELECT {c}, lag({c}) OVER () AS previous FROM {quoted(relation)})").fetchall()[0]
    if dirty_cells or not present or increasing == present - 1:
        return 0, int(dirty_cells or 0)
    repeats = con.execute(f"SELECT count({c}) - count(DISTINCT {c}) FROM {quoted(relation)}").fetchall()[0][0]
    return int(repeats), 0


def _number(bound: object) -> bool:
    return isinstance(bound, (int, float, Decimal)) and not isinstance(bound, bool)


def _proven(checked: CheckedTable, check: Check) -> bool:
    """True when the Parquet footer shows no cell fails ``check``: no NULL cell where an empty cell is a
    NULL one; the lower (upper) bound of the stored numbers within the range (a value is the number
    itself, or NULL for a bad one; NaN, never a bound, is not a value)."""
    stats = checked.raw.stats.get(check.column.name)
    if stats is None:
        return False
    if check.role == "null":
        return stats.nulls == 0
    if check.role == "min":
        return _number(stats.low) and stats.low >= check.column.minimum
    if check.role == "max":
        return _number(stats.high) and stats.high <= check.column.maximum
    return False


def _none_after(stats: ColumnStats | None, as_of: date) -> bool:
    """True when the footer's upper bound of a stored date or timestamp column is not after ``as_of``
    (its typed value is the stored one, a zoned one as UTC wall time; text bounds prove nothing)."""
    high = None if stats is None else stats.high
    if isinstance(high, datetime):
        if high.tzinfo is not None:
            high = high.astimezone(UTC).replace(tzinfo=None)
    elif isinstance(high, date):
        high = datetime.combine(high, time.min)
    else:
        return False
    return high <= end_of_day(as_of)


def _single_value(checked: CheckedTable, name: str) -> tuple[bool, str | None]:
    """(True, the value) when the footer shows every cell of a stored text column holds one same value
    (None: every cell is empty): its bounds are equal, and no cell, or every cell, is NULL."""
    stats = checked.raw.stats.get(name)
    if stats is None or stats.nulls is None:
        return False, None
    if stats.nulls == checked.raw.n_rows:
        return True, None
    if stats.nulls == 0 and isinstance(stats.low, str) and stats.low == stats.high:
        return True, stats.low
    return False, None


def _clean_by_footer(con, checked: CheckedTable) -> None:
    """Drop the ``dirty`` test of every stored text column whose footer shows it holds one value that
    passes the test (or only NULL cells): nothing of it is read to know it is clean."""
    for name, plan in checked.plans.items():
        if plan.dirty is None:
            continue
        single, value = _single_value(checked, name)
        if single and (value is None or not con.execute(
                f"SELECT coalesce({plan.dirty.replace('{cell}', 'c')}, false) FROM (SELECT CAST(? AS VARCHAR) AS c)",
                [value]).fetchall()[0][0]):
            checked.plans[name] = replace(plan, dirty=None)


def _count_problems(con, checked: CheckedTable, known: dict[str, int], as_of: date | None, log: ProblemLog,
                    settings: Settings) -> tuple[set[str], list[tuple[Column, int]]]:
    """Count every check and the as-of facts in one statement over the table, locate the rows of the checks
    that fail; then count the dangling references. Returns the stored text columns found dirty (then nothing
    is reported: the caller checks them again with their full plans), and the reference columns with how
    many values dangle.

    What the Parquet footer proves is not counted. A stored text column is shown clean where it is read
    anyway: beside the ordered pass of a unique id; by its references (a value found among another
    table's ids, trimmed and not empty, is trimmed and not empty itself), or among the counts."""
    table = checked.table
    name = quoted(checks_name(table.name))
    checks = _all_checks(checked.plans)
    references = _references(checked, known)
    dirty = {column: plan.dirty for column, plan in checked.plans.items() if plan.dirty}
    by_reference = [c for c in references if c.name in dirty and c.references[0] != table.name]
    unique = _unique_columns(table)
    among_counts = [n for n in dirty if n not in {c.name for c in (*by_reference, *unique)}]
    counted = [i for i, check in enumerate(checks) if not _proven(checked, check)]
    # Each count filters the relation on its own: over Parquet the filter runs inside the scan (on a
    # column's dictionary where it has one), 5x cheaper than count_if of every check in one pass.
    parts = [("count(*)", None), *(("count(*)", _check_column(i)) for i in counted),
             *(("count(*)", dirty[n].replace('{cell}', quoted(n))) for n in among_counts)]
    event = table.event_time
    count_after = as_of is not None and event and not _none_after(checked.raw.stats.get(event), as_of)
    if count_after:
        after = f"{quoted(event)} > CAST({literal(end_of_day(as_of).isoformat(sep=' '))} AS TIMESTAMP)"
        parts.append((f"count(*), min({ROW})", after))
    currency = _defaults(table, settings).get("currency")
    # One stored currency (the check above shows it clean) needs no count.
    count_currencies = currency and not (checked.plans["currency"].cell == quoted("currency")
                                         and _single_value(checked, "currency")[0])
    if count_currencies:
        parts.append((f"min({currency}), max({currency})", None))
    # Times out of order, every pair of the table in one pass over its time columns.
    ordered = [(earlier, later) for earlier, later in table.time_order if later in checked.raw.column_names]
    if ordered:
        parts.append((", ".join(f"count_if({_before(*pair)})" for pair in ordered), None))
    # The ordered pass for unique ids runs on one core: it, and the references shown by their values, run
    # beside the counts, each on a connection of its own.
    def beside_the_counts(query, *args):
        with con.cursor() as cursor:
            return query(cursor, *args)

    with ThreadPoolExecutor(max_workers=2) as beside:
        duplicates = {c.name: beside.submit(beside_the_counts, _duplicates, checks_name(table.name), c,
                                            dirty.get(c.name)) for c in unique}
        dangling_stored = {c.name: beside.submit(_count_dangling, con, checked, c, known, settings, stored=True)
                           for c in by_reference}
        values = list(con.execute("SELECT * FROM " + ", ".join(
            f"(SELECT {aggregates} FROM {name}" + (f" WHERE {where})" if where else ")")
            for aggregates, where in parts)).fetchall()[0])
        duplicates = {column: future.result() for column, future in duplicates.items()}
        dangling_stored = {column: future.result() for column, future in dangling_stored.items()}
    checked.n_rows = int(values.pop(0))
    checked.failed = {id(check): 0 for check in checks}
    for i in counted:
        checked.failed[id(checks[i])] = int(values.pop(0) or 0)
    found_dirty = {n for n in among_counts if values.pop(0)}
    found_dirty |= {n for n, (_, dirty_cells) in duplicates.items() if dirty_cells}
    found_dirty |= {n for n, count in dangling_stored.items() if count}
    if found_dirty:
        return found_dirty, []
    if count_after:
        checked.events_after = int(values.pop(0) or 0)
        first = values.pop(0)
        checked.first_after = None if first is None else int(first)
    if count_currencies:
        low, high = values.pop(0), values.pop(0)
        checked.several_currencies = low != high
    for pair in ordered:
        checked.out_of_order[pair] = int(values.pop(0) or 0)
    # In the order the contract lists the columns: a column's cell checks, its range, its duplicates.
    order = {id(check): i for i, check in enumerate(checks)}
    for column in table.columns:
        plan = checked.plans[column.name]
        for check in (*plan.checks, *plan.range_checks):
            position = order[id(check)]
            count = checked.failed[id(check)]
            if not count:
                continue
            rows = [int(r[0]) for r in con.execute(
                f"SELECT {ROW} FROM {name} WHERE {_check_column(position)} ORDER BY {ROW} "
                f"LIMIT {MAX_EXAMPLES_PER_CHECK}").fetchall()]
            _report_rows(con, log, checked, check, rows, count)
        if column.name in duplicates and duplicates[column.name][0]:
            _report_duplicates(con, checked, column, log)
    return set(), [(c, dangling_stored[c.name] if c.name in dangling_stored else
                    _count_dangling(con, checked, c, known, settings)) for c in references]


def _before(earlier: str, later: str) -> str:
    """SQL: the row's ``later`` time falls on a day before its ``earlier`` one (a day, not a moment: a date
    without a time of day is 00:00, and a delivery dated the day of an order placed at 10:00 is in order),
    that is before the start of ``earlier``'s day."""
    return f"{quoted(later)} < date_trunc('day', {quoted(earlier)})"


def _report_duplicates(con, checked: CheckedTable, column: Column, log: ProblemLog) -> None:
    c = quoted(column.name)
    found = con.execute(
        f"SELECT {ROW}, {c}, first FROM (SELECT {ROW}, {c}, min({ROW}) OVER (PARTITION BY {c}) AS first "
        f"FROM {quoted(checks_name(checked.table.name))} WHERE {c} IS NOT NULL) WHERE {ROW} > first "
        f"ORDER BY {ROW} LIMIT {MAX_EXAMPLES_PER_CHECK}"
    ).fetchall()
    for row, value, first in found:
        log.error(checked.raw.label, f"duplicate {column.name} (first on row {int(first) + 1})", column=column.name,
                  value=value, expected=f"each {column.name} once", **checked.raw.where(int(row)))
        if log.full:
            return


def _report_references(con, checked: CheckedTable, dangling: list[tuple[Column, int]],
                       log: ProblemLog) -> tuple[Column, ...]:
    """Locate the references that dangle; returns the columns whose unknown values are to be dropped."""
    dropped = []
    for column, count in dangling:
        if not count:
            continue
        target_table, target_column = column.references
        c = quoted(column.name)
        found = con.execute(f"SELECT a.{ROW}, a.{c} {_dangling(checked, column)} ORDER BY a.{ROW} "
                            f"LIMIT {MAX_EXAMPLES_PER_CHECK}").fetchall()
        singular = target_table.rstrip("s")
        if column.reference_is_error:
            for row, value in found:
                log.error(checked.raw.label, f"unknown {column.name}: no such {singular} in {target_table}",
                          column=column.name, value=value, expected=f"a {target_column} present in {target_table}",
                          **checked.raw.where(int(row)))
                if log.full:
                    break
        else:
            row, value = found[0]
            log.warning(checked.raw.label,
                        f"{count} {column.name} value(s) name no known {singular}; treated as empty",
                        column=column.name, value=value, **checked.raw.where(int(row)))
            dropped.append(column)  # unknown referrers are dropped, as the warning says
    return tuple(dropped)


def _pass_clean_values(checked: CheckedTable) -> bool:
    """Let every later query read a column's stored value as it is where no cell of it failed a bad-cell
    check (no non-finite number to hide): True when some column's value became its cell."""
    changed = False
    for name, plan in checked.plans.items():
        if plan.clean_value is not None and plan.value != plan.clean_value and not any(
                checked.failed.get(id(check)) for check in plan.checks if check.role == "cell"):
            checked.plans[name] = replace(plan, value=plan.clean_value)
            changed = True
    return changed


def check_table(con: duckdb.DuckDBPyConnection, raw: RawTable, table: Table, known: dict[str, int],
                log: ProblemLog, settings: Settings, as_of: date | None = None) -> CheckedTable | None:
    """Type and check one source table in the engine; None when a required column is missing or the
    table cannot be read.

    ``known`` names the tables whose ids are complete, with their rows; this one is added when it is,
    before its own references are checked, so a table may reference itself (referred_by)."""
    missing = [c.name for c in table.columns if c.required and c.name not in raw.column_names]
    for name in missing:
        log.error(raw.label, "missing required column", line=1 if raw.is_csv else None, column=name,
                  expected="columns " + ", ".join(c.name for c in table.columns if c.required))
    extra = [name for name in raw.column_names if name not in table.column_index]
    if extra:
        log.warning(raw.label, "extra column(s) ignored: " + ", ".join(extra), line=1 if raw.is_csv else None)
    if missing:
        return None
    relation = _raw_relation(con, raw)
    keep_raw = False
    try:
        types = _source_types(con, relation)
        plans = {c.name: column_plan(c, types.get(c.name), as_stored=raw.parquet is not None)
                 for c in table.columns}
        checked = CheckedTable(raw, table, plans, relation)
        if raw.complete and table.unique_id is not None:
            known[table.name] = raw.n_rows
        try:
            _clean_by_footer(con, checked)
            _define_checks(con, checked)
            dirty, dangling = _count_problems(con, checked, known, as_of, log, settings)
            if dirty:  # the full plan for the dirty columns; the other stored ones are shown clean
                checked.plans = {c.name: column_plan(c, types.get(c.name)) if c.name in dirty
                                 else replace(plans[c.name], dirty=None) for c in table.columns}
                _define_checks(con, checked)
                dirty, dangling = _count_problems(con, checked, known, as_of, log, settings)
            if not checked.materialized and _pass_clean_values(checked):
                _define_checks(con, checked)
        except duckdb.Error as error:
            known.pop(table.name, None)
            log.error(raw.label, f"not a readable table: {str(error).splitlines()[0]}")
            return None
        _define_checked(con, checked, settings, _report_references(con, checked, dangling, log))
        keep_raw = not checked.materialized
    finally:
        if not keep_raw:
            _drop_raw(con, raw, relation)
    return checked


def _checked_value(con, checked: CheckedTable, column: str, row: int):
    """The cell of ``column`` at ``row`` of a checked table, for a warning: as the file holds it for a CSV
    file's text, else the typed value (a Parquet file's raw relation may be gone)."""
    if checked.raw.parquet is None and column in checked.raw.columns:
        return _value_at(con, checked, column, [row])[row]
    return con.execute(f"SELECT CAST({quoted(column)} AS VARCHAR) FROM {quoted(checks_name(checked.table.name))} "
                       f"WHERE {ROW} = {row}").fetchall()[0][0]


def warn_events_after(con, checked: CheckedTable, as_of: date, log: ProblemLog) -> None:
    """Events dated after the as-of date are kept out of the analysis; say how many."""
    column = checked.table.event_time
    if not column or not checked.events_after:
        return
    first = checked.first_after
    value = _checked_value(con, checked, column, first)
    log.warning(checked.raw.label,
                f"{checked.events_after} row(s) dated after the as-of date {as_of.isoformat()}; they are left out",
                column=column, value=value, **checked.raw.where(first))


def warn_out_of_order(con, checked: CheckedTable, log: ProblemLog) -> None:
    """Rows whose times are out of order (``Table.time_order``) are kept as they are; say how many, and
    show the first (located only now: the counts found some)."""
    for (earlier, later), count in checked.out_of_order.items():
        if not count:
            continue
        first = int(con.execute(f"SELECT min({ROW}) FROM {quoted(checks_name(checked.table.name))} "
                                f"WHERE {_before(earlier, later)}").fetchall()[0][0])
        values = {column: _checked_value(con, checked, column, first) for column in (earlier, later)}
        log.warning(checked.raw.label, f"{count} row(s) with {later} on a day before {earlier}; kept as they are",
                    column=later, value=values[later], expected=f"not before {earlier} ({values[earlier]})",
                    **checked.raw.where(first))


def warn_mixed_currencies(con, checked: CheckedTable, log: ProblemLog) -> None:
    if not checked.several_currencies:
        return
    counts = con.execute(
        f"SELECT currency, count(*) FROM {quoted(checked_name(checked.table.name))} GROUP BY currency "
        f"ORDER BY min({ROW})").fetchall()
    listed = ", ".join(f"{currency} ({n} orders)" for currency, n in counts)
    log.warning(checked.raw.label,
                f"orders in several currencies: {listed}; money figures are summed as if one currency",
                column="currency")

