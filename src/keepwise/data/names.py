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


def with_name(identifier: str, name: str | None) -> str:
    """An id as a list shows one: the name beside it when there is one (``C000095 · Liam de Vries``)."""
    return f"{identifier} · {name}" if name else identifier


def customer_label(customer_id: str, names: Mapping[str, str]) -> str:
    """A customer as a list shows one: the id, and the name beside it when there is one."""
    return with_name(customer_id, names.get(customer_id))
