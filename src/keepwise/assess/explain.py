"""``explain``: the dossier on one customer, every figure with the dated records behind it."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from keepwise.assess.engine import reasons_language
from keepwise.assess.timeline import TIMELINE_TABLES, customer_timeline, moment_text
from keepwise.data.loader import Dataset
from keepwise.metrics.features import customer_feature_frame
from keepwise.text.calendar import persian_moment
from keepwise.text.churn_source import churn_source_named
from keepwise.text.phrase import phrase_all
from keepwise.text.timeline import timeline_sentence
from keepwise.text.translator import Translator

__all__ = ["TIMELINE_TABLES", "explain", "render_text"]

def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return moment_text(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def explain(
    ds: Dataset, customer_id: str, as_of: date, assessment: pd.DataFrame | None = None, lang: str | None = None
) -> dict:
    """The dossier: action, priority, flags (current and past), reasons, metrics, evidence and a dated timeline.

    The whole customer base is assessed (priorities and "valuable" are relative to it) unless an
    ``assessment`` from ``assess`` is passed in. Reasons are phrased from the evidence's facts in
    ``lang`` (default: the settings' locale). Raises ``KeyError`` for an unknown customer.
    """
    churn_drivers: list[str] = []
    detail = comparison = None
    if assessment is None:
        from keepwise.assess.churn_reasons import churn_reasons
        from keepwise.assess.run import assess_with_models

        # Every customer is judged (priorities are relative to them all); only this one's texts are written.
        run = assess_with_models(ds, as_of, lang=lang, texts_for=[customer_id])
        assessment, features, detail = run.assessment, run.features, run.churn_source_reason
        model = run.predictions.churn_model if run.predictions is not None else None
        if run.predictions is not None and run.predictions.churn_source_comparison is not None:
            comparison = run.predictions.churn_source_comparison.facts()
        if model is not None and (assessment["customer_id"] == customer_id).any():
            frames = run.predictions.churn_frames
            churn_drivers = churn_reasons(model, ds, as_of, [customer_id], frames=frames,
                                          lang=lang or reasons_language(ds.settings)).get(customer_id, [])
    else:
        features = customer_feature_frame(ds, as_of)
    row = assessment[assessment["customer_id"] == customer_id]
    if row.empty:
        raise KeyError(f"no customer {customer_id!r}")
    row = row.iloc[0]
    metrics = features[features["customer_id"] == customer_id].iloc[0]
    evidence = json.loads(row["evidence"])
    language = lang or reasons_language(ds.settings)
    reasons = phrase_all(evidence.get("reasons", []), language, ds.settings.general.currency)

    return {
        "customer_id": customer_id,
        "as_of": as_of.isoformat(),
        "action": row["action"],
        "priority": int(row["priority"]),
        "lifecycle": row["lifecycle"],
        "flags": [code for code in str(row["flags"]).split(";") if code],
        "past_flags": [code for code in str(row.get("past_flags", "")).split(";") if code],
        "reasons": reasons,
        "lang": language,
        "currency": ds.settings.general.currency,
        "locale": ds.settings.general.locale,
        "money_at_stake": float(row["money_at_stake"]),
        "clv": float(row["clv"]),
        "p_alive": float(row["p_alive"]),
        "churn_risk": float(row["churn_risk"]),
        "churn_source": row.get("churn_source", "rhythm"),
        "churn_source_detail": detail,  # the models' technical note, in English; None for a given assessment
        "churn_source_comparison": comparison,
        "churn_drivers": churn_drivers,
        "evidence": evidence,
        "metrics": {column: _plain(value) for column, value in metrics.items()},
        "timeline": customer_timeline(ds, customer_id, as_of),
    }


def render_text(dossier: dict, max_events: int | None = None):
    """A Rich renderable of the dossier (print it with ``rich.print`` or a ``Console``): its timeline's last
    ``max_events`` events (all with ``None``), and a line below saying so when there were more.

    Labels come from the text layer's catalog in the dossier's language (``explain.*`` keys of
    ``keepwise.text.locales``), and so do the words for the action, lifecycle stage, flags, churn source and
    timeline tables (the dossier itself holds their codes); figures are formatted for it, and Persian text gets
    Persian digits. A timeline row's event is a sentence of the dossier's language (``keepwise.text.timeline``, as
    the staff app writes its timeline), its time in the reader's calendar.
    """
    from rich.console import Group
    from rich.text import Text

    from keepwise.text.terminal import rows_table

    lang = dossier.get("lang", "en")
    t = Translator.for_report(lang, dossier.get("currency", "EUR"), dossier.get("locale"))

    def moment(text) -> str:  # Persian: the Solar Hijri calendar, as the reasons beside it write days
        return persian_moment(text) if lang == "fa" else str(text)

    def flag_list(codes) -> str:
        return t("list_separator").join(t(f"flag.{code}") for code in codes)

    head = Text()
    head.append(f"{dossier['customer_id']}  ", style="bold")
    head.append(t("explain.head", action=t(f"action.{dossier['action']}"), priority=int(dossier["priority"])),
                style="bold cyan")
    head.append("  " + t("explain.lifecycle", lifecycle=t(f"lifecycle.{dossier['lifecycle']}"),
                         as_of=moment(dossier["as_of"])) + "\n")
    head.append(t("explain.figures", clv=t.money(dossier["clv"]), p_alive=t.percent(dossier["p_alive"]),
                  churn_risk=t.percent(dossier["churn_risk"]), stake=t.money(dossier["money_at_stake"])) + "\n")
    source = churn_source_named(t, dossier["churn_source"], dossier.get("churn_source_comparison"))
    head.append(t("explain.churn_source", source=source) + "\n")
    if dossier.get("churn_drivers"):
        head.append(t("explain.churn_drivers", drivers=t("explain.separator").join(dossier["churn_drivers"])) + "\n")
    head.append(t("explain.flags", flags=flag_list(dossier["flags"]) or t("explain.no_flags")) + "\n")
    if dossier.get("past_flags"):
        head.append(t("explain.past_flags", flags=flag_list(dossier["past_flags"])) + "\n")
    for reason in dossier["reasons"]:
        head.append(f"  - {reason}\n")
    events = dossier["timeline"] if not max_events else dossier["timeline"][-max_events:]
    timeline = rows_table(t("explain.timeline"), [t(f"explain.col.{column}") for column in ("at", "table", "what")],
                          [[moment(event["at"]), t(f"explain.table.{event['table']}"),
                            timeline_sentence(t, event["event"], event["values"])] for event in events])
    if len(events) == len(dossier["timeline"]):
        return Group(head, timeline)
    # below the table as a line of its own: as the table's caption it was wrapped to the table's width
    return Group(head, timeline, Text(t("explain.timeline_cut", shown=len(events), total=len(dossier["timeline"]))))
