"""The purchase model and how it was chosen, phrased from the choice's facts (``TransactionChoice.facts``)."""

from __future__ import annotations

from keepwise.models.transaction_choice import TransactionChoice
from keepwise.text import Translator
from keepwise.text.purchase_model import purchase_model_text

EN = Translator.for_report("en", "EUR")


def test_a_model_chosen_on_the_held_out_days_names_its_score_and_the_others():
    choice = TransactionChoice("mbgnbd", "", scores={"mbgnbd": 0.09291, "pareto-nbd": 0.09403},
                               failures={"bgnbd": "did not converge"}, holdout_days=180)
    assert purchase_model_text(EN, choice.facts()) == (
        "Purchase model: MBG/NBD, which predicted who bought in the last 180 days best, with a Brier score of "
        "0.0929 (against Pareto/NBD 0.0940); not fitted: BG/NBD")
    alone = TransactionChoice("pareto-nbd", "", scores={"pareto-nbd": 0.1}, holdout_days=1)
    assert purchase_model_text(EN, alone.facts()) == (
        "Purchase model: Pareto/NBD, which predicted who bought in the last 1 day best, with a Brier score of 0.1000")
    ru = purchase_model_text(Translator.for_report("ru", "EUR"), choice.facts())
    assert ru == ("Модель покупок: MBG/NBD — лучше всех предсказала, кто покупал за последние 180 дней, с оценкой "
                  "Brier 0,0929 (против Pareto/NBD 0,0940); не подобраны: BG/NBD")
    fa = purchase_model_text(Translator.for_report("fa", "EUR"), choice.facts())
    assert "۱۸۰ روز" in fa and "۰٫۰۹۲۹" in fa and fa.startswith("مدل خرید: ")


def test_a_model_named_by_the_settings_or_chosen_without_history_says_so():
    named = TransactionChoice("bgnbd", "", how="setting")
    assert purchase_model_text(EN, named.facts()) == (
        "Purchase model: BG/NBD, as the settings name it ([clv] transaction_model)")
    unseen = TransactionChoice("mbgnbd", "", how="no_history", holdout_days=90)
    assert purchase_model_text(EN, unseen.facts()) == (
        "Purchase model: MBG/NBD, with no orders before the held-out 90 days to compare on")
    assert purchase_model_text(EN, None) == (
        "Purchase model: none could be fitted; p_alive and clv follow each customer's rhythm")
