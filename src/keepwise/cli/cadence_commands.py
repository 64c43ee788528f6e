"""Keeping in touch and learning what works: touches, campaign-build, campaign; exit-survey facts for metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keepwise.cli.common import (
    EXIT_BAD_INPUT,
    AsOfOpt,
    ConfigOpt,
    DataArg,
    LangOpt,
    app,
    load_as_of,
    parse_day,
    require_choice,
    require_language,
    run_or_exit,
    say,
    show,
    tell,
    translator_for,
)

TOUCH_CSV_COLUMNS = ("customer_id", "due_on", "kind", "channel", "reason", "rule", "template", "action", "tier",
                     "warning", "name")


@app.command()
def touches(
    data: DataArg,
    as_of: AsOfOpt,
    start: Annotated[str, typer.Option("--from", help="First day of the list (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day of the list, inclusive (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="FILE.csv or FILE.ics (one VEVENT per touch).")],
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The touches due between two days under the timetable rules (the cadence section of keepwise.toml)."""
    from keepwise.assess import assess_with_models
    from keepwise.cadence import phrase_reasons, touches_calendar, touches_due
    from keepwise.data.names import customer_names
    from keepwise.output import write_atomic, write_csv
    from keepwise.text.columns import day_texts, to_series
    from keepwise.text.terminal import rows_table

    require_language(lang)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".ics"):
        say(f"--out must end in .csv or .ics (got '{out.name}')")
        raise typer.Exit(EXIT_BAD_INPUT)
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if last < first:
        say(f"--to {last} is before --from {first}")
        raise typer.Exit(EXIT_BAD_INPUT)
    day, dataset = load_as_of(data, as_of, config)
    run = run_or_exit(lambda: assess_with_models(dataset, day, texts_for=()))  # actions only: no texts
    due = run_or_exit(lambda: touches_due(dataset, day, first, last, run.assessment, run.features))
    t = translator_for(lang, dataset.settings)
    due["reason"] = phrase_reasons(due, t)
    names = customer_names(dataset, due["customer_id"].astype(str).unique().tolist())
    if suffix == ".ics":
        payload = touches_calendar(due, t, names)
        write_atomic(out, lambda temp: temp.write_bytes(payload))
    else:
        days = to_series(day_texts(due["due_on"]), index=due.index)
        table = due.assign(due_on=days, name=due["customer_id"].astype(str).map(names))[list(TOUCH_CSV_COLUMNS)]
        write_atomic(out, lambda temp: write_csv(table, temp))
    show(rows_table(t("touches.list_title", first=t.date(first), last=t.date(last), n=len(due), out=str(out)),
                    [t("col.kind"), t("col.touches")],
                    [[t.label("touch.kind", kind), t.number(count)] for kind, count in due["kind"].value_counts().items()],
                    {1}, show_edge=False))
    warnings = int(due["warning"].sum())
    if warnings:
        tell(t("touches.warning_calls", n=warnings))


@app.command("campaign-build")
def campaign_build(
    data: DataArg,
    campaign_id: Annotated[str, typer.Argument(help="Id of the new campaign.")],
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="touches CSV to write; an existing one is kept and added to.")],
    on: Annotated[str | None, typer.Option("--on", help="Day the campaign goes out (default: --as-of).")] = None,
    actions: Annotated[str, typer.Option("--actions", help="Comma-separated: retain, win_back.")] = "retain,win_back",
    channel: Annotated[str, typer.Option("--channel", help="Channel of the offers.")] = "email",
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Build a campaign from the retain / win-back list: an offer each, a seeded held-back group (control)."""
    import pandas as pd

    from keepwise.assess import assess_with_models
    from keepwise.campaigns import campaign_offers, campaign_touches
    from keepwise.campaigns.wording import built_lines
    from keepwise.data.schema import TOUCH_CHANNELS, TOUCHES
    from keepwise.output import write_atomic, write_csv

    require_choice(channel, "--channel", TOUCH_CHANNELS)
    require_language(lang)
    if out.suffix.lower() != ".csv":
        say(f"--out must be a .csv file (got '{out.name}')")
        raise typer.Exit(EXIT_BAD_INPUT)
    existing = None
    if out.exists():
        existing = pd.read_csv(out, dtype=str, keep_default_na=False)
        if list(existing.columns[: len(TOUCHES.names)]) != TOUCHES.names:
            say(f"{out}: not a touches table (its columns must start with {', '.join(TOUCHES.names)})")
            raise typer.Exit(EXIT_BAD_INPUT)
        if (existing["campaign_id"] == campaign_id).any():
            say(f"{out}: campaign '{campaign_id}' is already there; choose a new id")
            raise typer.Exit(EXIT_BAD_INPUT)
    wanted = tuple(part.strip() for part in actions.split(",") if part.strip())
    day, dataset = load_as_of(data, as_of, config)
    sent_on = parse_day(on, "--on") if on else day
    run = run_or_exit(lambda: assess_with_models(dataset, day, texts_for=()))  # actions only: no texts
    offers = run_or_exit(lambda: campaign_offers(run.assessment, run.features, campaign_id, dataset.settings, wanted))
    if offers.empty:
        say(f"no customer has the action {' or '.join(wanted)} as of {day}: nothing to build")
        raise typer.Exit(EXIT_BAD_INPUT)
    touches = rows = campaign_touches(offers, campaign_id, sent_on, channel, dataset.settings)
    if existing is not None:
        taken = set(existing["touch_id"]) & set(rows["touch_id"])
        if taken:
            say(f"{out}: touch ids {', '.join(sorted(taken)[:3])} are already used")
            raise typer.Exit(EXIT_BAD_INPUT)
        rows = pd.concat([existing, rows.astype({"cost": str})], ignore_index=True)
    write_atomic(out, lambda temp: write_csv(rows.astype(str), temp))
    t = translator_for(lang, dataset.settings)
    for line in built_lines(offers, touches, campaign_id, sent_on, str(out), dataset.settings.campaigns.contact_cost,
                            t):
        tell(line)


@app.command()
def campaign(
    data: DataArg,
    campaign_id: Annotated[str, typer.Argument(help="The campaign to measure (touches.campaign_id).")],
    as_of: AsOfOpt,
    window_days: Annotated[int, typer.Option("--window-days", help="A member returned if they bought within N days.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The measured effect of one campaign: contacted against held-back members (uplift, 95% CI, p-value)."""
    import json

    from keepwise.campaigns import measure_campaign
    from keepwise.campaigns.wording import campaign_lines

    require_language(lang)
    day, dataset = load_as_of(data, as_of, config)
    result = run_or_exit(lambda: measure_campaign(dataset, campaign_id, day, window_days))
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in campaign_lines(result, translator_for(lang, dataset.settings)):
        tell(line)

