"""The end-to-end service behind ``keepwise report`` and ``keepwise demo``.

load -> features -> model diagnostics -> assessment -> portfolio metrics, each stage once, the
feature table shared by all that need it. ``run`` returns everything in one ``PipelineResult``; the
HTML report (``keepwise.report.build_report``) and the demo read it.

Progress bars show when the console is a terminal and stay silent otherwise (pipes, CI, tests).
A stage that cannot produce its result for this data (e.g. a model that cannot be fitted) records
the reason instead of failing the run, so the report can say plainly what is not available.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from keepwise.assess import assess_with_models
from keepwise.config import Settings, load_settings
from keepwise.data.loader import Dataset, load
from keepwise.metrics.features import customer_feature_frame
from keepwise.metrics.portfolio import PortfolioSummary, portfolio_summary, resolve_as_of
from keepwise.report.diagnostics import TrackingResult, tracking_check
from keepwise.report.reasons import ChurnReasons, churn_model_reasons, reasons_from_assessment

__all__ = ["DemoResult", "PipelineResult", "analyse", "most_urgent", "run", "run_demo", "write_report"]

STAGES = ("features", "models", "assessment", "portfolio")


@dataclass
class PipelineResult:
    """Everything one run computed, for the report, the demo and the CLI."""

    dataset: Dataset
    as_of: date
    settings: Settings
    features: pd.DataFrame
    portfolio: PortfolioSummary
    tracking: TrackingResult
    churn_reasons: ChurnReasons
    assessment: pd.DataFrame
    # Where p_alive, churn risk and CLV came from: the fitted models (with the churn source chosen), or
    # the assessment's purchase-rhythm rule and why.
    predictions_from_models: bool = False
    predictions_detail: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.portfolio.currency


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
    """Run every stage after loading on an already loaded dataset."""
    as_of = resolve_as_of(ds, as_of)
    with _progress(console) as progress:
        stages = _Stages(progress, len(STAGES))
        with stages.stage("features", "Computing customer features"):
            features = customer_feature_frame(ds, as_of)
        with stages.stage("models", "Checking the purchase model on held-out history"):
            tracking = tracking_check(ds, as_of)
        with stages.stage("assessment", "Fitting the models and assessing every customer"):
            # The same path as `keepwise assess`, so the report and the CSV never disagree.
            assessed = assess_with_models(ds, as_of, features)
            assessment = assessed.assessment
            predictions = assessed.predictions
            churn_model = predictions.churn_model if predictions is not None else None
            predictions_detail = "; ".join([assessed.churn_source_reason, *assessed.notes])
            from_models = predictions is not None and "p_alive" in predictions.table
            if ds.settings.report.churn_classifier:
                # The classifier the predictions already trained, when they did; otherwise one is trained here.
                churn_reasons = churn_model_reasons(ds, as_of, churn_model)
            else:
                churn_reasons = ChurnReasons(unavailable="the churn classifier is switched off ([report] churn_classifier)")
            if churn_reasons.table is None:
                # Without a trained classifier, the reasons the assessment gives for customers at risk stand in.
                fallback = reasons_from_assessment(assessment)
                if fallback.table is not None:
                    fallback.unavailable = churn_reasons.unavailable
                    churn_reasons = fallback
        with stages.stage("portfolio", "Summarising the portfolio"):
            portfolio = portfolio_summary(ds, as_of, period=period, features=features)
    return PipelineResult(
        dataset=ds,
        as_of=as_of,
        settings=ds.settings,
        features=features,
        portfolio=portfolio,
        tracking=tracking,
        churn_reasons=churn_reasons,
        assessment=assessment,
        predictions_from_models=from_models,
        predictions_detail=predictions_detail,
        seconds=stages.seconds,
    )


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


def write_report(
    source: str | Path,
    as_of: date | None,
    out_path: str | Path,
    lang: str = "en",
    settings: Settings | None = None,
    console: Console | None = None,
) -> tuple[Path, PipelineResult]:
    """``keepwise report``: run the pipeline on ``source`` and write the HTML report to ``out_path``."""
    from keepwise.report.build import build_report

    result = run(source, as_of, settings=settings, console=console)
    path = build_report(result.dataset, result.as_of, out_path, lang=lang, result=result)
    return path, result


# --------------------------------------------------------------------------------------------------
# keepwise demo

DEMO_AS_OF = date(2026, 6, 30)
DEMO_SEED = 7
DEMO_CUSTOMERS = 3000
URGENT_ROWS = 15


@dataclass
class DemoResult:
    """What ``run_demo`` made: the sample data folder, the report and the most urgent customers."""

    data_dir: Path
    report_path: Path
    result: PipelineResult
    urgent: pd.DataFrame  # customer_id, name, action, priority, money_at_stake, reason
    seconds: float


def most_urgent(result: PipelineResult, rows: int = URGENT_ROWS) -> pd.DataFrame:
    """The first ``rows`` customers by priority (then money at stake) with their first reason."""
    assessment = result.assessment
    top = assessment.sort_values(["priority", "money_at_stake"], ascending=[True, False]).head(rows)
    customers = result.dataset.table("customers")
    wanted = top["customer_id"].astype(str).tolist()
    names = customers.filter(customers.customer_id.isin(wanted)).select("customer_id", "name").execute()
    name_of = dict(zip(names["customer_id"].astype(str), names["name"], strict=True))
    return pd.DataFrame(
        {
            "customer_id": top["customer_id"].astype(str).to_numpy(),
            "name": [name_of.get(c) or "" for c in top["customer_id"].astype(str)],
            "action": top["action"].to_numpy(),
            "priority": top["priority"].to_numpy(),
            "money_at_stake": top["money_at_stake"].astype(float).to_numpy(),
            "reason": top["reasons"].fillna("").astype(str).str.split(";").str[0].str.strip().to_numpy(),
        }
    )


def urgent_table(urgent: pd.DataFrame, currency: str) -> RichTable:
    table = RichTable(title="Most urgent actions", show_lines=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("customer")
    table.add_column("action")
    table.add_column(f"at stake ({currency})", justify="right")
    table.add_column("first reason", overflow="fold")
    for row in urgent.itertuples(index=False):
        who = f"{row.customer_id} {row.name}".strip()
        table.add_row(str(row.priority), who, row.action, f"{row.money_at_stake:,.2f}", row.reason)
    return table


def run_demo(
    out_dir: str | Path,
    console: Console | None = None,
    n_customers: int = DEMO_CUSTOMERS,
    lang: str = "en",
    seed: int = DEMO_SEED,
    settings: Settings | None = None,
) -> DemoResult:
    """Generate the sample business (fixed seed: the same files every run), analyse it, write the report.

    Writes ``out_dir/sample-shop/`` (the data, with ``truth.csv`` of the planted customer types) and
    ``out_dir/keepwise-demo-report.html``; prints the report path and the most urgent actions.
    """
    from keepwise.report.build import build_report
    from keepwise.sample import generate_sample

    console = console or Console()
    started = time.perf_counter()
    out_dir = Path(out_dir)
    data_dir = out_dir / "sample-shop"
    generate_sample(data_dir, n_customers=n_customers, seed=seed, as_of=DEMO_AS_OF)
    result = run(data_dir, DEMO_AS_OF, settings=settings, console=console)
    report_path = build_report(result.dataset, result.as_of, out_dir / "keepwise-demo-report.html", lang=lang,
                               result=result)
    urgent = most_urgent(result)
    seconds = time.perf_counter() - started
    console.print(f"Sample business of {n_customers:,} customers in {data_dir}")
    console.print(urgent_table(urgent, result.currency))
    console.print(f"Report: {report_path}  ({seconds:.0f} s)")
    return DemoResult(data_dir=data_dir, report_path=report_path, result=result, urgent=urgent, seconds=seconds)
