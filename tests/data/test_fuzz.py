"""Malformed input never crashes the loader: it is either loaded or reported as problems."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from keepwise.config import load_settings
from keepwise.data.loader import validate_source

from datafactory import valid_tables, write_csv_folder

SETTINGS = load_settings()
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2025-13-45", "-1", "1e400", "nan", "true", "O1", "C1", '"', "\n", ",", "\x00"]),
)


def _check(folder: Path) -> None:
    tables, log, _ = validate_source(folder, settings=SETTINGS)
    for problem in log.problems:
        assert problem.file and problem.message  # every problem says where and what
    if not log.errors:
        # Data that passed must honour the contract: unique order ids, every order's customer known.
        orders, customers = tables["orders"], tables["customers"]
        order_ids = orders.column("order_id").to_pylist()
        assert None not in order_ids and len(set(order_ids)) == len(order_ids)
        known = set(customers.column("customer_id").to_pylist())
        assert set(orders.column("customer_id").to_pylist()) <= known


# derandomize: CI runs the same examples every time (a red CI must be reproducible); run with
# --hypothesis-seed=random locally to explore further.
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
@example(raw=b"a\rb,c\n1,2\n")  # a bare carriage return in the header once crashed the header parse
@example(raw=b"order_id,customer_id\n\"unterminated\rx,1\n")
@example(raw=b"order_id,customer_id,ordered_at,revenue\n\r\nO1\nC1\xff11\r\xff1\t\n")  # once hung arrow
def test_arbitrary_bytes_as_orders_csv(raw):
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_csv_folder(Path(tmp), valid_tables())
        (folder / "orders.csv").write_bytes(raw)
        _check(folder)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    cells=st.lists(st.lists(CELL, min_size=0, max_size=13), min_size=0, max_size=6),
    header_cut=st.integers(min_value=0, max_value=11),
)
def test_mangled_rows_in_orders_csv(cells, header_cut):
    import csv

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_csv_folder(Path(tmp), valid_tables())
        header = ["order_id", "customer_id", "ordered_at", "revenue", "discount", "cost_of_goods", "currency",
                  "status", "change_requests", "promised_at", "delivered_at"]
        with (folder / "orders.csv").open("w", newline="", encoding="utf-8", errors="replace") as handle:
            writer = csv.writer(handle)
            writer.writerow(header[: max(1, len(header) - header_cut)])
            writer.writerows(cells)
        _check(folder)
