"""Customers' names, looked up by id: what a person reads beside an id in a table."""

from __future__ import annotations

from keepwise.data.loader import Dataset


def customer_names(ds: Dataset, ids: list[str]) -> dict[str, str]:
    """``{customer_id: name}`` of the given customers that have a name (none when there is no customers table)."""
    if not ids or "customers" not in ds.present:
        return {}
    customers = ds.table("customers")
    rows = customers.filter(customers.customer_id.isin(ids) & customers.name.notnull()).select(
        "customer_id", "name").execute()
    return dict(zip(rows["customer_id"].astype(str), rows["name"].astype(str), strict=True))
