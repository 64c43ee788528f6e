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
        "timeline": [{"at": "2026-01-05", "table": "orders", "event": "order.placed",
                      "values": {"id": "O1", "amount": 12.5, "currency": "EUR", "discount": 0.0, "changes": 0}}],
    }


def _text(lang: str, **changes) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(render_text({**_dossier(lang), **changes}))
    return console.export_text()


def test_explain_text_labels_follow_the_language():
    en = _text("en")
    assert "Retain (priority 3)" in en and "Flags: none" in en and "Past flags (stopped): Fickle" in en
    assert "Churn risk from the churn classifier" in en and "Churn drivers: driver one" in en and "Timeline" in en
    # money with its currency and chances as shares (were "CLV 100.00  p_alive 0.75  churn risk 0.25  at stake 12.50")
    assert "CLV €100.00  still active 75%  churn risk 25%  at stake €12.50" in en
    assert "active, as of 2026-06-30" in en

    ru = _text("ru")
    assert "Флаги: нет" in ru and "приоритет 3" in ru and "Хронология" in ru and "Причины риска ухода" in ru
    assert "CLV 100,00\xa0€  ещё активен 75%  риск ухода 25%  под угрозой 12,50\xa0€" in ru
    assert "Flags" not in ru and "p_alive" not in ru

    fa = _text("fa")
    assert "پرچم‌ها: هیچ" in fa and "اولویت ۳" in fa and "گاه‌شمار" in fa and "عوامل ریزش: driver one" in fa
    assert "۱۰۰٫۰۰" in fa and "€" in fa and "۷۵" in fa and "Flags" not in fa and "2026" not in fa


def test_the_assessments_codes_are_the_readers_words():
    """The action, lifecycle stage, flags, churn source and the timeline's tables in the dossier's language; the
    codes stay in the dossier itself (``--json``)."""
    dossier = {"flags": ["bad_payer", "fickle"], "past_flags": ["deal_seeker"], "churn_source": "rhythm",
               "lifecycle": "slipping", "action": "win_back",
               "timeline": [{"at": "2026-01-05", "table": "invoices", "event": "invoice.written_off",
                             "values": {"id": "I1", "amount": 40.0}},
                            {"at": "2026-01-06", "table": "tickets", "event": "ticket.closed",
                             "values": {"id": "T1", "kind": "question", "channel": "chat", "severity": "normal",
                                        "subject": ""}}]}
    en = _text("en", **dossier)
    assert "Win back (priority 3)" in en and "slipping, as of 2026-06-30" in en
    assert "Flags: Bad payer, Fickle" in en and "Past flags (stopped): Deal seeker" in en
    assert "Churn risk from each customer's purchase rhythm" in en
    assert "invoices" in en and "tickets" in en
    ru = _text("ru", **dossier)
    assert "Вернуть (приоритет 3)" in ru and "уходящий, на 2026-06-30" in ru
    assert "Флаги: Плохой плательщик, Непостоянный" in ru and "Прошлые флаги (прекратились): Охотник за скидками" in ru
    assert "Источник риска ухода — ритм покупок каждого клиента" in ru and "счета" in ru and "обращения" in ru
    fa = _text("fa", **dossier)
    assert "بازگرداندن (اولویت ۳)" in fa and "در حال دور شدن، تا ۱۴۰۵/۰۴/۰۹" in fa
    assert "پرچم‌ها: بدحساب، بی‌ثبات" in fa and "تخفیف‌جو" in fa
    assert "ریسک ریزش از ریتم خرید هر مشتری" in fa and "فاکتورها" in fa and "درخواست‌ها" in fa
    for text in (ru, fa):
        for code in ("win_back", "slipping", "bad_payer", "fickle", "deal_seeker", "rhythm", "invoices", "tickets"):
            assert code not in text
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
               "timeline": [{"at": "2026-03-20 14:05", "table": "invoices", "event": "invoice.issued",
                             "values": {"id": "I1", "amount": 12.5, "due": "2026-04-19"}}]}
    console = Console(record=True, width=200, color_system=None)
    console.print(render_text(dossier))
    text = console.export_text()
    assert "۱۴۰۴/۱۲/۲۹ ۱۴:۰۵" in text  # the day before Nowruz 1405, at 14:05
    assert "۳۰ فروردین ۱۴۰۵" in text and "2026" not in text  # the days the event names too
    assert "one, two؛ three" in text  # the Persian semicolon between drivers that hold commas


def test_every_code_the_dossier_names_has_a_word_in_every_language():
    """A new action, stage, flag, churn source or timeline table without its word in a catalog fails here, not in
    a user's ``explain``."""
    from itertools import cycle
    from typing import get_args

    from keepwise.assess.actions import ACTIONS
    from keepwise.assess.explain import TIMELINE_TABLES
    from keepwise.assess.flags import FLAG_CODES
    from keepwise.assess.lifecycle import STAGES
    from keepwise.config import TransactionModel

    sources = ("classifier", "blend", "rhythm", *get_args(TransactionModel))
    assert len(ACTIONS) >= max(len(STAGES), len(sources))  # one dossier per action names every stage and source
    codes = (*ACTIONS, *STAGES, *FLAG_CODES, *sources, *TIMELINE_TABLES)
    for lang in ("en", "fa", "ru"):
        texts = [_text(lang, action=action, lifecycle=stage, flags=list(FLAG_CODES), past_flags=list(FLAG_CODES),
                       churn_source=source, timeline=[{"at": "2026-01-05", "table": table, "event": "engagement.visit",
                                                       "values": {}} for table in TIMELINE_TABLES])
                 for action, stage, source in zip(ACTIONS, cycle(STAGES), cycle(sources))]
        if lang != "en":  # English words may be their codes ("active")
            assert not [code for code in codes if any(code in text for text in texts)]


def test_a_cut_timeline_says_how_many_events_it_shows_of_how_many():
    event = _dossier("en")["timeline"][0]
    for total, ru_words in ((25, "из 25 событий"), (21, "из 21 события")):
        many = [{**event, "values": {**event["values"], "id": f"O{n}"}} for n in range(total)]
        en = Console(record=True, width=200, color_system=None)
        en.print(render_text({**_dossier("en"), "timeline": many}, max_events=3))
        text = en.export_text()
        assert f"The last 3 of {total} events; --events 0 shows them all." in text
        assert "O0," not in text and f"O{total - 1}," in text  # the latest
        ru = Console(record=True, width=200, color_system=None)
        ru.print(render_text({**_dossier("ru"), "timeline": many}, max_events=3))
        assert f"Последние 3 {ru_words}; --events 0 покажет все." in ru.export_text()
    assert "--events 0" not in _text("en")  # nothing cut, nothing said
    fa = Console(record=True, width=200, color_system=None)
    fa.print(render_text({**_dossier("fa"), "timeline": [event] * 5}, max_events=2))
    assert "۲ رویداد آخر از ۵ رویداد" in fa.export_text()
