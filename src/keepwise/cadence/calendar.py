"""The touch list as an iCalendar file (RFC 5545, the icalendar library): one all-day VEVENT per touch."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pandas as pd

from keepwise.cadence.phrasing import channel_label, kind_label
from keepwise.data.names import customer_label
from keepwise.text import Translator

PRODUCT_ID = "-//keepwise//touches//EN"


def touches_calendar(touches: pd.DataFrame, t: Translator, names: Mapping[str, str] | None = None) -> bytes:
    """``touches`` (with a ``reason`` column) as .ics bytes; UIDs are stable for the same touch. An event's
    summary names the customer by id and by name, where ``names`` has one (``customer_names``)."""
    # Imported here: importing keepwise.cadence for the loyalty tiers (as `keepwise assess` does) needs no iCalendar.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for row in touches.itertuples(index=False):
        day = pd.Timestamp(row.due_on).date()
        event = Event()
        event.add("uid", f"{row.customer_id}-{row.kind}-{row.rule}-{day.isoformat()}@keepwise")
        event.add("dtstamp", pd.Timestamp.now(tz="UTC").to_pydatetime())
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", t("touch.summary", kind=kind_label(row.kind, t), channel=channel_label(row.channel, t),
                               customer=customer_label(row.customer_id, names or {})))
        event.add("description", row.reason)
        event.add("categories", [row.kind])
        calendar.add_component(event)
    return calendar.to_ical()
