"""The churn classifier: LightGBM on behavioural features, trained on past cutoffs of the same business.

Labels and features per cutoff are ``churn_labels.FeatureFrames``. ``ChurnModel.fit(ds, as_of)`` stacks
the cutoffs ``as_of - k P`` for ``k = 2 .. K + 1`` as training rows (``K = n_training_cutoffs``) and keeps
the cutoff ``as_of - P``, whose label window ends exactly at ``as_of``, as the holdout: it picks the
number of trees (early stopping) and calibrates the scores (Platt sigmoid or isotonic). No label ever
looks past ``as_of``, so the model can be fitted on the same data it is then asked about, and
``predict_proba(ds, as_of)`` scores the period after ``as_of``. A business with more than ``[churn_model]
max_customers_per_fit`` customers is trained on a seeded sample of that many (``churn_labels.training_sample``),
so that training costs the same however many customers there are; scoring covers all of them.

Customers who never bought get the observed share of such customers at the training cutoffs who still
had not bought one period later.

Drivers come from LightGBM's own additive contributions (``pred_contrib``) in the booster's raw
(log-odds) space; the calibration is monotone, so a feature that raises the raw score raises the risk.
Related features (days since the last order and its ratio to the usual gap, say) are summed into one
reason group (``REASON_GROUPS``); the assessment phrases them (``keepwise.assess.churn_reasons``).
``pred_contrib`` costs far more than a prediction, so drivers are computed only for the customers asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from keepwise.config import Settings
from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.data.positions import positions
from keepwise.data.threads import available_cores, map_in_threads
from keepwise.metrics.features import customer_features, execute_features
from keepwise.models.boosting import lgb
from keepwise.models.churn_labels import FeatureFrames, training_sample
from keepwise.models.isotonic import IsotonicCurve
from keepwise.models.tree_contributions import grouped_contributions

__all__ = ["REASON_GROUPS", "ChurnDrivers", "ChurnModel", "FeatureRows", "design_matrix", "lightgbm_threads",
           "reason_group"]

# Columns of customer_features that are not behaviour up to the cutoff: n_referrals counts referred
# customers from the whole customers table (including ones who signed up after the cutoff).
# The purchase model's inputs (keepwise.models.summary), which the classifier did without: its results stay
# those it gave before they were features.
# The latest exit survey, which the judgement reads (keepwise.assess.exit_answers: did the business fail the
# customer who left?), the classifier did without too: its results stay those it gave before it was a feature.
EXCLUDED_FEATURES = frozenset({"n_referrals", "repeat_revenue", "n_purchase_days_before_holdout",
                               "last_order_at_before_holdout", "exit_survey_at", "exit_score"})
# Dates already present as day counts (days_since_last_order, tenure_days).
REDUNDANT_DATES = frozenset({"first_order_at", "last_order_at"})


def lightgbm_threads(settings: Settings) -> int:
    """LightGBM's threads per fit and per prediction: ``[churn_model] n_jobs``, or when it is 0 the process's
    cores shared among the fits that run side by side (``[engine] classifier_fit_workers``), at least one
    each."""
    if settings.churn_model.n_jobs:
        return settings.churn_model.n_jobs
    return max(1, available_cores() // max(1, settings.engine.classifier_fit_workers))


def _relative_change(last: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """(last - prior) / prior; NaN (unknown to LightGBM) when there was nothing before."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prior > 0, (last - prior) / prior, np.nan)


