"""Per-customer features: one row per customer, every figure traceable to the records behind it.

``customer_features`` builds a single ibis expression (no pandas, nothing executed), so the
same pipeline runs on DuckDB today and on any other ibis backend later. The caller executes it.

Every input table is aggregated per customer on its own (``keepwise.metrics.table_aggregates``) and
left-joined onto ``customers``, so customers without orders (or without any other events) still get
a row, with zero counts and empty dates. The joins form one flat chain and every output column
(zero-filling and derived figures alike) is defined in ONE projection over it, so the SQL is a
single ``SELECT ... FROM customers LEFT JOIN ...`` over the eight aggregates, small and quick to
compile. The expression is built once per dataset and settings with its dates as ``ibis.param``
parameters; each call substitutes the dates of its ``as_of``. On DuckDB ``customer_feature_frame``
compiles it to SQL once, with the dates as parameters of the statement, and runs that statement per
date.

Cost to serve follows the contract's "Default costs" (docs/contract.md), one column per component so that every cost
can be traced: ``cost_staff``, ``cost_returns``, ``cost_changes``, ``cost_late_payment`` and
``cost_write_offs``; ``cost_to_serve`` is their sum and ``profit = revenue - cost_of_goods -
cost_to_serve``.

The business's own failures are *inside* those totals, because the contract defines cost to serve
as all staff time and all returns: it is what the customer really cost. They are also split out
(``cost_staff_business_fault`` for staff time on substantiated complaints,
``cost_returns_business_fault`` for defective returns, summed in ``cost_business_fault``), and
``profit_customer_view = profit + cost_business_fault`` is the profit the customer would have
brought had the business not failed. The assessment judges customers on the latter, so a customer
is never blamed for the business's own mistakes.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import date, datetime

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd

from keepwise.config import Settings
from keepwise.data.detached import detached_frame
from keepwise.data.loader import Dataset
from keepwise.data.schema import FEATURE_TABLES, INCIDENT_KINDS
from keepwise.metrics.table_aggregates import (
    Moments,
    days_between,
    engagement_aggregates,
    exit_survey_aggregates,
    incident_aggregates,
    invoice_aggregates,
    moment_values,
    order_aggregates,
    referral_counts,
    return_aggregates,
    ticket_aggregates,
)

__all__ = [
    "FEATURE_COLUMNS",
    "customer_feature_frame",
    "customer_features",
    "execute_features",
]

# Incident kinds get a confirmed count and first/last dates each: n_<kind>, first_<kind>_at, last_<kind>_at.
INCIDENT_FEATURES = tuple(
    f"{prefix}{kind}{suffix}"
    for kind in INCIDENT_KINDS
    for prefix, suffix in (("n_", ""), ("first_", "_at"), ("last_", "_at"))
)

# The customers table's own columns, as they are.
CUSTOMER_COLUMNS = ("customer_id", "language", "country", "signed_up_at", "referred_by", "marketing_opt_in", "tags")
FEATURE_COLUMNS = (
    # customers
    *CUSTOMER_COLUMNS,
    "tag_values_conflict",
    # orders
    "n_orders",
    "n_cancelled",
    "n_orders_all",
    "first_order_at",
    "last_order_at",
    "days_since_last_order",
    "tenure_days",
    "n_purchase_days",
    "mean_purchase_gap_days",
    "revenue",
    "list_price",
    "discount",
    "cost_of_goods",
    "gross_margin",
    "discount_share",
    "n_deep_discount_orders",
    "deep_discount_order_share",
    "revenue_last_period",
    "revenue_prior_period",
    "orders_last_period",
    "orders_prior_period",
    # the purchase model's summary (keepwise.models.summary): see order_aggregates and _build
    "repeat_revenue",
    "n_purchase_days_before_holdout",
    "last_order_at_before_holdout",
    "change_requests",
    "n_orders_changed",
    "n_fickle_orders",
    "n_fickle_orders_recent",
    "n_orders_all_recent",
    "first_fickle_at",
    "last_fickle_at",
    # deliveries
    "n_delivered",
    "n_late",
    "late_share",
    "first_late_at",
    "last_late_at",
    # returns
    "n_returns",
    "returned_amount",
    "n_defective_returns",
    "defective_returned_amount",
    "n_non_defective_returns",
    "non_defective_returned_amount",
    "return_share_of_revenue",
    "non_defective_return_share",
    "n_non_defective_returns_recent",
    "first_non_defective_return_at",
    "last_non_defective_return_at",
    "first_defective_return_at",
    "last_defective_return_at",
    # tickets
    "n_tickets",
    "n_complaints",
    "n_complaints_substantiated",
    "n_complaints_unsubstantiated",
    "n_complaints_not_judged",
    "n_unfounded_complaints_recent",
    "first_complaint_at",
    "last_complaint_at",
    "first_unfounded_complaint_at",
    "last_unfounded_complaint_at",
    "first_substantiated_complaint_at",
    "last_substantiated_complaint_at",
    "handle_minutes",
    "handle_minutes_substantiated",
    "handle_minutes_unfounded",
    # invoices
    "n_invoices",
    "n_paid_late",
    "n_unpaid_overdue",
    "overdue_unpaid_amount",
    "n_written_off",
    "written_off_amount",
    "late_payment_interest",
    "n_late_payments_recent",
    "n_invoices_recent",
    "n_invoices_due",
    "n_invoices_due_since_problem",
    "first_payment_problem_at",
    "last_payment_problem_at",
    # incidents (confirmed only)
    *INCIDENT_FEATURES,
    "n_incidents_unconfirmed",
    # engagement
    "unsubscribed",
    "last_survey_score",
    "last_survey_at",
    "n_engagement_events",
    # exit surveys: the latest one
    "exit_survey_at",
    "exit_reason",
    "exit_score",
    # referrals
    "n_referrals",
    # money
    "cost_staff",
    "cost_returns",
    "cost_changes",
    "cost_late_payment",
    "cost_write_offs",
    "cost_to_serve",
    "cost_staff_business_fault",
    "cost_returns_business_fault",
    "cost_business_fault",
    "profit",
    "profit_customer_view",
)


# Columns a missing value of stays missing: the ids (numbers in some sources) and the scores customers gave,
# where no answer is not a 0.
UNFILLED = frozenset({"customer_id", "referred_by", "last_survey_score", "exit_score"})


def _safe_share(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """numerator / denominator, 0 when the denominator is 0."""
    return (denominator > 0).ifelse(numerator / denominator.cast("float64"), 0.0)


def customer_features(ds: Dataset, as_of: date, settings: Settings | None = None,
                      columns: Sequence[str] | None = None) -> ir.Table:
    """One row per customer of ``ds``: behaviour, deliveries, money and cost to serve up to ``as_of``.

    Parameters
    ----------
    ds : the loaded data (events after ``as_of`` are ignored even if the dataset still holds them).
    as_of : the day the assessment is made; "days since" figures count whole days to it.
    settings : costs and feature settings; default ``ds.settings``.
    columns : only ``customer_id`` and these (of ``FEATURE_COLUMNS``); the tables none of them reads are
        not read (``_build``).

    Returns an unexecuted ibis table with the columns of ``FEATURE_COLUMNS`` (with ``columns``:
    ``customer_id`` and those): counts and money are 0 for customers without such events, dates are null.

    The expression is built once per dataset and settings with the dates as ``ibis.param``
    parameters, and each call only substitutes the dates of ``as_of`` (as literals, so the result
    executes like any other table): the churn model asks for features at many cutoffs. An expression of
    some ``columns`` is built for the call, with the dates as literals (~0.15 s of Python).
    ``execute_features`` executes the table faster than ``.execute()``, into the same frame.
    """
    settings = settings or ds.settings
    values = moment_values(as_of, settings)
    template = None if columns is not None else _template(ds, settings)
    if template is None:  # some columns, or settings that cannot key the cache: build directly
        return _build(ds, Moments(**{name: ibis.literal(value) for name, value in values.items()}), settings,
                      columns)
    bound = {
        getattr(template.params, name).op(): ibis.literal(value, type=getattr(template.params, name).type()).op()
        for name, value in values.items()
    }
    return template.table.op().replace(bound).to_expr()


def execute_features(table: ir.Table) -> pd.DataFrame:
    """Execute a ``customer_features`` table (or a filter of it) into pandas, through Arrow.

    The frame equals ``table.execute()`` (same columns, dtypes and values), but ibis's own pandas
    conversion turns every column holding a null (the ~35 date columns) into Python objects and
    back, which costs more than the query itself on large data (~4 s at 100,000 customers).
    """
    return detached_frame(table.to_pyarrow())


def customer_feature_frame(ds: Dataset, as_of: date, settings: Settings | None = None,
                           columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``customer_features`` executed: the frame every stage after it reads.

    On DuckDB the template's SQL is compiled once, with the dates as parameters of the statement
    (``$end``, ``$day``, ...), and each call runs it with the dates of ``as_of``: compiling the
    expression costs ~0.1-0.2 s a call, a fixed part of the churn model's features at each cutoff.
    The frame is the one ``execute_features(customer_features(...))`` gives.

    With ``columns``, only ``customer_id`` and those: the engine computes no aggregate that none of them
    needs and reads only the tables they need (``customer_features``; at 1,000,000 customers, the
    offboarding window's 19 columns: 9.2 -> 3.7 s, 0.95 -> 0.17 GB). That expression is built and compiled
    for the call (~0.3 s of Python)."""
    settings = settings or ds.settings
    if columns is not None:
        return execute_features(customer_features(ds, as_of, settings, columns))
    template = _template(ds, settings)
    frame = None if template is None or ds.con.name != "duckdb" else template.frame(ds.con, as_of, settings)
    return execute_features(customer_features(ds, as_of, settings)) if frame is None else frame


