"""The ``keepwise`` command: thin glue over the services in each stage package.

Every command that reads data validates it first (``keepwise.data.load``); on any error it
prints every problem, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from keepwise import __version__
from keepwise.config import ConfigError, Settings, load_settings
from keepwise.data.problems import DataError, Problem

app = typer.Typer(
    name="keepwise",
    help="Whom to nurture, win back, make profitable or let go: decisions from a business's own records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2

DataArg = Annotated[str, typer.Argument(help="Data folder (CSV/Parquet), SQLite/DuckDB file or postgresql:// URL.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (default ./keepwise.toml).")]


def say(text: str, style: str = "red", label: str | None = None) -> None:
    """Print to stderr without markup: messages quote user data and settings like '[costs]'."""
    line = Text()
    if label:
        line.append(f"{label}: ", style=style)
        line.append(text)
    else:
        line.append(text, style=style)
    err_console.print(line, highlight=False, soft_wrap=True)


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        say(f"{option}: '{value}' is not a date; expected YYYY-MM-DD")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def settings_or_exit(path: Path | None) -> Settings:
    try:
        return load_settings(path)
    except ConfigError as error:
        say(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def print_problems(problems: list[Problem], truncated: bool = False) -> None:
    for problem in problems:
        say(str(problem), "red" if problem.severity == "error" else "yellow", label=problem.severity)
    if truncated:
        err_console.print("… more problems not listed (raise [validation] max_problems to see them)")


def run_or_exit(step: Callable):
    """Run a step; bad input becomes a listed-problems exit 2, never a traceback."""
    try:
        return step()
    except DataError as error:
        print_problems(error.problems, error.truncated)
        errors = sum(p.severity == "error" for p in error.problems)
        say(f"{errors} error(s): nothing was written.")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (ConfigError, ValueError) as error:
        say(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def version_callback(value: bool) -> None:
    if value:
        console.print(f"keepwise {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """keepwise: customer decisions from a business's own records."""


@app.command()
def schema() -> None:
    """Print the input tables keepwise reads (the data contract)."""
    from keepwise.data.schema import describe

    console.print(describe(), markup=False, highlight=False)


