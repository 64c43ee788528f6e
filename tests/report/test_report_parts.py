"""The report's building blocks: translations, formatting, model tracking, service measures, the pipeline."""

from __future__ import annotations

import io
import re
import string
from datetime import date

import pytest
from rich.console import Console

from keepwise.config import load_settings
from keepwise.metrics.service_quality import MEASURES
from keepwise.pipeline import run
from keepwise.text.translator import LANGUAGES, MISSING, Translator, messages


def _fields(template: str) -> set[str]:
    """The values a template is filled with (a ``{word@count}`` is a word in its language's form, not a value)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name and "@" not in name}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_label_with_the_same_fields(lang):
    reference, translated = messages("en"), messages(lang)
    assert set(translated) == set(reference)
    for key, template in reference.items():
        assert _fields(translated[key]) == _fields(template), key
        assert translated[key].strip(), key


def test_persian_labels_are_persian():
    persian = messages("fa")
    for key in ("title", "section.whale", "section.service", "action.retain", "flag.bad_payer"):
        assert any("\u0600" <= ch <= "\u06ff" for ch in persian[key]), key


def test_money_dates_and_direction_follow_the_locale():
    english = Translator.for_report("en", "EUR", "en")
    russian = Translator.for_report("ru", "EUR", "en")
    persian = Translator.for_report("fa", "USD", "en")
    assert english.money(12345.6) == "€12,346"
    assert english.money(12.5) == "€12.50"
    assert russian.money(12345.6) == "12\u00a0346\u00a0€"
    assert russian.percent(0.183, 1) == "18,3\u00a0%" or russian.percent(0.183, 1) == "18,3%"
    assert english.date(date(1998, 6, 30), "long") == "June 30, 1998"
    assert "июня" in russian.date(date(1998, 6, 30), "long")
    assert english.direction == "ltr" and persian.direction == "rtl"
    # Persian figures in Persian digits and marks, days in the Solar Hijri calendar: as the reasons and letters.
    assert persian.money(12345.6).endswith("۱۲٬۳۴۶") and persian.money(12.5).endswith("۱۲٫۵۰")
    assert persian.number(2357) == "۲٬۳۵۷" and persian.percent(0.183, 1) == "۱۸٫۳٪"  # the Persian percent sign
    assert persian.date(date(1998, 6, 30), "long") == "۹ تیر ۱۳۷۷"
    assert persian.date(date(1998, 6, 30), "short") == "۱۳۷۷/۰۴/۰۹"
    assert not any(ch.isascii() and ch.isdigit() for ch in persian.month(date(1998, 6, 1)))
    # A month as a period's label is named as it stands alone, not as in a date ("мая 1998", of May).
    assert russian.month(date(1998, 5, 1)) == "май 1998" and russian.month(date(1998, 3, 1)) == "март 1998"
    assert russian.period("1998-05", "month") == "май 1998" and english.month(date(1998, 5, 1)) == "May 1998"
    assert english.money(None) == english.money(float("nan")) == "–"


def test_a_configured_locale_of_the_same_language_is_kept():
    assert Translator.for_report("en", "GBP", "en_GB").locale == "en_GB"
    assert Translator.for_report("ru", "RUB", "en_GB").locale == "ru"


def test_the_pipeline_carries_the_tracking_check(cdnow_result):
    # The check itself is tested in tests/models/test_diagnostics.py.
    tracking = cdnow_result.tracking
    assert tracking.unavailable is None and tracking.n_customers == 2357
    assert tracking.calibration_end == date(1997, 9, 30)
    # the model that made the assessment's numbers is the one checked (it was BG/NBD whichever did)
    used = set(cdnow_result.assessment["transaction_model"].dropna().astype(str)) - {""}
    assert used == {tracking.model} and tracking.model in ("mbgnbd", "pareto-nbd")
    from keepwise.report.sections import diagnostics

    t = Translator.for_report("en", "USD")
    text = " ".join(str(block) for block in diagnostics(cdnow_result, t).blocks)
    assert f"{t(f'churn_source.{tracking.model}')} fitted on 2,357 customers" in text
    assert not re.search(r"(?<!M)BG/NBD fitted", text)


def test_the_assessment_uses_the_models_when_they_fit(cdnow_result, sample_result):
    assert cdnow_result.predictions_from_models
    assert cdnow_result.predictions_detail.split(":")[0] in ("mbgnbd", "pareto-nbd", "classifier", "blend")
    assert cdnow_result.assessment["clv"].notna().all()
    # The sample's customers drop out for real (issue 10), so the purchase models fit the demo business too.
    assert sample_result.predictions_from_models
    assert "cannot be fitted" not in sample_result.predictions_detail


def test_churn_reasons_come_from_the_classifier_when_it_trains(cdnow_result):
    reasons = cdnow_result.churn_reasons
    assert reasons.source == "model"
    assert reasons.table["share"].sum() == pytest.approx(1.0)
    assert reasons.table["weight"].is_monotonic_decreasing
    assert 0.0 < reasons.holdout_churn_rate < 1.0


def test_service_quality_on_cdnow_states_what_is_missing(cdnow_result):
    quality = cdnow_result.highlights.service
    assert set(quality.missing) == set(MEASURES)
    assert all(key.startswith("missing.") for key in quality.missing.values())


def test_service_quality_on_the_sample(sample_result):
    quality = sample_result.highlights.service
    assert not quality.missing
    periods = quality.periods
    on_time = periods["on_time_rate"].dropna()
    assert len(on_time) and on_time.between(0, 1).all()
    assert periods["defect_rate"].dropna().between(0, 1).all()
    assert (periods["resolution_hours"].dropna() >= 0).all()
    assert quality.totals["substantiated_complaints"] <= quality.totals["complaints"]
    recent, prior = quality.trend("on_time_rate", "month")
    assert recent is not None and prior is not None


def test_pipeline_result_carries_every_stage(sample_result):
    result = sample_result
    assert len(result.features) == len(result.assessment)
    assert result.portfolio.customers == len(result.features)
    assert set(result.seconds) >= {"load", "features", "models", "assessment", "portfolio"}
    assert result.currency == "EUR"


def test_progress_stays_quiet_off_a_terminal(cdnow_dir):
    output = io.StringIO()
    console = Console(file=output, force_terminal=False)
    settings = load_settings(overrides={"report": {"churn_classifier": False}, "clv": {"churn_source": "bgnbd"}})
    run(cdnow_dir, date(1997, 6, 30), settings=settings, console=console)
    assert output.getvalue() == ""


def test_demo_prints_the_most_urgent_actions_and_writes_the_report(demo):
    result, printed = demo
    assert result.report_path.is_file() and result.report_path.stat().st_size > 1_000_000
    assert (result.data_dir / "orders.csv").is_file()
    assert "Most urgent customers" in printed
    assert str(result.report_path.name) in printed
    assert 1 <= len(result.urgent) <= 15
    assert list(result.urgent["priority"]) == sorted(result.urgent["priority"])
    for row in result.urgent.itertuples():
        assert row.customer_id in printed
        assert row.reason, "every urgent customer has a reason"


def test_hurt_most_table_names_each_listed_customers_own_action():
    from types import SimpleNamespace

    import pandas as pd

    from keepwise.report.sections import _hurt_most

    hurt = pd.DataFrame({"customer_id": ["C3", "C9", "C1"], "n_late": [3, 2, 1], "n_complaints_substantiated": [1, 0, 0],
                         "n_defective_returns": [0, 1, 0], "cost_business_fault": [30.0, 20.0, 10.0]})
    assessment = pd.DataFrame({"customer_id": pd.Series(["C1", "C2", "C3"], dtype="str"),
                               "action": pd.Series(["retain", "keep", "offboard"], dtype="str")})
    a = SimpleNamespace(highlights=SimpleNamespace(hurt_most=hurt, customer_names={"C3": "Ada"}), assessment=assessment)
    t = Translator.for_report("en", "EUR", "en")
    _, block = _hurt_most(a, t)
    assert [row[0] for row in block.items] == ["C3 · Ada", "C9", "C1"]
    # C9 is not assessed: no action; the others' own, whatever the assessment's order.
    assert [row[-1] for row in block.items] == [t("action.offboard"), MISSING, t("action.retain")]
