"""The store: migrations up and down, import (idempotent, all-or-nothing), the audit log, and the
store read back as a keepwise data source."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from keepwise.config import load_settings
from keepwise.data.loader import load
from keepwise.data.problems import DataError
from keepwise.data.schema import TABLES
from keepwise.store import open_store
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.migrate import current_revision, downgrade, head_revision, upgrade
from keepwise.store.models import AuditEntry
from keepwise.store.services import imports
from keepwise.store.services.base import Actor

from datafactory import valid_tables, write_csv_folder

KEEPWISE = [sys.executable, "-m", "keepwise"]
APP_TABLES = {"users", "api_tokens", "assessment_runs", "run_decisions", "action_decisions", "staff_notes",
              "assignments", "complaint_cases", "audit_log"}


def _dump(store) -> dict[str, list[tuple]]:
    """Every contract row, sorted: two stores with the same dump hold the same data."""
    out = {}
    with store.engine.connect() as connection:
        for name, table in CONTRACT_TABLES.items():
            rows = connection.execute(sa.select(table)).all()
            out[name] = sorted(tuple("" if v is None else str(v) for v in row) for row in rows)
    return out


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _check_up_and_down(store) -> None:
    assert current_revision(store.engine) == head_revision()
    assert set(TABLES) | APP_TABLES <= _tables(store.engine)
    for name, table in TABLES.items():  # the contract's columns, by name, in order
        assert [c["name"] for c in sa.inspect(store.engine).get_columns(name)] == table.names
    downgrade(store.engine)
    assert current_revision(store.engine) is None
    assert _tables(store.engine) - {"alembic_version"} == set()
    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    assert set(TABLES) | APP_TABLES <= _tables(store.engine)


def test_migrations_up_and_down_sqlite(tmp_path):
    _check_up_and_down(open_store(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path))


def test_migrations_up_and_down_postgres(pg_url, tmp_path):
    _check_up_and_down(open_store(pg_url, tmp_path))


def test_the_store_names_and_creates_its_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("KEEPWISE_DATABASE_URL", raising=False)
    store = open_store(folder=tmp_path / "new-dir")
    assert (tmp_path / "new-dir" / "store.sqlite").is_file()
    assert store.source == str(tmp_path / "new-dir" / "store.sqlite")


def _import(store, folder: Path) -> dict[str, int]:
    with store.sessions() as session:
        return imports.import_source(session, Actor.system(), str(folder), load_settings())


def test_import_twice_gives_the_same_store_and_an_update_updates(tmp_path):
    tables = valid_tables()
    folder = write_csv_folder(tmp_path / "data", tables)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    _import(store, folder)
    first = _dump(store)
    assert len(first["customers"]) == 3 and len(first["exit_surveys"]) == 1
    _import(store, folder)
    assert _dump(store) == first
    # An updated source: a changed order and a changed exit-survey comment update, never duplicate.
    tables["orders"][0]["revenue"] = "123.00"
    tables["exit_surveys"][0]["comment"] = "very slow"
    _import(store, write_csv_folder(tmp_path / "data2", tables))
    after = _dump(store)
    assert len(after["orders"]) == 3 and len(after["exit_surveys"]) == 1
    with store.engine.connect() as c:
        assert c.scalar(sa.text("SELECT revenue FROM orders WHERE order_id = 'O1'")) == 123.0
        assert c.scalar(sa.text("SELECT comment FROM exit_surveys")) == "very slow"


def test_the_store_is_a_valid_keepwise_source_with_the_same_data(tmp_path):
    folder = write_csv_folder(tmp_path / "data", valid_tables())
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    _import(store, folder)
    direct, stored = load(folder), load(store.source)
    assert not stored.warnings  # no extra columns, nothing odd: the contract's tables as they are
    for name in TABLES:
        a = direct.table(name).execute().sort_values(TABLES[name].names[0]).reset_index(drop=True)
        b = stored.table(name).execute().sort_values(TABLES[name].names[0]).reset_index(drop=True)
        assert a.astype(str).equals(b.astype(str)), name


def test_a_failed_import_changes_nothing(tmp_path):
    tables = valid_tables()
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    _import(store, write_csv_folder(tmp_path / "good", tables))
    before = _dump(store)
    tables["orders"][0]["revenue"] = "999"  # would change a row, but ...
    tables["invoices"][0]["due_at"] = "not a date"  # ... the source is invalid
    with pytest.raises(DataError):
        _import(store, write_csv_folder(tmp_path / "bad", tables))
    assert _dump(store) == before


def test_cli_import_of_an_invalid_source_prints_the_validate_problems_and_writes_nothing(tmp_path):
    tables = valid_tables()
    tables["orders"][1]["ordered_at"] = "yesterday"
    bad = write_csv_folder(tmp_path / "bad", tables)
    validate = subprocess.run([*KEEPWISE, "validate", str(bad)], capture_output=True, text=True, timeout=300)
    result = subprocess.run([*KEEPWISE, "import", str(bad), "--data-dir", str(tmp_path / "dd")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == validate.returncode == 2
    problem_lines = [line for line in validate.stderr.splitlines() if line.startswith("error:")]
    assert problem_lines and all(line in result.stderr for line in problem_lines)
    with sqlite3.connect(tmp_path / "dd" / "store.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_import_into_postgres_is_idempotent_and_readable_as_a_source(pg_url, tmp_path):
    folder = write_csv_folder(tmp_path / "data", valid_tables())
    store = open_store(pg_url, tmp_path)
    _import(store, folder)
    first = _dump(store)
    _import(store, folder)
    assert _dump(store) == first
    assert load(store.source).row_count("orders") == 3


def test_the_audit_log_is_append_only(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    _import(store, write_csv_folder(tmp_path / "data", valid_tables()))
    with store.sessions() as session:
        entry = session.scalar(sa.select(AuditEntry))
        assert entry.action == "data.import" and entry.username == "cli"
    with store.engine.begin() as connection, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        connection.execute(sa.text("UPDATE audit_log SET username = 'x'"))
    with store.engine.begin() as connection, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        connection.execute(sa.text("DELETE FROM audit_log"))


def test_the_audit_log_is_append_only_in_postgres(pg_url, tmp_path):
    store = open_store(pg_url, tmp_path)
    _import(store, write_csv_folder(tmp_path / "data", valid_tables()))
    with store.engine.begin() as connection, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        connection.execute(sa.text("DELETE FROM audit_log"))


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_open_complaints_of_the_same_moment_come_by_ticket_id_byte_by_byte(request, tmp_path, monkeypatch, database):
    """Newest first, then by ticket id from the last, compared byte by byte on either database ("T-B" before "T-a",
    which a language's collation on PostgreSQL would turn round; this server's compares bytes)."""
    from datetime import datetime

    from keepwise.store.services import casework, customers, users

    url = f"sqlite:///{tmp_path / 's.sqlite'}" if database == "sqlite" else request.getfixturevalue("pg_url")
    store = open_store(url, tmp_path)
    _import(store, write_csv_folder(tmp_path / "data", valid_tables()))
    made = iter(["T-a", "T-b", "T-B"])
    monkeypatch.setattr(casework, "now", lambda: datetime(2026, 1, 5, 9, 0))
    monkeypatch.setattr(casework, "new_id", lambda prefix: next(made))
    with store.sessions() as session:
        agent = Actor.of(users.add_user(session, Actor.system(), "agent", "agent", "a-long-passphrase-9", "Agent"))
        for subject in ("first", "second", "third"):
            casework.log_complaint(session, agent, "C1", channel="phone", severity="normal", description=subject,
                                   targets=load_settings().service_targets)
        listed = [case["case"].ticket_id for case in customers.customer_view(session, "C1").open_complaints]
    assert listed == ["T-b", "T-a", "T-B"]
