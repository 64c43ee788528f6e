"""docs/contract.md is the schema as `keepwise schema` prints it: generated, never edited by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from keepwise.data.schema import TABLES, describe

CONTRACT_DOC = Path(__file__).resolve().parent.parent / "docs" / "contract.md"


def test_contract_doc_is_current():
    assert CONTRACT_DOC.read_text(encoding="utf-8") == describe(), (
        "docs/contract.md is out of date: regenerate it with `keepwise schema > docs/contract.md`"
    )


def test_contract_doc_documents_every_table_and_column():
    text = describe()
    for table in TABLES.values():
        assert f"## {table.name} — " in text
        for column in table.columns:
            assert f"\n| {column.name} | " in text, (table.name, column.name)
    assert "## Default costs" in text
    # Every table row has exactly the four cells of its header (choices' '|' are escaped).
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(line.replace("\\|", "").count("|") == 5 for line in rows)


def test_schema_command_prints_the_markdown_unwrapped_when_piped():
    # A narrow terminal width must not wrap what goes to a pipe.
    result = subprocess.run([sys.executable, "-m", "keepwise", "schema"], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "COLUMNS": "40"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == describe()

