"""Per-customer predictions for the assessment: P(alive), churn risk and CLV.

* P(alive) comes from the transaction model ([clv] transaction_model, BG/NBD by default) fitted
  on completed orders up to the as-of date.
* churn_risk is P(no purchase in the next [churn_model] period_days). It comes from whichever
  source predicted better on this business's own history (``churn_backtest.backtest``): the transaction model's
  closed form, the LightGBM classifier, or their blend ([clv] churn_source = "auto"), and the
  result says which and why. The classifier is trained and backtested on at most [churn_model]
  max_customers_per_fit customers (a seeded sample of a larger business, ``training_sample``); only
  its final scoring at as_of covers every customer.
* CLV is discounted expected gross margin over [clv] horizon_days: expected purchases per month
  from the transaction model x expected spend per purchase from Gamma-Gamma x the customer's own
  margin share of revenue.

Customers without a completed order have no purchase history for these models; they are left out,
and the assessment's rhythm rule covers them. Any model that cannot be fitted on this data is
reported in ``notes`` and the next source is used, never a silent NaN.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from keepwise.data.loader import Dataset
from keepwise.data.positions import positions, reindexed, values_at
from keepwise.metrics.periods import DAYS_PER_MONTH
from keepwise.models.base import BaseFitter
from keepwise.models.clv import customer_lifetime_value
from keepwise.models.fitting import churn_risk, transaction_fitter
from keepwise.models.gamma_gamma import GammaGammaFitter
from keepwise.models.summary import TIME_UNIT_DAYS, customer_summary, split_statistics
from keepwise.models.transaction_choice import (
    TransactionChoice,
    choice_split,
    choose_transaction_model,
    with_transaction_model,
)

if TYPE_CHECKING:  # imported where the backtest runs: it brings the classifier's libraries
    from keepwise.models.churn_backtest import SourceComparison


@dataclass
class CustomerPredictions:
    table: pd.DataFrame  # customer_id, then what could be predicted: p_alive, churn_risk, clv, ...
    churn_source: str  # the transaction model ([clv] transaction_model), "classifier", "blend", or "rhythm"
    churn_source_reason: str
    transaction_model: BaseFitter | None = None
    spend_model: GammaGammaFitter | None = None
    backtest: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    churn_model: object | None = None  # the fitted ChurnModel when the classifier contributes
    churn_frames: object | None = None  # its FeatureFrames, so reasons reuse computed features
    transaction_model_name: str | None = None  # the purchase model used (bgnbd, mbgnbd, pareto-nbd)
    transaction_model_reason: str = ""  # why that one (the holdout comparison, or the setting)
    transaction_model_choice: dict | None = None  # the same as facts (``TransactionChoice.facts``); None: none used
    # The same news in words a shop owner reads: catalog keys of keepwise.text.locales ("plain.*").
    plain_notes: list[str] = field(default_factory=list)
    # Each row of ``table``: its row in the feature frame the predictions were made with (-1: not there);
    # None when they were made without one. Stages that align the two use it instead of the ids.
    feature_rows: np.ndarray | None = None
    # How the churn source was chosen on this business's past, when it was.
    churn_source_comparison: SourceComparison | None = None

    def for_assessment(self) -> pd.DataFrame:
        """The columns the assessment takes from models; absent ones fall back to its rhythm rule."""
        return self.table[[c for c in ("customer_id", "p_alive", "churn_risk", "clv") if c in self.table]]


def _margin_share(summary: pd.DataFrame, features: pd.DataFrame | None, rows: np.ndarray | None) -> np.ndarray:
    """Each customer's gross margin as a share of revenue; the business's overall share as fallback.
    ``rows``: the summary's customers' rows in ``features`` (``_feature_rows``)."""
    if features is None or "gross_margin" not in features:
        return np.ones(len(summary))
    margin, revenue = features["gross_margin"], features["revenue"]
    total_share = float(margin.sum() / revenue.sum()) if revenue.sum() > 0 else 0.0
    share = values_at(margin.to_numpy(dtype=float), rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        share /= values_at(revenue.to_numpy(dtype=float), rows)
    share = np.where(np.isfinite(share), share, total_share)
    return np.clip(share, -1.0, 1.0)


def _aligned(scores: pd.Series, customer_ids: pd.Index | pd.Series,
             known: tuple[pd.Index, np.ndarray] | None = None) -> pd.Series:
    """``scores`` (by customer_id) as floats for ``customer_ids`` in their order, NaN for those it lacks
    (``keepwise.data.positions.reindexed``, with its ``known`` positions)."""
    index = customer_ids if isinstance(customer_ids, pd.Index) else pd.Index(customer_ids)
    return reindexed(scores.astype(float), index, known)


def _feature_rows(summary: pd.DataFrame, features: pd.DataFrame | None) -> np.ndarray | None:
    """The summary's customers' rows in ``features`` (``keepwise.data.positions``: no index of string ids),
    found once for every stage that aligns the two; None without features."""
    return None if features is None else positions(summary["customer_id"], features["customer_id"])


def _clv(ds: Dataset, transaction: BaseFitter, summary: pd.DataFrame, unit_days: float,
         margin_share: np.ndarray, notes: list[str]) -> tuple[np.ndarray, GammaGammaFitter | None]:
    config = ds.settings.clv
    months = max(1, math.ceil(config.horizon_days / DAYS_PER_MONTH))
    monthly_rate = (1.0 + config.discount_rate_yearly) ** (1.0 / 12.0) - 1.0
    x, t_x, t_cal = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    monetary = summary["monetary_value"].to_numpy(dtype=float)
    repeaters = x > 0
    spend_model: GammaGammaFitter | None = None
    try:
        spend_model = GammaGammaFitter().fit(x[repeaters], monetary[repeaters])
        spend = spend_model.conditional_expected_average_profit(x, monetary)
    except ValueError as error:  # includes ConvergenceError: too few repeat buyers, or spend that does not vary
        notes.append(f"Gamma-Gamma could not be fitted ({error}); expected spend = mean repeat spend")
        mean_spend = float(monetary[repeaters].mean()) if repeaters.any() else 0.0
        spend = np.where(repeaters, monetary, mean_spend)
    clv = customer_lifetime_value(transaction, spend, x, t_x, t_cal, periods=months,
                                  period_length=DAYS_PER_MONTH / unit_days, discount_rate=monthly_rate,
                                  margin=margin_share)
    return clv, spend_model


def _feature_frames(ds: Dataset, as_of: date, features: pd.DataFrame | None):
    """Feature frames for scoring every customer at as_of, seeded with the ones already computed there."""
    from keepwise.models.churn_labels import FeatureFrames

    frames = FeatureFrames(ds, ds.settings)
    if features is not None:
        frames.remember(as_of, features)
    return frames


def _training_frames(ds: Dataset, frames, settings):
    """Feature frames of the customers the classifier is trained and backtested on: ``frames`` themselves
    when the business has no more than ``[churn_model] max_customers_per_fit`` customers, else those of a
    seeded sample of that many (``training_sample``), so that training costs the same however many there are."""
    from keepwise.models.churn_labels import FeatureFrames, training_sample

    sample = training_sample(ds, settings)
    return frames if sample is ds else FeatureFrames(sample, settings)


def _started_fits(ds: Dataset, as_of: date, frames, fits_open: ExitStack):
    """The classifier's fits on its training frames (``_training_frames``), started (``_classifier_fits``),
    and the features of every other cutoff the churn backtest reads computed too (``feature_cutoffs``,
    ``FeatureFrames.prefetch``); None when the training frames cannot be made (ValueError): the steps that
    need them then run as without this and meet the error where they always do. A ValueError of the
    features (e.g. data they cannot be computed on) is met by the backtest, which makes it a note."""
    from keepwise.models.churn_backtest import feature_cutoffs

    settings = ds.settings  # the features depend on [costs] and [features] only, not on the purchase model
    try:
        training = _training_frames(ds, frames, settings)
    except ValueError:
        return None
    fits = fits_open.enter_context(_classifier_fits(training, as_of, settings))
    with suppress(ValueError):  # the backtest meets it again and makes it a note
        training.prefetch(feature_cutoffs(as_of, settings), settings.churn_model.period_days)
    return fits


def _classifier_fits(training, as_of: date, settings):
    """The classifier's fits on the ``training`` frames (``ChurnFits``), those a churn source chosen by
    backtest asks for started at once in ``[engine] classifier_fit_workers`` threads: one per backtest
    cutoff and one at ``as_of``. The final fit at ``as_of`` is started before the backtest has chosen the
    classifier: when it chooses the purchase model instead, that fit's CPU time was spent for nothing."""
    from keepwise.models.churn_backtest import backtest_cutoffs
    from keepwise.models.churn_fits import ChurnFits

    fits = ChurnFits(training, settings, workers=settings.engine.classifier_fit_workers)
    return fits.start([*backtest_cutoffs(as_of, settings), as_of])


