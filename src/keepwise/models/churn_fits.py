"""The churn classifier's fits at several cutoffs on one set of training frames, started ahead of need.

A prediction fits the classifier at each cutoff of the churn backtest and once more at the as-of date
(``models.predict``). Those fits read only the frames' features and labels: they do not depend on each
other, nor on the purchase model chosen meanwhile. LightGBM releases Python's GIL while it bins the
data and grows trees, yet one fit of the 25,000-customer training sample kept only ~1.2 of 2 cores busy
(its Python steps run in between), so with ``[engine] classifier_fit_workers`` the fits run in worker
threads, side by side and beside the caller's own work. Each fit computes what it computes alone (its
own LightGBM threads and seed): the same models.

The worker threads never use the engine (a DuckDB connection is not thread-safe): ``start`` has the
caller's thread compute the feature frames and labels each fit reads (``FeatureFrames.prefetch``) before
that fit begins, and the frames guard what they derive from them with a lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

from keepwise.config import Settings
from keepwise.models.churn_classifier import ChurnModel
from keepwise.models.churn_labels import FeatureFrames

__all__ = ["ChurnFits"]


class ChurnFits:
    """``ChurnModel(settings).fit(frames.ds, cutoff, frames=frames)`` per cutoff.

    Without workers (``workers = 0``) ``model(cutoff)`` fits when asked, in the caller's thread. With
    workers, ``start(cutoffs)`` submits those fits to a pool of that many threads and ``model(cutoff)``
    waits for its fit, raising what the fit raised (``ValueError`` when the data are too few). A fit
    started and never asked for (the backtest may choose the purchase model instead of the classifier)
    costs its CPU time and nothing else. Use as a context manager: leaving it waits for running fits and
    drops those not yet begun.
    """

    def __init__(self, frames: FeatureFrames, settings: Settings, workers: int = 0):
        self.frames = frames
        self.settings = settings
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._started: dict[date, Future] = {}

    def __enter__(self) -> ChurnFits:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fit(self, cutoff: date) -> ChurnModel:
        return ChurnModel(self.settings).fit(self.frames.ds, cutoff, frames=self.frames)

    def start(self, cutoffs: Iterable[date]) -> ChurnFits:
        """Begin the fits at ``cutoffs`` in the worker threads (none without workers), latest cutoff first,
        each as soon as the frames it reads are computed, here: the fits read overlapping cutoffs, so a
        fit begins while the engine computes the frames of the next. When computing them raises ValueError
        nothing more is started, and each fit not started meets the error when asked for, as it would
        without this."""
        if self.workers < 1:
            return self
        model = ChurnModel(self.settings)
        for cutoff in sorted(set(cutoffs) - set(self._started), reverse=True):
            try:
                self.frames.prefetch(model.read_cutoffs(cutoff), self.settings.churn_model.period_days)
            except ValueError:
                break
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="keepwise-churn-fit")
            self._started[cutoff] = self._pool.submit(self._fit, cutoff)
        return self

    def started(self, cutoff: date) -> bool:
        """Whether the fit at ``cutoff`` was started in a worker thread (``start``)."""
        return cutoff in self._started

    def model(self, cutoff: date) -> ChurnModel:
        """The classifier fitted at ``cutoff``: the started fit's result, or a fit made now."""
        started = self._started.get(cutoff)
        return self._fit(cutoff) if started is None else started.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