class _Template:
    """The feature expression of a dataset and settings with ``ibis.param`` dates (``params``), and on
    DuckDB its SQL with the dates as statement parameters, compiled when first run ("" when it cannot be).

    A subset's template names its parent's and which of the parent's tables each of its own stands for
    (``renamed``): its SQL is the parent's with those tables renamed, not compiled again (the same SQL;
    compiling it took ~0.2 s of Python, ~0.6 s beside the purchase model's thread)."""

    def __init__(self, table: ir.Table, params: Moments, parent: _Template | None = None,
                 renamed: dict[str, str] | None = None):
        self.table = table
        self.params = params
        self._parent = parent
        self._renamed = renamed or {}
        self._tree = None  # the SQL's sqlglot tree; None when it cannot be made
        self._sql: str | None = None

    def tree(self, con):
        """The sqlglot tree of the SQL with the dates as parameters (``_parameterised_tree``), made once;
        None when the SQL cannot take them."""
        if self._sql is None:
            if self._parent is None:
                self._tree = _parameterised_tree(con, self.table, self.params)
            else:
                parent = self._parent.tree(con)
                self._tree = None if parent is None else _renamed_tables(parent, self._renamed)
            self._sql = "" if self._tree is None else self._tree.sql(dialect=con.compiler.dialect)
        return self._tree

    def frame(self, con, as_of: date, settings: Settings) -> pd.DataFrame | None:
        """The frame of the table at ``as_of``, run on DuckDB ``con``; None when the SQL has no parameters."""
        from ibis.backends.duckdb.converter import DuckDBPyArrowData

        self.tree(con)
        if not self._sql:
            return None
        result = con.con.sql(self._sql, params=moment_values(as_of, settings)).to_arrow_table()
        # ibis's own typing of the result (what ``to_pyarrow`` does), so the frame is the same
        return detached_frame(self.table.__pyarrow_result__(result, data_mapper=DuckDBPyArrowData))


