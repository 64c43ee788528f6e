"""The command line, run as a user runs it: a real process, exit codes, what is printed and written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from datafactory import valid_tables, write_csv_folder

KEEPWISE = [sys.executable, "-m", "keepwise"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=300)


def test_help_lists_every_command_and_version_works():
    result = run("--help")
    assert result.returncode == 0
    for command in ("schema", "validate", "sample"):
        assert command in result.stdout
    assert run("--version").stdout.strip().startswith("keepwise ")


def test_schema_prints_every_table_from_the_contract():
    from keepwise.data.schema import TABLES

    out = run("schema").stdout
    for table in TABLES.values():
        assert f"## {table.name}" in out
        for column in table.columns:
            assert f"| {column.name} |" in out


def test_validate_bad_date_exits_2_naming_the_cell(tmp_path):
    tables = valid_tables()
    tables["orders"][1]["ordered_at"] = "2025-13-45"
    result = run("validate", str(write_csv_folder(tmp_path / "d", tables)))
    assert result.returncode == 2
    assert "orders.csv, row 2 (line 3), column ordered_at" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_good_data_exits_0(cdnow_dir: Path):
    result = run("validate", str(cdnow_dir))
    assert result.returncode == 0, result.stderr
    assert "6,919" in result.stdout
