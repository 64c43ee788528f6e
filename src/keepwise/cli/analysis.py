"""Commands that judge a business as of a day: metrics, assess, explain, report, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from keepwise.cli.common import (
    EXIT_BAD_INPUT,
    AsOfOpt,
    ConfigOpt,
    DataArg,
    app,
    console,
    err_console,
    load_as_of,
    require_choice,
    run_or_exit,
    say,
    settings_or_exit,
)
from keepwise.metrics.periods import PERIODS
from keepwise.text import LANGUAGES


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

    from keepwise.campaigns import exit_survey_facts
    from keepwise.cli.cadence_commands import exit_survey_lines
    from keepwise.metrics.portfolio import portfolio_summary
    from keepwise.metrics.render import render_summary

    require_choice(period, "--period", PERIODS)
    day, dataset = load_as_of(data, as_of, config)
    summary = run_or_exit(lambda: portfolio_summary(dataset, day, period))
    exits = run_or_exit(lambda: exit_survey_facts(dataset, day, period, summary.rfm))
    if as_json:
        payload = summary.to_dict()
        if exits is not None:
            payload["exit_surveys"] = exits
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console.print(render_summary(summary))
        for line in exit_survey_lines(exits, dataset.settings) if exits else []:
            console.print(line, highlight=False)


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
    from keepwise.cadence import with_tier

    require_choice(fmt, "--format", ("csv", "json"))
    day, dataset = load_as_of(data, as_of, config)
    run = run_or_exit(lambda: assess_with_models(dataset, day))
    # The loyalty tier follows the contract's columns and the assessment's own.
    write_assessment(with_tier(run.assessment, run.features, dataset.settings), out, fmt)
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
    path = build_report(result, out, lang=lang, learning=result.learning)
    _complete_console().print(f"Report: {path}", highlight=False)


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
    run_or_exit(lambda: run_demo(out, _complete_console(), n_customers=customers, lang=lang, settings=settings))


# Width of printed output that is not a terminal (a pipe, a file): wide enough that no table is cut.
PIPE_WIDTH = 400


def _complete_console():
    """The console on a terminal; off a terminal one so wide that tables print whole ("Histo…" never)."""
    if console.is_terminal:
        return console
    from rich.console import Console

    return Console(width=PIPE_WIDTH, soft_wrap=True)