class _ChurnChoice(NamedTuple):
    """The churn risk per customer and where it came from: the source, its technical note, the backtest's scores,
    the classifier with its frames when it was used, and how the source was chosen (when it was compared)."""

    risk: pd.Series
    source: str
    reason: str
    scores: pd.DataFrame | None = None
    fitted: tuple | None = None
    comparison: SourceComparison | None = None


def _churn_from_history(ds: Dataset, as_of: date, transaction_risk: pd.Series, notes: list[str], frames, settings,
                        fits, known: tuple[pd.Index, np.ndarray] | None = None) -> _ChurnChoice:
    """Pick the churn source by backtest on this business's own past, then predict with it. ``settings``
    name the transaction model in use (the one chosen when ``[clv] transaction_model`` is auto); ``fits``:
    the classifier's fits on its training frames (``_classifier_fits``); ``known``: as ``_aligned`` takes it."""
    from keepwise.models.churn_backtest import backtest, compare_churn_sources

    name = settings.clv.transaction_model
    ahead: tuple | None = None

    def score_ahead() -> None:
        # While the backtest's fits still run: the classifier's scores at as_of, when its fit was started ahead
        # (it was started first). Wasted when the backtest chooses the purchase model (~0.2 CPU s at 100,000
        # customers); a ValueError is met again below, where it becomes a note.
        nonlocal ahead
        if fits.started(as_of):
            with suppress(ValueError):
                ahead = _classifier_scores(fits, ds, as_of, frames)

    try:
        scores = backtest(fits.frames.ds, as_of, n_cutoffs=settings.clv.backtest_cutoffs, settings=settings,
                          fits=fits, while_fitting=score_ahead)
        comparison = compare_churn_sources(scores, settings)
    except ValueError as error:
        notes.append(f"churn backtest not possible ({error})")
        return _ChurnChoice(transaction_risk, name, f"{name}: the backtest could not run on this data")
    source, reason = comparison.best, comparison.reason
    if source == name:
        return _ChurnChoice(transaction_risk, source, reason, scores, comparison=comparison)
    try:
        model, risk = ahead or _classifier_scores(fits, ds, as_of, frames)
        classifier = risk.set_index("customer_id")["churn_risk"]
    except ValueError as error:
        notes.append(f"churn classifier not used ({error})")
        return _ChurnChoice(transaction_risk, name, f"{name}: the classifier could not be trained at {as_of}", scores)
    classifier = _aligned(classifier, transaction_risk.index, known)
    if source == "blend":
        combined = ((classifier + transaction_risk) / 2).fillna(transaction_risk)
        return _ChurnChoice(combined, source, reason, scores, (model, frames), comparison)
    return _ChurnChoice(classifier.fillna(transaction_risk), source, reason, scores, (model, frames), comparison)


