"""How the churn source was chosen on the business's own past, in the reader's language (the report's note
on where churn risk comes from, a customer's dossier): each source's mean AUC and Brier score over the
backtest's cutoffs, from the figures the models give (``SourceComparison.facts``)."""

from __future__ import annotations

from keepwise.text.translator import Translator

__all__ = ["churn_source_named", "churn_source_text"]


def churn_source_text(t: Translator, comparison: dict) -> str:
    """``comparison``: ``best`` and ``other`` (source names: classifier, blend or a purchase model), ``auc`` and
    ``brier`` (best's, other's), ``cutoffs``."""
    (best_auc, other_auc), (best_brier, other_brier) = comparison["auc"], comparison["brier"]
    return t("churn_source.comparison", best=t(f"churn_source.{comparison['best']}"),
             other=t(f"churn_source.{comparison['other']}"), best_auc=t.number(best_auc, 2),
             other_auc=t.number(other_auc, 2), best_brier=t.number(best_brier, 3),
             other_brier=t.number(other_brier, 3), cutoffs=comparison["cutoffs"])


def churn_source_named(t: Translator, source: str, comparison: dict | None) -> str:
    """Where churn risk comes from: how ``source`` beat the other on the business's past when the two were
    compared (``churn_source_text``), else its name."""
    return t(f"churn_source.{source}") if comparison is None else churn_source_text(t, comparison)
