"""Which churn source predicts this business best: the classifier, the transaction model, their blend.

``backtest`` replays the whole procedure at earlier cutoffs and scores the classifier against the
BG/NBD model's churn risk and a recency-only baseline; ``choose_churn_source`` picks the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from keepwise.config import Settings, packaged_settings
from keepwise.data.loader import Dataset
from keepwise.models.base import ConvergenceError
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_fits import ChurnFits
from keepwise.models.churn_labels import FeatureFrames, training_sample
from keepwise.models.classification_scores import average_precision, brier_score, roc_auc
from keepwise.models.fitting import churn_risk, transaction_fitter
from keepwise.models.isotonic import IsotonicCurve
from keepwise.models.summary import TIME_UNIT_DAYS, customer_summary
from keepwise.models.transaction_choice import resolved_transaction_model, with_transaction_model

__all__ = ["SourceComparison", "backtest", "backtest_cutoffs", "choose_churn_source", "churn_sources", "compare_churn_sources",
           "feature_cutoffs", "transaction_churn_risk"]


@dataclass(frozen=True)
class SourceComparison:
    """The churn source the backtest chose (``best``) against the other it was scored against: each one's mean
    AUC and Brier score over the ``cutoffs`` where both were scored (``(best's, other's)``), or, when the
    other could not be scored at any, why (``failure``)."""

    best: str
    other: str
    auc: tuple[float, float] | None = None
    brier: tuple[float, float] | None = None
    cutoffs: int = 0
    failure: str = ""

    @property
    def reason(self) -> str:
        """The technical note (``--verbose``, ``--json``), in English: "classifier: AUC 0.84 vs 0.78, Brier
        0.120 vs 0.150 (bgnbd) over 3 cutoffs"."""
        if self.auc is None or self.brier is None:
            what = "the classifier could not be trained" if self.other == "classifier" else f"{self.other} could not be fitted"
            return f"{self.best}: {what} ({self.failure})"
        n = self.cutoffs
        return (f"{self.best}: AUC {self.auc[0]:.2f} vs {self.auc[1]:.2f}, Brier {self.brier[0]:.3f} vs "
                f"{self.brier[1]:.3f} ({self.other}) over {n} cutoff{'s' if n != 1 else ''}")

    def facts(self) -> dict | None:
        """The comparison as figures for the text layer (``keepwise.text.churn_source``); None when the other
        source could not be scored (its failure is the model's own technical note)."""
        if self.auc is None or self.brier is None:
            return None
        return {"best": self.best, "other": self.other, "auc": list(self.auc), "brier": list(self.brier),
                "cutoffs": self.cutoffs}



def churn_sources(settings: Settings | None = None) -> tuple[str, ...]:
    """The sources the backtest scores: the classifier, the transaction model ([clv] transaction_model,
    by its name), their blend, and the recency baseline."""
    return ("classifier", _transaction_name(settings), "blend", "recency")


def _transaction_name(settings: Settings | None) -> str:
    return (settings or packaged_settings()).clv.transaction_model


# -- the transaction model's churn risk -------------------------------------------------------------


def transaction_churn_risk(ds: Dataset, as_of: date, settings: Settings) -> pd.DataFrame:
    """``DataFrame[customer_id, churn_risk]`` from the configured transaction model ([clv]
    transaction_model) fitted on completed orders up to ``as_of``, for customers who have bought: the
    same fit and formula as the assessment's predictions. Raises ``ConvergenceError`` when the data
    cannot identify the model."""
    time_unit = settings.clv.time_unit
    rfm = customer_summary(ds, as_of, time_unit)
    args = (rfm["frequency"].to_numpy(dtype=float), rfm["recency"].to_numpy(dtype=float), rfm["T"].to_numpy(dtype=float))
    name = resolved_transaction_model(ds, as_of, settings)
    if name is None:
        raise ConvergenceError("no purchase model can be fitted on this data")
    fitter = transaction_fitter(name).fit(*args)
    risk = churn_risk(fitter, settings.churn_model.period_days, TIME_UNIT_DAYS[time_unit], *args)
    return pd.DataFrame({"customer_id": rfm["customer_id"], "churn_risk": risk})


# -- backtest ---------------------------------------------------------------------------------------


def _scores(labels: np.ndarray, risk: np.ndarray) -> dict[str, float]:
    if risk is None or not np.all(np.isfinite(risk)):
        return {"auc": np.nan, "pr_auc": np.nan, "brier": np.nan, "mean_predicted": np.nan}
    two_classes = 0 < labels.sum() < len(labels)
    return {
        "auc": roc_auc(labels, risk) if two_classes else np.nan,
        "pr_auc": average_precision(labels, risk) if two_classes else np.nan,
        "brier": brier_score(labels, risk),
        "mean_predicted": float(np.mean(risk)),
    }


def _previous_cutoff(cutoff: date, period_days: int) -> date:
    """The cutoff one period before ``cutoff``: the recency baseline learns there."""
    return cutoff - timedelta(days=period_days)


