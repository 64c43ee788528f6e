"""The churn classifier: LightGBM on behavioural features, trained on past cutoffs of the same business.

Label and time split
--------------------
For a cutoff date ``c`` and a period of ``P`` days (``[churn_model] period_days``):

* features are ``customer_features(ds, c)``: computed only from events up to the end of day ``c``;
* the label is 1 ("churned") when the customer makes **no completed order** in the days ``c + 1 ..
  c + P`` and 0 otherwise;
* only customers with at least one completed order up to ``c`` are labelled (someone who never
  bought cannot stop buying).

``ChurnModel.fit(ds, as_of)`` stacks the cutoffs ``as_of - k P`` for ``k = 2 .. K + 1`` as training
rows (``K = n_training_cutoffs``) and keeps the cutoff ``as_of - P``, whose label window ends exactly at
``as_of``, as the holdout: it picks the number of trees (early stopping) and calibrates the scores
(Platt sigmoid or isotonic). No label ever looks past ``as_of``, so the model can be fitted on the
same data it is then asked about, and ``predict_proba(ds, as_of)`` scores the period after ``as_of``.

Customers who never bought get the observed share of such customers at the training cutoffs who still
had not bought one period later.

Reasons come from LightGBM's own additive contributions (``pred_contrib``) in the booster's raw
(log-odds) space; the calibration is monotone, so a feature that raises the raw score raises the risk.
Related features (days since the last order and its ratio to the usual gap, say) are summed into one
reason and phrased with the customer's actual figures. ``pred_contrib`` costs far more than a
prediction, so reasons are computed only for the customers asked for.

``backtest`` replays the whole procedure at earlier cutoffs and scores the classifier against the
BG/NBD model's churn risk and a recency-only baseline; ``choose_churn_source`` picks the source.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# LightGBM's OpenMP threads spin while they wait for work. On a machine shared with other busy processes
# that made two threads ten times slower than one (measured: 34 s vs 3 s for 100 trees on 7,500 rows);
# passive waiting removes the penalty. It must be set before the OpenMP runtime starts, i.e. before
# lightgbm is imported; a value the user has set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import lightgbm as lgb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score  # noqa: E402

from keepwise.config import Settings  # noqa: E402
from keepwise.data.loader import Dataset  # noqa: E402
from keepwise.metrics.features import customer_feature_frame, customer_features, execute_features  # noqa: E402
from keepwise.models.base import ConvergenceError  # noqa: E402
from keepwise.models.bgnbd import BetaGeoFitter  # noqa: E402
from keepwise.models.service import customer_summary  # noqa: E402
from keepwise.models.summary import TIME_UNIT_DAYS  # noqa: E402

__all__ = [
    "ChurnModel",
    "FeatureFrames",
    "backtest",
    "bgnbd_churn_risk",
    "choose_churn_source",
    "design_matrix",
]

# Columns of customer_features that are not behaviour up to the cutoff: n_referrals counts referred
# customers from the whole customers table (including ones who signed up after the cutoff).
EXCLUDED_FEATURES = frozenset({"n_referrals"})
# Dates already present as day counts (days_since_last_order, tenure_days).
REDUNDANT_DATES = frozenset({"first_order_at", "last_order_at"})
SOURCES = ("classifier", "bgnbd", "blend", "recency")


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


# -- features and labels ---------------------------------------------------------------------------


class FeatureFrames:
    """Labels and ``customer_features`` of one dataset per cutoff, each computed once and kept.

    Training, the holdout and the backtest ask for the same cutoffs again and again. The feature query
    is the expensive step, so it runs once per cutoff and only for cutoffs that have labelled
    customers; labels come from the completed orders, read once.
    """

    def __init__(self, ds: Dataset, settings: Settings):
        self.ds = ds
        self.settings = settings
        self._frames: dict[date, pd.DataFrame] = {}
        orders = ds.table("orders")
        completed = orders.filter(orders.status == "completed").select("customer_id", "ordered_at")
        purchases = completed.to_pyarrow().to_pandas()  # through arrow: ibis's own conversion is slower
        customers = ds.table("customers").select("customer_id", "signed_up_at").to_pyarrow().to_pandas()
        # Customers as integer codes: set operations on millions of string ids are slow in pandas
        # (arrow-backed strings), on integers they are one vectorised pass.
        self._ids = customers["customer_id"]
        self._signed_up_at = customers["signed_up_at"]
        self._purchase_codes = pd.Categorical(purchases["customer_id"], categories=self._ids).codes
        self._purchase_moments = purchases["ordered_at"].to_numpy()

    def remember(self, cutoff: date, frame: pd.DataFrame) -> None:
        """Take a feature frame the caller already computed at ``cutoff`` (e.g. the assessment's)."""
        self._frames[cutoff] = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)

    def at(self, cutoff: date) -> pd.DataFrame:
        """``customer_features(ds, cutoff)`` for every customer, sorted by customer_id."""
        if cutoff not in self._frames:
            frame = customer_feature_frame(self.ds, cutoff, self.settings)
            self._frames[cutoff] = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
        return self._frames[cutoff]

    def _buyers(self, after: date | None, until: date) -> np.ndarray:
        """Codes of customers with a completed order after the end of day ``after`` up to the end of ``until``."""
        moments = self._purchase_moments
        in_window = moments <= np.datetime64(_end_of(until))
        if after is not None:
            in_window &= moments > np.datetime64(_end_of(after))
        return np.unique(self._purchase_codes[in_window])

    def labels(self, cutoff: date, period_days: int) -> pd.DataFrame:
        """``DataFrame[customer_id, churned]`` for customers with a completed order by ``cutoff``:
        churned = 1 when they have none in ``cutoff + 1 .. cutoff + period_days``. Sorted by id."""
        before = self._buyers(None, cutoff)
        bought = np.isin(before, self._buyers(cutoff, cutoff + timedelta(days=period_days)))
        labels = pd.DataFrame({"customer_id": self._ids.iloc[before].to_numpy(),
                               "churned": (~bought).astype(np.int8)})
        return labels.sort_values("customer_id", kind="stable").reset_index(drop=True)

    def labelled(self, cutoff: date, period_days: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Features of customers who had bought by ``cutoff`` and their churn labels (1 = churned)."""
        labels = self.labels(cutoff, period_days)
        if labels.empty:
            return pd.DataFrame(columns=["customer_id", "n_orders"]), np.zeros(0, dtype=np.int8)
        frame = self.at(cutoff).merge(labels, on="customer_id", how="inner", validate="one_to_one")
        return frame.drop(columns="churned"), frame["churned"].to_numpy(dtype=np.int8)

    def never_bought_outcomes(self, cutoff: date, period_days: int) -> tuple[int, int]:
        """(customers signed up by ``cutoff`` without any purchase, how many of them still had none a
        period later)."""
        signed_up = (self._signed_up_at.isna() | (self._signed_up_at <= pd.Timestamp(_end_of(cutoff)))).to_numpy()
        codes = np.arange(len(self._ids))
        waiting = codes[signed_up & ~np.isin(codes, self._buyers(None, cutoff))]
        bought = np.isin(waiting, self._buyers(cutoff, cutoff + timedelta(days=period_days)))
        return len(waiting), int((~bought).sum())


def _relative_change(last: pd.Series, prior: pd.Series) -> np.ndarray:
    """(last - prior) / prior; NaN (unknown to LightGBM) when there was nothing before."""
    prior = prior.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prior > 0, (last.to_numpy(dtype=float) - prior) / prior, np.nan)


def design_matrix(frame: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """The model's inputs from a ``customer_features`` frame: every numeric and boolean column, each
    date as days before the cutoff, and the rhythm and trend ratios the raw counts only imply."""
    columns: dict[str, np.ndarray] = {}
    cutoff_end = pd.Timestamp(_end_of(cutoff))
    for name in frame.columns:
        if name == "customer_id" or name in EXCLUDED_FEATURES or name in REDUNDANT_DATES:
            continue
        values = frame[name]
        if pd.api.types.is_bool_dtype(values):
            columns[name] = values.to_numpy(dtype=float)
        elif pd.api.types.is_numeric_dtype(values):
            columns[name] = values.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_datetime64_any_dtype(values):
            stem = name.removesuffix("_at")
            columns[f"days_since_{stem}"] = ((cutoff_end - values).dt.total_seconds() / 86400.0).to_numpy(
                dtype=float, na_value=np.nan
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = frame["mean_purchase_gap_days"].to_numpy(dtype=float, na_value=np.nan)
        quiet = frame["days_since_last_order"].to_numpy(dtype=float, na_value=np.nan)
        columns["recency_gap_ratio"] = np.where(gap > 0, quiet / gap, np.nan)
    columns["spend_change"] = _relative_change(frame["revenue_last_period"], frame["revenue_prior_period"])
    columns["orders_change"] = _relative_change(frame["orders_last_period"], frame["orders_prior_period"])
    return pd.DataFrame(columns, index=frame.index)


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


@dataclass
class _Phrasing:
    """What a reason text may need beyond the feature row."""

    currency: str
    trend_months: int
    unsubscribed_at: dict[str, pd.Timestamp]


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def _count(n: float, word: str) -> str:
    n = int(n)
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _phrase_recency(row, ctx: _Phrasing) -> str | None:
    days = row["days_since_last_order"]
    gap = row["mean_purchase_gap_days"]
    if pd.notna(gap) and gap > 0:
        return f"no purchase for {_count(days, 'day')}, {days / gap:.1f}× their usual gap of {gap:.0f} days"
    return f"no purchase for {_count(days, 'day')} (last on {_day(row['last_order_at'])}, their only purchase day)"


def _phrase_spend(row, ctx: _Phrasing) -> str | None:
    last, prior, months = row["revenue_last_period"], row["revenue_prior_period"], ctx.trend_months
    if prior > 0:
        change = last / prior - 1.0
        direction = "down" if change < 0 else "up"
        return (f"spend {direction} {abs(change):.0%} vs the previous {months} months "
                f"({last:.2f} vs {prior:.2f} {ctx.currency})")
    if last > 0:
        return f"spend of {last:.2f} {ctx.currency} in the last {months} months, none in the {months} before"
    return f"no spend in the last {2 * months} months"


def _phrase_orders(row, ctx: _Phrasing) -> str | None:
    last, prior, months = row["orders_last_period"], row["orders_prior_period"], ctx.trend_months
    return f"{_count(last, 'order')} in the last {months} months vs {prior:.0f} in the {months} before"


def _phrase_rhythm(row, ctx: _Phrasing) -> str | None:
    days = row["n_purchase_days"]
    if days <= 1:
        return "only one purchase day so far"
    return f"{days:.0f} purchase days, on average {row['mean_purchase_gap_days']:.0f} days apart"


def _phrase_tenure(row, ctx: _Phrasing) -> str | None:
    since = row["first_order_at"] if pd.notna(row["first_order_at"]) else row["signed_up_at"]
    return f"a customer for {row['tenure_days']:.0f} days (since {_day(since)})"


def _phrase_discounts(row, ctx: _Phrasing) -> str | None:
    if row["n_deep_discount_orders"] > 0:
        return (f"{row['deep_discount_order_share']:.0%} of orders bought at a deep discount "
                f"({row['n_deep_discount_orders']:.0f} of {row['n_orders']:.0f})")
    if row["discount"] > 0:
        return f"discounts of {row['discount_share']:.0%} of list price on their orders"
    return None


def _phrase_fickle(row, ctx: _Phrasing) -> str | None:
    if row["n_fickle_orders"] == 0:
        return None
    return (f"{_count(row['n_cancelled'], 'cancelled order')} and {_count(row['n_orders_changed'], 'order')}"
            f" changed after placing, the last on {_day(row['last_fickle_at'])}")


def _phrase_deliveries(row, ctx: _Phrasing) -> str | None:
    if row["n_late"] == 0:
        return None
    return (f"{row['n_late']:.0f} of {_count(row['n_delivered'], 'delivery')} late (our failure), "
            f"the last on {_day(row['last_late_at'])}")


def _phrase_returns(row, ctx: _Phrasing) -> str | None:
    if row["n_returns"] == 0:
        return None
    return (f"{_count(row['n_returns'], 'return')} worth {row['returned_amount']:.2f} {ctx.currency} "
            f"({row['return_share_of_revenue']:.0%} of revenue, {row['n_defective_returns']:.0f} defective)")


def _phrase_complaints(row, ctx: _Phrasing) -> str | None:
    if row["n_complaints"] > 0:
        return (f"{_count(row['n_complaints'], 'complaint')} ({row['n_complaints_substantiated']:.0f} found to "
                f"be our fault), the last on {_day(row['last_complaint_at'])}")
    if row["n_tickets"] > 0:
        return f"{_count(row['n_tickets'], 'support ticket')} ({row['handle_minutes']:.0f} minutes of staff time)"
    return None


def _phrase_payments(row, ctx: _Phrasing) -> str | None:
    late, unpaid, written_off = row["n_paid_late"], row["n_unpaid_overdue"], row["n_written_off"]
    if late + unpaid + written_off == 0:
        return None
    parts = [f"{_count(late, 'invoice')} paid late"]
    if unpaid:
        parts.append(f"{unpaid:.0f} unpaid past due ({row['overdue_unpaid_amount']:.2f} {ctx.currency})")
    if written_off:
        parts.append(f"{written_off:.0f} written off")
    return ", ".join(parts) + f", the last on {_day(row['last_payment_problem_at'])}"


def _phrase_incidents(row, ctx: _Phrasing) -> str | None:
    kinds = ("abuse_of_staff", "fraud", "chargeback", "unethical_request", "policy_abuse", "values_conflict")
    found = [(kind, row[f"n_{kind}"], row[f"last_{kind}_at"]) for kind in kinds if row[f"n_{kind}"] > 0]
    if not found:
        return None
    total = sum(n for _, n, _ in found)
    last = max(at for _, _, at in found)
    names = ", ".join(kind.replace("_", " ") for kind, _, _ in found)
    return f"{_count(total, 'confirmed incident')} ({names}), the last on {_day(last)}"


def _phrase_unsubscribed(row, ctx: _Phrasing) -> str | None:
    if not row["unsubscribed"]:
        return None
    at = ctx.unsubscribed_at.get(row["customer_id"])
    return "unsubscribed from the newsletter" + (f" on {_day(at)}" if at is not None else "")


def _phrase_survey(row, ctx: _Phrasing) -> str | None:
    if pd.isna(row["last_survey_score"]):
        return None
    return f"last survey score {row['last_survey_score']:.0f}/10 on {_day(row['last_survey_at'])}"


def _phrase_engagement(row, ctx: _Phrasing) -> str | None:
    if row["n_engagement_events"] == 0:
        return "no newsletter opens, clicks, visits or surveys on record"
    return f"{_count(row['n_engagement_events'], 'engagement event')} (opens, clicks, visits, surveys) on record"


def _phrase_marketing(row, ctx: _Phrasing) -> str | None:
    return None if row["marketing_opt_in"] else "opted out of marketing"


def _phrase_value(row, ctx: _Phrasing) -> str | None:
    return f"{row['revenue']:.2f} {ctx.currency} spent to date, profit {row['profit']:.2f} {ctx.currency}"


def _phrase_cost(row, ctx: _Phrasing) -> str | None:
    return f"cost to serve {row['cost_to_serve']:.2f} {ctx.currency} to date"


# A group whose phrase is None for a customer is the *absence* of an event (never complained, never
# returned anything): that is no evidence a person could act on, so it is not given as a reason.
PHRASES: dict[str, Callable[[pd.Series, _Phrasing], str | None]] = {
    "recency": _phrase_recency,
    "spend_trend": _phrase_spend,
    "order_trend": _phrase_orders,
    "rhythm": _phrase_rhythm,
    "tenure": _phrase_tenure,
    "discounts": _phrase_discounts,
    "fickle": _phrase_fickle,
    "deliveries": _phrase_deliveries,
    "returns": _phrase_returns,
    "complaints": _phrase_complaints,
    "payments": _phrase_payments,
    "incidents": _phrase_incidents,
    "unsubscribed": _phrase_unsubscribed,
    "survey": _phrase_survey,
    "engagement": _phrase_engagement,
    "marketing": _phrase_marketing,
    "value": _phrase_value,
    "cost": _phrase_cost,
}


def _phrase_other(feature: str, value: float) -> str:
    """A feature no template knows (a column added to customer_features later): name and value."""
    return f"{feature.replace('_', ' ')}: {value:.4g}"


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

    def _stack(self, frames: FeatureFrames, cutoffs: Iterable[date]) -> tuple[pd.DataFrame, np.ndarray]:
        matrices, labels = [], []
        for cutoff in cutoffs:
            frame, label = frames.labelled(cutoff, self.config.period_days)
            if frame.empty:  # a cutoff before anyone had bought
                continue
            matrices.append(design_matrix(frame, cutoff))
            labels.append(label)
        stacked, stacked_labels = pd.concat(matrices, ignore_index=True), np.concatenate(labels)
        limit = self.config.max_rows_per_fit
        if len(stacked) > limit:
            # A seeded random subset: beyond a few tens of thousands of customer-periods the trees
            # barely change, while training time grows with every row.
            keep = np.sort(np.random.default_rng(self.config.seed).choice(len(stacked), limit, replace=False))
            stacked, stacked_labels = stacked.iloc[keep].reset_index(drop=True), stacked_labels[keep]
        return stacked, stacked_labels

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
            "feature_fraction": config.feature_fraction,
            "lambda_l2": config.lambda_l2,
            "num_threads": config.n_jobs,
            "seed": config.seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, ds: Dataset, as_of: date, *, frames: FeatureFrames | None = None) -> ChurnModel:
        """Train on the cutoffs before ``as_of`` (see the module docstring); raises ``ValueError`` when
        the data are too few or hold one class only."""
        config = self.config
        frames = self._frames_for(ds, frames)
        period = timedelta(days=config.period_days)
        holdout_cutoff = as_of - period
        training_cutoffs = [as_of - k * period for k in range(2, config.n_training_cutoffs + 2)]
        # Labels are cheap and features are not: refuse before computing any features.
        y_train = np.concatenate([frames.labels(c, config.period_days)["churned"].to_numpy()
                                  for c in training_cutoffs])
        y_holdout = frames.labels(holdout_cutoff, config.period_days)["churned"].to_numpy()
        self._check_trainable(y_train, y_holdout, as_of)
        X_train, y_train = self._stack(frames, training_cutoffs)
        X_holdout, y_holdout = self._stack(frames, [holdout_cutoff])

        train_set = lgb.Dataset(X_train, label=y_train, free_raw_data=False)
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
        self.features_ = list(X_train.columns)

        holdout_scores = self.booster_.predict(X_holdout, raw_score=True)
        self.calibrator_ = self._fit_calibrator(holdout_scores, y_holdout)
        self.training_rows_, self.holdout_rows_ = len(y_train), len(y_holdout)
        self.holdout_churn_rate_ = float(y_holdout.mean())
        self.holdout_predicted_rate_ = float(self._calibrate(holdout_scores).mean())

        waiting = stayed_away = 0
        for cutoff in [holdout_cutoff, *training_cutoffs]:
            n, still_none = frames.never_bought_outcomes(cutoff, config.period_days)
            waiting, stayed_away = waiting + n, stayed_away + still_none
        # Laplace's rule of succession: finite and strictly inside (0, 1) even with few such customers.
        self.never_bought_risk_ = (stayed_away + 1.0) / (waiting + 2.0)
        self.as_of_ = as_of
        return self

    def _fit_calibrator(self, scores: np.ndarray, labels: np.ndarray):
        method = self.config.calibration
        if method == "isotonic":
            return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
        if method == "sigmoid":
            # Platt scaling: a one-feature logistic regression, effectively unpenalised.
            return LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), labels)
        raise ValueError(f"[churn_model] calibration = {method!r}: use 'sigmoid' or 'isotonic'")

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        if isinstance(self.calibrator_, IsotonicRegression):
            probabilities = self.calibrator_.predict(scores)
        else:
            probabilities = self.calibrator_.predict_proba(scores.reshape(-1, 1))[:, 1]
        return np.clip(probabilities, 0.0, 1.0)

    def _require_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise ValueError("ChurnModel is not fitted yet: call fit(ds, as_of) first")

    # -- prediction -----------------------------------------------------------------------------
    def _features_at(self, ds: Dataset, as_of: date, customer_ids=None,
                     frames: FeatureFrames | None = None) -> pd.DataFrame:
        if customer_ids is None:
            return self._frames_for(ds, frames).at(as_of)
        wanted = list(dict.fromkeys(str(c) for c in customer_ids))
        if frames is not None:
            frame = frames.at(as_of)
            frame = frame[frame["customer_id"].isin(wanted)]
        else:
            # Only the requested customers: the caller may ask about a handful out of 100,000.
            table = customer_features(ds, as_of, self.settings)
            frame = execute_features(table.filter(table.customer_id.isin(wanted)))
        return frame.set_index("customer_id").reindex(wanted).reset_index()

    def _matrix(self, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
        return design_matrix(frame, as_of).reindex(columns=self.features_)

    def raw_scores(self, frame: pd.DataFrame, as_of: date) -> np.ndarray:
        """The booster's log-odds for customers of a ``customer_features`` frame (who have bought)."""
        self._require_fitted()
        return self.booster_.predict(self._matrix(frame, as_of), raw_score=True)

    def predict_proba(self, ds: Dataset, as_of: date, *, frames: FeatureFrames | None = None) -> pd.DataFrame:
        """``DataFrame[customer_id, churn_risk]`` for every customer: P(no completed order in the
        ``period_days`` after ``as_of``). Customers who never bought get ``never_bought_risk_``."""
        self._require_fitted()
        frame = self._features_at(ds, as_of, frames=frames)
        risk = np.full(len(frame), self.never_bought_risk_, dtype=float)
        bought = (frame["n_orders"] > 0).to_numpy()
        if bought.any():
            risk[bought] = self._calibrate(self.raw_scores(frame[bought].reset_index(drop=True), as_of))
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
        values = self.booster_.predict(self._matrix(frame, as_of), pred_contrib=True)
        return pd.DataFrame(values, columns=[*self.features_, "bias"], index=frame["customer_id"].to_numpy())

    def _unsubscribed_at(self, ds: Dataset, as_of: date, customer_ids: list[str]) -> dict[str, pd.Timestamp]:
        engagement = ds.table("engagement")
        unsubscribes = engagement.filter(
            (engagement.kind == "newsletter_unsubscribe") & (engagement.at <= _end_of(as_of))
        )
        # All customers, filtered here: an IN list of thousands of ids costs ibis seconds to compile.
        last = unsubscribes.group_by("customer_id").aggregate(at=unsubscribes.at.max()).to_pyarrow().to_pandas()
        last = last[last["customer_id"].isin(set(customer_ids))]
        return dict(zip(last["customer_id"], last["at"], strict=True))

    def reasons(self, ds: Dataset, as_of: date, customer_ids: Iterable[str], top: int | None = None, *,
                frames: FeatureFrames | None = None) -> dict[str, list[str]]:
        """Up to ``top`` plain-language reasons per requested customer, strongest first.

        A reason is a group of related features whose LightGBM contributions together push this
        customer's churn risk *up*; it is phrased with the customer's own figures. Only the requested
        customers are scored (``pred_contrib`` is costly). Unknown ids get an empty list. Without
        ``frames`` the features are computed for the requested customers only; with them, the frame
        already computed for ``as_of`` is used.
        """
        self._require_fitted()
        top = self.config.top_reasons if top is None else top
        wanted = list(dict.fromkeys(str(c) for c in customer_ids))
        if not wanted:
            return {}
        frame = self._features_at(ds, as_of, wanted, frames)
        known = frame["n_orders"].notna()
        bought_frame = frame[known & (frame["n_orders"] > 0)].reset_index(drop=True)
        contributions = self._contributions(bought_frame, as_of)
        inputs = self._matrix(bought_frame, as_of).set_axis(bought_frame["customer_id"].to_numpy())
        months = round(self.settings.features.trend_period_days / 30.44)
        ctx = _Phrasing(self.settings.general.currency, months, self._unsubscribed_at(ds, as_of, wanted))
        groups = pd.Series([reason_group(f) for f in self.features_], index=self.features_)

        result: dict[str, list[str]] = {customer_id: [] for customer_id in wanted}
        for row in frame[known & (frame["n_orders"] == 0)].to_dict("records"):
            since = f" since signing up on {_day(row['signed_up_at'])}" if pd.notna(row["signed_up_at"]) else ""
            result[row["customer_id"]] = [f"no purchase yet{since}"]
        # Sum contributions per reason group for all customers at once (one matrix product), then
        # phrase only the strongest groups of each customer.
        group_of = np.asarray(groups.to_numpy(), dtype=object)
        names = np.asarray(list(dict.fromkeys(group_of)), dtype=object)
        membership = (group_of[:, None] == names[None, :]).astype(float)
        by_group = contributions.loc[bought_frame["customer_id"], self.features_].to_numpy() @ membership
        order = np.argsort(-by_group, axis=1, kind="stable")
        for position, row in enumerate(bought_frame.to_dict("records")):
            texts: list[str] = []
            for index in order[position]:
                if by_group[position, index] <= 0 or len(texts) >= top:
                    break
                group = names[index]
                phrase = PHRASES.get(group)
                text = phrase(row, ctx) if phrase else _phrase_other(group, inputs.at[row["customer_id"], group])
                if text:
                    texts.append(text)
            result[row["customer_id"]] = texts
        return result


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
