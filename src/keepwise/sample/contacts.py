"""Tickets, incidents and engagement: what customers say to the business and how they react to it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from keepwise.data.schema import (
    ENGAGEMENT_KINDS,
    INCIDENT_KINDS,
    TICKET_CHANNELS,
    TICKET_KINDS,
    TICKET_SEVERITIES,
)
from keepwise.sample.arrays import (
    Rows,
    bool_array,
    draw_codes,
    during_hours,
    first_in_group,
    labels_from_codes,
    scatter,
    sequential_ids,
)
from keepwise.sample.business import Business
from keepwise.sample.purchases import SLOWDOWN_DAYS
from keepwise.sample.types import CUSTOMER_TYPES, PARAMS, TYPE_NAMES
from keepwise.sample.vocabulary import INCIDENT_NOTES, STAFF, SUBJECTS, Vocabulary

# Background rates shared by every customer, per year of tenure.
QUESTIONS_PER_YEAR = 0.8
REQUESTS_PER_YEAR = 0.4
COMPLAINTS_PER_YEAR = 0.12
BACKGROUND_SUBSTANTIATED = (0.4, 0.35)
BACKGROUND_POLICY_ABUSE = 0.003  # customers with one unconfirmed policy_abuse note
OPENS_PER_YEAR = 6.0
CLICKS_PER_YEAR = 1.5
VISITS_PER_YEAR = 4.0
LIKES_PER_YEAR = 2.0

CHANNEL_WEIGHTS = (0.35, 0.2, 0.2, 0.05, 0.15, 0.05)  # in TICKET_CHANNELS order
# Severity of complaints and of other tickets, in TICKET_SEVERITIES order.
COMPLAINT_SEVERITY_WEIGHTS = (0.2, 0.5, 0.25, 0.05)
OTHER_SEVERITY_WEIGHTS = (0.5, 0.45, 0.05, 0.0)
# Mean hours until staff first answer a complaint / another ticket (exponential; capped at closing).
FIRST_RESPONSE_MEAN_HOURS = (6.0, 12.0)


def _judgement(rng: np.random.Generator, p_true: np.ndarray, p_false: np.ndarray) -> np.ndarray:
    """Per complaint: 1 = substantiated, 0 = not, -1 = not judged."""
    draw = rng.random(len(p_true))
    return np.where(draw < p_true, 1, np.where(draw < p_true + p_false, 0, -1))


def tickets_table(biz: Business, rng: np.random.Generator) -> pa.Table:
    code, n = biz.type_code, biz.n
    start = biz.signup_day.astype(float)
    years = (biz.activity_end - start) / 365.0
    ticket_rate = PARAMS.value("ticket_rate", code)
    subjects = Vocabulary(SUBJECTS)
    rows = Rows.empty("owner", "day", "kind", "judged", "minutes", "subject_key")

    def add(counts, low, high, kind, minutes_low, minutes_high, p_true=None, p_false=None):
        owner, days = scatter(rng, counts, low, high)
        judged = np.full(len(owner), -1) if p_true is None else _judgement(rng, p_true[owner], p_false[owner])
        subject_key = np.where(judged == 0, "unfounded", kind)  # unfounded complaints read differently
        minutes = rng.integers(minutes_low[owner], minutes_high[owner] + 1)
        rows.add(
            owner=owner,
            day=days,
            kind=np.full(len(owner), TICKET_KINDS.index(kind)),
            judged=judged,
            minutes=minutes,
            subject_key=subject_key,
        )

    def constant(value) -> np.ndarray:
        return np.full(n, value)

    usual = (start, biz.activity_end)
    add(rng.poisson(QUESTIONS_PER_YEAR * ticket_rate * years), *usual, "question", constant(3), constant(15))
    add(rng.poisson(REQUESTS_PER_YEAR * ticket_rate * years), *usual, "request", constant(5), constant(20))
    background_true, background_false = BACKGROUND_SUBSTANTIATED
    add(
        rng.poisson(COMPLAINTS_PER_YEAR * years),
        *usual,
        "complaint",
        constant(10),
        constant(30),
        constant(background_true),
        constant(background_false),
    )
    praise = rng.poisson(PARAMS.value("praise_per_year", code) * years)
    add(praise, *usual, "praise", constant(1), constant(5))

    lookback = PARAMS.uniform(rng, "complaint_lookback_days", code)
    low, high = biz.window(PARAMS.value("complaint_window", code), lookback)
    minutes_low, minutes_high = (m.astype(np.int64) for m in PARAMS.low_high("complaint_minutes", code))
    add(
        PARAMS.integers(rng, "planted_complaints", code),
        low,
        high,
        "complaint",
        minutes_low,
        minutes_high,
        *PARAMS.low_high("complaint_substantiated", code),
    )

    ticket = rows.chronological("day")
    opened = during_hours(rng, ticket["day"], 7, 23)
    is_complaint = ticket["kind"] == TICKET_KINDS.index("complaint")
    hours_to_close = rng.exponential(np.where(is_complaint, 48.0, 8.0))
    closed = opened + (hours_to_close + ticket["minutes"] / 60.0) / 24.0
    count = len(opened)
    # Severity and first response come from a generator of their own, so adding them left every
    # other table of a seed as it was.
    extra = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    severity = np.where(
        is_complaint,
        draw_codes(extra, count, COMPLAINT_SEVERITY_WEIGHTS),
        draw_codes(extra, count, OTHER_SEVERITY_WEIGHTS),
    )
    mean_response = np.where(is_complaint, *FIRST_RESPONSE_MEAN_HOURS)
    first_response = np.minimum(opened + extra.exponential(mean_response) / 24.0, closed)
    return pa.table(
        {
            "ticket_id": sequential_ids("T", count, 7),
            "customer_id": biz.customer_column(ticket["owner"]),
            "opened_at": pa.array(biz.stamps(opened)),
            "closed_at": pa.array(biz.stamps(closed), mask=closed >= biz.horizon),
            "channel": labels_from_codes(TICKET_CHANNELS, draw_codes(rng, count, CHANNEL_WEIGHTS)),
            "kind": labels_from_codes(TICKET_KINDS, ticket["kind"]),
            "handle_minutes": pa.array(ticket["minutes"].astype(np.int64)),
            "substantiated": bool_array(ticket["judged"] == 1, ticket["judged"] < 0),
            "subject": subjects.labels(subjects.draw(rng, ticket["subject_key"])),
            "severity": labels_from_codes(TICKET_SEVERITIES, severity),
            "first_response_at": pa.array(biz.stamps(first_response), mask=first_response >= biz.horizon),
        }
    )


def incidents_table(biz: Business, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """Incidents, and which customers carry the values_conflict tag (set together: tag and/or incident)."""
    code, n = biz.type_code, biz.n
    counts = PARAMS.integers(rng, "incident_count", code)
    tag_share = PARAMS.value("values_conflict_tag", code)
    # A values-conflict customer without an incident is known by the tag.
    tagged = (rng.random(n) < tag_share) | ((counts == 0) & (tag_share > 0))
    lookback = PARAMS.uniform(rng, "incident_lookback_days", code)
    owner, days = scatter(rng, counts, *biz.window(PARAMS.value("incident_window", code), lookback))
    kind = np.full(len(owner), -1)
    for type_code, type_name in enumerate(TYPE_NAMES):
        allowed = [INCIDENT_KINDS.index(k) for k in CUSTOMER_TYPES[type_name].incident_kinds]
        mine = np.flatnonzero(code[owner] == type_code)
        if allowed:
            kind[mine] = np.asarray(allowed)[rng.integers(0, len(allowed), len(mine))]
    confirmed_share = PARAMS.value("incident_confirmed", code[owner])
    # Types that are "mostly confirmed" always have at least their first incident confirmed.
    first = first_in_group(np.bincount(owner, minlength=n))
    confirmed = (rng.random(len(owner)) < confirmed_share) | (first & (confirmed_share >= 0.8))

    # Now and then anyone else gets an unconfirmed note about bending a policy.
    # Types with an incident story of their own (reformed, values_conflict, ...) get no extra ones.
    has_story = PARAMS.low_high("incident_count", code)[1] > 0
    noisy = ((rng.random(n) < BACKGROUND_POLICY_ABUSE) & ~has_story).astype(np.int64)
    noise_owner, noise_days = scatter(rng, noisy, biz.signup_day.astype(float), np.full(n, biz.horizon))
    rows = Rows.empty("owner", "day", "kind", "confirmed")
    rows.add(owner=owner, day=days, kind=kind, confirmed=confirmed)
    rows.add(
        owner=noise_owner,
        day=noise_days,
        kind=np.full(len(noise_owner), INCIDENT_KINDS.index("policy_abuse")),
        confirmed=np.zeros(len(noise_owner), bool),
    )
    incident = rows.chronological("day")
    count = len(incident["owner"])
    notes = Vocabulary(INCIDENT_NOTES)
    kind_names = np.asarray(INCIDENT_KINDS)[incident["kind"]]
    table = pa.table(
        {
            "incident_id": sequential_ids("X", count, 6),
            "customer_id": biz.customer_column(incident["owner"]),
            "occurred_at": pa.array(biz.stamps(during_hours(rng, incident["day"], 8, 22))),
            "kind": labels_from_codes(INCIDENT_KINDS, incident["kind"]),
            "confirmed": bool_array(incident["confirmed"]),
            "reported_by": labels_from_codes(STAFF, rng.integers(0, len(STAFF), count)),
            "note": notes.labels(notes.draw(rng, kind_names)),
        }
    )
    return table, tagged


def engagement_table(biz: Business, subscribed: np.ndarray, rng: np.random.Generator) -> pa.Table:
    code, n, horizon = biz.type_code, biz.n, biz.horizon
    start = biz.signup_day.astype(float)
    end = biz.activity_end
    rate = PARAMS.value("engagement_rate", code)
    ending = PARAMS.value("ending", code)
    rows = Rows.empty("owner", "day", "kind", "score")

    def add(owner, days, kind, score=None):
        no_score = np.full(len(owner), -1)
        rows.add(
            owner=owner,
            day=days,
            kind=np.full(len(owner), ENGAGEMENT_KINDS.index(kind)),
            score=no_score if score is None else score,
        )

    subscribe_day = start + rng.uniform(0, 2, n)
    subscribed = subscribed & (subscribe_day < horizon)
    # Slipping and lapsed customers tend to unsubscribe as they drift away; others rarely do.
    drifting_from = np.where(ending == "lapsed", end - 120, horizon - SLOWDOWN_DAYS)
    unsubscribe_low = np.where(ending == "active", subscribe_day, np.maximum(subscribe_day, drifting_from))
    unsubscribes = subscribed & (rng.random(n) < PARAMS.value("unsubscribe", code))
    unsubscribe_day = unsubscribe_low + rng.random(n) * np.maximum(end - unsubscribe_low, 0)
    unsubscribes &= unsubscribe_day < horizon
    mail_end = np.where(unsubscribes, unsubscribe_day, end)
    mail_years = np.where(subscribed, np.maximum(mail_end - subscribe_day, 0) / 365.0, 0.0)
    years = (end - start) / 365.0

    subscriber = np.flatnonzero(subscribed)
    add(subscriber, subscribe_day[subscriber], "newsletter_subscribe")
    leaver = np.flatnonzero(unsubscribes)
    add(leaver, unsubscribe_day[leaver], "newsletter_unsubscribe")
    opens = rng.poisson(OPENS_PER_YEAR * rate * mail_years)
    add(*scatter(rng, opens, subscribe_day, mail_end), "email_open")
    clicks = rng.poisson(CLICKS_PER_YEAR * rate * mail_years)
    add(*scatter(rng, clicks, subscribe_day, mail_end), "email_click")
    add(*scatter(rng, rng.poisson(VISITS_PER_YEAR * rate * years), start, end), "visit")
    follows = rng.random(n) < 0.15 * np.minimum(rate, 2.0)
    follow_owner, follow_day = scatter(rng, follows.astype(np.int64), start, end)
    add(follow_owner, follow_day, "social_follow")
    follow_at = np.full(n, horizon)
    follow_at[follow_owner] = follow_day
    likes = np.where(follows, rng.poisson(LIKES_PER_YEAR * rate * years), 0)
    add(*scatter(rng, likes, follow_at, end), "social_like")
    survey_owner, survey_day = scatter(rng, rng.choice(3, size=n, p=(0.5, 0.35, 0.15)), start, end)
    add(survey_owner, survey_day, "survey", PARAMS.integers(rng, "survey_score", code[survey_owner]))

    event = rows.chronological("day")
    at = event["day"].copy()
    timed = event["kind"] != ENGAGEMENT_KINDS.index("newsletter_subscribe")  # sign-up time: any hour
    at[timed] = during_hours(rng, at[timed], 6, 24)
    return pa.table(
        {
            "customer_id": biz.customer_column(event["owner"]),
            "at": pa.array(biz.stamps(np.minimum(at, horizon - 1 / 1440))),
            "kind": labels_from_codes(ENGAGEMENT_KINDS, event["kind"]),
            "score": pa.array(event["score"].astype(np.int64), mask=event["score"] < 0),
        }
    )
