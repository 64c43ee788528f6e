"""``highlights``: the headline figures the report renders, built from the stages' functions, on the tiny business."""

from __future__ import annotations

from datetime import date

from keepwise.data import load
from keepwise.pipeline import analyse

from datafactory import valid_tables, write_csv_folder

AS_OF = date(2024, 12, 31)


def test_highlights_of_the_tiny_business(tmp_path):
    ds = load(write_csv_folder(tmp_path / "tiny", valid_tables()), AS_OF)
    result = analyse(ds, AS_OF)
    h = result.highlights
    # Three customers, every one listed somewhere, each with the name the customers table gives.
    assert h.customer_names == {"C1": "Ada", "C2": "Bahram", "C3": "Вера"}
    assert len(h.urgent) == 3 and set(h.urgent["name"]) == {"Ada", "Bahram", "Вера"}
    # C1 was delivered late once, made a substantiated complaint and returned a defective product.
    assert h.hurt_most["customer_id"].tolist() == ["C1"]
    assert h.hurt_most["failures"].tolist() == [3]
    assert (h.customers_hurt.late, h.customers_hurt.complained, h.customers_hurt.defective) == (1, 1, 1)
    assert h.service.totals["n_late"] == 1.0
    assert h.action_summary["customers"].sum() == 3
    # One customer who ever bought: too few for a tracking check, which says so.
    assert result.tracking.weeks is None and result.tracking.unavailable == "tracking.unavailable.few_customers"
    assert result.tracking.unavailable_values["needed"] == 50