def _renamed_tables(tree, names: dict[str, str]):
    """A copy of the sqlglot ``tree`` where each table named in ``names`` (without a schema) is the one it
    maps to, a quoted name as ibis writes it."""
    import sqlglot.expressions as sge

    def rename(node):
        if isinstance(node, sge.Table) and node.name in names and not node.args.get("db"):
            node = node.copy()
            node.set("this", sge.to_identifier(names[node.name], quoted=True))
        return node

    return tree.transform(rename)


def _parameterised_tree(con, table: ir.Table, params: Moments):
    """The sqlglot tree of ``table``'s DuckDB SQL where each ``ibis.param`` of ``params`` is the statement
    parameter of its name (``$end``, ...), cast to its type; None if a parameter is not found in it. ibis
    compiles a parameter as the literal of its value: the table is compiled with a distinct stand-in value
    per parameter (in the year 1000 + i), and those literals are replaced in the tree."""
    import sqlglot.expressions as sge

    compiler = con.compiler
    placeholders = {}
    params_values = {}
    for i, (name, param) in enumerate(params._asdict().items()):
        dtype = param.type()
        value = datetime(1000 + i, 1, 1, 1, 1, 1, 1) if dtype.is_timestamp() else date(1000 + i, 1, 1)
        params_values[param] = value
        literal = compiler.visit_node(ibis.literal(value, type=dtype).op(), value=value, dtype=dtype)
        placeholders[literal] = sge.Cast(this=sge.Placeholder(this=name), to=compiler.type_mapper.from_ibis(dtype))
    con._run_pre_execute_hooks(table)
    tree = con.compiler.to_sqlglot(table, params=params_values)
    found = set()

    def substitute(node):
        if node in placeholders:
            found.add(node)
            return placeholders[node].copy()
        return node

    tree = tree.transform(substitute)
    # a stand-in not found (compiled some other way) would stay in the SQL as a date of the year 1000
    return tree if len(found) == len(placeholders) else None