@app.command()
def validate(
    data: DataArg,
    as_of: Annotated[str | None, typer.Option(help="Warn about events after this date (YYYY-MM-DD).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Check a data source against the contract and list every problem found."""
    from keepwise.data.loader import validate_source

    settings = settings_or_exit(config)
    day = parse_day(as_of, "--as-of") if as_of else None
    tables, log, present = validate_source(data, day, settings)
    print_problems(log.problems, log.truncated)
    if log.errors:
        err_console.print(f"[red]{len(log.errors)} error(s), {len(log.warnings)} warning(s).[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    summary = RichTable(title=f"{data}: valid", show_edge=False)
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    for name, table in tables.items():
        summary.add_row(name, f"{table.num_rows:,}" if name in present else "absent (no such events)")
    console.print(summary)
    console.print(f"{len(log.warnings)} warning(s).")


@app.command()
def sample(
    out: Annotated[Path, typer.Argument(help="Folder to write the sample business into.")],
    customers: Annotated[int, typer.Option("--customers", min=1, help="Number of customers.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    as_of: Annotated[str, typer.Option(help="Last day of the history (YYYY-MM-DD).")] = "2026-06-30",
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
) -> None:
    """Write a synthetic business with planted customer types (truth.csv beside it)."""
    from keepwise.data.sample import generate_sample

    require_choice(fmt, "--format", ("csv", "parquet"))
    result = generate_sample(out, n_customers=customers, seed=seed, as_of=parse_day(as_of, "--as-of"), fmt=fmt)
    console.print(f"Wrote a sample business of {customers:,} customers to {out} ({fmt}); "
                  f"the planted type of each customer is in {result.truth_path}")
    tables = RichTable(title="rows per table")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in result.row_counts.items():
        tables.add_row(name, f"{count:,}")
    planted = RichTable(title="planted types")
    planted.add_column("type")
    planted.add_column("customers", justify="right")
    for name, count in result.type_counts.items():
        planted.add_row(name, f"{count:,}")
    console.print(tables, planted)


def load_or_exit(data: str, as_of: date | None, settings: Settings):
    """Validate and load ``data``; bad input ends the command with exit 2 before anything is written."""
    from keepwise.data.loader import load

    dataset = run_or_exit(lambda: load(data, as_of=as_of, settings=settings))
    for warning in dataset.warnings:
        say(str(warning), "yellow", label="warning")
    return dataset


def load_as_of(data: str, as_of: str, config: Path | None):
    """The shared start of every command that judges data as of a day: settings, the day, the data."""
    settings = settings_or_exit(config)
    day = parse_day(as_of, "--as-of")
    return day, load_or_exit(data, day, settings)


def require_choice(value: str, option: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        say(f"{option} must be one of {', '.join(choices)} (got '{value}')")
        raise typer.Exit(EXIT_BAD_INPUT)


PERIODS = ("month", "quarter", "year")
LANGUAGES = ("en", "fa", "ru")
AsOfOpt = Annotated[str, typer.Option("--as-of", help="The day the analysis looks back from (YYYY-MM-DD).")]


@app.command()
def metrics(
    data: DataArg,
    as_of: AsOfOpt,
    period: Annotated[str, typer.Option(help="month, quarter or year.")] = "month",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Customer economics: churn and retention per period, cohorts, RFM, lifetime value, whale curve."""
    import json

    from keepwise.metrics.portfolio import portfolio_summary
    from keepwise.metrics.render import render_summary

    require_choice(period, "--period", PERIODS)
    day, dataset = load_as_of(data, as_of, config)
    summary = run_or_exit(lambda: portfolio_summary(dataset, day, period))
    if as_json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        console.print(render_summary(summary))


@app.command()
def assess(
    data: DataArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="File to write (CSV, or JSON with --format json).")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    config: ConfigOpt = None,
) -> None:
    """One action per customer, with priority, flags, CLV, P(alive), churn risk, profit and reasons."""
    from keepwise.assess import assess_with_models, write_assessment

    require_choice(fmt, "--format", ("csv", "json"))
    day, dataset = load_as_of(data, as_of, config)
    run = run_or_exit(lambda: assess_with_models(dataset, day))
    write_assessment(run.assessment, out, fmt)
    for note in run.notes:
        say(note, "yellow", label="note")
    counts = run.assessment["action"].value_counts()
    summary = RichTable(title=f"{len(run.assessment):,} customers assessed as of {day} → {out}", show_edge=False)
    summary.add_column("action")
    summary.add_column("customers", justify="right")
    for action, count in counts.items():
        summary.add_row(str(action), f"{count:,}")
    console.print(summary)
    console.print(f"Churn risk from {run.churn_source_reason}", highlight=False)


@app.command()
def explain(
    data: DataArg,
    customer_id: Annotated[str, typer.Argument(help="The customer to explain.")],
    as_of: AsOfOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print the dossier as JSON.")] = False,
    config: ConfigOpt = None,
) -> None:
    """The full dossier of one customer: timeline of evidence, metrics, flags, action and reasons."""
    import json

    from keepwise.assess import explain as build_dossier
    from keepwise.assess import render_text

    day, dataset = load_as_of(data, as_of, config)
    try:
        dossier = run_or_exit(lambda: build_dossier(dataset, customer_id, day))
    except KeyError:
        say(f"no customer '{customer_id}' in {data}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if as_json:
        print(json.dumps(dossier, ensure_ascii=False, indent=2, default=str))
    else:
        console.print(render_text(dossier))


@app.command()
def report(
    data: DataArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
    lang: Annotated[str, typer.Option("--lang", help="en, fa (right-to-left) or ru.")] = "en",
    period: Annotated[str, typer.Option(help="month, quarter or year, for churn per period.")] = "month",
    config: ConfigOpt = None,
) -> None:
    """One self-contained HTML report of the customer base (opens with no network)."""
    from keepwise.pipeline import analyse
    from keepwise.report.build import build_report

    require_choice(lang, "--lang", LANGUAGES)
    require_choice(period, "--period", PERIODS)
    day, dataset = load_as_of(data, as_of, config)
    result = run_or_exit(lambda: analyse(dataset, day, console=err_console, period=period))
    path = build_report(dataset, day, out, lang=lang, result=result)
    console.print(f"Report: {path}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the sample data and the report.")] = Path(
        "keepwise-demo"
    ),
    customers: Annotated[int, typer.Option("--customers", min=50, help="Size of the sample business.")] = 3000,
    lang: Annotated[str, typer.Option("--lang", help="en, fa or ru.")] = "en",
    config: ConfigOpt = None,
) -> None:
    """Generate the bundled sample business, run the whole pipeline, write the report, list urgent actions."""
    from keepwise.pipeline import run_demo

    require_choice(lang, "--lang", LANGUAGES)
    settings = settings_or_exit(config)
    run_or_exit(lambda: run_demo(out, console, n_customers=customers, lang=lang, settings=settings))


clv_app = typer.Typer(help="Buy-till-you-die models: fit BG/NBD, Pareto/NBD, Gamma-Gamma; predict per customer.",
                      no_args_is_help=True)
app.add_typer(clv_app, name="clv")

ModelOpt = Annotated[str, typer.Option("--model", help="bgnbd, pareto-nbd or gamma-gamma.")]
CalibrationOpt = Annotated[str, typer.Option("--calibration-end", help="Last day of the calibration period.")]
TimeUnitOpt = Annotated[str, typer.Option("--time-unit", help="day or week.")]


@clv_app.command("fit")
def clv_fit(
    data: DataArg,
    model: ModelOpt,
    calibration_end: CalibrationOpt,
    time_unit: TimeUnitOpt = "week",
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON object.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Fit a model on completed orders up to the calibration end; print parameters and log-likelihood."""
    import json

    from keepwise.models.service import fit_model

    settings = settings_or_exit(config)
    end = parse_day(calibration_end, "--calibration-end")
    dataset = load_or_exit(data, None, settings)
    fitted = run_or_exit(lambda: fit_model(dataset, model, end, time_unit))
    if as_json:
        print(json.dumps(fitted.to_contract_json()))
        return
    table = RichTable(title=f"{model} fitted on {fitted.n_customers:,} customers (time unit: {time_unit})")
    for column in ("param", "estimate", "se", "lower 95%", "upper 95%"):
        table.add_column(column, justify="right")
    for row in fitted.fitter.summary().itertuples(index=False):
        table.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row[:5]))
    console.print(table)
    console.print(f"log-likelihood: {fitted.fitter.log_likelihood_:.2f}")


@clv_app.command("predict")
def clv_predict(
    data: DataArg,
    model: ModelOpt,
    calibration_end: CalibrationOpt,
    horizon: Annotated[float, typer.Option("--horizon", help="Number of time units after the calibration end.")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    time_unit: TimeUnitOpt = "week",
    config: ConfigOpt = None,
) -> None:
    """Per customer: P(alive) and expected repeat purchases over the horizon, as a CSV."""
    from keepwise.models.service import predict
    from keepwise.output import write_frame

    settings = settings_or_exit(config)
    end = parse_day(calibration_end, "--calibration-end")
    dataset = load_or_exit(data, None, settings)
    predictions = run_or_exit(lambda: predict(dataset, model, end, time_unit, horizon))
    write_frame(predictions, out)
    console.print(f"Wrote {len(predictions):,} customers to {out}")


def entry() -> None:  # pragma: no cover - console script shim
    sys.exit(app())
