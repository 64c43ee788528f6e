"""Loyalty tiers by value and tenure; the touch list as iCalendar, parsed back."""

from __future__ import annotations

from datetime import date

import pandas as pd
from icalendar import Calendar

from keepwise.cadence import loyalty_tiers, phrase_reasons, touches_calendar
from keepwise.config import load_settings
from keepwise.text import Translator


def test_a_customer_is_in_the_highest_tier_whose_both_thresholds_they_meet():
    settings = load_settings()  # bronze 0/0, silver 500/180, gold 2000/365
    features = pd.DataFrame({
        "customer_id": ["none", "new_big", "old_small", "silver", "gold"],
        "n_orders": [0, 3, 5, 4, 9],
        "revenue": [0.0, 5000.0, 100.0, 600.0, 2500.0],
        "tenure_days": [400, 30, 800, 200, 366],
    })
    assert loyalty_tiers(features, settings).tolist() == ["", "bronze", "bronze", "silver", "gold"]


def _touch_list() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["C1", "C2", "C2"],
        "due_on": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-02-01"]),
        "kind": ["thank_you", "call", "newsletter"],
        "channel": ["email", "phone", "email"],
        "rule": ["thanks", "warning", "news"],
        "template": ["thanks", "personal_call", "news"],
        "action": ["keep", "retain", "retain"],
        "tier": ["bronze", "silver", "silver"],
        "warning": [False, True, False],
        "code": ["first_purchase", "angry_complaint", "monthly"],
        "reason_date": pd.to_datetime(["2024-01-04", "2024-01-03", "2024-02-01"]),
        "reason_value": [float("nan")] * 3,
        "reason_detail": ["", "urgent", ""],
    })


def test_ics_has_one_all_day_event_per_touch_and_parses_back():
    touches = _touch_list()
    t = Translator.for_report("en", "EUR")
    touches["reason"] = phrase_reasons(touches, t)
    calendar = Calendar.from_ical(touches_calendar(touches, t))
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    assert [e.decoded("dtstart") for e in events] == [date(2024, 1, 5), date(2024, 1, 5), date(2024, 2, 1)]
    assert [e.decoded("dtend") for e in events][0] == date(2024, 1, 6)
    assert "C2" in str(events[1]["summary"]) and "Personal call" in str(events[1]["summary"])
    assert str(events[1]["description"]) == "Warning: urgent complaint on Jan 3, 2024; call in person"
    assert len({str(e["uid"]) for e in events}) == 3


def test_reasons_are_worded_in_persian_and_russian_from_the_catalogs():
    touches = _touch_list()
    for lang, word in (("fa", "سپاسگزاری"), ("ru", "поблагодарить")):
        reasons = phrase_reasons(touches, Translator.for_report(lang, "EUR"))
        assert word in reasons.iloc[0]
    persian = phrase_reasons(touches, Translator.for_report("fa", "EUR")).iloc[1]
    assert "فوری" in persian


def test_a_touch_made_for_the_assessments_action_names_the_action_and_the_day_it_was_assessed():
    touches = _touch_list().iloc[[1]].assign(kind="retention_offer", rule="retention", template="retention",
                                             warning=False, code="now", reason_detail="")
    expected = {"en": "Retain as of Jan 3, 2024", "ru": "Удержать (оценка на 3 янв. 2024\u202fг.)",
                "fa": "نگه‌داشتن (ارزیابی تا ۱۳ دی ۱۴۰۲)"}  # were "Удержать на …", "… در تاریخ …"
    for lang, text in expected.items():
        assert phrase_reasons(touches, Translator.for_report(lang, "EUR")).iloc[0] == text