def _classifier_scores(fits, ds: Dataset, as_of: date, frames) -> tuple[object, pd.DataFrame]:
    """The classifier fitted at ``as_of`` (``fits``) and its ``predict_proba`` of every customer of ``frames``."""
    model = fits.model(as_of)
    return model, model.predict_proba(ds, as_of, frames=frames)


def _classifier_only(ds: Dataset, as_of: date, customer_ids: pd.Series, notes: list[str], frames, fits=None,
                     known: tuple[pd.Index, np.ndarray] | None = None):
    """Churn risk from the classifier alone, for data the purchase model cannot describe; ``fits``: the
    classifier's fits when already made (``_classifier_fits``); ``known``: as ``_aligned`` takes it."""
    from keepwise.models.churn_fits import ChurnFits

    try:
        fits = fits or ChurnFits(_training_frames(ds, frames, ds.settings), ds.settings)
        model, scores = _classifier_scores(fits, ds, as_of, frames)
        risk = scores.set_index("customer_id")["churn_risk"]
    except ValueError as error:
        notes.append(f"churn classifier not used ({error})")
        return None, None
    return _aligned(risk, customer_ids, known), model


@dataclass
class _PurchaseModel:
    """The purchase-model part of the predictions (``_purchase_model``)."""

    choice: TransactionChoice
    transaction: BaseFitter | None
    spend_model: GammaGammaFitter | None
    columns: dict[str, np.ndarray]  # p_alive, churn_risk_transaction, clv (with a model)
    notes: list[str]
    feature_rows: np.ndarray | None  # the summary's customers' rows in the features (``_feature_rows``)


