"""Commands about the data itself: the contract, validation, the sample business."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from keepwise.cli.common import (
    EXIT_BAD_INPUT,
    ConfigOpt,
    DataArg,
    app,
    err_console,
    parse_day,
    print_json,
    print_problems,
    require_choice,
    settings_or_exit,
    show,
    tell,
)


@app.command()
def schema() -> None:
    """Print the input tables keepwise reads (the data contract)."""
    from keepwise.data.schema import describe

    # Raw Markdown, never wrapped to the terminal's width: `keepwise schema > contract.md` must be the file.
    sys.stdout.write(describe())


@app.command()
def validate(
    data: DataArg,
    as_of: Annotated[str | None, typer.Option(help="Warn about events after this date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (problems included).")] = False,
    config: ConfigOpt = None,
) -> None:
    """Check a data source against the contract and list every problem found."""
    from dataclasses import asdict

    from keepwise.data.loader import validate_source
    from keepwise.text.terminal import rows_table

    settings = settings_or_exit(config)
    day = parse_day(as_of, "--as-of") if as_of else None
    tables, log, present = validate_source(data, day, settings)
    if as_json:
        print_json({
            "source": data,
            "valid": not log.errors,
            "errors": len(log.errors),
            "warnings": len(log.warnings),
            "truncated": log.truncated,
            "problems": [asdict(problem) for problem in log.problems],
            "rows": {name: table.num_rows if name in present else None for name, table in tables.items()},
        })
        if log.errors:
            raise typer.Exit(EXIT_BAD_INPUT)
        return
    print_problems(log.problems, log.truncated)
    if log.errors:
        err_console.print(f"[red]{len(log.errors)} error(s), {len(log.warnings)} warning(s).[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    show(rows_table(f"{data}: valid", ["table", "rows"],
                    [[name, f"{table.num_rows:,}" if name in present else "absent (no such events)"]
                     for name, table in tables.items()], {1}, show_edge=False))
    tell(f"{len(log.warnings)} warning(s).")


@app.command()
def sample(
    out: Annotated[Path, typer.Argument(help="Folder to write the sample business into.")],
    customers: Annotated[int, typer.Option("--customers", min=1, help="Number of customers.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    as_of: Annotated[str, typer.Option(help="Last day of the history (YYYY-MM-DD).")] = "2026-06-30",
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Write a synthetic business with planted customer types (_truth.csv beside it)."""
    from keepwise.sample import generate_sample
    from keepwise.text.terminal import rows_table

    require_choice(fmt, "--format", ("csv", "parquet"))
    result = generate_sample(out, n_customers=customers, seed=seed, as_of=parse_day(as_of, "--as-of"), fmt=fmt)
    if as_json:
        print_json({
            "out_dir": str(result.out_dir),
            "format": fmt,
            "customers": customers,
            "seed": seed,
            "as_of": result.as_of.isoformat(),
            "files": {name: str(path) for name, path in result.paths.items()},
            "rows": result.row_counts,
            "truth": str(result.truth_path),
            "planted_types": result.type_counts,
        })
        return
    tell(f"Wrote a sample business of {customers:,} customers to {out} ({fmt}); "
         f"the planted type of each customer is in {result.truth_path}")
    show(rows_table("rows per table", ["table", "rows"],
                    [[name, f"{count:,}"] for name, count in result.row_counts.items()], {1}),
         rows_table("planted types", ["type", "customers"],
                    [[name, f"{count:,}"] for name, count in result.type_counts.items()], {1}))

