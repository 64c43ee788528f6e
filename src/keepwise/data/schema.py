"""The data contract, declared once (``docs/contract.md`` is generated from it by ``describe``).

This module is the single source of truth for the input tables: the loader parses
with it, the validator checks against it, ``keepwise schema`` prints it and the
test fixtures are built from it. Nothing else in keepwise names a column type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from keepwise.config import packaged_settings

if TYPE_CHECKING:
    import pyarrow as pa


class Kind(StrEnum):
    """The contract's column types."""

    ID = "id"  # non-empty string
    STRING = "string"
    TIMESTAMP = "ts"  # ISO 8601 date or timestamp; no offset means UTC
    MONEY = "money"  # decimal number with '.' as separator
    NUMBER = "number"
    INT = "int"
    BOOL = "bool"  # true/false, 1/0, yes/no, case-insensitive
    ENUM = "enum"

    @property
    def duckdb_type(self) -> str:
        return {
            Kind.ID: "VARCHAR",
            Kind.STRING: "VARCHAR",
            Kind.ENUM: "VARCHAR",
            Kind.TIMESTAMP: "TIMESTAMP",
            Kind.MONEY: "DOUBLE",
            Kind.NUMBER: "DOUBLE",
            Kind.INT: "BIGINT",
            Kind.BOOL: "BOOLEAN",
        }[self]

    @property
    def arrow_type(self) -> pa.DataType:
        """The Arrow type of a column of this kind, as the loaded tables hold it (``duckdb_type``'s)."""
        import pyarrow as pa

        return {
            "VARCHAR": pa.string(),
            "TIMESTAMP": pa.timestamp("us"),
            "DOUBLE": pa.float64(),
            "BIGINT": pa.int64(),
            "BOOLEAN": pa.bool_(),
        }[self.duckdb_type]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # an empty cell is allowed
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    references: tuple[str, str] | None = None  # (table, column) this value must exist in
    reference_is_error: bool = True  # False: an unknown reference is only a warning
    default: str = ""  # how an empty cell is filled, in words (the loader implements it)
    doc: str = ""

    @property
    def type_label(self) -> str:
        label = self.kind.value
        if self.kind is Kind.ENUM:
            label = "|".join(self.choices)
        if self.nullable:
            label += "?"
        if self.minimum is not None and self.maximum is not None:
            label += f" {self.minimum:g}..{self.maximum:g}"
        elif self.minimum is not None:
            label += f" >= {self.minimum:g}"
        if self.unique:
            label += ", unique"
        return label


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = False  # only customers and orders must be present
    doc: str = ""
    # The column that dates a row (an event; a customer's sign-up): rows dated after the as-of date are left
    # out, with a warning. A row without a date (a nullable column) is kept.
    event_time: str | None = None
    # Times of a row that cannot come before another of its times, as (earlier, later): a row whose later
    # time falls on an earlier day is kept as it is, with a warning naming it (a ticket closed before it
    # was opened would count as resolved within its target).
    time_order: tuple[tuple[str, str], ...] = ()
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self.column_index[name]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def unique_id(self) -> Column | None:
        return next((c for c in self.columns if c.unique), None)


TICKET_CHANNELS = ("email", "phone", "chat", "social", "web", "in_person")
TICKET_KINDS = ("complaint", "question", "request", "praise")
INCIDENT_KINDS = (
    "abuse_of_staff",
    "fraud",
    "chargeback",
    "unethical_request",
    "policy_abuse",
    "values_conflict",
)
ENGAGEMENT_KINDS = (
    "newsletter_subscribe",
    "newsletter_unsubscribe",
    "email_open",
    "email_click",
    "social_like",
    "social_follow",
    "survey",
    "visit",
)
ORDER_STATUSES = ("completed", "cancelled")
TICKET_SEVERITIES = ("low", "normal", "high", "urgent")
TOUCH_KINDS = (
    "thank_you",
    "follow_up",
    "offer",
    "gift",
    "anniversary",
    "newsletter",
    "call",
    "retention_offer",
    "win_back_offer",
    "offboarding_letter",
    "other",
)
# Touch kinds that are marketing (docs/contract.md); the others are service contacts.
MARKETING_TOUCH_KINDS = ("offer", "gift", "anniversary", "newsletter", "retention_offer", "win_back_offer")
TOUCH_CHANNELS = ("email", "phone", "mail", "sms", "in_person", "social")
EXIT_REASONS = ("price", "quality", "service", "delivery", "competitor", "no_longer_needed", "moved", "other")

