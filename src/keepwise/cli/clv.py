"""``keepwise clv``: fit buy-till-you-die models and predict per customer (summary as docs/contract.md's orders define it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keepwise.cli.common import (
    ConfigOpt,
    DataArg,
    EngineOpt,
    SparkMasterOpt,
    app,
    engine_or_exit,
    imported_meanwhile,
    load_or_exit,
    parse_day,
    run_or_exit,
    settings_or_exit,
    show,
    tell,
)

clv_app = typer.Typer(help="Buy-till-you-die models: fit BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma; predict per customer.",
                      no_args_is_help=True)
app.add_typer(clv_app, name="clv")

ModelOpt = Annotated[str, typer.Option("--model", help="bgnbd, mbgnbd, pareto-nbd or gamma-gamma.")]
CalibrationOpt = Annotated[str, typer.Option("--calibration-end", help="Last day of the calibration period.")]
TimeUnitOpt = Annotated[str, typer.Option("--time-unit", help="day or week.")]
# What fitting imports (pandas, SciPy): imported while the data load (``imported_meanwhile``).
FITTING_MODULES = ("keepwise.models.fitting",)


@clv_app.command("fit")
def clv_fit(
    data: DataArg,
    model: ModelOpt,
    calibration_end: CalibrationOpt,
    time_unit: TimeUnitOpt = "week",
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON object.")] = False,
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
) -> None:
    """Fit a model on completed orders up to the calibration end; print parameters and log-likelihood."""
    import json

    from keepwise.data.schema import PURCHASE_TABLES
    from keepwise.text.terminal import rows_table

    settings = settings_or_exit(config)
    end = parse_day(calibration_end, "--calibration-end")
    with imported_meanwhile(FITTING_MODULES):
        dataset = engine_or_exit(load_or_exit(data, None, settings, PURCHASE_TABLES), engine, spark_master)
    from keepwise.models.fitting import fit_model

    fitted = run_or_exit(lambda: fit_model(dataset, model, end, time_unit))
    if as_json:
        print(json.dumps(fitted.to_contract_json()))
        return
    columns = ("param", "estimate", "se", "lower 95%", "upper 95%")
    show(rows_table(f"{model} fitted on {fitted.n_customers:,} customers (time unit: {time_unit})", columns,
                    [[f"{v:.4f}" if isinstance(v, float) else str(v) for v in row[:5]]
                     for row in fitted.fitter.summary().itertuples(index=False)], range(len(columns))))
    tell(f"log-likelihood: {fitted.fitter.log_likelihood_:.2f}")


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
    from keepwise.data.schema import PURCHASE_TABLES

    settings = settings_or_exit(config)
    end = parse_day(calibration_end, "--calibration-end")
    with imported_meanwhile(FITTING_MODULES):
        dataset = load_or_exit(data, None, settings, PURCHASE_TABLES)
    from keepwise.models.fitting import predict
    from keepwise.output import write_frame

    predictions = run_or_exit(lambda: predict(dataset, model, end, time_unit, horizon))
    write_frame(predictions, out)
    tell(f"Wrote {len(predictions):,} customers to {out}")