def backtest_cutoffs(as_of: date, settings: Settings, n_cutoffs: int | None = None) -> list[date]:
    """The cutoffs ``backtest(ds, as_of, n_cutoffs, settings)`` fits the classifier at, latest first:
    ``as_of - j x period_days`` for ``j = 1 .. n_cutoffs`` (default ``[clv] backtest_cutoffs``)."""
    n_cutoffs = settings.clv.backtest_cutoffs if n_cutoffs is None else n_cutoffs
    period_days = settings.churn_model.period_days
    return [as_of - timedelta(days=j * period_days) for j in range(1, n_cutoffs + 1)]


def feature_cutoffs(as_of: date, settings: Settings, n_cutoffs: int | None = None) -> list[date]:
    """Every cutoff whose features ``backtest(ds, as_of, n_cutoffs, settings)`` and a following
    ``ChurnModel(settings).fit(ds, as_of)`` may ask their frames for (latest first), so that a caller can
    compute them ahead (``FeatureFrames.prefetch``): each backtest cutoff, the one before it (recency
    baseline) and the cutoffs of the classifier's fits at every backtest cutoff and at ``as_of``."""
    period_days = settings.churn_model.period_days
    model = ChurnModel(settings)
    wanted: set[date] = set()
    backtested = backtest_cutoffs(as_of, settings, n_cutoffs)
    for cutoff in backtested:
        wanted.update((cutoff, _previous_cutoff(cutoff, period_days)))
    for cutoff in [*backtested, as_of]:
        wanted.update(model.read_cutoffs(cutoff))
    return sorted(wanted, reverse=True)


def _recency_baseline(frames: FeatureFrames, cutoff: date, period_days: int) -> np.ndarray | None:
    """Churn risk from days since the last order alone: the churn share by recency observed one
    period earlier (an increasing isotonic fit on that cutoff, whose labels end at ``cutoff``)."""
    earlier = _previous_cutoff(cutoff, period_days)
    past, past_labels = frames.labelled(earlier, period_days, ["days_since_last_order"])
    now, _ = frames.labelled(cutoff, period_days, ["days_since_last_order"])
    if len(past) == 0:
        return None
    fit = IsotonicCurve(lower=0.0, upper=1.0).fit(past["days_since_last_order"].to_numpy(dtype=float), past_labels)
    return fit.predict(now["days_since_last_order"].to_numpy(dtype=float))


