"""One event of a customer's timeline as a sentence of the reader's language.

An event is a key (``order.delivered_late``, ``ticket.opened``) and the values its sentence names (``id``,
``amount``, ``days``...). The dossier (``keepwise explain``) derives the events from the records, the staff app
from its store; both phrase them here, with the catalog's ``tl.<key>`` sentences and the words for the kinds,
channels and severities they name.
"""

from __future__ import annotations

from typing import Protocol

from keepwise.text.translator import MISSING

__all__ = ["KIND_GROUPS", "OPTIONAL_PARTS", "REASON_GROUPS", "Words", "timeline_sentence"]

# An event's family is its key's first part (``ticket`` of ``ticket.opened``): it decides the words of its values.
# The catalog group of an event's ``kind`` and ``reason``, by its family.
KIND_GROUPS = {"ticket": "ticket_kind", "incident": "incident_kind", "touch": "touch.kind"}
REASON_GROUPS = {"survey": "exit_reason"}
# Values a record may leave empty, by family, or by key where one event of a family has its own: each is written
# with its own words around it (``tl.part.<name>``: ", reported by {by}") when it is there, and leaves nothing
# behind when it is not. (A touch held back always names its campaign; one made may belong to none.)
OPTIONAL_PARTS = {"ticket": ("subject",), "incident": ("by", "note"), "survey": ("score", "comment"),
                  "touch.made": ("campaign",)}


class Words(Protocol):
    """What phrasing a timeline needs of a language: ``keepwise.text.Translator`` and the app's ``AppText``."""

    def __call__(self, key: str, **values) -> str: ...
    def label(self, group: str, code: str | None) -> str: ...
    def money(self, value) -> str: ...
    def number(self, value, digits: int = 0) -> str: ...
    def date(self, value) -> str: ...


# A wait (a ticket's first response) is told in the unit a person would use: minutes under an hour, hours (to a
# tenth) under two days, whole days beyond; under a minute, as such.
MINUTES_PER_HOUR, HOURS_TOLD_IN_DAYS = 60, 48


def _waited(words: Words, hours: float) -> str:
    """"after 15 min", "after 4.5 h", "after 3 days", "within a minute": the ``tl.waited.*`` words."""
    minutes = hours * MINUTES_PER_HOUR
    if minutes < 1:
        return words("tl.waited.instant")
    if round(minutes) < MINUTES_PER_HOUR:
        return words("tl.waited.minutes", minutes=words.number(round(minutes)))
    if hours < HOURS_TOLD_IN_DAYS:
        return words("tl.waited.hours", hours=words.number(hours, 1))
    return words("tl.waited.days", days=words.number(round(hours / 24)))


def timeline_sentence(words: Words, key: str, values: dict) -> str:
    """The sentence of one event (``key``: ``order.delivered_late``): its figures formatted and its codes
    named in ``words``' language."""
    family = key.split(".", 1)[0]
    v = dict(values)
    optional = [name for name in OPTIONAL_PARTS.get(key, OPTIONAL_PARTS.get(family, ())) if name in v]
    empty = {name for name in optional if v[name] is None or v[name] == ""}  # a score of 0 is there
    for name in ("amount", "cost", "discount"):
        if name in v:
            v[name] = words.money(v[name])
    if "due" in v:
        v["due"] = words.date(v["due"])
    if "hours" in v:
        v["waited"] = _waited(words, v.pop("hours"))
    if "days" in v:
        v["days"] = words.number(v["days"])
    if "score" in v:
        v["score"] = words.number(v["score"]) if v["score"] is not None else MISSING
    for name, group in (("kind", KIND_GROUPS.get(family, "")), ("channel", "channel"), ("severity", "severity"),
                        ("action", "action"), ("recommended", "action"), ("reason", REASON_GROUPS.get(family, ""))):
        if name in v and group:
            v[name] = words.label(group, v[name])
    for name in optional:
        v[name] = "" if name in empty else words(f"tl.part.{name}", **{name: v[name]})
    return words(f"tl.{key}", **v)
