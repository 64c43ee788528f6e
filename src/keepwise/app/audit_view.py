"""The audit log as a reader sees it: what was done (``audit.action.<code>``) to what (``audit.object.<type>``),
and the values the entry recorded before and after, each named (``audit.field.<key>``) and written in the
reader's language: a role, status, channel or kind in its words, an amount as money, a moment in the reader's
calendar, true and false as yes and no, a user by id and name, a refusal's message (its key and facts) in the
reader's words. A value the same before and after is left out of both (the entry is about what changed). The
API's ``/api/audit`` gives the entries as they are stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from keepwise.app.i18n import AppText
from keepwise.data.names import with_name
from keepwise.store.models import AuditEntry
from keepwise.text import MISSING
from keepwise.text.calendar import localize_digits
from keepwise.text.problems import phrase_problem

__all__ = ["AuditRow", "audit_rows"]

# The catalog group naming a value's code, by its field; by the field and the object's type where the same field
# holds another kind of code on another object (a ticket's kind, a touch's kind), and by the field and the action.
VALUE_GROUPS = {"role": "role", "language": "lang", "lang": "lang", "channel": "channel", "severity": "severity",
                "action": "action", "recommended": "action", "goodwill_kind": "goodwill_kind"}
OBJECT_VALUE_GROUPS = {("kind", "ticket"): "ticket_kind", ("kind", "touch"): "touch.kind",
                       ("kind", "incident"): "incident_kind", ("status", "ticket"): "status",
                       ("status", "offboarding_case"): "case_status"}
ACTION_VALUE_GROUPS = {("reason", "exit_survey.record"): "exit_reason"}
# Fields written as money, as a moment, as a day and as a count (a whole number grouped as the language groups it);
# any other whole number is an id (its digits as they are) and any other number a figure with two decimals.
MONEY = frozenset({"amount", "cost", "refund", "refund_amount", "goodwill_amount"})
MOMENTS = frozenset({"at", "closed_at", "first_response_at", "occurred_at", "revoked_at"})
DAYS = frozenset({"as_of"})
# Fields holding a user's id, written with the user's name beside it ("3 · olga").
USERS = frozenset({"user_id", "owner_id"})
COUNTS = frozenset({"customers", "orders", "returns", "invoices", "tickets", "incidents", "engagement", "touches",
                    "exit_surveys", "handle_minutes", "score"})


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    what: str
    object_kind: str
    object_id: str  # a path or a record's id, shown isolated from the line's direction
    before: list[tuple[str, str]]  # (the field's name, its value) in the reader's words
    after: list[tuple[str, str]]


def _stored(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _user(t: AppText, user_id, users: Mapping[int, str]) -> str:
    """A user's id in the reader's digits, their name beside it when they are known."""
    name = users.get(int(user_id)) if str(user_id).isdigit() else None
    return with_name(localize_digits(str(user_id), t.lang), name)


def _value(t: AppText, entry: AuditEntry, field: str, value: Any, users: Mapping[int, str]) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no")
    if field in MONEY:
        return t.money(value)
    if field in USERS:
        return _user(t, value, users)
    if isinstance(value, int | float):
        if field in COUNTS:
            return t.number(value)
        return localize_digits(str(value), t.lang) if isinstance(value, int) else t.number(value, 2)
    if isinstance(value, dict) and set(value) == {"key", "values"}:  # a refusal's message (``Phrased.facts``)
        try:
            return phrase_problem(value["key"], value["values"], t.lang)
        except (KeyError, IndexError):  # a message since renamed, or facts it no longer takes: shown as stored
            return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if field in MOMENTS or field in DAYS:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return t.date(date(moment.year, moment.month, moment.day)) if field in DAYS else t.datetime(moment)
    group = (VALUE_GROUPS.get(field) or OBJECT_VALUE_GROUPS.get((field, entry.object_type))
             or ACTION_VALUE_GROUPS.get((field, entry.action)))
    return t.label(group, value) if group else value


def _values(t: AppText, entry: AuditEntry, values: Any, other: Any, users: Mapping[int, str]) -> list[tuple[str, str]]:
    """``values`` named and written, but those ``other`` holds the same."""
    if values is None:
        return []
    if not isinstance(values, dict):
        return [("", _value(t, entry, "", values, users))]
    same = other if isinstance(other, dict) else {}
    return [(t.label("audit.field", field), _value(t, entry, field, value, users))
            for field, value in values.items() if not (field in same and same[field] == value)]


def _object_id(t: AppText, entry: AuditEntry, users: Mapping[int, str]) -> str:
    """A number the store gave (a user's, a run's, a case's) in the reader's digits, a user's with their name;
    a record's id as it is."""
    object_id = entry.object_id or ""
    if entry.object_type == "user":
        return _user(t, object_id, users)
    return localize_digits(object_id, t.lang) if object_id.isdigit() else object_id


def audit_rows(t: AppText, entries: list[AuditEntry], users: Mapping[int, str] | None = None) -> list[AuditRow]:
    """The entries as the audit page shows them, in ``t``'s language; ``users``: every user's name by id."""
    users = users or {}
    rows = []
    for entry in entries:
        before, after = _stored(entry.before), _stored(entry.after)
        rows.append(AuditRow(at=entry.at, who=entry.username or "",
                             what=t.label("audit.action", entry.action),
                             object_kind=t.label("audit.object", entry.object_type),
                             object_id=_object_id(t, entry, users),
                             before=_values(t, entry, before, after, users),
                             after=_values(t, entry, after, before, users)))
    return rows
