"""The touches due between two days: rules and warning signs, then the limits (``keepwise.cadence.limits``).

``touches_due`` returns facts (who, when, kind, channel, which rule, the reason's code, date and
number); ``keepwise.cadence.phrasing`` turns the reason into text in the reader's language.
Per-customer work is vectorised and the event tables are filtered in the engine, so thousands of
customers take a fraction of a second beyond reading the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from keepwise.cadence import events
from keepwise.cadence.candidates import NO_DAY
from keepwise.cadence.limits import (
    CAP_DAYS,
    CandidateCustomers,
    not_sent_before,
    respect_cap,
    respect_consent,
    respect_quiet_periods,
)
from keepwise.cadence.people import timetable_people
from keepwise.cadence.rules import Window, all_rule_candidates
from keepwise.cadence.warning_signs import warning_candidates
from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.data.positions import taken_at
from keepwise.metrics.features import customer_feature_frame

TOUCH_LIST_COLUMNS = (
    "customer_id",
    "due_on",
    "kind",
    "channel",
    "rule",
    "template",
    "action",
    "tier",
    "warning",
    "code",
    "reason_date",
    "reason_value",
    "reason_detail",
)


@dataclass
class _Context:
    """What the rules ask the data for, with the day range of the window at hand."""

    ds: Dataset
    as_of: date
    settings: Settings
    last_touches: pd.DataFrame

    def deliveries(self, first: np.datetime64, last: np.datetime64) -> pd.DataFrame:
        return events.deliveries(self.ds, self.as_of, first.astype(date), last.astype(date))

    def last_touch_of(self, kind: str, customer_ids: pd.Series) -> np.ndarray:
        of_kind = self.last_touches[self.last_touches["kind"] == kind].set_index("customer_id")["day"]
        return of_kind.reindex(customer_ids.to_numpy()).to_numpy().astype("datetime64[D]")


def _offboarding_decisions(ds: Dataset, people: pd.DataFrame, as_of: date, settings: Settings) -> pd.DataFrame:
    since = as_of - timedelta(days=settings.cadence.quiet_days_after_offboarding)
    letters = events.offboarding_letters(ds, as_of, since)
    today = people.loc[people["action"] == "offboard", ["customer_id"]].assign(day=np.datetime64(as_of, "D"))
    return pd.concat([letters, today], ignore_index=True)


def touches_due(
    ds: Dataset,
    as_of: date,
    start: date,
    end: date,
    assessment: pd.DataFrame,
    features: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The touches due from ``start`` to ``end`` (inclusive) as of ``as_of``, one row each, by day."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    settings = settings or ds.settings
    cadence = settings.cadence
    if features is None:
        features = customer_feature_frame(ds, as_of, settings)
    people = timetable_people(assessment, features, settings)
    window = Window(np.datetime64(as_of, "D"), np.datetime64(start, "D"), np.datetime64(end, "D"))
    last_touches = events.last_touches(ds, as_of)
    context = _Context(ds, as_of, settings, last_touches)

    earliest = min(start, as_of)
    complaints = events.complaints(ds, as_of, earliest - timedelta(days=max(cadence.quiet_days_after_complaint,
                                                                          cadence.warning_days)))
    unsubscribes = events.unsubscribes(ds, as_of, as_of - timedelta(days=cadence.warning_days))
    found = pd.concat(
        [
            warning_candidates(people, unsubscribes, complaints, window, settings),
            all_rule_candidates(settings, people, window, context),
        ],
        ignore_index=True,
    )
    customers = CandidateCustomers.of(found["customer_id"], people)
    found = found.assign(customer=customers.code)
    found = respect_consent(found, people, customers)
    found = not_sent_before(found, last_touches, customers)
    found = respect_quiet_periods(found, complaints, _offboarding_decisions(ds, people, as_of, settings), settings,
                                  customers)
    made = events.contacts(ds, as_of, earliest - timedelta(days=CAP_DAYS))
    found = respect_cap(found, made, cadence.max_touches_per_30_days, customers)

    # Each candidate's row of the people (-1: none, and its action and tier are NaN).
    person = customers.person[found["customer"].to_numpy()]
    found = found.assign(
        action=taken_at(people["action"].to_numpy(dtype=object), person, np.nan),
        tier=taken_at(people["tier"].to_numpy(dtype=object), person, np.nan),
        due_on=found["due"].to_numpy().astype("datetime64[D]"),
    )
    found = customers.sorted(found, ["due_on", "warning", "order", "customer"], ascending=[True, False, True, True])
    return found[list(TOUCH_LIST_COLUMNS)].reset_index(drop=True)


__all__ = ["NO_DAY", "TOUCH_LIST_COLUMNS", "touches_due"]
