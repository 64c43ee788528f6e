"""Commands that judge a business as of a day: metrics, assess, explain, report, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keepwise.cli.common import (
    AsOfOpt,
    ConfigOpt,
    DataArg,
    EngineOpt,
    LangOpt,
    SparkMasterOpt,
    app,
    console,
    err_console,
    language_for,
    load_on_engine,
    no_customer,
    print_json,
    require_choice,
    require_language,
    run_or_exit,
    say,
    settings_or_exit,
    show,
    tell,
    translator_for,
)

# What ``assess`` imports after loading: its stages, the churn backtest's and the classifier's libraries
# (imported while the data are loaded: ``load_on_engine``). tests/test_cli.py checks that none of them is
# left to be imported after the load.
ASSESS_MODULES = ("keepwise.assess", "keepwise.models.churn_backtest", "keepwise.models.churn_fits",
                  "keepwise.cadence.tiers")


@app.command()
def metrics(
    data: DataArg,
    as_of: AsOfOpt,
    period: Annotated[str, typer.Option(help="month, quarter or year.")] = "month",
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the tables: en, fa or ru (default: the settings' locale).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
) -> None:
    """Customer economics: churn and retention per period, cohorts, RFM, lifetime value, whale curve."""
    from rich.text import Text

    from keepwise.campaigns import exit_survey_facts
    from keepwise.campaigns.wording import exit_findings
    from keepwise.data.schema import METRICS_TABLES
    from keepwise.metrics.periods import PERIODS
    from keepwise.metrics.portfolio import portfolio_summary
    from keepwise.metrics.render import render_summary
    from keepwise.metrics.wording import whale_takeaway

    require_choice(period, "--period", PERIODS)
    require_language(lang)
    # Only the tables the figures read are validated and loaded (not the engagement, incidents or touches).
    day, dataset = load_on_engine(data, as_of, config, engine, spark_master, tables=METRICS_TABLES)
    summary = run_or_exit(lambda: portfolio_summary(dataset, day, period))
    exits = run_or_exit(lambda: exit_survey_facts(dataset, day, period, summary.rfm))
    t = translator_for(lang, dataset.settings, summary.currency)
    if as_json:
        payload = summary.to_dict()
        payload["whale"]["headline"] = whale_takeaway(summary.whale, t)
        if exits is not None:
            payload["exit_surveys"] = exits
        print_json(payload)
        return
    show(render_summary(summary, t))
    findings = exit_findings(exits, t) if exits else []
    if findings:
        show(Text(t("exit.heading"), style="bold"), *(Text(line) for line in findings))


@app.command()
def assess(
    data: DataArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option(
        "--out", help="File to write: CSV, JSON with --format json, a .parquet file, or a folder for Parquet "
                      "partitioned by action.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="csv, json, parquet or parquet-dir (default: from --out).")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the reasons: en, fa or ru (default: the settings' locale).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Also print the models' technical notes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON (the file is written as usual).")] = False,
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
) -> None:
    """One action per customer, with priority, flags, CLV, P(alive), churn risk, profit and reasons."""
    from keepwise.data.schema import FEATURE_TABLES
    from keepwise.output import format_for
    from keepwise.text.churn_source import churn_source_named
    from keepwise.text.purchase_model import purchase_model_text
    from keepwise.text.terminal import rows_table

    fmt = fmt or format_for(out)
    require_choice(fmt, "--format", ("csv", "json", "parquet", "parquet-dir"))
    require_language(lang)
    # Only the tables the assessment reads are validated and loaded (not the touches).
    day, dataset = load_on_engine(data, as_of, config, engine, spark_master, importing=ASSESS_MODULES,
                                  tables=FEATURE_TABLES)
    from keepwise.assess import assess_with_models, write_assessment
    from keepwise.cadence.tiers import with_tier

    run = run_or_exit(lambda: assess_with_models(dataset, day, lang=lang, console=err_console))
    # The loyalty tier follows the contract's columns and the assessment's own.
    write_assessment(with_tier(run.assessment, run.features, dataset.settings, run.feature_rows), out, fmt,
                     dataset.settings.engine.text_threads)
    t = translator_for(lang, dataset.settings)
    plain = [t(key) for key in run.plain_notes]
    for note in plain:
        say(note, "yellow", label="note")
    if verbose:
        for note in [*run.notes, f"purchase model {run.transaction_model_reason}",
                     f"churn risk from {run.churn_source_reason}"]:
            say(note, "yellow", label="detail")
        stages = ", ".join(f"{name} {seconds:.1f}" for name, seconds in run.seconds.items())
        say(f"seconds per stage: {stages}", "yellow", label="detail")
    counts = run.assessment["action"].value_counts()
    if as_json:
        print_json({
            "as_of": day.isoformat(),
            "out": str(out),
            "customers": len(run.assessment),
            "actions": {str(action): int(count) for action, count in counts.items()},
            "churn_source": run.churn_source,
            "churn_source_reason": run.churn_source_reason,
            "transaction_model": run.transaction_model,
            "transaction_model_reason": run.transaction_model_reason,
            "notes": plain,
            "details": list(run.notes),
        })
        return
    show(rows_table(t("assess.title", n=len(run.assessment), day=t.date(day), out=str(out)),
                    [t("col.action"), t("col.customers")],
                    [[t(f"action.{action}"), t.number(count)] for action, count in counts.items()], {1},
                    show_edge=False))
    predictions = run.predictions
    tell(purchase_model_text(t, None if predictions is None else predictions.transaction_model_choice))
    comparison = None if predictions is None or predictions.churn_source_comparison is None else (
        predictions.churn_source_comparison.facts())
    tell(t("explain.churn_source", source=churn_source_named(t, run.churn_source, comparison)))


@app.command()
def explain(
    data: DataArg,
    customer_id: Annotated[str, typer.Argument(help="The customer to explain.")],
    as_of: AsOfOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print the dossier as JSON.")] = False,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the dossier: en, fa or ru (default: the settings' locale).")
    ] = None,
    events: Annotated[
        int | None, typer.Option("--events", min=0, help="How many of the timeline's latest events to show; 0: all "
                                 "(default: \\[report] explain_events). --json gives them all.")
    ] = None,
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
) -> None:
    """The full dossier of one customer: timeline of evidence, metrics, flags, action and reasons."""
    from keepwise.assess import explain as build_dossier
    from keepwise.assess import render_text

    require_language(lang)
    # Every table: the assessment's, and the touches the timeline tells beside them.
    day, dataset = load_on_engine(data, as_of, config, engine, spark_master)
    try:
        dossier = run_or_exit(lambda: build_dossier(dataset, customer_id, day, lang=lang))
    except KeyError:
        raise no_customer(customer_id, data, day) from None
    if as_json:
        print_json(dossier)
    else:
        shown = dataset.settings.report.explain_events if events is None else events
        show(render_text(dossier, max_events=shown or None))


@app.command()
def report(
    data: DataArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
    lang: LangOpt = None,
    period: Annotated[str, typer.Option(help="month, quarter or year, for churn per period.")] = "month",
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
) -> None:
    """One self-contained HTML report of the customer base (opens with no network)."""
    from rich.text import Text

    from keepwise.metrics.periods import PERIODS
    from keepwise.pipeline import analyse
    from keepwise.report.build import build_report

    require_language(lang)
    require_choice(period, "--period", PERIODS)
    day, dataset = load_on_engine(data, as_of, config, engine, spark_master)
    result = run_or_exit(lambda: analyse(dataset, day, console=err_console, period=period))
    t = translator_for(lang, dataset.settings)
    path = build_report(result, out, lang=t.lang, learning=result.learning)
    show(Text(t("report.written", path=str(path))))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the sample data and the report.")] = Path(
        "keepwise-demo"
    ),
    customers: Annotated[int, typer.Option("--customers", min=50, help="Size of the sample business.")] = 3000,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Generate the bundled sample business, run the whole pipeline, write the report, list urgent actions."""
    from keepwise.pipeline import run_demo

    require_language(lang)
    settings = settings_or_exit(config)
    run_or_exit(lambda: run_demo(out, console, n_customers=customers, lang=language_for(lang, settings),
                                 settings=settings, show=show))

