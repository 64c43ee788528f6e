"""The assessment with the models plugged in: what `keepwise assess`, `explain` and the report run.

features -> predictions (purchase model, churn source chosen by backtest, CLV) -> assess_frames, then
the churn classifier's own reasons for the customers a person will read (retain, win_back,
offboard): LightGBM's per-customer contributions are costly, so they are computed for those only,
in a worker thread started as soon as the actions are decided, while the customers are ranked (one core)
and the assessment's texts are written.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.assess.churn_reasons import churn_reason_lines
from keepwise.assess.engine import _referrals_tracked, assess_frames, judge_features, reasons_language
from keepwise.data.loader import Dataset
from keepwise.data.positions import inverse_positions, positions
from keepwise.metrics.features import customer_feature_frame
from keepwise.models.predict import CustomerPredictions, try_predict_customers
from keepwise.text.columns import append_at, concat, text_array
from keepwise.text.progress import Stages
from keepwise.text.translator import messages

READ_BY_PEOPLE = ("retain", "win_back", "offboard")


@dataclass
class AssessmentRun:
    assessment: pd.DataFrame
    features: pd.DataFrame
    predictions: CustomerPredictions | None
    churn_source: str  # where churn_risk came from: bgnbd, classifier, blend or rhythm
    churn_source_reason: str
    notes: list[str] = field(default_factory=list)  # technical detail (``--verbose``, the model check)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step, for benchmarks
    transaction_model: str | None = None  # the purchase model behind p_alive and clv; None: the rhythm rule
    transaction_model_reason: str = ""
    # What a shop owner needs to know, in plain words: catalog keys ("plain.*" of keepwise.text.locales).
    plain_notes: list[str] = field(default_factory=list)
    # Each row of ``assessment``: its row in ``features`` (what later stages align the two by).
    feature_rows: np.ndarray | None = None


class _ChurnReasonsMeanwhile:
    """The churn classifier's own reasons for the customers a person will read (READ_BY_PEOPLE), made in
    a worker thread (``start``, ``assess_frames``' ``on_decided``) while the customers are ranked and the
    assessment's texts are written, then appended to the assessment's reasons (``append_to``).

    The worker is the only user of the dataset's engine until ``append_to`` has waited for it: the
    assessment's texts read the feature frame alone. LightGBM's per-customer contributions take most
    of its time (2.4 s at 1,000,000 customers), on the core the texts leave idle."""

    def __init__(self, predictions: CustomerPredictions | None, ds: Dataset, as_of: date, lang: str,
                 texts_for: Collection[str] | None = None):
        self.predictions, self.ds, self.as_of, self.lang = predictions, ds, as_of, lang
        self.texts_for = texts_for  # the customers whose reasons are written (assess_frames); None: all
        self._pool: ThreadPoolExecutor | None = None
        self._texts: Future | None = None

    def start(self, customer_id: pd.Series, action: pd.Series) -> None:
        predictions = self.predictions
        # The classifier's drivers are facts phrased by the text layer in the reasons' language.
        if predictions is None or predictions.churn_model is None:
            return
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="keepwise-churn-reasons")
        self._texts = self._pool.submit(self._texts_of, customer_id, action)

    def _texts_of(self, customer_id: pd.Series, action: pd.Series) -> tuple[np.ndarray, pa.Array] | None:
        """The rows (of ``customer_id``, ascending) that gain a text, and their texts; None when none does."""
        predictions, lang = self.predictions, self.lang
        read = action.isin(READ_BY_PEOPLE).to_numpy()
        if self.texts_for is not None:
            named = list(self.texts_for)
            read = read & (positions(customer_id.array, named) >= 0) if named else np.zeros_like(read)
        read = np.flatnonzero(read)
        if not len(read):
            return None
        wanted = customer_id.take(read)
        ids, counts, drivers = churn_reason_lines(predictions.churn_model, self.ds, self.as_of, wanted.tolist(),
                                                  ", ", frames=predictions.churn_frames, lang=lang)
        # Each read row's place among the customers explained; only rows with a driver gain a text.
        found = positions(pa.array(wanted.array), ids)
        gains = found >= 0
        gains[gains] = counts[found[gains]] > 0
        if not gains.any():
            return None
        # Reasons are ';'-separated, so a driver text must not carry one.
        before_label, after_label = messages(lang)["reason.churn_drivers"].format(drivers="\0").split("\0")
        texts = drivers.take(pa.array(found[gains]))
        texts = pc.replace_substring(concat(before_label, texts, after_label, size=len(texts)), ";", ",")
        return read[gains], texts

    def close(self) -> None:
        """Wait for the worker, if one was started, and drop its texts: after a failure of the assessment,
        no thread is left using the dataset's engine behind the caller's back."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._texts = None

    def append_to(self, table: pd.DataFrame, rows: np.ndarray) -> None:
        """Wait for the worker and append its texts to ``table``'s reasons; ``rows``: each row of ``table``'s row
        among the customers ``start`` was given (``assess_frames``' ``on_ordered``)."""
        if self._texts is None:
            return
        try:
            found = self._texts.result()
        finally:
            self._pool.shutdown()
        if found is None:
            return
        given, texts = found
        # The rows of ``table`` that gain a text, ascending, and their texts in that order.
        changed = inverse_positions(rows, len(rows))[given]
        ascending = np.argsort(changed, kind="stable")
        changed, texts = changed[ascending], texts.take(pa.array(ascending))
        # Only the rows that gain a text are read and written, and only the chunks holding them are copied.
        reasons = table["reasons"]
        arrow = isinstance(reasons.array, pd.arrays.ArrowStringArray)
        column = reasons.array.__arrow_array__() if arrow else pa.chunked_array([text_array(reasons.to_numpy(dtype=object))])
        appended = append_at(column, changed, texts, ";")
        replaced = (pd.arrays.ArrowStringArray(appended, dtype=reasons.dtype) if arrow
                    else np.asarray(appended.to_pylist(), dtype=object))
        table["reasons"] = pd.Series(replaced, index=reasons.index, dtype=reasons.dtype, name=reasons.name)


ASSESS_STAGES = 4


def assess_with_models(
    ds: Dataset, as_of: date, features: pd.DataFrame | None = None, lang: str | None = None, console=None,
    texts_for: Collection[str] | None = None,
) -> AssessmentRun:
    """One row per customer (the contract's assessment columns first, CONTRACT_COLUMNS), p_alive/churn_risk/clv
    from the models; reasons in ``lang`` (default: the settings' locale). After the contract's columns,
    ``transaction_model`` names the purchase model behind p_alive and clv ("rhythm" when none could be fitted).

    With a terminal ``console`` a progress bar names each stage as it runs. ``texts_for``: the customers
    whose reasons and evidence are written, the others' being null (``assess_frames``); default: all."""
    with Stages(ASSESS_STAGES, console) as stages:
        if features is None:
            with stages.stage("features", f"Computing customer features ({ds.engine})"):
                features = customer_feature_frame(ds, as_of)
        referrals_tracked = _referrals_tracked(ds)
        # What is judged from the features alone, in a thread while the models are fitted ([engine]
        # judge_during_models): the engine and LightGBM, most of that stage, leave Python's GIL free.
        # (A pool starts no thread until given work: without the setting it costs nothing.)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepwise-judge") as judging:
            judgement = (judging.submit(judge_features, features, as_of, ds.settings, referrals_tracked)
                         if ds.settings.engine.judge_during_models else None)
            with stages.stage("models", f"Fitting the models on {len(features):,} customers"):
                predictions, failure = try_predict_customers(ds, as_of, features)
            judged = None if judgement is None else judgement.result()  # its error, if any, is raised here
        notes = [] if predictions is None else list(predictions.notes)
        plain = [] if predictions is None else list(predictions.plain_notes)
        model_name = None if predictions is None else predictions.transaction_model_name
        model_reason = "" if predictions is None else predictions.transaction_model_reason
        if predictions is None:
            notes.append(f"no model predictions ({failure}); the purchase-rhythm rule is used")
            plain.append("plain.no_predictions")
            source, reason, model_columns = "rhythm", f"rhythm: {failure}", None
        else:
            source, reason = predictions.churn_source, predictions.churn_source_reason
            model_columns = predictions.for_assessment()
            if len(model_columns.columns) == 1:  # customer_id only: nothing could be predicted
                model_columns = None
        # The predictions were made with these features (each customer once in both): each feature row's
        # prediction row is known.
        prediction_rows = (None if model_columns is None or predictions.feature_rows is None
                           else inverse_positions(predictions.feature_rows, len(features)))
        explaining = _ChurnReasonsMeanwhile(predictions, ds, as_of, lang or reasons_language(ds.settings), texts_for)
        feature_rows = None

        def ordered(rows: np.ndarray) -> None:
            nonlocal feature_rows
            feature_rows = rows

        try:
            with stages.stage("assess", "Judging every customer"):
                assessment = assess_frames(features, as_of, ds.settings, model_columns, referrals_tracked,
                                           lang=lang, on_decided=explaining.start, judged=judged,
                                           texts_for=texts_for, prediction_rows=prediction_rows,
                                           on_ordered=ordered)
                assessment["churn_source"] = source
                assessment["transaction_model"] = model_name or "rhythm"
        except BaseException:
            explaining.close()
            raise
        run = AssessmentRun(
            assessment, features, predictions, source, reason, notes, stages.seconds, model_name, model_reason, plain,
            feature_rows,
        )
        with stages.stage("churn reasons", "Explaining churn risk for the customers people will read"):
            explaining.append_to(run.assessment, run.feature_rows)
    return run
