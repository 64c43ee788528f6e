"""Keeping in touch from the app: today's touches per staff member, a touch marked done, exit surveys,
a campaign's measured effect. A touch done or a survey recorded is a row of the contract tables
(``touches``, ``exit_surveys``), so it lands on the customer's timeline and the next run reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.cadence import touches_due
from keepwise.campaigns import CampaignResult, measure_campaign
from keepwise.config import Settings
from keepwise.data.loader import Dataset, load
from keepwise.data.schema import EXIT_REASONS, TOUCH_CHANNELS, TOUCH_KINDS
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import Assignment, Decision, Run
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, Invalid, NotFound, audit, mutation, now
from keepwise.store.services.casework import _choice, _text, new_id
from keepwise.store.services.customers import get_customer
from keepwise.store.services.runs import latest_run

MAX_COMMENT = 2000
# The due list is computed once per run and day, then only filtered (by who and by what was done).
_DUE: dict[tuple[str, int, date], pd.DataFrame] = {}


@dataclass
class DueTouch:
    customer_id: str
    name: str
    kind: str
    channel: str
    facts: dict  # code, reason_date, reason_value, reason_detail, action, tier: phrased by the page
    warning: bool


def _dataset(source: str, day: date, settings: Settings) -> Dataset:
    return load(source, day, settings)


def _run_assessment(session: Session, run: Run) -> pd.DataFrame:
    rows = session.execute(sa.select(Decision.customer_id, Decision.action, Decision.clv)
                           .where(Decision.run_id == run.id)).all()
    return pd.DataFrame(rows, columns=["customer_id", "action", "clv"])


def _due_today(session: Session, source: str, run: Run, day: date, settings: Settings) -> pd.DataFrame:
    key = (source, run.id, day)
    if key not in _DUE:
        ds = _dataset(source, day, settings)
        _DUE.clear()  # one list at a time: a new run or a new day replaces it
        _DUE[key] = touches_due(ds, day, day, day, _run_assessment(session, run), settings=settings)
    return _DUE[key]


def assigned_customers(session: Session, actor: Actor) -> set[str]:
    """The customers assigned to the actor."""
    return set(session.scalars(sa.select(Assignment.customer_id).where(Assignment.user_id == actor.user_id)))


def todays_touches(session: Session, actor: Actor, source: str, settings: Settings, day: date,
                   mine: bool = True) -> list[DueTouch]:
    """The touches due ``day`` under the latest run, for the actor's assigned customers (or everyone's),
    without those already done today."""
    run = latest_run(session)
    if run is None:
        return []
    due = _due_today(session, source, run, day, settings)
    if mine:
        due = due[due["customer_id"].isin(assigned_customers(session, actor))]
    touches = CONTRACT_TABLES["touches"]
    done = set(session.execute(sa.select(touches.c.customer_id, touches.c.kind)
                               .where(touches.c.at >= datetime.combine(day, time.min))).all())
    customers = CONTRACT_TABLES["customers"]
    ids = due["customer_id"].unique().tolist()
    names = dict(session.execute(sa.select(customers.c.customer_id, customers.c.name)
                                 .where(customers.c.customer_id.in_(ids))).all()) if ids else {}
    out = []
    for row in due.itertuples(index=False):
        if (row.customer_id, row.kind) in done:
            continue
        facts = {name: getattr(row, name) for name in ("code", "reason_date", "reason_value", "reason_detail",
                                                       "action", "tier")}
        out.append(DueTouch(row.customer_id, names.get(row.customer_id) or "", row.kind, row.channel, facts,
                            bool(row.warning)))
    return out


@mutation(Permission.RECORD_TOUCH)
def record_touch(session: Session, actor: Actor, customer_id: str, *, kind: str, channel: str,
                 campaign_id: str = "") -> str:
    """A touch made (a call, an email, ...): a ``touches`` row, on the customer's timeline."""
    get_customer(session, customer_id)
    _choice(kind, "kind", TOUCH_KINDS)
    _choice(channel, "channel", TOUCH_CHANNELS)
    campaign_id = _text(campaign_id, "campaign_id", required=False, limit=100)
    touch_id = new_id("K")
    values = {"touch_id": touch_id, "customer_id": customer_id, "at": now(), "kind": kind, "channel": channel,
              "campaign_id": campaign_id or None, "control": False, "cost": 0.0}
    session.execute(CONTRACT_TABLES["touches"].insert().values(**values))
    audit(session, actor, "touch.record", "touch", touch_id, None, values)
    return touch_id


def _score(value: str) -> float | None:
    if not value.strip():
        return None
    try:
        score = float(value)
    except ValueError:
        raise Invalid("error.score", "score") from None
    if not 0 <= score <= 10:
        raise Invalid("error.score", "score")
    return score


@mutation(Permission.RECORD_EXIT_SURVEY)
def record_exit_survey(session: Session, actor: Actor, customer_id: str, *, reason: str, score: str = "",
                       comment: str = "") -> None:
    """Why a customer said they left: an ``exit_surveys`` row."""
    get_customer(session, customer_id)
    _choice(reason, "reason", EXIT_REASONS)
    values = {"customer_id": customer_id, "at": now(), "reason": reason, "score": _score(score),
              "comment": _text(comment, "comment", required=False, limit=MAX_COMMENT) or None}
    session.execute(CONTRACT_TABLES["exit_surveys"].insert().values(**values))
    audit(session, actor, "exit_survey.record", "customer", customer_id, None, values)


def campaign_effect(source: str, settings: Settings, campaign_id: str, day: date, window_days: int) -> CampaignResult:
    """The campaign's measured effect on the store's data as of ``day`` (NotFound when it cannot be measured)."""
    from keepwise.campaigns import CampaignError

    try:
        return measure_campaign(_dataset(source, day, settings), campaign_id, day, window_days)
    except CampaignError as error:
        raise NotFound(error.key, **error.values) from None
