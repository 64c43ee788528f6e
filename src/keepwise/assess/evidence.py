"""Reasons and evidence: every flag and action explained by the records behind it, as facts.

The assessment states facts, never sentences: a reason is a code and its figures (counts, amounts,
shares, ISO dates), and ``keepwise.text.phrase`` phrases it in the reader's language. Reasons
describe behaviour and records, never character. Facts are built kind by kind for the customers a
kind applies to, with vectorised column operations; the ``evidence`` column holds them (with each
flag's state) as JSON, so ``explain`` and the report can phrase them in any language.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.assess.change import STOPPABLE
from keepwise.assess.exit_answers import CLAIMED_FAILURES
from keepwise.assess.flags import FLAG_CODES, PROBLEM_FLAGS, SERVICE_FAILURES
from keepwise.assess.payment_record import payment_record_codes
from keepwise.assess.severity import MONEY_PROBLEMS
from keepwise.config import Settings
from keepwise.data.distinct import first_appearances
from keepwise.data.positions import inverse_positions
from keepwise.metrics.periods import DAYS_PER_MONTH
from keepwise.text.columns import TEXT, concat, day_texts, factorize, join_rows, repeat, spread, text_array
from keepwise.text.phrase import Phraser

__all__ = ["Facts", "build_evidence", "build_facts", "join_per_row", "json_column"]

INCIDENT_KINDS = ("fraud", "chargeback", "unethical_request", "policy_abuse")


def _int(values) -> np.ndarray:
    return pd.Series(values).fillna(0).astype("int64").to_numpy()


def _round(values, digits: int = 2) -> np.ndarray:
    return pd.Series(values).astype(float).round(digits).to_numpy()


def _problem(mask: pd.Series, code: str) -> dict[str, np.ndarray]:
    return {"problem": np.full(int(mask.sum()), code, dtype=object)}


def _months(days) -> np.ndarray:
    return _int((pd.Series(days).astype(float) / DAYS_PER_MONTH).round())


class _Rows:
    """The rows of ``frame`` where ``mask`` holds, column by column (no copy of the whole frame)."""

    def __init__(self, frame: pd.DataFrame, mask: pd.Series):
        self.frame, self.mask = frame, mask

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column][self.mask]


# Facts.in_order sorts a kind's entries when it has fewer than one per SORTED_SHARE rows, and otherwise reads
# them off the new order of all rows: the crossover of a sort's k log k and a few passes over all n rows.
SORTED_SHARE = 16


class Facts:
    """Reason facts per customer, kind by kind, in a fixed order: ``(code, rows, {name: values})``."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.kinds: list[tuple[str, np.ndarray, dict[str, np.ndarray]]] = []

    def add(self, code: str, mask, build=None) -> None:
        mask = pd.Series(mask, index=self.index).fillna(False).astype(bool)
        if not mask.any():
            return
        rows = np.flatnonzero(mask.to_numpy())
        values = build(mask) if build else {}
        # Typed columns (NumPy numbers, Arrow texts), not a Python object per figure.
        self.kinds.append((code, rows, {k: v if isinstance(v, pa.Array) else np.asarray(v) for k, v in values.items()}))

    def in_order(self, rank: np.ndarray) -> Facts:
        """The same facts with each row moved to ``rank[row]`` (``rank`` a permutation of the rows), every
        kind's entries by row.

        A kind of many entries (at least ``1 / SORTED_SHARE`` of the rows) is read off the permutation's
        inverse, the rows in their new order, in a few passes over the rows: sorting its entries' new rows
        took ~0.45 s of one core at 1,000,000 customers. The others are sorted."""
        n = len(self.index)
        moved = Facts(pd.RangeIndex(n))
        if not self.kinds:
            return moved
        by_rank = inverse_positions(rank, n)  # by_rank[k]: the row moved to k
        entry = np.empty(n, dtype=np.int64)  # a row's entry in the kind at hand (only its rows are set)
        for code, rows, values in self.kinds:
            if len(rows) * SORTED_SHARE < n:
                positions = rank[rows]
                taken = np.argsort(positions, kind="stable")
                positions = positions[taken]
            else:
                member = np.zeros(n, dtype=bool)
                member[rows] = True
                positions = np.flatnonzero(member[by_rank])
                entry[rows] = np.arange(len(rows))
                taken = entry[by_rank[positions]]
            arrow_taken = pa.array(taken)
            moved.kinds.append((code, positions, {
                name: column.take(arrow_taken) if isinstance(column, pa.Array) else column[taken]
                for name, column in values.items()}))
        return moved

    def block(self, start: int, stop: int) -> Facts:
        """The facts of rows ``start`` to ``stop`` (rows counted from ``start``), of facts ``in_order``."""
        part = Facts(pd.RangeIndex(stop - start))
        for code, rows, values in self.kinds:
            first, last = np.searchsorted(rows, [start, stop])
            if last > first:
                part.kinds.append((code, rows[first:last] - start,
                                   {name: column[first:last] for name, column in values.items()}))
        return part

    def phrase(self, lang: str, currency: str, phraser: Phraser | None = None) -> pa.Array:
        """The ``reasons`` column: each customer's facts phrased in ``lang``, joined with ``;``.

        Each kind is phrased for all its customers at once (``Phraser.phrase_texts``)."""
        phraser = phraser or Phraser(lang, currency)
        return join_rows(len(self.index), (
            (rows, phraser.phrase_texts(code, values, len(rows))) for code, rows, values in self.kinds), ";")

    def json_items(self) -> pa.Array:
        """Per customer, the facts as JSON list items ``["code",{figures}]`` joined with ``,``."""
        parts = []
        for code, rows, values in self.kinds:
            items: list = ["[" + json.dumps(code, ensure_ascii=False) + ",{"]
            for position, (name, column) in enumerate(values.items()):
                items.append(("," if position else "") + json.dumps(name, ensure_ascii=False) + ":")
                items.append(json_texts(column))
            parts.append((rows, concat(*items, "}]", size=len(rows))))
        return join_rows(len(self.index), parts, ",")

    def per_customer(self) -> list[list[tuple[str, dict]]]:
        out: list[list[tuple[str, dict]]] = [[] for _ in range(len(self.index))]
        for code, rows, values in self.kinds:
            names = list(values)
            columns = [_pylist(values[name]) for name in names]
            for position, row in enumerate(rows):
                out[row].append((code, {name: column[position] for name, column in zip(names, columns, strict=True)}))
        return out


