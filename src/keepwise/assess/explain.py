"""``explain``: the dossier on one customer, every figure with the dated records behind it."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.metrics.features import customer_feature_frame

__all__ = ["explain", "render_text"]

# (table, time column, what the row says) for the timeline.
_TIMELINE = (
    (
        "orders",
        "ordered_at",
        ("order_id", "status", "revenue", "discount", "change_requests", "delivered_at"),
    ),
    ("returns", "returned_at", ("return_id", "order_id", "amount", "defective", "reason")),
    ("invoices", "due_at", ("invoice_id", "amount", "paid_at", "amount_paid", "written_off")),
    ("tickets", "opened_at", ("ticket_id", "kind", "channel", "handle_minutes", "substantiated", "subject")),
    ("incidents", "occurred_at", ("incident_id", "kind", "confirmed", "reported_by", "note")),
    ("engagement", "at", ("kind", "score")),
)


def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
        )
    if hasattr(value, "item"):
        return value.item()
    return value


def explain(ds: Dataset, customer_id: str, as_of: date, assessment: pd.DataFrame | None = None) -> dict:
    """The dossier: action, priority, flags, reasons, metrics, evidence and a dated timeline.

    The whole customer base is assessed (priorities and "valuable" are relative to it) unless an
    ``assessment`` from ``assess`` is passed in. Raises ``KeyError`` for an unknown customer.
    """
    churn_drivers: list[str] = []
    churn_source = None
    if assessment is None:
        from keepwise.assess.churn_reasons import churn_reasons
        from keepwise.assess.run import assess_with_models

        run = assess_with_models(ds, as_of)
        assessment, features, churn_source = run.assessment, run.features, run.churn_source_reason
        model = run.predictions.churn_model if run.predictions is not None else None
        if model is not None and (assessment["customer_id"] == customer_id).any():
            frames = run.predictions.churn_frames
            churn_drivers = churn_reasons(model, ds, as_of, [customer_id], frames=frames).get(customer_id, [])
    else:
        features = customer_feature_frame(ds, as_of)
    row = assessment[assessment["customer_id"] == customer_id]
    if row.empty:
        raise KeyError(f"no customer {customer_id!r}")
    row = row.iloc[0]
    metrics = features[features["customer_id"] == customer_id].iloc[0]

    timeline = []
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    for name, moment, columns in _TIMELINE:
        table = ds.table(name)
        events = table.filter((table.customer_id == customer_id) & (table[moment] < end)).execute()
        for record in events.to_dict("records"):
            timeline.append(
                {
                    "at": _plain(record[moment]),
                    "table": name,
                    **{column: _plain(record[column]) for column in columns},
                }
            )
    timeline.sort(key=lambda event: (event["at"] or "", event["table"]))
    return {
        "customer_id": customer_id,
        "as_of": as_of.isoformat(),
        "action": row["action"],
        "priority": int(row["priority"]),
        "lifecycle": row["lifecycle"],
        "flags": [code for code in str(row["flags"]).split(";") if code],
        "reasons": [reason for reason in str(row["reasons"]).split(";") if reason],
        "money_at_stake": float(row["money_at_stake"]),
        "clv": float(row["clv"]),
        "p_alive": float(row["p_alive"]),
        "churn_risk": float(row["churn_risk"]),
        "churn_source": churn_source or row.get("churn_source", "rhythm"),
        "churn_drivers": churn_drivers,
        "evidence": json.loads(row["evidence"]),
        "metrics": {column: _plain(value) for column, value in metrics.items()},
        "timeline": timeline,
    }


def render_text(dossier: dict, max_events: int = 40):
    """A Rich renderable of the dossier (print it with ``rich.print`` or a ``Console``)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append(f"{dossier['customer_id']}  ", style="bold")
    head.append(f"{dossier['action']} (priority {dossier['priority']})", style="bold cyan")
    head.append(f"  {dossier['lifecycle']}, as of {dossier['as_of']}\n")
    head.append(
        f"CLV {dossier['clv']:.2f}  p_alive {dossier['p_alive']:.2f}  churn risk {dossier['churn_risk']:.2f}"
        f"  at stake {dossier['money_at_stake']:.2f}\n"
    )
    head.append(f"Churn risk from {dossier['churn_source']}\n")
    if dossier.get("churn_drivers"):
        head.append("Churn drivers: " + "; ".join(dossier["churn_drivers"]) + "\n")
    head.append("Flags: " + (", ".join(dossier["flags"]) or "none") + "\n")
    for reason in dossier["reasons"]:
        head.append(f"  - {reason}\n")
    timeline = Table(title="Timeline", show_lines=False)
    for column in ("at", "table", "what"):
        timeline.add_column(column)
    events = dossier["timeline"][-max_events:]
    for event in events:
        what = ", ".join(
            f"{key}={value}"
            for key, value in event.items()
            if key not in ("at", "table") and value is not None
        )
        timeline.add_row(str(event["at"]), event["table"], what)
    return Group(head, timeline)
