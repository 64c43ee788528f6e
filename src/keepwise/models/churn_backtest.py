"""Which churn source predicts this business best: the classifier, the transaction model, their blend.

``backtest`` replays the whole procedure at earlier cutoffs and scores the classifier against the
BG/NBD model's churn risk and a recency-only baseline; ``choose_churn_source`` picks the source.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.models.base import ConvergenceError
from keepwise.models.bgnbd import BetaGeoFitter
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_labels import FeatureFrames
from keepwise.models.summary import TIME_UNIT_DAYS, customer_summary

__all__ = ["SOURCES", "backtest", "bgnbd_churn_risk", "choose_churn_source"]

SOURCES = ("classifier", "bgnbd", "blend", "recency")


# -- BG/NBD churn risk -------------------------------------------------------------------------------


def bgnbd_churn_risk(ds: Dataset, as_of: date, settings: Settings) -> pd.DataFrame:
    """``DataFrame[customer_id, churn_risk]`` from a BG/NBD model fitted on completed orders up to
    ``as_of``: churn_risk = 1 - P(at least one purchase in the next ``period_days``), for customers who
    have bought. Raises ``ConvergenceError`` when the data cannot identify the model."""
    config = settings.churn_model
    time_unit = settings.clv.time_unit
    unit_days = TIME_UNIT_DAYS[time_unit]
    rfm = customer_summary(ds, as_of, time_unit)
    fitter = BetaGeoFitter(random_state=config.seed).fit(rfm["frequency"], rfm["recency"], rfm["T"])
    buy = fitter.probability_of_purchase_in_next(
        config.period_days / unit_days, rfm["frequency"], rfm["recency"], rfm["T"]
    )
    return pd.DataFrame({"customer_id": rfm["customer_id"], "churn_risk": np.clip(1.0 - buy, 0.0, 1.0)})


# -- backtest ---------------------------------------------------------------------------------------


def _scores(labels: np.ndarray, risk: np.ndarray) -> dict[str, float]:
    if risk is None or not np.all(np.isfinite(risk)):
        return {"auc": np.nan, "pr_auc": np.nan, "brier": np.nan, "mean_predicted": np.nan}
    two_classes = 0 < labels.sum() < len(labels)
    return {
        "auc": float(roc_auc_score(labels, risk)) if two_classes else np.nan,
        "pr_auc": float(average_precision_score(labels, risk)) if two_classes else np.nan,
        "brier": float(brier_score_loss(labels, risk)),
        "mean_predicted": float(np.mean(risk)),
    }


def _recency_baseline(frames: FeatureFrames, cutoff: date, period_days: int) -> np.ndarray | None:
    """Churn risk from days since the last order alone: the churn share by recency observed one
    period earlier (an increasing isotonic fit on that cutoff, whose labels end at ``cutoff``)."""
    earlier = cutoff - timedelta(days=period_days)
    past, past_labels = frames.labelled(earlier, period_days)
    now, _ = frames.labelled(cutoff, period_days)
    if len(past) == 0:
        return None
    fit = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    fit.fit(past["days_since_last_order"].to_numpy(dtype=float), past_labels)
    return fit.predict(now["days_since_last_order"].to_numpy(dtype=float))


def backtest(ds: Dataset, as_of: date, n_cutoffs: int = 3, settings: Settings | None = None, *,
             frames: FeatureFrames | None = None) -> pd.DataFrame:
    """Replay the churn prediction at ``as_of - j x period_days`` for ``j = 1 .. n_cutoffs`` and score it.

    At each cutoff every source sees only data up to the cutoff and is scored on the customers who had
    bought by then, against what they did in the following period:

    * ``classifier``: ``ChurnModel.fit(ds, cutoff)`` (its own training cutoffs lie before it);
    * ``bgnbd``: 1 - P(a purchase in the period) from BG/NBD fitted on orders up to the cutoff;
    * ``blend``: the mean of those two;
    * ``recency``: the churn share by days since the last order seen at the previous cutoff.

    Returns one row per (cutoff, source): ``cutoff, source, n_customers, churn_rate, mean_predicted,
    auc, pr_auc, brier, note``. A source that cannot be fitted at a cutoff has NaN scores and says why
    in ``note``. ``frames`` may carry feature frames already computed for ``ds`` (and receives the new
    ones), so that a later ``ChurnModel.fit(ds, as_of, frames=frames)`` does not compute them again.
    """
    settings = settings or ds.settings
    period_days = settings.churn_model.period_days
    frames = frames or FeatureFrames(ds, settings)
    rows = []
    for j in range(1, n_cutoffs + 1):
        cutoff = as_of - timedelta(days=j * period_days)
        frame, labels = frames.labelled(cutoff, period_days)
        if len(labels) == 0:
            rows.extend({"cutoff": cutoff, "source": source, "n_customers": 0, "churn_rate": np.nan,
                         **_scores(labels, None), "note": "no customer had bought by this cutoff"}
                        for source in SOURCES)
            continue
        ids = frame["customer_id"]
        risks: dict[str, np.ndarray | None] = {}
        notes: dict[str, str] = {}
        try:
            model = ChurnModel(settings).fit(ds, cutoff, frames=frames)
            risks["classifier"] = model._calibrate(model.raw_scores(frame, cutoff))
        except ValueError as error:
            risks["classifier"], notes["classifier"] = None, str(error)
        try:
            bgnbd = bgnbd_churn_risk(ds, cutoff, settings).set_index("customer_id")["churn_risk"]
            risks["bgnbd"] = bgnbd.reindex(ids).to_numpy(dtype=float)
        except ConvergenceError as error:
            risks["bgnbd"], notes["bgnbd"] = None, str(error)
        if risks["classifier"] is not None and risks["bgnbd"] is not None:
            risks["blend"] = 0.5 * (risks["classifier"] + risks["bgnbd"])
        else:
            risks["blend"], notes["blend"] = None, "needs both the classifier and BG/NBD"
        risks["recency"] = _recency_baseline(frames, cutoff, period_days)
        if risks["recency"] is None:
            notes["recency"] = "no customers had bought by the previous cutoff"
        for source in SOURCES:
            rows.append({
                "cutoff": cutoff, "source": source, "n_customers": len(labels),
                "churn_rate": float(labels.mean()) if len(labels) else np.nan,
                **_scores(labels, risks[source]), "note": notes.get(source, ""),
            })
    return pd.DataFrame(rows)


def choose_churn_source(backtest_df: pd.DataFrame, settings: Settings | None = None) -> tuple[str, str]:
    """``("classifier" | "bgnbd" | "blend", reason)`` from a ``backtest`` frame.

    The source with the lower mean Brier score over the cutoffs where both were scored wins (Brier
    rewards calibration and ranking alike, and churn_risk is used as a probability); the blend is
    chosen only when it beats the better single source by ``blend_min_brier_gain``. The reason quotes
    both mean AUCs and Brier scores, e.g. "classifier: AUC 0.84 vs 0.78, Brier 0.120 vs 0.150 over 3
    cutoffs".
    """
    min_gain = settings.churn_model.blend_min_brier_gain if settings else 0.002
    wide = backtest_df.pivot(index="cutoff", columns="source", values=["auc", "brier"])
    classifier_ok = wide[("brier", "classifier")].notna()
    bgnbd_ok = wide[("brier", "bgnbd")].notna()
    if not bgnbd_ok.any() and not classifier_ok.any():
        raise ValueError("choose_churn_source: neither the classifier nor BG/NBD could be scored at any cutoff")
    if not classifier_ok.any():
        note = backtest_df.loc[backtest_df["source"] == "classifier", "note"].iloc[0]
        return "bgnbd", f"bgnbd: the classifier could not be trained ({note})"
    if not bgnbd_ok.any():
        note = backtest_df.loc[backtest_df["source"] == "bgnbd", "note"].iloc[0]
        return "classifier", f"classifier: BG/NBD could not be fitted ({note})"
    both = wide[classifier_ok & bgnbd_ok]
    auc = {s: float(both[("auc", s)].mean()) for s in ("classifier", "bgnbd", "blend")}
    brier = {s: float(both[("brier", s)].mean()) for s in ("classifier", "bgnbd", "blend")}
    best, other = ("classifier", "bgnbd") if brier["classifier"] <= brier["bgnbd"] else ("bgnbd", "classifier")
    if brier["blend"] <= brier[best] - min_gain:
        best, other = "blend", best
    n = len(both)
    reason = (f"{best}: AUC {auc[best]:.2f} vs {auc[other]:.2f}, Brier {brier[best]:.3f} vs "
              f"{brier[other]:.3f} ({other}) over {n} cutoff{'s' if n != 1 else ''}")
    return best, reason
