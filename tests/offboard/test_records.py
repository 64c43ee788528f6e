"""One customer's records: oldest first, and rows of the same moment by their id, whatever the file's order."""

from __future__ import annotations

from datetime import date

import pytest

from keepwise.data import load
from keepwise.offboard import customer_records

from datafactory import valid_tables, write_csv_folder


@pytest.mark.parametrize("reverse", [False, True])
def test_records_of_the_same_moment_come_by_id_whatever_the_files_order(tmp_path, reverse):
    tables = valid_tables()
    invoices = [{"invoice_id": invoice_id, "customer_id": "C1", "issued_at": "2024-05-01", "due_at": "2024-05-31",
                 "amount": amount, "paid_at": "", "amount_paid": "", "written_off": ""}
                for invoice_id, amount in (("I3", "30"), ("I4", "40"), ("I5", "50"))]
    earlier = {**invoices[0], "invoice_id": "I9", "issued_at": "2024-04-01", "due_at": "2024-04-30"}
    tables["invoices"] = [*(reversed(invoices) if reverse else invoices), earlier]
    records = customer_records(load(write_csv_folder(tmp_path / "d", tables), date(2024, 12, 31)), "C1",
                               date(2024, 12, 31))
    assert records.invoices["invoice_id"].tolist() == ["I9", "I3", "I4", "I5"]
