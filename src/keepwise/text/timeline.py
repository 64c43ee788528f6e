"""One event of a customer's timeline as a sentence of the reader's language.

An event is a category (the table it comes from), a key (``order.delivered_late``, ``ticket.opened``) and
the values its sentence names (``id``, ``amount``, ``days``...). The dossier (``keepwise explain``) derives
the events from the records, the staff app from its store; both phrase them here, with the catalog's
``tl.<key>`` sentences and the words for the kinds, channels and severities they name.
"""

from __future__ import annotations

from typing import Protocol

from keepwise.text.translator import MISSING

__all__ = ["KIND_GROUPS", "OPTIONAL_PARTS", "Words", "timeline_sentence"]

# The catalog group of an event's ``kind``, by its category.
KIND_GROUPS = {"tickets": "ticket_kind", "incidents": "incident_kind", "touches": "touch.kind"}
# Values a record may leave empty, by category: each is written with its own words around it
# (``tl.part.<name>``: ", reported by {by}") when it is there, and leaves nothing behind when it is not.
OPTIONAL_PARTS = {"tickets": ("subject",), "incidents": ("by", "note")}


class Words(Protocol):
    """What phrasing a timeline needs of a language: ``keepwise.text.Translator`` and the app's ``AppText``."""

    def __call__(self, key: str, **values) -> str: ...
    def label(self, group: str, code: str | None) -> str: ...
    def money(self, value) -> str: ...
    def number(self, value, digits: int = 0) -> str: ...
    def date(self, value) -> str: ...


def timeline_sentence(words: Words, category: str, key: str, values: dict) -> str:
    """The sentence of one event: its figures formatted and its codes named in ``words``' language."""
    v = dict(values)
    for name in ("amount", "cost", "discount"):
        if name in v:
            v[name] = words.money(v[name])
    if "due" in v:
        v["due"] = words.date(v["due"])
    if "hours" in v:
        v["hours"] = words.number(v["hours"], 1)
    if "days" in v:
        v["days"] = words.number(v["days"])
    if "score" in v:
        v["score"] = words.number(v["score"]) if v["score"] is not None else MISSING
    for name, group in (("kind", KIND_GROUPS.get(category, "")), ("channel", "channel"), ("severity", "severity"),
                        ("action", "action"), ("recommended", "action"),
                        ("reason", "exit_reason" if category == "surveys" else "")):
        if name in v and group:
            v[name] = words.label(group, v[name])
    for name in OPTIONAL_PARTS.get(category, ()):
        if name in v:
            v[name] = words(f"tl.part.{name}", **{name: v[name]}) if v[name] else ""
    return words(f"tl.{key}", **v)
