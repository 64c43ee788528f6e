"""The sample business's relationship records: the ``touches`` it made and the ``exit_surveys`` it got.

Drawn from the finished customers, orders and engagement tables with their own random stream, so a
seed's other tables stay exactly as they were. Touches: a thank-you after most first purchases,
follow-ups after some deliveries, the last months' newsletters to subscribers (until they
unsubscribe), quarterly calls to the loyal, offboarding letters to some fraudsters and abusers, and one
win-back campaign ``WB1`` 150 days before as-of to customers lapsed 120-540 days then, a fifth held
back (``control``). The campaign is planted to work: members who came back within 60 days were a tenth
as likely to be drawn into the held-back group, so contacted members return more often (the
uplift ``keepwise campaign`` should find). Exit surveys: some customers quiet for half a year say why,
those failed by the business mostly citing delivery, quality or service.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.data.schema import EXIT_REASONS, TOUCH_CHANNELS, TOUCH_KINDS
from keepwise.sample.arrays import Rows, during_hours, labels_from_codes, sequential_ids
from keepwise.sample.business import Business
from keepwise.sample.types import TYPE_NAMES

THANK_YOU_SHARE = 0.8
FOLLOW_UP_SHARE = 0.15
NEWSLETTER_MONTHS = 3
CALLS_PER_YEAR = 4
OFFBOARDED_SHARE = 0.3
CAMPAIGN_ID = "WB1"
CAMPAIGN_DAYS_BEFORE = 150
CAMPAIGN_LAPSED_DAYS = (120, 540)
CAMPAIGN_HOLDOUT = 0.2
CAMPAIGN_WINDOW_DAYS = 60
RETURNER_CONTROL_ODDS = 0.1  # returners are this much as likely to be held back: the planted effect
EXIT_SURVEY_SHARE = 0.3
# A customer quiet for this many days (low, high) after their last purchase may answer the survey then.
EXIT_AFTER_DAYS = (180, 300)
# Reason weights (in EXIT_REASONS order: price, quality, service, delivery, competitor,
# no_longer_needed, moved, other) for customers the business failed and for the rest.
FAILED_REASONS = (0.05, 0.25, 0.2, 0.45, 0.0, 0.0, 0.0, 0.05)
OTHER_REASONS = (0.25, 0.05, 0.05, 0.05, 0.2, 0.25, 0.1, 0.05)
FAILED_TYPES = ("business_fault", "chronic_complainer")
OFFBOARDED_TYPES = ("fraudster", "abusive_to_staff")


def _days(biz: Business, stamps: pa.ChunkedArray) -> np.ndarray:
    seconds = (stamps.to_numpy().astype("datetime64[s]") - biz.origin).astype(np.int64)
    return seconds / 86400.0


def _owners(biz: Business, customer_ids: pa.ChunkedArray) -> np.ndarray:
    return pc.index_in(customer_ids, value_set=biz.customer_ids).to_numpy(zero_copy_only=False).astype(np.int64)


def _code(options, name: str) -> int:
    return options.index(name)


def touches_table(biz: Business, orders: pa.Table, engagement: pa.Table, subscribed: np.ndarray,
                  rng: np.random.Generator) -> pa.Table:
    horizon = biz.horizon
    rows = Rows.empty("owner", "day", "kind", "channel", "campaign", "control", "cost")

    def add(owner, day, kind, channel, cost, campaign=False, control=None):
        owner = np.asarray(owner, dtype=np.int64)
        keep = np.asarray(day) < horizon
        count = int(keep.sum())
        rows.add(owner=owner[keep], day=np.asarray(day)[keep],
                 kind=np.full(count, _code(TOUCH_KINDS, kind)),
                 channel=np.broadcast_to(np.asarray(channel), owner.shape)[keep],
                 campaign=np.full(count, campaign),
                 control=np.zeros(count, bool) if control is None else np.asarray(control)[keep],
                 cost=np.broadcast_to(np.asarray(cost, dtype=float), owner.shape)[keep])

    completed = orders.filter(pc.equal(orders["status"], "completed"))
    owner = _owners(biz, completed["customer_id"])
    ordered = _days(biz, completed["ordered_at"])
    email, phone, mail = (_code(TOUCH_CHANNELS, c) for c in ("email", "phone", "mail"))

    first = np.full(biz.n, np.inf)
    np.minimum.at(first, owner, ordered)
    bought = np.flatnonzero(np.isfinite(first) & (rng.random(biz.n) < THANK_YOU_SHARE))
    add(bought, during_hours(rng, first[bought] + rng.uniform(0.5, 2.0, len(bought)), 9, 17), "thank_you", email, 0.0)

    delivered = completed["delivered_at"]
    has = pc.is_valid(delivered).to_numpy(zero_copy_only=False)
    chosen = has & (rng.random(len(has)) < FOLLOW_UP_SHARE)
    day = _days(biz, pc.filter(delivered, pa.array(chosen))) + rng.uniform(2, 5, int(chosen.sum()))
    by_phone = rng.random(len(day)) < 0.2
    add(owner[chosen], during_hours(rng, day, 9, 17), "follow_up", np.where(by_phone, phone, email),
        np.where(by_phone, 2.0, 0.0))

    unsubscribed_on = np.full(biz.n, np.inf)
    leaving = pc.equal(engagement["kind"], "newsletter_unsubscribe")
    leavers = engagement.filter(leaving)
    np.minimum.at(unsubscribed_on, _owners(biz, leavers["customer_id"]), _days(biz, leavers["at"]))
    for months_back in range(NEWSLETTER_MONTHS, 0, -1):
        issue = horizon - 30.4 * months_back
        readers = np.flatnonzero(subscribed & (biz.signup_day < issue) & (unsubscribed_on > issue)
                                 & (biz.activity_end > issue))
        add(readers, np.full(len(readers), np.floor(issue) + 9 / 24), "newsletter", email, 0.05)

    loyal = np.flatnonzero(biz.type_code == TYPE_NAMES.index("loyal_high_value"))
    for quarter in range(CALLS_PER_YEAR):
        day = horizon - 365 + quarter * 91 + rng.uniform(0, 91, len(loyal))
        add(loyal, during_hours(rng, day, 10, 17), "call", phone, 5.0)

    troubled = np.flatnonzero(np.isin(biz.type_code, [TYPE_NAMES.index(t) for t in OFFBOARDED_TYPES]))
    troubled = troubled[rng.random(len(troubled)) < OFFBOARDED_SHARE]
    add(troubled, during_hours(rng, horizon - rng.uniform(20, 200, len(troubled)), 9, 17), "offboarding_letter",
        mail, 1.0)

    sent = horizon - CAMPAIGN_DAYS_BEFORE
    last_before = np.full(biz.n, -np.inf)
    before = ordered <= sent
    np.maximum.at(last_before, owner[before], ordered[before])
    lapsed = (sent - last_before >= CAMPAIGN_LAPSED_DAYS[0]) & (sent - last_before <= CAMPAIGN_LAPSED_DAYS[1])
    members = np.flatnonzero(lapsed)
    came_back = np.zeros(biz.n, bool)
    inside = (ordered > sent) & (ordered <= sent + CAMPAIGN_WINDOW_DAYS)
    came_back[owner[inside]] = True
    returned = came_back[members]
    # Held back with probability q for non-returners and RETURNER_CONTROL_ODDS x q for returners,
    # q chosen so that CAMPAIGN_HOLDOUT of the members are held back on average.
    share_back = returned.mean() if len(members) else 0.0
    q = CAMPAIGN_HOLDOUT / max(1 - share_back + RETURNER_CONTROL_ODDS * share_back, 1e-9)
    control = rng.random(len(members)) < np.where(returned, RETURNER_CONTROL_ODDS * q, q)
    offer = np.round(rng.uniform(5, 25, len(members)), 2)
    add(members, np.full(len(members), np.floor(sent) + 10 / 24), "win_back_offer", email,
        np.where(control, 0.0, offer + 1.0), campaign=True, control=control)

    table = rows.chronological("day")
    n = len(table["day"])
    return pa.table(
        {
            "touch_id": sequential_ids("K", n, 6),
            "customer_id": biz.customer_column(table["owner"]),
            "at": pa.array(biz.stamps(table["day"])),
            "kind": labels_from_codes(TOUCH_KINDS, table["kind"]),
            "channel": labels_from_codes(TOUCH_CHANNELS, table["channel"]),
            "campaign_id": pa.array(np.where(table["campaign"], CAMPAIGN_ID, None), pa.string()),
            "control": pa.array(table["control"].astype(bool)),
            "cost": pa.array(np.round(table["cost"], 2)),
        }
    )


def exit_surveys_table(biz: Business, orders: pa.Table, rng: np.random.Generator) -> pa.Table:
    horizon = biz.horizon
    completed = orders.filter(pc.equal(orders["status"], "completed"))
    last = np.full(biz.n, -np.inf)
    np.maximum.at(last, _owners(biz, completed["customer_id"]), _days(biz, completed["ordered_at"]))
    quiet = np.isfinite(last) & (last < horizon - EXIT_AFTER_DAYS[0])
    gone = np.flatnonzero(quiet & (rng.random(biz.n) < EXIT_SURVEY_SHARE))
    day = last[gone] + rng.uniform(*EXIT_AFTER_DAYS, len(gone))
    gone, day = gone[day < horizon], day[day < horizon]
    failed = np.isin(biz.type_code[gone], [TYPE_NAMES.index(t) for t in FAILED_TYPES])
    reason = np.where(
        failed,
        rng.choice(len(EXIT_REASONS), size=len(gone), p=FAILED_REASONS),
        rng.choice(len(EXIT_REASONS), size=len(gone), p=OTHER_REASONS),
    )
    score = np.where(failed, rng.integers(0, 5, len(gone)), rng.integers(3, 10, len(gone))).astype(float)
    order = np.lexsort((gone, day))
    return pa.table(
        {
            "customer_id": biz.customer_column(gone[order]),
            "at": pa.array(biz.stamps(during_hours(rng, day, 9, 20)[order])),
            "reason": labels_from_codes(EXIT_REASONS, reason[order]),
            "score": pa.array(score[order]),
            "comment": pa.array([None] * len(gone), pa.string()),
        }
    )