# Built feature expressions, per dataset (by id, dropped with the dataset) and then per input
# tables and settings, with their date parameters.
_TEMPLATES: dict[int, dict[tuple, _Template]] = {}


def _template(ds: Dataset, settings: Settings) -> _Template | None:
    """The feature expression of ``ds`` and ``settings`` with ``ibis.param`` dates, built once.

    A subset's (``Dataset.customers_subset``) is its parent's expression, already built, over the subset's
    tables: building it again cost ~0.2 s at 100,000 customers, replacing the tables ~0.02 s. The same
    figures: the expression depends on the data only through its tables and the orders' day-bitmap origin
    and span (``table_aggregates._order_days``), and the parent's span holds every order of a subset. Its SQL
    is the parent's with the subset's tables for the parent's (``_Template.tree``)."""
    key = _template_key(ds, settings)
    if key is None:
        return None
    per_dataset = _TEMPLATES.get(id(ds))
    if per_dataset is None:
        per_dataset = _TEMPLATES[id(ds)] = {}
        weakref.finalize(ds, _TEMPLATES.pop, id(ds), None)
    if key not in per_dataset:
        parent = ds.subset_of
        built = None if parent is None else _TEMPLATES.get(id(parent), {}).get(_template_key(parent, settings))
        if built is not None:
            tables = {parent.table(name).op(): ds.table(name).op() for name in FEATURE_TABLES}
            renamed = {parent.table(name).get_name(): ds.table(name).get_name() for name in FEATURE_TABLES}
            per_dataset[key] = _Template(built.table.op().replace(tables).to_expr(), built.params, built, renamed)
        else:
            sample = moment_values(date(2000, 1, 1), settings)
            params = Moments(**{name: ibis.param(ibis.literal(value).type()) for name, value in sample.items()})
            per_dataset[key] = _Template(_build(ds, params, settings), params)
    return per_dataset[key]


def _template_key(ds: Dataset, settings: Settings) -> tuple | None:
    """What a feature expression is built from (``_template``): the input tables and the settings; None
    when they cannot key the cache, or when the dataset was loaded without some of them (``_build`` says so)."""
    if not set(FEATURE_TABLES) <= set(ds.tables):
        return None
    try:
        key = (
            tuple(ds.table(name).op() for name in FEATURE_TABLES),
            tuple(sorted(settings.costs.as_dict().items())),
            tuple(sorted(settings.features.as_dict().items())),
            settings.clv.holdout_days,
        )
        hash(key)
    except TypeError:
        return None
    return key