@dataclass
class _Replay:
    """One backtest cutoff before the classifier is scored: the labels of the customers who had bought by
    then, and the transaction model's and the recency baseline's churn risk for them (None: not scored,
    with the reason in ``notes``)."""

    cutoff: date
    labels: np.ndarray
    risks: dict[str, np.ndarray | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def _replay_without_classifier(frames: FeatureFrames, cutoff: date, settings: Settings) -> _Replay:
    """``backtest``'s sources at ``cutoff`` but the classifier and the blend (``_Replay``); ``settings`` name
    the transaction model."""
    period_days = settings.churn_model.period_days
    frame, labels = frames.labelled(cutoff, period_days, ["customer_id"])  # of ds or of its training sample
    replay = _Replay(cutoff, labels)
    if len(labels) == 0:
        return replay
    transaction = _transaction_name(settings)
    try:
        risk = transaction_churn_risk(frames.ds, cutoff, settings).set_index("customer_id")["churn_risk"]
        replay.risks[transaction] = risk.reindex(frame["customer_id"]).to_numpy(dtype=float)
    except ConvergenceError as error:
        replay.risks[transaction], replay.notes[transaction] = None, str(error)
    replay.risks["recency"] = _recency_baseline(frames, cutoff, period_days)
    if replay.risks["recency"] is None:
        replay.notes["recency"] = "no customers had bought by the previous cutoff"
    return replay


def backtest(ds: Dataset, as_of: date, n_cutoffs: int | None = None, settings: Settings | None = None, *,
             frames: FeatureFrames | None = None, fits: ChurnFits | None = None,
             while_fitting: Callable[[], object] | None = None) -> pd.DataFrame:
    """Replay the churn prediction at ``as_of - j x period_days`` for ``j = 1 .. n_cutoffs`` and score it.

    ``n_cutoffs`` defaults to ``[clv] backtest_cutoffs``. At each cutoff every source sees only data up
    to the cutoff and is scored on the customers who had bought by then, against what they did in the
    following period (sources: :func:`churn_sources`):

    * ``classifier``: ``ChurnModel.fit(ds, cutoff)`` (its own training cutoffs lie before it);
    * the transaction model (``bgnbd``, ``mbgnbd`` or ``pareto-nbd``, as ``[clv] transaction_model``
      says): 1 - P(a purchase in the period), fitted on orders up to the cutoff
      (:func:`transaction_churn_risk`, the same as production);
    * ``blend``: the mean of those two;
    * ``recency``: the churn share by days since the last order seen at the previous cutoff.

    Returns one row per (cutoff, source): ``cutoff, source, n_customers, churn_rate, mean_predicted,
    auc, pr_auc, brier, note``. A source that cannot be fitted at a cutoff has NaN scores and says why
    in ``note``. Every source is fitted and scored on the customers of ``frames``: feature frames of ``ds``
    or of its ``training_sample`` (the default), which receive the new cutoffs, so that a later
    ``ChurnModel.fit(ds, as_of, frames=frames)`` does not compute them again. The classifier's fits come
    from ``fits`` when given (``ChurnFits`` on those frames, which may have started them ahead), else they
    are made here, one cutoff after the other. ``while_fitting``, when given, is called once the other
    sources are scored and before the classifier's fits are asked for: the caller's own work, done while
    fits started ahead still run.
    """
    settings = settings or ds.settings
    # With [clv] transaction_model = "auto" the model chosen at as_of is replayed at every cutoff.
    settings = with_transaction_model(settings, resolved_transaction_model(ds, as_of, settings))
    transaction = _transaction_name(settings)
    sources = churn_sources(settings)
    frames = fits.frames if fits is not None else frames or FeatureFrames(training_sample(ds, settings), settings)
    fits = fits or ChurnFits(frames, settings)
    # The transaction model and the recency baseline at every cutoff first, the classifier after: its fits
    # may still be running in ``fits``' worker threads, and this thread's engine work overlaps them.
    replays = [_replay_without_classifier(frames, cutoff, settings)
               for cutoff in backtest_cutoffs(as_of, settings, n_cutoffs)]
    if while_fitting is not None:
        while_fitting()
    rows = []
    for replay in replays:
        cutoff, labels, risks, notes = replay.cutoff, replay.labels, replay.risks, replay.notes
        if len(labels) == 0:
            rows.extend({"cutoff": cutoff, "source": source, "n_customers": 0, "churn_rate": np.nan,
                         **_scores(labels, None), "note": "no customer had bought by this cutoff"}
                        for source in sources)
            continue
        try:
            risks["classifier"] = fits.model(cutoff).labelled_risk(frames, cutoff)
        except ValueError as error:
            risks["classifier"], notes["classifier"] = None, str(error)
        if risks["classifier"] is not None and risks[transaction] is not None:
            risks["blend"] = 0.5 * (risks["classifier"] + risks[transaction])
        else:
            risks["blend"], notes["blend"] = None, f"needs both the classifier and {transaction}"
        for source in sources:
            rows.append({
                "cutoff": cutoff, "source": source, "n_customers": len(labels),
                "churn_rate": float(labels.mean()) if len(labels) else np.nan,
                **_scores(labels, risks[source]), "note": notes.get(source, ""),
            })
    return pd.DataFrame(rows)


def choose_churn_source(backtest_df: pd.DataFrame, settings: Settings | None = None) -> tuple[str, str]:
    """``("classifier" | <transaction model> | "blend", reason)`` from a ``backtest`` frame: the choice of
    :func:`compare_churn_sources` and its technical note."""
    comparison = compare_churn_sources(backtest_df, settings)
    return comparison.best, comparison.reason


def compare_churn_sources(backtest_df: pd.DataFrame, settings: Settings | None = None) -> SourceComparison:
    """The churn source to use (``best``: "classifier", the transaction model or "blend") from a ``backtest``
    frame, and the figures it was chosen by.

    The source with the lower mean Brier score over the cutoffs where both were scored wins (Brier
    rewards calibration and ranking alike, and churn_risk is used as a probability); the blend is
    chosen only when it beats the better single source by ``blend_min_brier_gain``. The comparison holds
    both mean AUCs and Brier scores ("classifier: AUC 0.84 vs 0.78, Brier 0.120 vs 0.150 over 3
    cutoffs"). The transaction model is the one the backtest scored; without ``settings``, the packaged
    defaults' gain applies.
    """
    settings = settings or packaged_settings()
    min_gain = settings.churn_model.blend_min_brier_gain
    scored = set(backtest_df["source"]) - {"classifier", "blend", "recency"}
    model = scored.pop() if len(scored) == 1 else _transaction_name(settings)
    wide = backtest_df.pivot(index="cutoff", columns="source", values=["auc", "brier"])
    classifier_ok = wide[("brier", "classifier")].notna()
    model_ok = wide[("brier", model)].notna()
    if not model_ok.any() and not classifier_ok.any():
        raise ValueError(f"compare_churn_sources: neither the classifier nor {model} could be scored at any cutoff")
    if not classifier_ok.any():
        note = backtest_df.loc[backtest_df["source"] == "classifier", "note"].iloc[0]
        return SourceComparison(model, "classifier", failure=note)
    if not model_ok.any():
        note = backtest_df.loc[backtest_df["source"] == model, "note"].iloc[0]
        return SourceComparison("classifier", model, failure=note)
    both = wide[classifier_ok & model_ok]
    auc = {s: float(both[("auc", s)].mean()) for s in ("classifier", model, "blend")}
    brier = {s: float(both[("brier", s)].mean()) for s in ("classifier", model, "blend")}
    best, other = ("classifier", model) if brier["classifier"] <= brier[model] else (model, "classifier")
    if brier["blend"] <= brier[best] - min_gain:
        best, other = "blend", best
    return SourceComparison(best, other, (auc[best], auc[other]), (brier[best], brier[other]), len(both))
