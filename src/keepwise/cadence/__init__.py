"""Keeping in touch: the relationship timetable (rules -> touches due), loyalty tiers, iCalendar output.

``touches_due`` lists the touches due between two days under the ``[cadence]`` rules, respecting
consent, quiet periods, what was already sent and the contact cap; ``phrase_reasons`` words them in
the reader's language; ``touches_calendar`` writes them as .ics; ``loyalty_tiers`` / ``with_tier``
place customers in the ``[loyalty]`` tiers.
"""

from keepwise.cadence.calendar import touches_calendar
from keepwise.cadence.engine import TOUCH_LIST_COLUMNS, touches_due
from keepwise.cadence.phrasing import phrase_reasons
from keepwise.cadence.tiers import NO_TIER, loyalty_tiers, with_tier

__all__ = [
    "NO_TIER",
    "TOUCH_LIST_COLUMNS",
    "loyalty_tiers",
    "phrase_reasons",
    "touches_calendar",
    "touches_due",
    "with_tier",
]