def _build(ds: Dataset, at: Moments, settings: Settings, columns: Sequence[str] | None = None) -> ir.Table:
    """The feature expression for the moments ``at`` (parameters or literals): ``FEATURE_COLUMNS``, or
    ``customer_id`` and ``columns``.

    With ``columns``, only the per-customer aggregates that one of them reads are joined to the customers:
    each is a LEFT JOIN on a key unique on both sides, so it adds no row and removes none, and one that no
    output column reads would still be computed (DuckDB keeps the join, and so the grouping of its rows). At
    1,000,000 customers, ``keepwise metrics``' seven columns: 6.5-6.9 -> 4.2-4.5 s, the engine's CPU 12.0-12.7
    -> 7.5-7.8 s (the engagement's 14.8M rows and the invoices' "since the last problem" pass are no longer
    read); the offboarding window's 19: 3.4-4.2 -> 3.0-3.4 s."""
    costs = settings.costs
    customers = ds.table("customers")
    base = customers.select(
        *CUSTOMER_COLUMNS,
        tag_values_conflict=customers.tags.fill_null("")
        .split(";")
        .map(lambda tag: tag.strip().lower())
        .contains("values_conflict"),
    )
    parts = (
        *order_aggregates(ds, at, settings),
        return_aggregates(ds, at),
        ticket_aggregates(ds, at),
        *invoice_aggregates(ds, at, settings),
        incident_aggregates(ds, at),
        engagement_aggregates(ds, at),
        exit_survey_aggregates(ds, at),
        referral_counts(ds),
    )
    # Zero-fill counts and money for customers without such events; dates stay null.
    col: dict[str, ir.Value] = {}
    for source in (base, *parts):
        for name, dtype in source.schema().items():
            if name == "customer_id" and source is not base:
                continue
            value = source[name]
            if name not in UNFILLED and (
                dtype.is_numeric() or dtype.is_boolean()
            ):
                value = value.fill_null(False if dtype.is_boolean() else 0)
            col[name] = value

    first_seen = ibis.coalesce(col["first_order_at"], col["signed_up_at"])
    col.update(
        n_orders_all=col["n_orders"] + col["n_orders_other"],
        n_orders_all_recent=col["n_orders_completed_recent"] + col["n_orders_other_recent"],
        days_since_last_order=days_between(at.day, col["last_order_at"]),
        tenure_days=ibis.greatest(days_between(at.day, first_seen), 0),
        # Known from the aggregate when the first day's revenue is its earliest order's (no day with two
        # orders); else null, and the purchase model's summary sums that day's orders.
        repeat_revenue=(col["n_orders"] == col["n_purchase_days"]).ifelse(
            col["revenue_after_first_order"], ibis.null("float64")),
        mean_purchase_gap_days=(col["n_purchase_days"] > 1).ifelse(
            days_between(col["last_order_at"], col["first_order_at"]) / (col["n_purchase_days"] - 1).cast("float64"),
            ibis.null("float64"),
        ),
        gross_margin=col["revenue"] - col["cost_of_goods"],
        discount_share=_safe_share(col["discount"], col["list_price"]),
        deep_discount_order_share=_safe_share(col["n_deep_discount_orders"], col["n_orders"]),
        late_share=_safe_share(col["n_late"], col["n_delivered"]),
        return_share_of_revenue=_safe_share(col["returned_amount"], col["revenue"]),
        non_defective_return_share=_safe_share(col["non_defective_returned_amount"], col["revenue"]),
        cost_staff=col["handle_minutes"] * costs.staff_minute,
        cost_returns=col["n_returns"] * costs.return_processing + col["returned_amount"],
        cost_changes=col["change_requests"].cast("float64") * costs.change_request,
        cost_late_payment=col["late_payment_interest"],
        cost_write_offs=col["written_off_amount"],
        cost_staff_business_fault=col["handle_minutes_substantiated"] * costs.staff_minute,
        cost_returns_business_fault=col["n_defective_returns"] * costs.return_processing
        + col["defective_returned_amount"],
    )
    col.update(
        cost_to_serve=col["cost_staff"]
        + col["cost_returns"]
        + col["cost_changes"]
        + col["cost_late_payment"]
        + col["cost_write_offs"],
        cost_business_fault=col["cost_staff_business_fault"] + col["cost_returns_business_fault"],
    )
    col["profit"] = col["revenue"] - col["cost_of_goods"] - col["cost_to_serve"]
    col["profit_customer_view"] = col["profit"] + col["cost_business_fault"]

    if columns is None:
        names, read = FEATURE_COLUMNS, None
    else:
        unknown = [name for name in columns if name not in FEATURE_COLUMNS]
        if unknown:
            raise ValueError(f"not a feature column: {', '.join(unknown)}")
        names = ("customer_id", *columns)
        read = {field.rel for name in names for field in col[name].op().find(ops.Field)}
    # One flat join chain and ONE projection over it: every output column is an expression over the
    # joined columns, so the SQL is a single SELECT ... FROM customers LEFT JOIN ... (no nested
    # subquery per join or per derived step), which keeps it small and cheap to compile.
    joined = [(i, part) for i, part in enumerate(parts) if read is None or part.op() in read]
    # The parts built on a stand-in for a table the dataset was loaded without (``table_aggregates._input_table``),
    # and its name.
    absent = {part.op(): table.name for _, part in joined for table in part.op().find(ops.UnboundTable)}
    if absent:
        what = "the feature table" if columns is None else "the features " + ", ".join(
            name for name in columns if any(field.rel in absent for field in col[name].op().find(ops.Field)))
        raise ValueError(f"{what} read{'s' if columns is None else ''} the {', '.join(sorted(set(absent.values())))}, "
                         "which the dataset was not loaded with")
    table = base
    for i, part in joined:
        table = table.left_join(part, base.customer_id == part.customer_id, rname=f"{{name}}_{i}")
    return table.select(**{name: col[name] for name in names})