_CUSTOMER_REF = ("customers", "customer_id")

CUSTOMERS = Table(
    "customers",
    required=True,
    doc="One row per customer.",
    event_time="signed_up_at",
    columns=(
        Column("customer_id", Kind.ID, unique=True),
        Column("name", Kind.STRING, required=False, nullable=True),
        Column("email", Kind.STRING, required=False, nullable=True),
        Column(
            "language",
            Kind.STRING,
            required=False,
            nullable=True,
            default="en",
            doc="BCP 47 code (en, fa, ru, ...) for letters to this customer",
        ),
        Column("country", Kind.STRING, required=False, nullable=True, doc="ISO 3166-1 alpha-2"),
        Column("signed_up_at", Kind.TIMESTAMP, required=False, nullable=True,
               doc="a customer who signed up after the as-of date is left out, as later events are"),
        Column(
            "referred_by",
            Kind.ID,
            required=False,
            nullable=True,
            references=_CUSTOMER_REF,
            reference_is_error=False,
            doc="the customer_id of the customer who referred this one",
        ),
        Column("marketing_opt_in", Kind.BOOL, required=False, nullable=True, default="true"),
        Column(
            "tags",
            Kind.STRING,
            required=False,
            nullable=True,
            doc="';'-separated tags set by staff, e.g. values_conflict",
        ),
    ),
)

ORDERS = Table(
    "orders",
    required=True,
    doc="One row per order.",
    event_time="ordered_at",
    time_order=(("ordered_at", "promised_at"), ("ordered_at", "delivered_at")),
    columns=(
        Column("order_id", Kind.ID, unique=True),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("ordered_at", Kind.TIMESTAMP),
        Column("revenue", Kind.MONEY, minimum=0, doc="amount charged, after discount"),
        Column(
            "discount",
            Kind.MONEY,
            required=False,
            nullable=True,
            minimum=0,
            default="0",
            doc="list price minus revenue",
        ),
        Column(
            "cost_of_goods",
            Kind.MONEY,
            required=False,
            nullable=True,
            minimum=0,
            default="the configured share of list price (revenue + discount)",
        ),
        Column(
            "currency",
            Kind.STRING,
            required=False,
            nullable=True,
            default="the configured currency",
            doc="ISO 4217",
        ),
        Column(
            "status", Kind.ENUM, required=False, nullable=True, choices=ORDER_STATUSES, default="completed"
        ),
        Column(
            "change_requests",
            Kind.INT,
            required=False,
            nullable=True,
            minimum=0,
            default="0",
            doc="times the customer changed the order after placing it",
        ),
        Column("promised_at", Kind.TIMESTAMP, required=False, nullable=True, doc="promised delivery"),
        Column(
            "delivered_at",
            Kind.TIMESTAMP,
            required=False,
            nullable=True,
            doc="actual delivery; later than promised_at = our failure",
        ),
    ),
)

RETURNS = Table(
    "returns",
    doc="Goods sent back and refunded.",
    event_time="returned_at",
    columns=(
        Column("return_id", Kind.ID, unique=True),
        Column("order_id", Kind.ID, references=("orders", "order_id")),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("returned_at", Kind.TIMESTAMP),
        Column("amount", Kind.MONEY, minimum=0, doc="refunded"),
        Column(
            "defective", Kind.BOOL, required=False, nullable=True, doc="the product was at fault (our failure)"
        ),
        Column("reason", Kind.STRING, required=False, nullable=True),
    ),
)