def build_facts(
    features: pd.DataFrame,
    flags: pd.DataFrame,
    weights: pd.DataFrame,
    decisions: pd.DataFrame,
    predictions: pd.DataFrame,
    lifecycle: pd.Series,
    as_of,
    settings: Settings,
) -> Facts:
    """The facts behind every customer's action: the business's failures first, then each problem
    (current, then how it stopped), then lifecycle and value."""
    f = features
    facts = Facts(f.index)
    action = decisions["action"]

    def rows(m):
        return _Rows(f, m)

    # The business's own failures come first: they are what to fix.
    facts.add("service_substantiated", flags["service_substantiated_complaints"], lambda m: {
        "n": _int(rows(m)["n_complaints_substantiated"]), "orders": _int(rows(m)["n_orders"]),
        "rate_share": _round(flags.loc[m, "service_substantiated_complaints_rate"], 4),
        "first_day": day_texts(rows(m)["first_substantiated_complaint_at"]),
        "last_day": day_texts(rows(m)["last_substantiated_complaint_at"]),
    })
    facts.add("service_late", flags["service_late_deliveries"], lambda m: {
        "n": _int(rows(m)["n_late"]), "total": _int(rows(m)["n_delivered"]),
        "rate_share": _round(flags.loc[m, "service_late_deliveries_rate"], 4),
        "first_day": day_texts(rows(m)["first_late_at"]), "last_day": day_texts(rows(m)["last_late_at"]),
    })
    facts.add("service_defective", flags["service_defective_returns"], lambda m: {
        "n": _int(rows(m)["n_defective_returns"]), "orders": _int(rows(m)["n_orders"]),
        "amount_money": _round(rows(m)["defective_returned_amount"]),
        "rate_share": _round(flags.loc[m, "service_defective_returns_rate"], 4),
        "first_day": day_texts(rows(m)["first_defective_return_at"]),
        "last_day": day_texts(rows(m)["last_defective_return_at"]),
    })

    # What a customer who left told us; where it blames the business, whether their records bear it out.
    answered = flags["exit_answer_current"]
    scored = answered & f["exit_score"].notna()
    facts.add("exit_answer", answered & ~scored, lambda m: {
        "at_day": day_texts(rows(m)["exit_survey_at"]), "exit_reason": rows(m)["exit_reason"].to_numpy(object),
    })
    facts.add("exit_answer_scored", scored, lambda m: {
        "at_day": day_texts(rows(m)["exit_survey_at"]), "exit_reason": rows(m)["exit_reason"].to_numpy(object),
        "score": _int(rows(m)["exit_score"].round()),
    })
    # A claim borne out: the failure's count and latest day; one not: none in the window before the last order.
    claim_figures = {
        "late": lambda m: {"n": _int(rows(m)["n_late"]), "total": _int(rows(m)["n_delivered"])},
        "defective": lambda m: {"n": _int(rows(m)["n_defective_returns"])},
        "substantiated": lambda m: {"n": _int(rows(m)["n_complaints_substantiated"])},
    }
    reason, borne_out = f["exit_reason"], flags["exit_claim_borne_out"]
    unseen = flags["exit_claim"] & ~borne_out & (f["n_orders"] > 0)
    window_months = round(settings.flags.exit_claim_window_days / DAYS_PER_MONTH)
    for claimed, (failure, last_column) in CLAIMED_FAILURES.items():
        facts.add(f"exit_claim_{failure}", borne_out & (reason == claimed), lambda m, fc=failure, lc=last_column: {
            **claim_figures[fc](m), "last_day": day_texts(rows(m)[lc]),
        })
        facts.add(f"exit_claim_unseen_{failure}", unseen & (reason == claimed), lambda m: {
            "months": np.full(int(m.sum()), window_months, dtype=object),
        })

    unfounded = f["n_complaints_unsubstantiated"] + f["n_complaints_not_judged"]
    facts.add("chronic_complainer", flags["chronic_complainer"], lambda m: {
        "n": _int(rows(m)["n_complaints"]), "unfounded": _int(unfounded[m]), "orders": _int(rows(m)["n_orders"]),
        "expected_decimal": _round(flags.loc[m, "chronic_complainer_rate"] * rows(m)["n_orders"], 1),
        "staff_hours": _round(rows(m)["handle_minutes"] / 60, 1),
        "first_day": day_texts(rows(m)["first_complaint_at"]),
        "last_day": day_texts(rows(m)["last_complaint_at"]),
    })
    facts.add("abusive_to_staff", flags["abusive_to_staff"], lambda m: {
        "n": _int(rows(m)["n_abuse_of_staff"]),
        "first_day": day_texts(rows(m)["first_abuse_of_staff_at"]),
        "last_day": day_texts(rows(m)["last_abuse_of_staff_at"]),
    })
    for kind in INCIDENT_KINDS:
        facts.add(f"incident_{kind}", flags["fraud_or_unethical"] & (f[f"n_{kind}"] > 0), lambda m, k=kind: {
            "n": _int(rows(m)[f"n_{k}"]), "last_day": day_texts(rows(m)[f"last_{k}_at"]),
        })
    # The record in the words that fit it (assess.payment_record): "0 of 7 invoices paid late or overdue" for a
    # customer flagged for write-offs alone, or "€0.00 written off", would state what did not happen.
    records = payment_record_codes(f["n_paid_late"] + f["n_unpaid_overdue"], f["n_written_off"],
                                   f["overdue_unpaid_amount"], f["written_off_amount"])
    for code, record in records[:-1]:
        facts.add(code, flags["bad_payer"] & record, lambda m: {
            "late": _int(rows(m)["n_paid_late"] + rows(m)["n_unpaid_overdue"]), "invoices": _int(rows(m)["n_invoices"]),
            "last_day": day_texts(rows(m)["last_payment_problem_at"]),
            "overdue_money": _round(rows(m)["overdue_unpaid_amount"]),
            "written_off_money": _round(rows(m)["written_off_amount"]),
        })
    alone, written_off_only = records[-1]
    facts.add(alone, flags["bad_payer"] & written_off_only, lambda m: {
        "n": _int(rows(m)["n_written_off"]), "invoices": _int(rows(m)["n_invoices"]),
        "last_day": day_texts(rows(m)["last_payment_problem_at"]),
        "amount_money": _round(rows(m)["written_off_amount"]),
    })
    facts.add("unprofitable", flags["unprofitable"], lambda m: {
        "loss_money": _round(-rows(m)["profit_customer_view"]), "revenue_money": _round(rows(m)["revenue"]),
        "goods_money": _round(rows(m)["cost_of_goods"]),
        "serve_money": _round(rows(m)["cost_to_serve"] - rows(m)["cost_business_fault"]),
    })
    facts.add("return_abuser", flags["return_abuser"], lambda m: {
        "n": _int(rows(m)["n_non_defective_returns"]), "amount_money": _round(rows(m)["non_defective_returned_amount"]),
        "revenue_share": _round(rows(m)["non_defective_return_share"], 4),
        "first_day": day_texts(rows(m)["first_non_defective_return_at"]),
        "last_day": day_texts(rows(m)["last_non_defective_return_at"]),
    })
    deep = settings.features.deep_discount_share
    facts.add("deal_seeker", flags["deal_seeker"], lambda m: {
        "n": _int(rows(m)["n_deep_discount_orders"]), "orders": _int(rows(m)["n_orders"]),
        "off_share": np.full(int(m.sum()), deep, dtype=object),
    })
    facts.add("fickle", flags["fickle"], lambda m: {
        "n": _int(rows(m)["n_fickle_orders"]), "orders": _int(rows(m)["n_orders_all"]),
        "changes": _int(rows(m)["change_requests"]),
        "first_day": day_texts(rows(m)["first_fickle_at"]), "last_day": day_texts(rows(m)["last_fickle_at"]),
    })
    facts.add("values_tag", flags["values_conflict"] & f["tag_values_conflict"].astype(bool))
    facts.add("values_incidents", flags["values_conflict"] & (f["n_values_conflict"] > 0), lambda m: {
        "n": _int(rows(m)["n_values_conflict"]), "last_day": day_texts(rows(m)["last_values_conflict_at"]),
    })

    # How each stopped problem stopped: the measured clean record, or time with orders since.
    as_of_ts = pd.Timestamp(as_of)
    for code in STOPPABLE:
        stopped = flags[f"{code}_stopped"]
        measured = stopped & flags[f"{code}_measured"]
        if code == "bad_payer":
            facts.add("stopped_invoices", measured, lambda m, c=code: {
                **_problem(m, c), "clean": _int(flags.loc[m, f"{c}_clean_invoices"]),
                "former": _int(flags.loc[m, f"{c}_former_problems"]),
                "former_total": _int(flags.loc[m, f"{c}_former_invoices"]),
            })
        else:
            facts.add("stopped_measured", measured, lambda m, c=code: {
                **_problem(m, c), "clean_months": _months(flags.loc[m, f"{c}_clean_days"]),
                "former": _int(flags.loc[m, f"{c}_former_count"]),
                "former_months": _months(flags.loc[m, f"{c}_former_days"]),
            })
        last = flags[f"{code}_last_at"]
        facts.add("stopped_long_ago", stopped & ~measured, lambda m, c=code, at=last: {
            **_problem(m, c), "months": _months((as_of_ts - at[m]).dt.days),
        })

    # Severity in money: current money problems too small to act on, and conduct that destroys value.
    margin = f["gross_margin"].clip(lower=0.0)
    for code in MONEY_PROBLEMS:
        minor = flags[f"{code}_current"] & (weights[code] == 0)
        facts.add("minor_problem", minor, lambda m, c=code: {
            "problem": np.full(int(m.sum()), c, dtype=object), "cost_money": _round(weights.loc[m, f"cost_{c}"]),
            "margin_money": _round(margin[m]),
        })
    for code in settings.actions.not_repriceable:
        facts.add("destroys_value", decisions["destroys_value"] & flags[f"{code}_current"], lambda m, c=code: {
            "problem": np.full(int(m.sum()), c, dtype=object), "cost_money": _round(weights.loc[m, f"cost_{c}"]),
            "margin_money": _round(margin[m]),
        })

    # Lifecycle and value: why this action when no problem decides it.
    # How long since the last order, against the customer's own rhythm (the usual gap the churn drivers name
    # beside it); a customer of one purchase day has none, and is told the typical gap its lifecycle is judged by
    # (``lifecycle.usual_gap_days`` with no gap of its own: the population's).
    lapsing = action.isin(("retain", "win_back")) | lifecycle.isin(("slipping", "lapsed"))
    purchase_days = f["n_purchase_days"]
    facts.add("last_order", lapsing & (purchase_days > 1), lambda m: {
        "last_day": day_texts(rows(m)["last_order_at"]), "days": _int(rows(m)["days_since_last_order"]),
        "gap": _int(rows(m)["mean_purchase_gap_days"].round()),
    })
    facts.add("last_order_once", lapsing & (purchase_days == 1), lambda m: {
        "last_day": day_texts(rows(m)["last_order_at"]), "days": _int(rows(m)["days_since_last_order"]),
        "gap": _int(predictions.loc[m, "usual_gap_days"].round()),
    })
    facts.add("margin", f["n_orders"] > 0, lambda m: {
        "margin_money": _round(rows(m)["profit_customer_view"]), "orders": _int(rows(m)["n_orders"]),
        "first_day": day_texts(rows(m)["first_order_at"]),
    })
    facts.add("no_orders", f["n_orders"] == 0)
    trend_months = round(settings.features.trend_period_days / DAYS_PER_MONTH)
    facts.add("no_growth", flags["no_growth_potential"], lambda m: {
        "last_money": _round(rows(m)["revenue_last_period"]), "prior_money": _round(rows(m)["revenue_prior_period"]),
        "months": np.full(int(m.sum()), trend_months, dtype=object),
    })
    facts.add("no_referrals", flags["no_referrals"], lambda m: {"months": _int(rows(m)["tenure_days"] // DAYS_PER_MONTH)})
    horizon_months = round(settings.clv.horizon_days / DAYS_PER_MONTH)
    facts.add("expected_value", action.isin(("retain", "win_back", "nurture", "grow")), lambda m: {
        "clv_money": _round(predictions.loc[m, "clv"]), "months": np.full(int(m.sum()), horizon_months, dtype=object),
        "stake_money": _round(decisions.loc[m, "money_at_stake"]),
    })
    return facts


def join_per_row(size: int, parts, separator: str) -> np.ndarray:
    """``keepwise.text.columns.join_rows`` as a NumPy array of Python texts."""
    return _numpy(join_rows(size, parts, separator))


def _numpy(texts: pa.Array) -> np.ndarray:
    return np.asarray(texts.to_numpy(zero_copy_only=False), dtype=object)


def _pylist(values) -> list:
    return values.to_pylist() if isinstance(values, pa.Array) else np.asarray(values).tolist()


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json_number(value) -> str:
    """What ``json.dumps`` writes for a number."""
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)
    return repr(value)


def _json_numbers(values: list) -> list[str]:
    """``_json_number`` of every value: ``repr`` (what json writes for a finite number), non-finite floats fixed."""
    texts = list(map(repr, values))
    if not {"nan", "inf", "-inf"}.isdisjoint(texts):
        texts = [_json_number(value) for value in values]
    return texts


def _json_distinct(values: np.ndarray, keys: np.ndarray, encode) -> pa.Array:
    """``encode`` (a list of values -> their texts) once per distinct key (equal keys are equal values),
    spread back to every value."""
    codes, first = first_appearances(keys)
    return spread(encode(values[first].tolist()), codes)


def json_texts(values) -> pa.Array:
    """``json.dumps`` of every value (numpy scalars as Python's), each distinct value encoded once."""
    if isinstance(values, pa.Array):
        codes, uniques = factorize(values)
        return spread([json.dumps(value, ensure_ascii=False) for value in uniques], codes)
    values = np.asarray(values)
    if values.dtype.kind == "f":
        # By bit pattern, so -0.0 and 0.0 stay apart (json writes them differently).
        floats = values.astype(np.float64)
        return _json_distinct(floats, floats.view(np.int64), _json_numbers)
    if values.dtype.kind in "iu":
        ints = values.astype(np.int64)
        return _json_distinct(ints, ints, _json_numbers)
    values = np.asarray(values, dtype=object)
    if len(values) == 0:
        return text_array([])
    kinds = {type(value) for value in values}
    if kinds <= {float, np.float64}:
        return json_texts(values.astype(np.float64))
    if kinds <= {int, np.int64}:
        return json_texts(values.astype(np.int64))
    if kinds == {str}:
        return json_texts(text_array(values))
    return text_array([json.dumps(_plain(value), ensure_ascii=False) for value in values])


def json_column(values) -> np.ndarray:
    """``json_texts`` as a NumPy array of Python texts."""
    return _numpy(json_texts(values))


def _json_rounded_texts(values: np.ndarray) -> pa.Array:
    """``json.dumps(round(float(v), 2))`` of every value, each distinct value once."""
    values = np.asarray(values, dtype=np.float64)
    return _json_distinct(values, values.view(np.int64), lambda floats: _json_numbers([round(v, 2) for v in floats]))


def _json_rounded(values: np.ndarray) -> np.ndarray:
    return _numpy(_json_rounded_texts(values))


def build_evidence(flags: pd.DataFrame, weights: pd.DataFrame, facts: Facts, customers=None) -> pa.Array:
    """A JSON object per customer: each problem raised (current or stopped) with its weight, cost and
    latest record, and the reason facts (``reasons``: ``[code, {figures}]`` in order). ``customers``:
    the rows of ``flags`` and ``weights`` that ``facts``' rows are (default: all, in order).

    Built column by column: each part is the same text ``json.dumps(..., separators=(",", ":"),
    ensure_ascii=False)`` writes for the record."""
    customers = np.arange(len(flags)) if customers is None else np.asarray(customers)
    size = len(customers)
    raised = flags[list(FLAG_CODES)].to_numpy(bool)[customers]
    problems = []
    for position, code in enumerate(FLAG_CODES):
        rows = np.flatnonzero(raised[:, position])
        if len(rows) == 0:
            continue
        them = customers[rows]
        stopped = pa.array(flags[f"{code}_stopped"].to_numpy(bool)[them])
        state = pc.if_else(stopped, pa.scalar('"state":"stopped"', TEXT), pa.scalar('"state":"current"', TEXT))
        last = day_texts(flags[f"{code}_last_at"].iloc[them])
        last_json = pc.if_else(pc.equal(last, ""), pa.scalar("null", TEXT), json_texts(last))
        items = [json.dumps(code) + ":{", state, ',"last_at":', last_json]
        if code in PROBLEM_FLAGS:
            items += [',"weight":', _json_rounded_texts(weights[code].to_numpy(float)[them])]
        if code in MONEY_PROBLEMS:
            items += [',"cost":', _json_rounded_texts(weights[f"cost_{code}"].to_numpy(float)[them])]
        problems.append((rows, concat(*items, "}", size=len(rows))))
    failures = []
    for kind in SERVICE_FAILURES:
        rows = np.flatnonzero(flags[f"service_{kind}"].to_numpy(bool)[customers])
        failures.append((rows, repeat(json.dumps(kind), len(rows))))
    sections = [
        (problems, '"flags":{', "}"),
        (failures, '"service_failures":[', "]"),
    ]
    # Every record has reasons, last: a section before them is followed by "," (and "" where it is empty).
    items: list = ["{"]
    for parts, start, end in sections:
        joined = join_rows(size, parts, ",")
        present = pc.not_equal(joined, pa.scalar("", TEXT))
        items.append(pc.if_else(present, concat(start, joined, end + ",", size=size), pa.scalar("", TEXT)))
    return concat(*items, '"reasons":[', facts.json_items(), "]}", size=size)
