"""The end-to-end service behind ``keepwise report`` and ``keepwise demo``.

load -> features -> assessment -> portfolio metrics, and beside those metrics the model diagnostics and
the offboarding's costs; each stage once, the feature table shared by all that need it. ``run`` returns
everything in one ``PipelineResult`` (an ``keepwise.assess.analysis.Analysis`` with the seconds each stage
took); the HTML report (``keepwise.report.build_report``) renders it and the demo prints its most urgent
customers.

Progress bars show when the console is a terminal and stay silent otherwise (pipes, CI, tests).
A stage that cannot produce its result for this data (e.g. a model that cannot be fitted) records
the reason instead of failing the run, so the report can say plainly what is not available.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from keepwise.assess import assess_with_models
from keepwise.assess.analysis import Analysis, highlights
from keepwise.assess.churn_drivers import churn_drivers
from keepwise.campaigns import Learning, learning
from keepwise.config import Settings, load_settings
from keepwise.data.loader import Dataset, load
from keepwise.metrics.activity import churn_by_periods
from keepwise.metrics.features import customer_feature_frame
from keepwise.metrics.portfolio import portfolio_summary, resolve_as_of
from keepwise.models.diagnostics import tracking_check
from keepwise.offboard.policies import policy_review
from keepwise.offboard.proposals import portfolio_what_if
from keepwise.offboard.window import window_economics
from keepwise.report.build import build_report
from keepwise.report.sections import URGENT_FIGURE_COLUMNS, urgent_headers, urgent_rows
from keepwise.text.terminal import rows_table
from keepwise.text.translator import Translator

__all__ = ["DemoResult", "PipelineResult", "analyse", "run", "run_demo", "urgent_table"]

STAGES = ("features", "assessment", "portfolio", "offboarding")


@dataclass
class PipelineResult(Analysis):
    """Everything one run computed (an ``Analysis``), with the seconds each stage took."""

    seconds: dict[str, float] = field(default_factory=dict)
    # Campaigns measured and exit surveys against our failures, when the data has touches or exit surveys.
    learning: Learning | None = None


class _Stages:
    """Times each stage and advances one progress bar (disabled when not on a terminal)."""

    def __init__(self, progress: Progress, total: int):
        self.progress = progress
        self.task = progress.add_task("keepwise", total=total)
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, description: str) -> Iterator[None]:
        self.progress.update(self.task, description=description)
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started
        self.progress.advance(self.task)


def _progress(console: Console | None) -> Progress:
    console = console or Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def analyse(
    ds: Dataset,
    as_of: date | None = None,
    console: Console | None = None,
    period: str = "month",
) -> PipelineResult:
    """Run every stage after loading on an already loaded dataset.

    After the assessment, the model check and the offboarding's costs run in a thread on a connection of
    their own (``Dataset.beside``, ``[engine] stages_beside``) while the portfolio is summarised: each half
    is partly the engine's work or NumPy's, which leaves Python's GIL to the other."""
    as_of = resolve_as_of(ds, as_of)
    beside = ds.settings.engine.stages_beside and ds.engine == "duckdb" and ds.subset_of is None
    with _progress(console) as progress, ThreadPoolExecutor(1, thread_name_prefix="keepwise-beside") as pool:
        stages = _Stages(progress, len(STAGES))
        with stages.stage("features", "Computing customer features"):
            features = customer_feature_frame(ds, as_of)
        with stages.stage("assessment", "Fitting the models and assessing every customer"):
            # The same path as `keepwise assess`, so the report and the CSV never disagree.
            assessed = assess_with_models(ds, as_of, features)
            assessment = assessed.assessment
            predictions = assessed.predictions
            churn_model = predictions.churn_model if predictions is not None else None
            comparison = None if predictions is None else predictions.churn_source_comparison
            from_models = predictions is not None and "p_alive" in predictions.table
            reasons = churn_drivers(ds, as_of, assessment, churn_model)
        model = _checked_model(predictions, ds.settings)
        checked = pool.submit(_check_and_cost, ds.beside(), as_of, features, assessment, model) if beside else None
        with stages.stage("portfolio", "Summarising the portfolio"):
            # Churn by the report's period and by the campaigns' from one read of the purchases.
            campaign_period = ds.settings.campaigns.churn_period
            churn = churn_by_periods(ds, as_of, (period, campaign_period))
            portfolio = portfolio_summary(ds, as_of, period=period, features=features, churn=churn[period])
            figures = highlights(ds, as_of, features, portfolio, assessment)
            learned = (learning(ds, as_of, period, portfolio.rfm, churn[campaign_period], figures.service, features)
                       if {"touches", "exit_surveys"} & ds.present else None)
        with stages.stage("offboarding", "Checking the purchase model, costing the proposed actions and the "
                                         "generous policies"):
            (tracking, what_if, policies), seconds = (
                checked.result() if checked is not None else _check_and_cost(ds, as_of, features, assessment, model))
        # The two steps' own seconds, where they ran (the stage above only waited when they ran beside).
        stages.seconds.update(seconds)
    return PipelineResult(
        dataset=ds,
        as_of=as_of,
        settings=ds.settings,
        features=features,
        portfolio=portfolio,
        tracking=tracking,
        churn_reasons=reasons,
        assessment=assessment,
        highlights=figures,
        what_if=what_if,
        policies=policies,
        predictions_from_models=from_models,
        churn_source_reason=assessed.churn_source_reason,
        churn_source_comparison=None if comparison is None else comparison.facts(),
        prediction_notes=list(assessed.notes),
        plain_notes=list(assessed.plain_notes),
        seconds=stages.seconds,
        learning=learned,
    )


