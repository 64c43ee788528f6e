"""A tiny business written from rows, loaded with chosen timetable settings, and a hand-set assessment."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from keepwise.config import load_settings
from keepwise.data.loader import load


def rule(name, when, days, kind, channel="email", actions=(), tiers=()) -> dict:
    return {"name": name, "when": when, "days": days, "kind": kind, "channel": channel, "template": name,
            "actions": list(actions), "tiers": list(tiers)}


def business(folder: Path, tables: dict[str, list[dict]], as_of: date, rules: list[dict], **cadence):
    """Write ``tables`` as CSV, load them as of ``as_of`` with only ``rules`` in the timetable."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    settings = load_settings(overrides={"cadence": {"rules": rules, **cadence}})
    return load(folder, as_of, settings)


def customers(*ids: str, opted_out: tuple[str, ...] = ()) -> list[dict]:
    return [{"customer_id": c, "marketing_opt_in": "false" if c in opted_out else "true"} for c in ids]


def orders(*rows: tuple[str, str]) -> list[dict]:
    return [{"order_id": f"O{i}", "customer_id": c, "ordered_at": day, "revenue": "100"}
            for i, (c, day) in enumerate(rows)]


def assessment(actions: dict[str, str], clv: dict[str, float] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(actions), "action": list(actions.values()),
                         "clv": [float((clv or {}).get(c, 0.0)) for c in actions]})
