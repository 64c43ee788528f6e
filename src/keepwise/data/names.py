"""Customers' names, looked up by id: what a person reads beside an id in a table."""

from __future__ import annotations

from collections.abc import Mapping

from keepwise.data.loader import Dataset


def customer_names(ds: Dataset, ids: list[str]) -> dict[str, str]:
    """``{customer_id: name}`` of the given customers that have a name (none when there is no customers table)."""
    if not ids or "customers" not in ds.present:
        return {}
    customers = ds.table("customers")
    rows = customers.filter(customers.customer_id.isin(ids) & customers.name.notnull()).select(
        "customer_id", "name").execute()
    return dict(zip(rows["customer_id"].astype(str), rows["name"].astype(str), strict=True))


def customer_label(customer_id: str, names: Mapping[str, str]) -> str:
    """A customer as a list shows one: the id, and the name beside it when there is one (``C000095 · Liam de
    Vries``)."""
    name = names.get(customer_id)
    return f"{customer_id} · {name}" if name else customer_id