def _checked_model(predictions, settings: Settings) -> str:
    """The purchase model the assessment used, which the model check checks; where none was (none could be
    fitted), the one the settings name first."""
    if predictions is not None and predictions.transaction_model_name:
        return predictions.transaction_model_name
    clv = settings.clv
    return clv.transaction_candidates[0] if clv.transaction_model == "auto" else clv.transaction_model


def _check_and_cost(ds: Dataset, as_of: date, features: pd.DataFrame, assessment: pd.DataFrame, model: str):
    """The purchase model's check on held-out history (``model``: the one in use), and the offboarding's costs
    (the window's flows, what acting on the proposals would change, the generous policies): ``((tracking,
    what_if, policies), seconds)``, with the seconds of the ``models`` and ``offboarding`` stages."""
    started = time.perf_counter()
    tracking = tracking_check(ds, as_of, model)
    checked = time.perf_counter()
    flows = window_economics(ds, as_of, features)
    what_if = portfolio_what_if(ds, as_of, assessment, flows=flows)
    policies = policy_review(ds, as_of, assessment, flows=flows)
    return (tracking, what_if, policies), {"models": checked - started, "offboarding": time.perf_counter() - checked}


def run(
    source: str | Path,
    as_of: date | None = None,
    settings: Settings | None = None,
    console: Console | None = None,
    period: str = "month",
) -> PipelineResult:
    """Load ``source`` (validated; ``DataError`` lists every problem) and run the whole pipeline."""
    settings = settings or load_settings()
    started = time.perf_counter()
    ds = load(source, as_of, settings)
    loaded = time.perf_counter() - started
    result = analyse(ds, as_of, console=console, period=period)
    result.seconds = {"load": loaded, **result.seconds}
    return result


# --------------------------------------------------------------------------------------------------
# keepwise demo

DEMO_AS_OF = date(2026, 6, 30)
DEMO_SEED = 7
DEMO_CUSTOMERS = 3000


@dataclass
class DemoResult:
    """What ``run_demo`` made: the sample data folder, the report and the most urgent customers."""

    data_dir: Path
    report_path: Path
    result: PipelineResult
    urgent: pd.DataFrame  # customer_id, name, action, priority, money_at_stake, reason
    seconds: float


def urgent_table(result: PipelineResult, t: Translator) -> RichTable:
    """The most urgent customers as a table, in ``t``'s language (``keepwise demo`` prints it): the report's."""
    return rows_table(t("heading.most_urgent"), urgent_headers(t), urgent_rows(result, t), URGENT_FIGURE_COLUMNS,
                      header_style="bold")


def run_demo(
    out_dir: str | Path,
    console: Console | None = None,
    n_customers: int = DEMO_CUSTOMERS,
    lang: str = "en",
    seed: int = DEMO_SEED,
    settings: Settings | None = None,
    show: Callable[[RenderableType], None] | None = None,
) -> DemoResult:
    """Generate the sample business (fixed seed: the same files every run), analyse it, write the report.

    Writes ``out_dir/sample-shop/`` (the data, with ``_truth.csv`` of the planted customer types) and
    ``out_dir/keepwise-demo-report.html``; prints the report path and the most urgent actions with
    ``show`` (the CLI's, which prints tables whole), else on ``console``, where the progress goes too.
    """
    from keepwise.sample import generate_sample

    console = console or Console()
    show = show or console.print
    started = time.perf_counter()
    out_dir = Path(out_dir)
    data_dir = out_dir / "sample-shop"
    generate_sample(data_dir, n_customers=n_customers, seed=seed, as_of=DEMO_AS_OF)
    result = run(data_dir, DEMO_AS_OF, settings=settings, console=console)
    report_path = build_report(result, out_dir / "keepwise-demo-report.html", lang=lang, learning=result.learning)
    urgent = result.highlights.urgent
    seconds = time.perf_counter() - started
    t = Translator.for_report(lang, result.currency, result.settings.general.locale)
    show(Text(t("demo.sample", n=n_customers, path=str(data_dir))))
    show(urgent_table(result, t))
    show(Text(t("demo.report", path=str(report_path), seconds=round(seconds))))
    return DemoResult(data_dir=data_dir, report_path=report_path, result=result, urgent=urgent, seconds=seconds)
