"""Issue 10: the explain dossier's text labels come from the catalogs in en, fa (Persian digits) and ru."""

from __future__ import annotations

from rich.console import Console

from keepwise.assess.explain import render_text


def _dossier(lang: str) -> dict:
    return {
        "customer_id": "C1", "as_of": "2026-06-30", "action": "retain", "priority": 3, "lifecycle": "active",
        "flags": [], "past_flags": ["fickle"], "reasons": ["a reason"], "lang": lang, "currency": "EUR",
        "locale": None, "money_at_stake": 12.5, "clv": 100.0, "p_alive": 0.75, "churn_risk": 0.25,
        "churn_source": "classifier", "churn_drivers": ["driver one"],
        "timeline": [{"at": "2026-01-05", "table": "orders", "order_id": "O1"}],
    }


def _text(lang: str) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(render_text(_dossier(lang)))
    return console.export_text()


def test_explain_text_labels_follow_the_language():
    en = _text("en")
    assert "retain (priority 3)" in en and "Flags: none" in en and "Past flags (stopped): fickle" in en
    assert "Churn risk from classifier" in en and "Churn drivers: driver one" in en and "Timeline" in en
    assert "CLV 100.00" in en and "at stake 12.50" in en

    ru = _text("ru")
    assert "Флаги: нет" in ru and "приоритет 3" in ru and "Хронология" in ru and "Причины риска ухода" in ru
    assert "100,00" in ru and "Flags" not in ru

    fa = _text("fa")
    assert "پرچم‌ها: هیچ" in fa and "اولویت ۳" in fa and "گاه‌شمار" in fa and "عوامل ریزش: driver one" in fa
    assert "۱۰۰" in fa and "Flags" not in fa and "2026" not in fa
    # Days in the Solar Hijri calendar, as the Persian reasons beside them write days (were "۲۰۲۶-۰۱-۰۵")
    assert "تا ۱۴۰۵/۰۴/۰۹" in fa and "۱۴۰۴/۱۰/۱۵" in fa and "۲۰۲۶" not in fa


def test_how_the_churn_source_was_chosen_is_told_in_the_dossiers_language():
    comparison = {"best": "classifier", "other": "mbgnbd", "auc": [0.84, 0.78], "brier": [0.12, 0.15], "cutoffs": 1}

    def text(lang: str) -> str:
        console = Console(record=True, width=300, color_system=None)
        console.print(render_text({**_dossier(lang), "churn_source_comparison": comparison}))
        return console.export_text()

    assert ("Churn risk from the churn classifier: AUC 0.84, Brier score 0.120; MBG/NBD: AUC 0.78, Brier score "
            "0.150; means over 1 cutoff") in text("en")
    assert ("Источник риска ухода — классификатор оттока: AUC 0,84, Brier 0,120; MBG/NBD: AUC 0,78, Brier 0,150; "
            "в среднем по 1 дате среза") in text("ru")
    assert "طبقه‌بند ریزش: AUC ۰٫۸۴، Brier ۰٫۱۲۰؛ MBG/NBD: AUC ۰٫۷۸" in text("fa")


def test_persian_timeline_moments_and_driver_list_are_written_as_persian_writes_them():
    dossier = {**_dossier("fa"), "churn_drivers": ["one, two", "three"],
               "timeline": [{"at": "2026-03-20 14:05", "table": "orders", "order_id": "O1"}]}
    console = Console(record=True, width=200, color_system=None)
    console.print(render_text(dossier))
    text = console.export_text()
    assert "۱۴۰۴/۱۲/۲۹ ۱۴:۰۵" in text  # the day before Nowruz 1405, at 14:05
    assert "one, two؛ three" in text  # the Persian semicolon between drivers that hold commas