_TICKS_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _days_before(moment: pd.Timestamp, values: pd.Series) -> np.ndarray:
    """Days from each timestamp of ``values`` to ``moment`` (fractional; NaN for a missing one): the
    same numbers as pandas' ``(moment - values).dt.total_seconds() / 86400``, without its Series."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        unit, _ = np.datetime_data(values.dtype)
        if unit in _TICKS_PER_SECOND:
            stamps = values.to_numpy()
            ticks = np.datetime64(moment.to_datetime64(), unit).astype(np.int64) - stamps.astype(np.int64)
            missing = np.isnat(stamps)
            if np.abs(ticks[~missing]).max(initial=0) <= 2**53:
                # Whole seconds and the rest divided apart, as pandas' total_seconds does.
                seconds, rest = np.divmod(ticks, _TICKS_PER_SECOND[unit])
                days = (seconds + rest / _TICKS_PER_SECOND[unit]) / 86400.0
                days[missing] = np.nan
                return days
    return ((moment - values).dt.total_seconds() / 86400.0).to_numpy(dtype=float, na_value=np.nan)



def design_matrix(frame: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """The model's inputs from a ``customer_features`` frame: every numeric and boolean column, each
    date as days before the cutoff, and the rhythm and trend ratios the raw counts only imply.

    One float block (columns filled in place), so that LightGBM reads it without another copy."""
    cutoff_end = pd.Timestamp(end_of_day(cutoff))
    sources: list[tuple[str, pd.Series, str]] = []  # (input name, values, kind)
    for name, values in frame.items():
        if name == "customer_id" or name in EXCLUDED_FEATURES or name in REDUNDANT_DATES:
            continue
        if pd.api.types.is_bool_dtype(values):
            sources.append((name, values, "bool"))
        elif pd.api.types.is_numeric_dtype(values):
            sources.append((name, values, "number"))
        elif pd.api.types.is_datetime64_any_dtype(values):
            sources.append((f"days_since_{name.removesuffix('_at')}", values, "date"))
    derived = ("recency_gap_ratio", "spend_change", "orders_change")
    block = np.empty((len(sources) + len(derived), len(frame)), dtype=float)
    for row, (_, values, kind) in enumerate(sources):
        if kind == "bool":
            block[row] = values.to_numpy(dtype=float)
        elif kind == "number":
            block[row] = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            block[row] = _days_before(cutoff_end, values)

    def numbers(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=float, na_value=np.nan)

    n = len(sources)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap, quiet = numbers("mean_purchase_gap_days"), numbers("days_since_last_order")
        block[n] = np.where(gap > 0, quiet / gap, np.nan)
    block[n + 1] = _relative_change(numbers("revenue_last_period"), numbers("revenue_prior_period"))
    block[n + 2] = _relative_change(numbers("orders_last_period"), numbers("orders_prior_period"))
    return pd.DataFrame(block.T, columns=[name for name, _, _ in sources] + list(derived), index=frame.index,
                        copy=False)


def _rows_of(ids: pd.Series, wanted: list[str]) -> np.ndarray:
    """Each wanted id's row in a features frame's ``ids`` (its first), -1 where it has none
    (``keepwise.data.positions``). The frame's ids are looked up among the wanted ones, not the other way
    round: hashing the 188,598 ids of a 1M assessment's read customers instead of the 1M (0.16 -> 0.06 CPU s)."""
    at = positions(ids, wanted)
    rows = np.full(len(wanted), -1, dtype=np.int64)
    found = np.flatnonzero(at >= 0)[::-1]  # the last write wins: each id's first row
    rows[at[found]] = found
    return rows


def _taken(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame``'s ``rows`` by position, at positions 0..n-1, customer_id first (as reset_index places it).
    By position: pandas' isin / reindex on Arrow strings first make a Python object per value (seconds at
    1M customers)."""
    found = frame.take(rows).reset_index(drop=True)
    columns = ["customer_id", *(name for name in found.columns if name != "customer_id")]
    return found if list(found.columns) == columns else found[columns]


def _reindexed(frame: pd.DataFrame, rows: np.ndarray, wanted: list[str]) -> pd.DataFrame:
    """``frame``'s rows of ``wanted`` in that order (``rows``: ``_rows_of``), an empty row for each unknown id."""
    return frame.take(rows[rows >= 0]).set_index("customer_id").reindex(wanted).reset_index()


# -- reasons -----------------------------------------------------------------------------------------

# Features are grouped into the reasons a person reads; the first matching pattern wins.
REASON_GROUPS: tuple[tuple[str, str], ...] = (
    ("recency", r"^(days_since_last_order|recency_gap_ratio)$"),
    ("spend_trend", r"^(revenue_last_period|revenue_prior_period|spend_change)$"),
    ("order_trend", r"^(orders_last_period|orders_prior_period|orders_change)$"),
    ("fickle", r"fickle|cancelled|change"),
    ("rhythm", r"^(n_orders\w*|n_purchase_days|mean_purchase_gap_days|n_delivered)$"),
    ("tenure", r"^(tenure_days|days_since_signed_up)$"),
    ("discounts", r"discount"),
    ("deliveries", r"^(n_late|late_share|days_since_(first|last)_late)$"),
    ("returns", r"return"),
    ("complaints", r"complaint|ticket|handle_minutes|cost_staff"),
    ("payments", r"invoice|paid|payment|written_off|write_offs|overdue"),
    ("incidents", r"abuse_of_staff|fraud|chargeback|unethical|policy_abuse|values_conflict|incidents"),
    ("unsubscribed", r"^unsubscribed$"),
    ("survey", r"survey"),
    ("engagement", r"engagement"),
    ("marketing", r"^marketing_opt_in$"),
    ("value", r"^(revenue|list_price|cost_of_goods|gross_margin|profit|profit_customer_view)$"),
    ("cost", r"^cost_"),
)


