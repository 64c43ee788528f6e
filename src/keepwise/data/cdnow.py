"""The CDNOW 1/10 sample (Fader & Hardie) converted to contract tables.

The raw file (whitespace-separated, no header: master id, sample id, YYYYMMDD, number of
CDs, US$) becomes ``customers`` (signed up on the first purchase day) and ``orders``
(one per record, currency USD). The converted tables ship as package data so the demo
and tests run offline on real purchases.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

CDNOW_CALIBRATION_END = "1997-09-30"
CDNOW_OBSERVATION_END = "1998-06-30"


def convert_cdnow(sample_txt: Path, out_dir: Path) -> int:
    """Write customers.csv and orders.csv for the CDNOW sample; returns the customer count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    first_purchase: dict[str, str] = {}
    orders = []
    with sample_txt.open() as handle:
        for number, line in enumerate(handle, start=1):
            master_id, _sample_id, day, _cds, dollars = line.split()
            iso_day = f"{day[:4]}-{day[4:6]}-{day[6:]}"
            first_purchase.setdefault(master_id, iso_day)
            orders.append((f"T{number:05d}", master_id, iso_day, dollars, "USD"))
    with (out_dir / "customers.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["customer_id", "signed_up_at"])
        writer.writerows(sorted(first_purchase.items()))
    with (out_dir / "orders.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["order_id", "customer_id", "ordered_at", "revenue", "currency"])
        writer.writerows(orders)
    return len(first_purchase)


def cdnow_folder() -> Path:
    """The bundled CDNOW sample in contract format."""
    return Path(str(resources.files("keepwise").joinpath("sample_data", "cdnow")))
