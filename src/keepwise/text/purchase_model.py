"""Which purchase model gives p_alive and clv, and how it was chosen, in the reader's language (what ``assess``
prints after its table), from the facts the choice gives (``TransactionChoice.facts``)."""

from __future__ import annotations

from keepwise.text.translator import Translator

__all__ = ["purchase_model_text"]


def purchase_model_text(t: Translator, facts: dict | None) -> str:
    """``facts``: ``how`` ("holdout": the candidate that predicted the held-out ``days`` best, by its Brier
    ``scores``, some perhaps ``not_fitted``; "setting": named by the settings; "no_history": no orders before
    the held-out days), ``model``; None: no purchase model could be used."""
    if facts is None:
        return t("assess.no_purchase_model")
    model = t(f"churn_source.{facts['model']}")
    if facts["how"] != "holdout":
        return t("assess.purchase_model", detail=t(f"purchase_model.{facts['how']}", model=model, days=facts["days"]))
    scores = facts["scores"]
    others = [t("purchase_model.score", model=t(f"churn_source.{name}"), score=t.number(score, 4))
              for name, score in scores.items() if name != facts["model"]]
    detail = t("purchase_model.holdout", model=model, days=facts["days"], score=t.number(scores[facts["model"]], 4))
    if others:
        detail += t("purchase_model.others", models=t("list_separator").join(others))
    if facts["not_fitted"]:
        detail += t("purchase_model.not_fitted",
                    models=t("list_separator").join(t(f"churn_source.{name}") for name in facts["not_fitted"]))
    return t("assess.purchase_model", detail=detail)