def _purchase_model(ds: Dataset, as_of: date, summary: pd.DataFrame, split: date | None,
                    features: pd.DataFrame | None) -> _PurchaseModel:
    """Choose and fit the purchase model on ``summary``, then P(alive), its churn risk and CLV (its expected
    purchases per month, Gamma-Gamma's spend): NumPy/SciPy on arrays already read, no engine work, so it may
    run in another thread while the engine works (``[engine] overlap_models``). Models that cannot be fitted
    are notes."""
    config = ds.settings.clv
    unit_days = TIME_UNIT_DAYS[config.time_unit]
    notes: list[str] = []
    rows = _feature_rows(summary, features)
    x, t_x, t_cal = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    choice = choose_transaction_model(ds, as_of, statistics=None if split is None else split_statistics(summary))
    for name, error in choice.failures.items():
        notes.append(f"{name} cannot be fitted on the orders before the held-out days ({error})")
    transaction = None
    if choice.name is not None:
        try:
            transaction = transaction_fitter(choice.name).fit(x, t_x, t_cal)
        except ValueError as error:  # ConvergenceError included: e.g. no dropout visible in the data
            notes.append(f"{choice.name} cannot be fitted on this data ({error})")
    else:
        notes.append(choice.reason)
    if transaction is None:
        return _PurchaseModel(choice, None, None, {}, notes, rows)
    columns = {
        "p_alive": np.clip(transaction.conditional_probability_alive(x, t_x, t_cal), 0.0, 1.0),
        "churn_risk_transaction": churn_risk(transaction, ds.settings.churn_model.period_days, unit_days,
                                             x, t_x, t_cal),
    }
    columns["clv"], spend_model = _clv(ds, transaction, summary, unit_days, _margin_share(summary, features, rows),
                                       notes)
    return _PurchaseModel(choice, transaction, spend_model, columns, notes, rows)


def predict_customers(ds: Dataset, as_of: date, features: pd.DataFrame | None = None) -> CustomerPredictions:
    """P(alive), churn risk and CLV for every customer with a completed order up to ``as_of``.

    The table holds only what could be predicted: without a purchase model (it cannot be fitted on
    this data) there is no p_alive or clv column, and the assessment's rhythm rule fills them in.

    With ``[clv] churn_source = "auto"`` and ``[engine] overlap_models`` the purchase model (``_purchase_model``,
    no engine work) is fitted in a worker thread while this thread has the engine build the classifier's
    training sample and its feature frames (``_started_fits``): only one thread uses the engine (a DuckDB
    connection is not thread-safe). The classifier's fits start in their own threads (``_classifier_fits``)
    as soon as their frames are there. Every part computes exactly what it computes one after the other,
    so the predictions are the same; an error of the purchase part is raised here, after the join.
    """
    with ExitStack() as fits_open:
        return _predict_customers(ds, as_of, features, fits_open)


