"""``assess``: one action per customer, with priority, money at stake and dated reasons.

The bulk path is vectorised: the feature table is computed by one ibis expression (executed once),
then flags, lifecycle, actions and priority are pandas/numpy column operations.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.assess.actions import decide_actions, priority_rank, problem_weights
from keepwise.assess.evidence import Facts, build_evidence, build_facts
from keepwise.assess.flags import FLAG_CODES, compute_flags
from keepwise.assess.lifecycle import lifecycle_stage, rhythm_predictions
from keepwise.data.loader import Dataset
from keepwise.data.positions import inverse_positions, positions, values_at
from keepwise.data.threads import map_in_threads, threads_or_cores
from keepwise.metrics.features import customer_feature_frame
from keepwise.output import write_frame
from keepwise.text.columns import TEXT, join_rows, repeat, to_series
from keepwise.text.phrase import Phraser

__all__ = ["CONTRACT_COLUMNS", "EXTRA_COLUMNS", "assess", "assess_frames", "write_assessment"]

CONTRACT_COLUMNS = (
    "customer_id",
    "action",
    "priority",
    "flags",
    "clv",
    "p_alive",
    "churn_risk",
    "profit",
    "cost_to_serve",
    "reasons",
)
EXTRA_COLUMNS = (
    "past_flags",
    "lifecycle",
    "money_at_stake",
    "n_problems",
    "problem_score",
    "cost_business_fault",
    "revenue",
    "n_orders",
    "last_order_at",
    "days_since_last_order",
    "evidence",
)


# Customers per block of texts (at most): large enough that Arrow's per-call cost is negligible, small
# enough that a block's intermediate texts are a few tens of MB. 1M customers on two threads, the texts
# alone: peak RSS ~0.2 GB lower than with blocks of 131,072, in the same time; blocks of 16,384 took longer.
TEXT_BLOCK_ROWS = 32_768


def _referrals_tracked(ds: Dataset) -> bool:
    customers = ds.table("customers")
    return bool(customers.referred_by.notnull().any().execute())


def _merge_predictions(model: pd.DataFrame, rhythm: pd.DataFrame, customer_ids: pd.Series,
                       rows: np.ndarray | None = None) -> pd.DataFrame:
    """Model p_alive / churn_risk / clv where given; the rhythm rule fills customers the model left out.
    ``rows``: each customer's row in ``model`` (-1: left out), when the caller has them; else looked up."""
    merged = rhythm.copy()
    if rows is None:
        rows = positions(customer_ids, model["customer_id"])  # -1: the model left the customer out
    for column in ("p_alive", "churn_risk", "clv"):
        if column in model:
            values = values_at(model[column].to_numpy(float), rows)
            merged[column] = pd.Series(values, index=rhythm.index).fillna(rhythm[column])
    merged["p_alive"] = merged["p_alive"].clip(0.0, 1.0)
    merged["churn_risk"] = merged["churn_risk"].clip(0.0, 1.0)
    return merged


def _flag_list(flags: pd.DataFrame, state: str, rank: np.ndarray) -> pd.Series:
    """Per customer, the flag codes in ``state`` (current or stopped), in the contract's order, joined
    with ``;``; customer ``row`` in place ``rank[row]``."""
    parts = []
    for code in FLAG_CODES:
        rows = rank[np.flatnonzero(flags[f"{code}_{state}"].to_numpy(bool))]
        parts.append((rows, repeat(code, len(rows))))
    return to_series(join_rows(len(flags), parts, ";"))


def _block_texts(facts: Facts, flags: pd.DataFrame, weights: pd.DataFrame, order: np.ndarray, phraser: Phraser,
                 span: tuple[int, int]) -> tuple[pa.Array, pa.Array]:
    """The reasons and the evidence of the rows ``span`` (start, stop) of the output order."""
    start, stop = span
    block = facts.block(start, stop)
    return (block.phrase(phraser.lang, phraser.currency, phraser),
            build_evidence(flags, weights, block, order[start:stop]))


def _texts_of_some(customers: Collection[str], ids, order: np.ndarray, judged: tuple, as_of: date, settings,
                   phraser: Phraser) -> tuple[pd.Series, pd.Series]:
    """The ``reasons`` and ``evidence`` columns (in the output ``order``, whose ids are ``ids``) with the texts of
    ``customers`` only, null for the others. ``judged``: the row-aligned features, flags, weights, decisions,
    predictions and lifecycle. Every fact is a figure of its own row, so the facts of those rows alone are
    the ones all rows give them."""
    wanted = list(customers)
    # Their places in the output: each id looked up among the few wanted (keepwise.data.positions).
    written = np.flatnonzero(positions(ids, wanted) >= 0) if wanted else np.empty(0, dtype=np.int64)
    rows = order[written]  # their rows of the judged frames, in output order
    features, flags, weights, decisions, rhythm, stage = (part.iloc[rows].reset_index(drop=True) for part in judged)
    facts = build_facts(features, flags, weights, decisions, rhythm, stage, as_of, settings)
    # Each output place's text: the written ones from theirs, the others null.
    source = np.full(len(order), -1, dtype=np.int64)
    source[written] = np.arange(len(written))
    taken = pa.array(source, mask=source < 0)
    return tuple(to_series(texts.take(taken)) for texts in (
        facts.phrase(phraser.lang, phraser.currency, phraser), build_evidence(flags, weights, facts)))