def reason_group(feature: str) -> str:
    for group, pattern in REASON_GROUPS:
        if re.search(pattern, feature):
            return group
    return feature



class FeatureRows(Mapping):
    """customer_id -> that customer's features row (a dict), made when asked for: dicts of every row at
    once would hold a Python object per customer and feature (gigabytes for a large business)."""

    CHUNK = 10_000  # rows turned into dicts at a time by ``items``

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame.reset_index(drop=True)
        self._positions = pd.Index(self._frame["customer_id"])

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as one frame (positions 0..n-1), for callers that work column by column."""
        return self._frame

    def __getitem__(self, customer_id: str) -> dict:
        return self._frame.iloc[[self._positions.get_loc(customer_id)]].to_dict("records")[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame["customer_id"])

    def __len__(self) -> int:
        return len(self._frame)

    def items(self) -> Iterator[tuple[str, dict]]:  # type: ignore[override]
        for start in range(0, len(self._frame), self.CHUNK):
            for row in self._frame.iloc[start:start + self.CHUNK].to_dict("records"):
                yield row["customer_id"], row


@dataclass
class ChurnDrivers:
    """What pushes each requested customer's churn risk up, for the assessment to phrase."""

    requested: list[str]  # the customer ids asked for, each once, in order
    never_bought: dict[str, dict]  # customer_id -> features row, for requested customers without a purchase
    rows: Mapping[str, dict]  # customer_id -> features row (FeatureRows), for requested customers who have bought
    # The reason groups whose summed contribution is positive, as arrays (lists of labels per customer cost
    # seconds at 1M customers): row i of ``order`` ranks ``group_names`` (indices) strongest first for the
    # i-th customer of ``rows``, whose first ``pushing[i]`` push the risk up.
    group_names: list[str]
    order: np.ndarray  # (customers of rows, groups) int
    pushing: np.ndarray  # (customers of rows,) int
    inputs: pd.DataFrame  # the model's inputs by customer_id (a group no phrase knows is a feature name)


class _PlattScaling:
    """Platt scaling: P(churn) = 1 / (1 + exp(-(slope x score + intercept))), the two maximising the
    holdout's likelihood with a negligible L2 penalty on the slope (which keeps it finite on separable
    scores). Solved by Newton's method: a handful of passes over the holdout, where a general-purpose
    logistic regression (scikit-learn's lbfgs) took ~0.1 s per fit for the same optimum (within its
    tolerance: probabilities within 1e-4 at 24,000 holdout rows)."""

    PENALTY = 1e-6  # on slope², against the summed log-loss
    MAX_STEPS = 100

    def fit(self, scores: np.ndarray, labels: np.ndarray) -> _PlattScaling:
        x = np.column_stack([np.asarray(scores, dtype=float), np.ones(len(scores))])
        y = np.asarray(labels, dtype=float)
        ridge = np.diag([self.PENALTY, 0.0])

        def loss(w: np.ndarray) -> float:
            z = x @ w
            return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * w @ ridge @ w)

        w = np.zeros(2)
        current = loss(w)
        for _ in range(self.MAX_STEPS):
            p = 1.0 / (1.0 + np.exp(-(x @ w)))
            gradient = x.T @ (p - y) + ridge @ w
            hessian = (x * (p * (1.0 - p))[:, None]).T @ x + ridge
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
            # Halve the step until the loss does not grow (Newton can overshoot far from the optimum).
            for _ in range(30):
                candidate = w - step
                value = loss(candidate)
                if value <= current:
                    break
                step = step / 2.0
            else:
                break
            w, current = candidate, value
            if np.abs(step).max() < 1e-10:
                break
        self.slope_, self.intercept_ = float(w[0]), float(w[1])
        return self

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.slope_ * np.asarray(scores, dtype=float) + self.intercept_)))


# -- the classifier ------------------------------------------------------------------------------------


