"""One customer's own records, as small frames: what letters and gestures cite.

Only this customer's rows leave the engine (a filter on ``customer_id`` per table), so a letter
costs the same on a business of a hundred customers or a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.schema import TABLES

__all__ = ["CustomerRecords", "UnknownCustomer", "customer_exists", "customer_records"]

_TABLES = ("orders", "returns", "invoices", "tickets", "incidents", "touches")
_TIME = {
    "orders": "ordered_at",
    "returns": "returned_at",
    "invoices": "issued_at",
    "tickets": "opened_at",
    "incidents": "occurred_at",
    "touches": "at",
}


class UnknownCustomer(KeyError):
    """No customer with this id in the data."""

    def __init__(self, customer_id: str):
        super().__init__(customer_id)
        self.customer_id = customer_id

    def __str__(self) -> str:
        return f"no customer '{self.customer_id}' in the data"


@dataclass
class CustomerRecords:
    """The customer row and their rows of every event table up to as-of, oldest first (then by id)."""

    customer: dict
    orders: pd.DataFrame
    returns: pd.DataFrame
    invoices: pd.DataFrame
    tickets: pd.DataFrame
    incidents: pd.DataFrame
    touches: pd.DataFrame
    as_of: date

    @property
    def customer_id(self) -> str:
        return str(self.customer["customer_id"])


def customer_exists(ds: Dataset, customer_id: str) -> bool:
    customers = ds.table("customers")
    return bool(customers.filter(customers.customer_id == customer_id).count().execute())


def customer_records(ds: Dataset, customer_id: str, as_of: date) -> CustomerRecords:
    """The records of ``customer_id`` up to the end of ``as_of``; ``UnknownCustomer`` if there is none."""
    customers = ds.table("customers")
    found = customers.filter(customers.customer_id == customer_id).to_pyarrow().to_pylist()
    if not found:
        raise UnknownCustomer(customer_id)
    end = end_of_day(as_of)
    frames = {}
    for name in _TABLES:
        table = ds.table(name)
        column = _TIME[name]
        rows = table.filter((table.customer_id == customer_id) & (table[column] <= end))
        # Oldest first; rows of the same moment by their id, so that a letter does not depend on the file's order.
        key = TABLES[name].unique_id
        order = [column] if key is None else [column, key.name]
        frames[name] = rows.to_pyarrow().to_pandas().sort_values(order, kind="stable").reset_index(drop=True)
    return CustomerRecords(customer=found[0], as_of=as_of, **frames)