class FeatureJudgement(NamedTuple):
    """What the assessment judges from the features alone (:func:`judge_features`): the features (indexed
    0, 1, ...), the purchase-rhythm stand-in for predictions, the flags and the problems' weights."""

    features: pd.DataFrame
    rhythm: pd.DataFrame
    flags: pd.DataFrame
    weights: pd.DataFrame


def judge_features(features: pd.DataFrame, as_of: date, settings, referrals_tracked: bool = True) -> FeatureJudgement:
    """The part of :func:`assess_frames` that reads the features only, no engine and no model: a caller may
    compute it while the models are fitted, and hand it to ``assess_frames`` (``judged``)."""
    features = features.reset_index(drop=True)
    flags = compute_flags(features, as_of, settings, referrals_tracked)
    return FeatureJudgement(features, rhythm_predictions(features, settings), flags,
                            problem_weights(flags, features, settings))


def assess_frames(
    features: pd.DataFrame,
    as_of: date,
    settings,
    predictions: pd.DataFrame | None = None,
    referrals_tracked: bool = True,
    lang: str | None = None,
    on_decided: Callable[[pd.Series, pd.Series], None] | None = None,
    judged: FeatureJudgement | None = None,
    texts_for: Collection[str] | None = None,
    prediction_rows: np.ndarray | None = None,
    on_ordered: Callable[[np.ndarray], None] | None = None,
) -> pd.DataFrame:
    """The assessment from an executed feature table (``customer_features(...).execute()``).

    Returns the contract columns, then ``EXTRA_COLUMNS``. ``assess`` is the usual entry point; this
    one lets callers that already hold the features (reports, portfolio metrics, tests) reuse them.
    ``reasons`` are phrased in ``lang`` (default: the settings' locale); the facts behind them are in
    ``evidence`` for phrasing in another language.

    ``on_decided`` is called with the customers' ids and actions, in the rows' order of ``features``, as soon
    as the actions are decided: before the customers are ranked and their texts written (most of the time
    this function takes), so work on them may run meanwhile. ``on_ordered`` is then called with each
    returned row's row in ``features``, once the rows' order is known.

    ``judged``: :func:`judge_features` of the same features, date and settings, when the caller has it.

    ``texts_for``: the customers whose ``reasons`` and ``evidence`` are written (default: every one); the
    others' are null. Every customer is judged and ranked all the same. A command that reads a few
    customers' texts, or none (``explain``, ``letter``, ``touches``), skips the rest: most of this
    function's time at 1,000,000 customers.

    ``prediction_rows``: each row of ``features``' row in ``predictions`` (-1: not there), when the caller
    has them (``keepwise.data.positions.inverse_positions`` of the predictions' own ``feature_rows``);
    else the customers are looked up by id (~0.3 s at 1,000,000 customers).
    """
    features, rhythm, flags, weights = judged or judge_features(features, as_of, settings, referrals_tracked)
    if predictions is not None:
        rhythm = _merge_predictions(predictions, rhythm, features["customer_id"], prediction_rows)
    # Lifecycle follows the model's P(alive) when there is one; a churn risk alone does not say alive.
    from_model = predictions is not None and "p_alive" in predictions
    stage = lifecycle_stage(features, rhythm, settings, from_model)
    decisions = decide_actions(features, flags, weights, rhythm, stage, settings)
    customer_id = features["customer_id"].astype(str)
    if on_decided is not None:
        on_decided(customer_id, decisions["action"])
    priority = priority_rank(decisions, settings)

    # The rows' order (by priority, then customer id) from the two keys alone: every column is then
    # taken once in that order, and no sorted copy of the whole frame (its texts above all) is made.
    # Arrow's stable sort compares the ids' UTF-8 bytes, which orders them as Python compares texts.
    keys = pa.table({"priority": np.asarray(priority), "customer_id": pa.array(customer_id)})
    order = pc.sort_indices(keys, sort_keys=[("priority", "ascending"), ("customer_id", "ascending")])
    order = order.to_numpy(zero_copy_only=False).astype(np.int64)
    ids, actions = customer_id.array.take(order), decisions["action"].array.take(order)
    if on_ordered is not None:
        on_ordered(order)

    rank = inverse_positions(order, len(order))  # each row's place in the output
    flag_text = _flag_list(flags, "current", rank)
    past_text = _flag_list(flags, "stopped", rank)

    # The texts are Arrow strings (no Python object per customer), written block by block in the
    # output order, so only one block's intermediate texts per thread are held at a time and none is
    # reordered.
    phraser = Phraser(lang or reasons_language(settings), settings.general.currency)
    if texts_for is None:
        facts = build_facts(features, flags, weights, decisions, rhythm, stage, as_of, settings).in_order(rank)
        # Blocks side by side ([engine] text_threads; at least one block per thread): Arrow's kernels,
        # most of the work, run outside Python's GIL.
        threads = threads_or_cores(settings.engine.text_threads)
        rows = max(1, min(TEXT_BLOCK_ROWS, -(-len(order) // threads)))
        spans = [(start, min(start + rows, len(order))) for start in range(0, len(order), rows)]
        blocks = map_in_threads(partial(_block_texts, facts, flags, weights, order, phraser), spans, threads,
                                "keepwise-texts")
        del facts
        reasons = to_series(pa.chunked_array([reasons for reasons, _ in blocks], TEXT))
        evidence = to_series(pa.chunked_array([evidence for _, evidence in blocks], TEXT))
        del blocks
    else:
        reasons, evidence = _texts_of_some(texts_for, ids, order, (features, flags, weights, decisions, rhythm,
                                                                    stage), as_of, settings, phraser)
    del flags, weights
    # Arrow's allocator keeps freed blocks for reuse; the blocks' intermediate texts are done with, so
    # their memory goes back to the system for the stages that follow.
    pa.default_memory_pool().release_unused()
    columns = {
        "customer_id": ids,
        "action": actions,
        "priority": priority,
        "flags": flag_text,
        "clv": rhythm["clv"].astype(float).round(2).fillna(0.0).to_numpy(),
        "p_alive": rhythm["p_alive"].astype(float).round(4).fillna(0.0).to_numpy(),
        "churn_risk": rhythm["churn_risk"].astype(float).round(4).fillna(1.0).to_numpy(),
        "profit": features["profit"].astype(float).round(2).to_numpy(),
        "cost_to_serve": features["cost_to_serve"].astype(float).round(2).to_numpy(),
        "reasons": reasons,
        "past_flags": past_text,
        "lifecycle": stage.array.take(order),
        "money_at_stake": decisions["money_at_stake"].to_numpy(),
        "n_problems": decisions["n_problems"].to_numpy(),
        "problem_score": decisions["problem_score"].to_numpy(),
        "cost_business_fault": features["cost_business_fault"].astype(float).round(2).to_numpy(),
        "revenue": features["revenue"].astype(float).round(2).to_numpy(),
        "n_orders": features["n_orders"].astype("int64").to_numpy(),
        "last_order_at": features["last_order_at"].to_numpy(),
        "days_since_last_order": features["days_since_last_order"].to_numpy(),
        "evidence": evidence,
    }
    return pd.DataFrame({name: values if isinstance(values, pd.Series | pd.api.extensions.ExtensionArray)
                         else np.asarray(values)[order] for name, values in columns.items()})


def reasons_language(settings) -> str:
    """The language of the ``reasons`` column: the settings' locale (``ru_RU`` -> ru), English if unsupported."""
    from keepwise.text import LANGUAGES

    language = settings.general.locale.replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else "en"


def assess(ds: Dataset, as_of: date, predictions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Assess every customer of ``ds`` as of ``as_of``.

    Parameters
    ----------
    ds : the loaded data.
    as_of : the assessment day; only events up to it count.
    predictions : optional model output with ``customer_id`` and any of ``p_alive``,
        ``churn_risk``, ``clv``; without it (or for customers it lacks) the purchase-rhythm rule of
        ``keepwise.assess.lifecycle`` stands in.

    Returns one row per customer, sorted by priority: the contract columns in order
    (``CONTRACT_COLUMNS``), then ``EXTRA_COLUMNS``.
    """
    features = customer_feature_frame(ds, as_of)
    return assess_frames(features, as_of, ds.settings, predictions, _referrals_tracked(ds))


def write_assessment(df: pd.DataFrame, path: str | Path, fmt: str = "csv", threads: int = 1) -> Path:
    """Write atomically (``keepwise.output``): on any failure ``path`` is left as it was. ``threads``
    write a CSV file's slices side by side (``[engine] text_threads``: 0 is the cores the process may use)."""
    return write_frame(df, Path(path), fmt, threads_or_cores(threads))