INVOICES = Table(
    "invoices",
    doc="Money asked for and paid.",
    event_time="issued_at",
    time_order=(("issued_at", "due_at"), ("issued_at", "paid_at")),
    columns=(
        Column("invoice_id", Kind.ID, unique=True),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("issued_at", Kind.TIMESTAMP),
        Column("due_at", Kind.TIMESTAMP),
        Column("amount", Kind.MONEY),
        Column("paid_at", Kind.TIMESTAMP, required=False, nullable=True, doc="empty = unpaid"),
        Column(
            "amount_paid", Kind.MONEY, required=False, nullable=True, default="amount, when paid_at is set"
        ),
        Column("written_off", Kind.BOOL, required=False, nullable=True, default="false"),
    ),
)

TICKETS = Table(
    "tickets",
    doc="Every support contact, on any channel.",
    event_time="opened_at",
    time_order=(("opened_at", "first_response_at"), ("opened_at", "closed_at")),
    columns=(
        Column("ticket_id", Kind.ID, unique=True),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("opened_at", Kind.TIMESTAMP),
        Column("closed_at", Kind.TIMESTAMP, required=False, nullable=True),
        Column("channel", Kind.ENUM, choices=TICKET_CHANNELS),
        Column("kind", Kind.ENUM, choices=TICKET_KINDS),
        Column("handle_minutes", Kind.NUMBER, required=False, nullable=True, minimum=0, doc="staff time spent"),
        Column(
            "substantiated",
            Kind.BOOL,
            required=False,
            nullable=True,
            doc="for complaints: the business was found at fault; empty = not judged",
        ),
        Column("subject", Kind.STRING, required=False, nullable=True),
        Column(
            "severity",
            Kind.ENUM,
            required=False,
            nullable=True,
            choices=TICKET_SEVERITIES,
            default="normal",
            doc="each severity has a response and a resolution target ([service_targets] in keepwise.toml)",
        ),
        Column(
            "first_response_at", Kind.TIMESTAMP, required=False, nullable=True, doc="when staff first answered"
        ),
    ),
)

INCIDENTS = Table(
    "incidents",
    doc="Conduct documented by staff.",
    event_time="occurred_at",
    columns=(
        Column("incident_id", Kind.ID, unique=True),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("occurred_at", Kind.TIMESTAMP),
        Column("kind", Kind.ENUM, choices=INCIDENT_KINDS),
        Column("confirmed", Kind.BOOL, required=False, nullable=True, default="false"),
        Column("reported_by", Kind.STRING, required=False, nullable=True),
        Column("note", Kind.STRING, required=False, nullable=True),
    ),
)

ENGAGEMENT = Table(
    "engagement",
    doc="Relationship signals.",
    event_time="at",
    columns=(
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("at", Kind.TIMESTAMP),
        Column("kind", Kind.ENUM, choices=ENGAGEMENT_KINDS),
        Column(
            "score", Kind.NUMBER, required=False, nullable=True, minimum=0, maximum=10, doc="for survey, 0 to 10"
        ),
    ),
)

TOUCHES = Table(
    "touches",
    doc="Every deliberate contact the business made (or deliberately held back) to keep the relationship.",
    event_time="at",
    columns=(
        Column("touch_id", Kind.ID, unique=True),
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("at", Kind.TIMESTAMP),
        Column("kind", Kind.ENUM, choices=TOUCH_KINDS),
        Column("channel", Kind.ENUM, choices=TOUCH_CHANNELS),
        Column("campaign_id", Kind.ID, required=False, nullable=True, doc="the campaign it belongs to"),
        Column(
            "control",
            Kind.BOOL,
            required=False,
            nullable=True,
            default="false",
            doc="a campaign member deliberately held back as the comparison group, not contacted",
        ),
        Column("cost", Kind.MONEY, required=False, nullable=True, minimum=0, default="0"),
    ),
)

