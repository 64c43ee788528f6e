"""Issue 10: the plain-words note about the models (no purchase model fitted) is in the report, in its language."""

from __future__ import annotations

from datetime import date

from keepwise.config import load_settings
from keepwise.pipeline import run
from keepwise.report.build import render_html
from keepwise.report.sections import diagnostics
from keepwise.text.translator import LANGUAGES, Translator, messages

from datafactory import valid_tables, write_csv_folder


def test_no_purchase_model_note_is_in_the_model_check_in_every_language(tmp_path):
    # The tiny contract dataset has too little history for any purchase model: the rhythm rule stands in.
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    result = run(folder, date(2026, 6, 30), settings=load_settings())
    assert result.plain_notes and all(key.startswith("plain.") for key in result.plain_notes)
    for lang in LANGUAGES:
        t = Translator.for_report(lang, result.currency)
        section = diagnostics(result, t)
        notes = [block.text for block in section.blocks if block.kind == "note"]
        for key in result.plain_notes:
            assert messages(lang)[key] in notes
    assert "own buying rhythm" in render_html(result, "en")
    assert "собственному ритму покупок" in render_html(result, "ru")
    assert "ریتم خرید" in render_html(result, "fa")


def test_a_fitted_purchase_model_has_no_plain_note(cdnow_short_result):
    assert cdnow_short_result.plain_notes == []
    section = diagnostics(cdnow_short_result, Translator.for_report("en", cdnow_short_result.currency))
    assert messages("en")["plain.no_purchase_model"] not in [block.text for block in section.blocks]
