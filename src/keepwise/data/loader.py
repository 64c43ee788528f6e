"""Load a data source into DuckDB as typed tables, validating everything first.

``load`` is the only way data enters keepwise: every later stage reads the ibis
tables of the returned ``Dataset``. On any error nothing is loaded and ``DataError``
lists every problem found (up to the configured limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.config import Settings, load_settings
from keepwise.data.problems import Problem, ProblemLog
from keepwise.data.schema import TABLES, Table
from keepwise.data.sources import RawTable, read_source
from keepwise.data.validate import (
    arrow_type,
    check_table,
    warn_events_after,
    warn_mixed_currencies,
)


@dataclass
class Dataset:
    """The validated input, as typed DuckDB tables behind ibis."""

    con: ibis.BaseBackend
    source: str
    as_of: date | None
    settings: Settings
    warnings: list[Problem] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # tables the source actually had

    def table(self, name: str) -> ibis.Table:
        return self.con.table(name)

    @property
    def duckdb(self):
        """The raw DuckDB connection, for the few steps ibis cannot express."""
        return self.con.con

    def row_count(self, name: str) -> int:
        return int(self.table(name).count().execute())


def _fill(values: pa.Array, default) -> pa.Array:
    return pc.fill_null(values, default)


def apply_defaults(name: str, typed: dict[str, pa.Array], settings: Settings) -> dict[str, pa.Array]:
    """Fill empty cells as the contract says (docs/contract.md, per column)."""
    out = dict(typed)
    if name == "customers":
        out["language"] = _fill(pc.utf8_lower(out["language"]), "en")
        out["marketing_opt_in"] = _fill(out["marketing_opt_in"], True)
    elif name == "orders":
        out["discount"] = _fill(out["discount"], 0.0)
        list_price = pc.add(out["revenue"], out["discount"])
        share = settings.costs.cost_of_goods_share
        out["cost_of_goods"] = pc.coalesce(out["cost_of_goods"], pc.multiply(list_price, share))
        out["currency"] = _fill(pc.utf8_upper(out["currency"]), settings.general.currency.upper())
        out["status"] = _fill(out["status"], "completed")
        out["change_requests"] = _fill(out["change_requests"], 0)
    elif name == "invoices":
        paid_in_full = pc.if_else(pc.is_valid(out["paid_at"]), out["amount"], pa.scalar(None, pa.float64()))
        out["amount_paid"] = pc.coalesce(out["amount_paid"], paid_in_full)
        out["written_off"] = _fill(out["written_off"], False)
    elif name == "incidents":
        out["confirmed"] = _fill(out["confirmed"], False)
    elif name == "tickets":
        out["severity"] = _fill(out["severity"], "normal")
    elif name == "touches":
        out["control"] = _fill(out["control"], False)
        out["cost"] = _fill(out["cost"], 0.0)
    return out


def _drop_unknown_referrers(typed: dict[str, pa.Array], known: dict[str, pa.Array]) -> None:
    referred = typed["referred_by"]
    is_known = pc.fill_null(pc.is_in(referred, value_set=known["customers.customer_id"]), False)
    typed["referred_by"] = pc.if_else(is_known, referred, pa.scalar(None, pa.string()))


def _keep_until(table: Table, typed: dict[str, pa.Array], as_of: date) -> dict[str, pa.Array]:
    if not table.event_time:
        return typed
    limit = pa.scalar(datetime.combine(as_of, datetime.max.time()), type=pa.timestamp("us"))
    keep = pc.fill_null(pc.less_equal(typed[table.event_time], limit), False)
    return {name: pc.filter(values, keep) for name, values in typed.items()}


def empty_table(table: Table) -> pa.Table:
    return pa.table({c.name: pa.array([], type=arrow_type(c)) for c in table.columns})


def validate_source(
    source: str | Path, as_of: date | None = None, settings: Settings | None = None
) -> tuple[dict[str, pa.Table], ProblemLog, set[str]]:
    """Read and check every table; returns typed arrow tables (empty ones for absent tables)."""
    settings = settings or load_settings()
    log = ProblemLog(settings.validation.max_problems)
    raw_tables, label = read_source(source, log)
    present = set(raw_tables)
    source_unreadable = not raw_tables and bool(log.errors)  # already said why; no cascade of "missing"
    for name, table in TABLES.items():
        if source_unreadable:
            break
        if table.required and name not in raw_tables and not any(
            p.file.startswith(name) for p in log.errors
        ):
            folder_like = not str(source).startswith(("postgres", "/dev")) and Path(source).is_dir()
            where = f"{name}.csv" if folder_like else f"{name} (table in {label})"
            log.error(where, f"required table '{name}' is missing", expected=f"{name}.csv or {name}.parquet")

    known: dict[str, pa.Array] = {}
    typed_tables: dict[str, pa.Table] = {}
    # Order matters: customers then orders first, so references can be checked.
    for name, table in TABLES.items():
        # Popped, so that each raw table is freed once typed (on 1M customers, gigabytes).
        raw: RawTable | None = raw_tables.pop(name, None)
        if raw is None:
            typed_tables[name] = empty_table(table)
            continue
        typed = check_table(raw, table, known, log)
        if typed is None:
            continue
        if name == "customers":
            _drop_unknown_referrers(typed, known)
        if name == "orders":
            warn_mixed_currencies(raw, typed, settings.general.currency, log)
        if as_of is not None:
            warn_events_after(raw, table, typed, as_of, log)
            typed = _keep_until(table, typed, as_of)
        typed = apply_defaults(name, typed, settings)
        typed_tables[name] = pa.table({c.name: typed[c.name] for c in table.columns})
    return typed_tables, log, present


def load(
    source: str | Path,
    as_of: date | None = None,
    settings: Settings | None = None,
    con: ibis.BaseBackend | None = None,
) -> Dataset:
    """Validate ``source`` and load it into DuckDB; raises ``DataError`` listing every problem."""
    settings = settings or load_settings()
    typed_tables, log, present = validate_source(source, as_of, settings)
    log.raise_if_errors()
    con = con or ibis.duckdb.connect()
    for name in list(typed_tables):
        table = typed_tables.pop(name)  # freed once DuckDB holds its copy
        # Plain DuckDB DDL: ibis 12's overwrite path emits SQL that DuckDB 2.0 rejects.
        con.con.register(f"_keepwise_load_{name}", table)
        con.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "_keepwise_load_{name}"')
        con.con.unregister(f"_keepwise_load_{name}")
        del table
    return Dataset(con, str(source), as_of, settings, log.warnings, present)