EXIT_SURVEYS = Table(
    "exit_surveys",
    doc="Why customers said they left.",
    event_time="at",
    columns=(
        Column("customer_id", Kind.ID, references=_CUSTOMER_REF),
        Column("at", Kind.TIMESTAMP),
        Column("reason", Kind.ENUM, choices=EXIT_REASONS),
        Column(
            "score",
            Kind.NUMBER,
            required=False,
            nullable=True,
            minimum=0,
            maximum=10,
            doc="0 to 10, how likely they would recommend us",
        ),
        Column("comment", Kind.STRING, required=False, nullable=True),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (CUSTOMERS, ORDERS, RETURNS, INVOICES, TICKETS, INCIDENTS, ENGAGEMENT, TOUCHES, EXIT_SURVEYS)
}

# The tables the buy-till-you-die models read (``keepwise clv``): the orders, whose customers must be known.
PURCHASE_TABLES = (CUSTOMERS.name, ORDERS.name)

# The tables ``keepwise metrics`` reads (``metrics.portfolio.portfolio_summary`` and the exit surveys against the
# service's failures): the customers and their orders, what the cost to serve counts (returns, tickets,
# invoices) and the exit surveys. The engagement, incidents and touches are not read.
METRICS_TABLES = (CUSTOMERS.name, ORDERS.name, RETURNS.name, INVOICES.name, TICKETS.name, EXIT_SURVEYS.name)

# The tables the per-customer features read (``keepwise.metrics.features``), and so ``keepwise assess`` and
# ``explain``'s assessment: the features, the models and the texts read no others. The touches are not read
# (``explain`` reads them too, for the customer's timeline).
FEATURE_TABLES = (CUSTOMERS.name, ORDERS.name, RETURNS.name, TICKETS.name, INVOICES.name, INCIDENTS.name,
                  ENGAGEMENT.name, EXIT_SURVEYS.name)

BOOL_TRUE = ("true", "1", "yes")
BOOL_FALSE = ("false", "0", "no")


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a '|' (as in enum choices) would end the cell."""
    return text.replace("|", "\\|")


def describe() -> str:
    """The schema as Markdown, for ``keepwise schema`` and ``docs/contract.md`` (a test keeps that file
    current): every input table, its columns with type, default and meaning, and the default costs."""
    lines = ["# keepwise input tables", ""]
    for table in TABLES.values():
        need = "required" if table.required else "optional (missing = no such events)"
        lines += [f"## {table.name} — {need}", "", table.doc, ""]
        lines += ["| column | type | default | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            presence = "" if c.required else " (optional column)"
            ref = f"must exist in {c.references[0]}.{c.references[1]}" if c.references else ""
            meaning = "; ".join(part for part in (c.doc, ref) if part)
            lines.append(f"| {c.name} | {_cell(c.type_label + presence)} | {_cell(str(c.default))} | {_cell(meaning)} |")
        lines.append("")
        if table.time_order:
            pairs = "; ".join(f"{later} not before {earlier}" for earlier, later in table.time_order)
            lines += [f"Times in order, by day: {pairs} (a row out of order is kept as it is, with a warning).", ""]
    costs = packaged_settings().costs
    lines += [
        "## Default costs",
        "",
        "Cost to serve, unless configured otherwise (`[costs]` in `keepwise.toml`):",
        "",
        f"- staff time: {costs.staff_minute:.2f} per handled ticket minute",
        f"- a return: {costs.return_processing:.2f} processing, plus the refunded amount",
        f"- a change request: {costs.change_request:.2f}",
        f"- late payment: the overdue amount x {costs.late_payment_yearly_rate:.0%} a year x days late / 365",
        "- a written-off invoice: its unpaid amount",
        f"- cost_of_goods when missing: {costs.cost_of_goods_share:.0%} of list price (revenue + discount)",
        "",
    ]
    return "\n".join(lines)
