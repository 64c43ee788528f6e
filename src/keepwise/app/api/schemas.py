"""The API's request and response bodies (they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, Field

from keepwise.data.schema import INCIDENT_KINDS, TICKET_CHANNELS, TICKET_KINDS, TICKET_SEVERITIES

T = TypeVar("T")


def _utc(value: datetime) -> datetime:
    """Stored timestamps are UTC without an offset (as the contract's); the API says so (RFC 3339)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]

Channel = Literal[TICKET_CHANNELS]  # type: ignore[valid-type]
Severity = Literal[TICKET_SEVERITIES]  # type: ignore[valid-type]
TicketKind = Literal[TICKET_KINDS]  # type: ignore[valid-type]
IncidentKind = Literal[INCIDENT_KINDS]  # type: ignore[valid-type]


class Problem(BaseModel):
    loc: list[str | int] = []
    msg: str = ""


class Error(BaseModel):
    """Every API error: a message (or the list of invalid inputs) and, for bad input, the field."""

    detail: str | list[Problem]
    field: str | None = None


ERRORS = {
    401: {"model": Error, "description": "no valid bearer token"},
    403: {"model": Error, "description": "the token's role does not allow this"},
    404: {"model": Error, "description": "no such object"},
    422: {"model": Error, "description": "invalid input"},
}


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    language: str
    permissions: list[str]


class DecisionOut(BaseModel):
    action: str
    priority: int
    flags: list[str]
    clv: float | None
    p_alive: float | None
    churn_risk: float | None
    profit: float | None
    cost_to_serve: float | None
    money_at_stake: float
    reasons: list[str]


class CustomerRow(BaseModel):
    customer_id: str
    name: str
    action: str
    priority: int
    money_at_stake: float
    flags: list[str]
    first_reason: str
    assigned_to: str
    handled: bool


class CustomerOut(BaseModel):
    customer_id: str
    name: str | None
    email: str | None
    language: str | None
    country: str | None
    signed_up_at: UtcDateTime | None
    decision: DecisionOut | None
    assigned_to: str | None
    handled: bool


class TimelineEntryOut(BaseModel):
    at: UtcDateTime
    category: str
    key: str
    text: str


class DecisionIn(BaseModel):
    kind: Literal["accept", "override"]
    action: str = Field("", max_length=40)
    reason: str = Field("", max_length=5000)


class StaffDecisionOut(BaseModel):
    id: int
    customer_id: str
    run_id: int
    kind: str
    recommended: str
    action: str
    reason: str


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class ComplaintIn(BaseModel):
    channel: Channel
    severity: Severity = "normal"
    kind: TicketKind = "complaint"
    subject: str = Field("", max_length=200)
    description: str = Field(min_length=1, max_length=5000)


class ComplaintOut(BaseModel):
    ticket_id: str
    customer_id: str
    status: str
    owner: str
    kind: str
    channel: str
    severity: str
    subject: str
    opened_at: UtcDateTime
    first_response_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    response_due: UtcDateTime
    resolution_due: UtcDateTime
    overdue: bool


class RespondIn(BaseModel):
    minutes: float | None = Field(None, ge=0, le=10_000)


class CloseIn(BaseModel):
    substantiated: bool | None = None
    minutes: float | None = Field(None, ge=0, le=10_000)
    refund: float | None = None  # checked against the caller's [goodwill] cap (negative: refused)


class IncidentIn(BaseModel):
    kind: IncidentKind
    note: str = Field(min_length=1, max_length=5000)


class Created(BaseModel):
    id: str


class AssignIn(BaseModel):
    user_id: int | None = Field(None, ge=1)


class HandledIn(BaseModel):
    handled: bool = True


class RunOut(BaseModel):
    id: int
    created_at: UtcDateTime
    as_of: date
    customers: int
    currency: str


class ChangeOut(BaseModel):
    customer_id: str
    action_before: str | None
    action_after: str | None
    reasons_before: list[str]
    reasons_after: list[str]
    staff_decision: StaffDecisionOut | None


class AuditOut(BaseModel):
    id: int
    at: UtcDateTime
    username: str
    action: str
    object_type: str
    object_id: str
    before: str
    after: str
