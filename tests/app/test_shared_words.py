"""The app names a touch's kind and a channel with the words the timetable and the dossier use: one word
per code in each language (the app had its own, "Call" where the timetable said "Personal call")."""

from __future__ import annotations

from datetime import datetime

import pytest

from keepwise.app.i18n import AppText
from keepwise.cadence.phrasing import channel_label, kind_label
from keepwise.data.schema import TICKET_CHANNELS, TOUCH_CHANNELS, TOUCH_KINDS
from keepwise.store.services.customers import TimelineEntry
from keepwise.text.translator import Translator


@pytest.mark.parametrize("lang", ["en", "fa", "ru"])
def test_a_touchs_kind_and_channel_have_one_word_in_each_language(lang):
    app, timetable = AppText(lang, "EUR"), Translator.for_report(lang, "EUR")
    for kind in TOUCH_KINDS:
        assert app.label("touch.kind", kind) == kind_label(kind, timetable) != kind
    for channel in {*TOUCH_CHANNELS, *TICKET_CHANNELS}:
        assert app.label("channel", channel) == timetable(f"channel.{channel}")
    for channel in TOUCH_CHANNELS:
        assert app.label("channel", channel) == channel_label(channel, timetable)
    entry = TimelineEntry(datetime(2026, 5, 1), "touches", "touch.made",
                          {"id": "H1", "kind": "call", "channel": "phone", "cost": 0.0, "campaign": ""})
    assert app.sentence(entry).startswith(kind_label("call", timetable))