def _predict_customers(ds: Dataset, as_of: date, features: pd.DataFrame | None,
                       fits_open: ExitStack) -> CustomerPredictions:
    """``predict_customers``; the classifier's fits are closed with ``fits_open``."""
    config = ds.settings.clv
    # One read of the orders gives the summary and, when the model is chosen, the choice's statistics; the
    # features' own read of them, when they are given.
    split = choice_split(as_of, ds.settings)
    summary = customer_summary(ds, as_of, config.time_unit, split=split, features=features)
    if summary.empty:
        raise ValueError(f"no completed orders up to {as_of.isoformat()}: nothing to predict from")
    table = pd.DataFrame({"customer_id": summary["customer_id"]})
    frames = fits = None
    if config.churn_source == "auto" and ds.settings.engine.overlap_models:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepwise-purchase-model") as pool:
            future = pool.submit(_purchase_model, ds, as_of, summary, split, features)
            frames = _feature_frames(ds, as_of, features)
            fits = _started_fits(ds, as_of, frames, fits_open)
            purchase = future.result()  # the worker's exception, if any, is raised here
    else:
        purchase = _purchase_model(ds, as_of, summary, split, features)
    choice, transaction, notes = purchase.choice, purchase.transaction, purchase.notes
    plain: list[str] = []

    # Each summary row's row in the features, and those features' ids: what aligning the classifier's scores
    # (made on the features frame) with the summary's customers would otherwise look up again.
    known = None if purchase.feature_rows is None else (pd.Index(features["customer_id"]), purchase.feature_rows)

    def finish(result: CustomerPredictions) -> CustomerPredictions:
        result.feature_rows = purchase.feature_rows
        result.transaction_model_name = choice.name if transaction is not None else None
        result.transaction_model_reason = choice.reason if transaction is not None else "none could be fitted"
        result.transaction_model_choice = choice.facts() if transaction is not None else None
        result.plain_notes = plain
        return result

    if transaction is None:
        plain.append("plain.no_purchase_model")
        if config.churn_source != "auto":
            return finish(CustomerPredictions(table, "rhythm", "rhythm: no model could be fitted", notes=notes))
        frames = frames or _feature_frames(ds, as_of, features)
        risk, model = _classifier_only(ds, as_of, table["customer_id"], notes, frames, fits, known)
        if risk is None:
            return finish(CustomerPredictions(table, "rhythm", "rhythm: no model could be fitted", notes=notes))
        table["churn_risk"] = np.clip(risk.to_numpy(dtype=float), 0.0, 1.0)
        reason = f"classifier: no purchase model can be fitted on this data ({config.transaction_model})"
        return finish(CustomerPredictions(
            table, "classifier", reason, notes=notes, churn_model=model, churn_frames=frames
        ))

    settings = with_transaction_model(ds.settings, choice.name)
    for column, values in purchase.columns.items():
        table[column] = values
    transaction_risk = pd.Series(table["churn_risk_transaction"].to_numpy(), index=table["customer_id"])
    if config.churn_source == "auto":
        frames = frames or _feature_frames(ds, as_of, features)
        if fits is None:
            training = _training_frames(ds, frames, settings)
            fits = fits_open.enter_context(_classifier_fits(training, as_of, settings))
        churn = _churn_from_history(ds, as_of, transaction_risk, notes, frames, settings, fits, known)
    else:
        churn = _ChurnChoice(transaction_risk, choice.name, f"{choice.name}: set by [clv] churn_source")
    table["churn_risk"] = np.clip(churn.risk.reindex(table["customer_id"]).to_numpy(dtype=float), 0.0, 1.0)
    result = CustomerPredictions(table, churn.source, churn.reason, transaction, purchase.spend_model, churn.scores,
                                 notes, churn_source_comparison=churn.comparison)
    if churn.fitted:
        result.churn_model, result.churn_frames = churn.fitted
    return finish(result)


def try_predict_customers(
    ds: Dataset, as_of: date, features: pd.DataFrame | None = None
) -> tuple[CustomerPredictions | None, str | None]:
    """Predictions, or None and the reason when no model can be fitted (the rhythm rule then applies)."""
    try:
        return predict_customers(ds, as_of, features), None
    except ValueError as error:
        return None, str(error)