class ChurnModel:
    """Calibrated LightGBM churn risk: P(no completed order in the next ``period_days``).

    See the module docstring for the label and the time split. Fitted attributes: ``booster_``,
    ``features_`` (input column names), ``calibrator_``, ``n_trees_``, ``training_rows_``,
    ``holdout_rows_``, ``holdout_churn_rate_``, ``never_bought_risk_``, ``as_of_``.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.config = settings.churn_model
        self._frames: FeatureFrames | None = None

    # -- data ----------------------------------------------------------------------------------
    def _frames_for(self, ds: Dataset, frames: FeatureFrames | None = None) -> FeatureFrames:
        if frames is not None:
            self._frames = frames
        elif self._frames is None or self._frames.ds is not ds:
            self._frames = FeatureFrames(ds, self.settings)
        return self._frames

    def _labelled_inputs(self, frames: FeatureFrames, cutoff: date) -> tuple[pd.DataFrame | None, np.ndarray]:
        """The design matrix of the customers labelled at ``cutoff`` (None when there are none) and their
        labels, kept with the frames: the backtest's fits and the final one share most of their cutoffs,
        and the backtest scores the cutoffs that later fits hold out."""
        return frames.kept(("design_matrix", cutoff, self.config.period_days),
                           lambda: self._labelled_matrix(frames, cutoff))

    def _stack(self, frames: FeatureFrames, cutoffs: Iterable[date]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """The design matrices of ``cutoffs`` stacked into one float array (one cutoff's matrix as it is: LightGBM
        reads a C- or F-ordered array without copying it, a DataFrame only after a copy), their labels and
        column names."""
        matrices, labels = [], []
        for cutoff in cutoffs:
            matrix, label = self._labelled_inputs(frames, cutoff)
            if matrix is None:  # a cutoff before anyone had bought
                continue
            matrices.append(matrix)
            labels.append(label)
        if not matrices:
            raise ValueError("no customer had bought by any of the cutoffs")
        columns = list(matrices[0].columns)
        if any(list(matrix.columns) != columns for matrix in matrices[1:]):
            raise ValueError("the cutoffs' design matrices have different columns")
        if len(matrices) == 1:
            stacked = matrices[0].to_numpy()
        else:
            stacked = np.concatenate([matrix.to_numpy() for matrix in matrices])
        stacked_labels = np.concatenate(labels)
        limit = self.config.max_rows_per_fit
        if len(stacked) > limit:
            # A seeded random subset: beyond a few tens of thousands of customer-periods the trees
            # barely change, while training time grows with every row.
            keep = np.sort(np.random.default_rng(self.config.seed).choice(len(stacked), limit, replace=False))
            stacked, stacked_labels = stacked[keep], stacked_labels[keep]
        return stacked, stacked_labels, columns

    def _labelled_matrix(self, frames: FeatureFrames, cutoff: date) -> tuple[pd.DataFrame | None, np.ndarray]:
        frame, label = frames.labelled(cutoff, self.config.period_days)
        return (None, label) if frame.empty else (design_matrix(frame, cutoff), label)

    def _check_trainable(self, y_train: np.ndarray, y_holdout: np.ndarray, as_of: date) -> None:
        config = self.config
        total = len(y_train) + len(y_holdout)
        problem = None
        if total < config.min_labelled_rows:
            problem = (f"only {total} labelled customer-periods (customers who had bought by a cutoff), "
                       f"fewer than the {config.min_labelled_rows} required")
        else:
            for name, labels in (("training", y_train), ("holdout", y_holdout)):
                churned = int(labels.sum())
                for count, what in ((churned, "churned"), (len(labels) - churned, "retained")):
                    if count < config.min_class_rows:
                        problem = (f"the {name} cutoffs have {count} {what} customer-periods of {len(labels)}, "
                                   f"fewer than the {config.min_class_rows} required of each class")
                        break
                if problem:
                    break
        if problem:
            period = config.period_days
            raise ValueError(
                f"churn classifier cannot be trained at {as_of} with {period}-day periods: {problem}; "
                "use the BG/NBD churn risk instead")

    def _lgb_params(self) -> dict:
        config = self.config
        return {
            "objective": "binary",
            "learning_rate": config.learning_rate,
            "num_leaves": config.num_leaves,
            "min_data_in_leaf": config.min_data_in_leaf,
            "max_bin": config.max_bin,
            "feature_fraction": config.feature_fraction,
            "lambda_l2": config.lambda_l2,
            "num_threads": lightgbm_threads(self.settings),
            "seed": config.seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }

    # -- fitting --------------------------------------------------------------------------------
    def cutoffs(self, as_of: date) -> tuple[date, list[date]]:
        """The cutoffs ``fit(ds, as_of)`` reads: the holdout ``as_of - P`` and the training cutoffs
        ``as_of - k P`` for ``k = 2 .. K + 1`` (``P = period_days``, ``K = n_training_cutoffs``)."""
        period = timedelta(days=self.config.period_days)
        return as_of - period, [as_of - k * period for k in range(2, self.config.n_training_cutoffs + 2)]

    def read_cutoffs(self, as_of: date) -> list[date]:
        """Every cutoff ``fit(ds, as_of)`` reads frames at: the holdout, then the training cutoffs."""
        holdout, training = self.cutoffs(as_of)
        return [holdout, *training]

    def fit(self, ds: Dataset, as_of: date, *, frames: FeatureFrames | None = None) -> ChurnModel:
        """Train on the cutoffs before ``as_of`` (see the module docstring); raises ``ValueError`` when
        the data are too few or hold one class only.

        The training rows are the customers of ``frames`` (features and labels of ``ds`` or of its
        ``training_sample``); without ``frames``, those of ``training_sample(ds)``: at most ``[churn_model]
        max_customers_per_fit`` customers, so that training costs the same however large the business."""
        config = self.config
        if frames is None:
            frames = FeatureFrames(training_sample(ds, self.settings), self.settings)
        # The same data: scoring at as_of may reuse its frames. Not a training sample's (its own subset
        # tables): nobody scores the sample, and holding them would keep its features, design matrices
        # and engine tables alive as long as the model (through the assessment).
        if frames.ds is ds and not ds.subset_tables:
            self._frames = frames
        holdout_cutoff, training_cutoffs = self.cutoffs(as_of)
        # Labels are cheap and features are not: refuse before computing any features.
        y_train = np.concatenate([frames.labels(c, config.period_days)["churned"].to_numpy()
                                  for c in training_cutoffs])
        y_holdout = frames.labels(holdout_cutoff, config.period_days)["churned"].to_numpy()
        self._check_trainable(y_train, y_holdout, as_of)
        X_train, y_train, features = self._stack(frames, training_cutoffs)
        X_holdout, y_holdout, _ = self._stack(frames, [holdout_cutoff])

        train_set = lgb.Dataset(X_train, label=y_train, feature_name=features, free_raw_data=False)
        holdout_set = lgb.Dataset(X_holdout, label=y_holdout, reference=train_set, free_raw_data=False)
        booster = lgb.train(
            self._lgb_params(),
            train_set,
            num_boost_round=config.max_trees,
            valid_sets=[holdout_set],
            callbacks=[lgb.early_stopping(config.early_stopping_rounds, verbose=False)],
        )
        best = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
        # Keep only the trees the holdout chose: later ones would cost pred_contrib time for nothing.
        self.booster_ = lgb.Booster(model_str=booster.model_to_string(num_iteration=best))
        self.n_trees_ = best
        self.features_ = features

        holdout_scores = self._booster_output(X_holdout)
        self.calibrator_ = self._fit_calibrator(holdout_scores, y_holdout)
        self.training_rows_, self.holdout_rows_ = len(y_train), len(y_holdout)
        self.holdout_churn_rate_ = float(y_holdout.mean())
        self.holdout_predicted_rate_ = float(self._calibrate(holdout_scores).mean())

        waiting = stayed_away = 0
        for cutoff in self.read_cutoffs(as_of):
            n, still_none = frames.never_bought_outcomes(cutoff, config.period_days)
            waiting, stayed_away = waiting + n, stayed_away + still_none
        # Laplace's rule of succession: finite and strictly inside (0, 1) even with few such customers.
        self.never_bought_risk_ = (stayed_away + 1.0) / (waiting + 2.0)
        self.as_of_ = as_of
        return self

    def _fit_calibrator(self, scores: np.ndarray, labels: np.ndarray):
        method = self.config.calibration
        if method == "isotonic":
            return IsotonicCurve(lower=0.0, upper=1.0).fit(scores, labels)
        if method == "sigmoid":
            return _PlattScaling().fit(scores, labels)
        raise ValueError(f"[churn_model] calibration = {method!r}: use 'sigmoid' or 'isotonic'")

    def _booster_output(self, inputs, contributions: bool = False) -> np.ndarray:
        """The booster's raw scores of the rows ``inputs`` (with ``contributions``, each feature's contribution
        to them and the bias: ``pred_contrib``), in ``lightgbm_threads`` threads: without a count LightGBM
        predicts in OpenMP's default, every core, in each of the score threads that run side by side
        (``predict_proba``). The same values whatever the count."""
        return self.booster_.predict(inputs, raw_score=not contributions, pred_contrib=contributions,
                                     num_threads=lightgbm_threads(self.settings))

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(self.calibrator_.predict(scores), 0.0, 1.0)

    def _require_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise ValueError("ChurnModel is not fitted yet: call fit(ds, as_of) first")

    # -- prediction -----------------------------------------------------------------------------
    def _features_at(self, ds: Dataset, as_of: date, customer_ids=None,
                     frames: FeatureFrames | None = None) -> pd.DataFrame:
        if customer_ids is None:
            return self._frames_for(ds, frames).at(as_of)
        wanted = list(dict.fromkeys(str(c) for c in customer_ids))
        frame = self._frame_with(ds, as_of, wanted, frames)
        rows = _rows_of(frame["customer_id"], wanted)
        # A features frame has a row per customer: no check that ids are distinct.
        return _taken(frame, rows) if (rows >= 0).all() else _reindexed(frame, rows, wanted)

    def _frame_with(self, ds: Dataset, as_of: date, wanted: list[str],
                    frames: FeatureFrames | None) -> pd.DataFrame:
        """A features frame at ``as_of`` holding the ``wanted`` customers: ``frames``' own, else one computed
        for them alone (the caller may ask about a handful out of 100,000)."""
        if frames is not None:
            return frames.at(as_of)
        table = customer_features(ds, as_of, self.settings)
        return execute_features(table.filter(table.customer_id.isin(wanted)))

    def _requested(self, ds: Dataset, as_of: date, wanted: list[str],
                   frames: FeatureFrames | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The feature rows (as ``_features_at`` gives them, in ``wanted`` order) of the requested customers
        who have bought and of those who have not; unknown ids are in neither.

        Only the rows kept are taken out of the features frame: all requested rows and then the buyers
        among them copied every column twice (1M customers, 188,598 asked for: 0.55 -> 0.2 CPU s)."""
        frame = self._frame_with(ds, as_of, wanted, frames)
        rows = _rows_of(frame["customer_id"], wanted)
        if not (rows >= 0).all():  # unknown ids: reindex's empty rows, as _features_at gives them
            frame, rows = _reindexed(frame, rows, wanted), np.arange(len(wanted))
        orders = frame["n_orders"].to_numpy(dtype=float, na_value=np.nan)[rows]
        return _taken(frame, rows[orders > 0]), _taken(frame, rows[orders == 0])

    def _in_model_columns(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """``matrix`` in the model's input columns (reindexed only when they differ)."""
        return matrix if list(matrix.columns) == self.features_ else matrix.reindex(columns=self.features_)

    def _matrix(self, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
        """The design matrix of ``frame`` in the model's input columns."""
        return self._in_model_columns(design_matrix(frame, as_of))

    def raw_scores(self, frame: pd.DataFrame, as_of: date) -> np.ndarray:
        """The booster's log-odds for customers of a ``customer_features`` frame (who have bought)."""
        self._require_fitted()
        # In batches: the design matrix of a whole large business at once would be its largest object.
        batch = max(1, self.settings.engine.score_batch_rows)
        scores = np.empty(len(frame), dtype=float)
        for start in range(0, len(frame), batch):
            part = frame.iloc[start:start + batch]
            scores[start:start + len(part)] = self._booster_output(self._matrix(part, as_of))
        return scores

    def labelled_risk(self, frames: FeatureFrames, cutoff: date) -> np.ndarray:
        """Calibrated churn risk of the customers ``frames`` label at ``cutoff``, in the rows of
        ``frames.labelled``: scored on the design matrix the fits keep for that cutoff, not made again."""
        self._require_fitted()
        matrix, _ = self._labelled_inputs(frames, cutoff)
        if matrix is None:
            return np.zeros(0)
        return self._calibrate(self._booster_output(self._in_model_columns(matrix).to_numpy()))

    def predict_proba(self, ds: Dataset, as_of: date, *, frames: FeatureFrames | None = None) -> pd.DataFrame:
        """``DataFrame[customer_id, churn_risk]`` for every customer: P(no completed order in the
        ``period_days`` after ``as_of``). Customers who never bought get ``never_bought_risk_``."""
        self._require_fitted()
        frame = self._features_at(ds, as_of, frames=frames)
        risk = np.full(len(frame), self.never_bought_risk_, dtype=float)
        bought = (frame["n_orders"] > 0).to_numpy()
        # In batches of [engine] score_batch_rows, so that no copy of the whole frame is made.
        batch = max(1, self.settings.engine.score_batch_rows)

        def score(start: int) -> None:
            stop = min(start + batch, len(frame))
            part = bought[start:stop]
            if part.any():
                # The batch's inputs, then the buyers' rows of them: taking the buyers' rows of the
                # features frame instead would copy every one of its columns, strings included.
                inputs = self._matrix(frame.iloc[start:stop], as_of).to_numpy()[part]
                risk[start:stop][part] = self._calibrate(self._booster_output(inputs))

        starts = range(0, len(frame), batch)
        # Batches side by side ([engine] score_threads): while one thread builds a batch's design matrix
        # (mostly NumPy and pandas under Python's GIL), another's LightGBM predicts without it.
        map_in_threads(score, starts, self.settings.engine.score_threads, "keepwise-score")
        return pd.DataFrame({"customer_id": frame["customer_id"].to_numpy(), "churn_risk": risk})

    def contributions(self, ds: Dataset, as_of: date, customer_ids: Iterable[str], *,
                      frames: FeatureFrames | None = None) -> pd.DataFrame:
        """Per requested customer who has bought: each feature's additive contribution to the raw
        (log-odds) score, plus ``bias``; a row sums to the booster's raw score."""
        self._require_fitted()
        frame = self._features_at(ds, as_of, customer_ids, frames)
        frame = frame[frame["n_orders"].fillna(0) > 0].reset_index(drop=True)
        return self._contributions(frame, as_of)

    def _contributions(self, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=[*self.features_, "bias"], dtype=float)
        values = self._booster_output(self._matrix(frame, as_of), contributions=True)
        return pd.DataFrame(values, columns=[*self.features_, "bias"], index=frame["customer_id"].to_numpy())

    def drivers(self, ds: Dataset, as_of: date, customer_ids: Iterable[str], *,
                frames: FeatureFrames | None = None) -> ChurnDrivers:
        """Per requested customer, the reason groups whose LightGBM contributions together push the
        churn risk *up*, strongest first, with the feature rows that phrase them.

        Only the requested customers are scored (``pred_contrib`` is costly); unknown ids are in
        neither ``rows`` nor ``never_bought``. Without ``frames`` the features are computed for the
        requested customers only; with them, the frame already computed for ``as_of`` is used.
        """
        self._require_fitted()
        wanted = list(dict.fromkeys(str(c) for c in customer_ids))
        if not wanted:
            return ChurnDrivers([], {}, {}, [], np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64),
                                pd.DataFrame())
        bought_frame, never_frame = self._requested(ds, as_of, wanted, frames)
        inputs = self._matrix(bought_frame, as_of).set_axis(bought_frame["customer_id"].to_numpy())
        never_bought = {row["customer_id"]: row for row in never_frame.to_dict("records")}
        # Contributions summed per reason group (grouped_contributions: pred_contrib once per distinct
        # path through each tree), in batches of [engine] score_batch_rows: pred_contrib's output is a
        # float per customer and feature.
        group_of = np.asarray([reason_group(f) for f in self.features_], dtype=object)
        names = np.asarray(list(dict.fromkeys(group_of)), dtype=object)
        membership = (group_of[:, None] == names[None, :]).astype(float)
        by_group = np.empty((len(inputs), len(names)), dtype=float)
        batch = max(1, self.settings.engine.score_batch_rows)
        for start in range(0, len(inputs), batch):
            part = inputs.iloc[start:start + batch]
            by_group[start:start + len(part)] = grouped_contributions(self.booster_, part.to_numpy(float), membership,
                                                                      lightgbm_threads(self.settings))
        order = np.argsort(-by_group, axis=1, kind="stable")
        rows = FeatureRows(bought_frame)
        # Strongest first, so the groups that push up are a prefix of each row's order.
        pushing = (np.take_along_axis(by_group, order, axis=1) > 0).sum(axis=1)
        return ChurnDrivers(wanted, never_bought, rows, [str(name) for name in names], order, pushing, inputs)
