"""What every command shares: the Typer application, consoles, messages, settings, loading and checks.

Each command group lives in its own module of this package and registers on ``app``; bad input in any
of them ends with the listed problems and exit status 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from keepwise import __version__

if TYPE_CHECKING:
    from rich.console import RenderableType

    from keepwise.config import Settings
    from keepwise.data.problems import Problem

# Heavy imports (settings, the data stage, rich tables) happen inside the functions that need them,
# so a command loads only what it uses.

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


# Wide enough for any table's natural width when measuring what a pipe should receive.
_UNLIMITED_WIDTH = 100_000


def _fold_cells(renderable: RenderableType) -> None:
    """Cells wrap onto further lines instead of ending in '…': a figure is never cut short."""
    from rich.console import Group
    from rich.table import Table

    if isinstance(renderable, Table):
        for column in renderable.columns:
            column.overflow = "fold"
    elif isinstance(renderable, Group):
        for part in renderable.renderables:
            _fold_cells(part)


def _fit_title(renderable: RenderableType) -> None:
    """A table's title and caption are written at the table's width: a table at least as wide as they are keeps
    each on one line (on a terminal narrower than them, they wrap there); so are those of a group's tables."""
    from rich.console import Group
    from rich.measure import Measurement
    from rich.table import Table

    if isinstance(renderable, Group):
        for part in renderable.renderables:
            _fit_title(part)
    elif isinstance(renderable, Table):
        for text in (renderable.title, renderable.caption):
            if text:
                text = console.render_str(text) if isinstance(text, str) else text
                width = Measurement.get(console, console.options.update_width(_UNLIMITED_WIDTH), text).maximum
                renderable.min_width = max(renderable.min_width or 0, width)


def show(*renderables: RenderableType) -> None:
    """Print tables and text complete, the one way commands print them.

    On a terminal: at its width, cells folding rather than cut ("2,94…"). To a pipe or a file: as wide
    as the content needs, a table's title included, so nothing is cut or wrapped, whatever COLUMNS says.
    """
    from rich.measure import Measurement

    for renderable in renderables:
        _fold_cells(renderable)
        _fit_title(renderable)
        if console.is_terminal:
            console.print(renderable)
            continue
        options = console.options.update_width(_UNLIMITED_WIDTH)
        width = Measurement.get(console, options, renderable).maximum
        Console(file=sys.stdout, width=max(width, 1), highlight=False, force_terminal=False).print(renderable)


def tell(text: str) -> None:
    """A line of plain text on stdout, the one way commands print one: whole (a pipe or a file gets it on one
    line; a terminal wraps it itself), its brackets as they are (a path like ``out/[2026]`` is no markup)."""
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def print_json(value) -> None:
    """The ``--json`` form of a command's output: one JSON document on stdout, nothing else."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def say(text: str, style: str = "red", label: str | None = None) -> None:
    """Print to stderr without markup: messages quote user data and settings like '[costs]'."""
    from rich.text import Text

    line = Text()
    if label:
        line.append(f"{label}: ", style=style)
        line.append(text)
    else:
        line.append(text, style=style)
    err_console.print(line, highlight=False, soft_wrap=True)


def no_customer(customer_id: str, data: str, day: date, option: str | None = None) -> typer.Exit:
    """Say that ``customer_id`` is not among the customers of ``data`` as of ``day`` (one who signed up
    after it is left out, as the warnings said) and give the exit to raise."""
    say((f"{option}: " if option else "") + f"no customer '{customer_id}' in {data} as of {day.isoformat()}")
    return typer.Exit(EXIT_BAD_INPUT)


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        say(f"{option}: '{value}' is not a date; expected YYYY-MM-DD")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def settings_or_exit(path: Path | None) -> Settings:
    from keepwise.config import ConfigError, load_settings

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
    from keepwise.config import ConfigError
    from keepwise.data.problems import DataError

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



def load_or_exit(data: str, as_of: date | None, settings: Settings, tables: Collection[str] | None = None):
    """Validate and load ``data`` (only ``tables``, when the command reads no others); bad input ends the
    command with exit 2 before anything is written."""
    from keepwise.data.loader import load
    from keepwise.data.schema import TABLES

    dataset = run_or_exit(lambda: load(data, as_of=as_of, settings=settings, only=tables or TABLES))
    for warning in dataset.warnings:
        say(str(warning), "yellow", label="warning")
    return dataset


EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="duckdb (default) or spark: where features and model statistics are computed.")]
SparkMasterOpt = Annotated[str | None, typer.Option(
    "--spark-master", help=escape("Spark master URL with --engine spark (default [engine] spark_master), e.g. local[2]."))]


def load_as_of(data: str, as_of: str, config: Path | None, tables: Collection[str] | None = None):
    """The shared start of every command that judges data as of a day: settings, the day, the data (``tables``
    only, when given: see ``load_or_exit``)."""
    settings = settings_or_exit(config)
    day = parse_day(as_of, "--as-of")
    return day, load_or_exit(data, day, settings, tables)


def load_on_engine(data: str, as_of: str, config: Path | None, engine: str | None, spark_master: str | None,
                   importing: tuple[str, ...] = (), tables: Collection[str] | None = None):
    """``load_as_of`` (of ``tables`` only, when given), then the data on the engine the command's
    ``--engine``/``--spark-master`` choose; the modules ``importing`` (the command's own stages) are imported
    meanwhile (``imported_meanwhile``)."""
    with imported_meanwhile(importing):
        day, dataset = load_as_of(data, as_of, config, tables)
    return day, engine_or_exit(dataset, engine, spark_master)


@contextlib.contextmanager
def imported_meanwhile(modules: tuple[str, ...]) -> Iterator[None]:
    """Import ``modules`` in a background thread while the block runs, and wait for them when it ends well.

    Loading is the engine's work (DuckDB reads and validates the data without holding Python's GIL),
    while importing a command's stages is Python's alone (ibis, pandas, SciPy, LightGBM: ~1 s of one
    core): side by side they share the two cores. What validating imports is imported first, in
    this thread, so that it can start at once; ibis, which loading needs only once the data are validated
    (``data.loader.load``), is the background thread's first import (~0.4 s). An import that fails
    in the background fails again, with its message, where the command imports the module itself; a block
    that raises (bad input) leaves the thread to finish or end with the process.
    """
    if not modules:
        yield
        return
    import keepwise.data.loader  # noqa: F401  (what validating imports: see above)

    modules = ("ibis.backends.duckdb", *modules)
    thread = threading.Thread(target=_import_quietly, args=(modules,), name="keepwise-imports", daemon=True)
    thread.start()
    yield
    thread.join()


def _import_quietly(modules: tuple[str, ...]) -> None:
    for module in modules:
        with contextlib.suppress(Exception):  # met again, and reported, where the command imports it
            importlib.import_module(module)


def engine_or_exit(dataset, engine: str | None, spark_master: str | None):
    """The loaded dataset on the chosen engine; a missing Spark, Java or master is one line and exit 2."""
    settings = dataset.settings
    engine = engine or settings.engine.name
    require_choice(engine, "--engine", ("duckdb", "spark"))
    if engine == "duckdb":
        if spark_master:
            say("--spark-master needs --engine spark")
            raise typer.Exit(EXIT_BAD_INPUT)
        return dataset
    from keepwise.data.spark import SparkUnavailable, to_spark

    try:
        return to_spark(dataset, settings, spark_master)
    except SparkUnavailable as error:
        say(str(error))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def require_choice(value: str, option: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        say(f"{option} must be one of {', '.join(choices)} (got '{value}')")
        raise typer.Exit(EXIT_BAD_INPUT)


def require_language(lang: str | None) -> None:
    """A ``--lang`` given must be one of the languages (None: the command's default)."""
    from keepwise.text import LANGUAGES

    if lang is not None:
        require_choice(lang, "--lang", LANGUAGES)


def language_for(lang: str | None, settings) -> str:
    """The language a command speaks: ``--lang`` when given, else the settings' locale's."""
    from keepwise.assess.engine import reasons_language

    return lang or reasons_language(settings)


def translator_for(lang: str | None, settings, currency: str | None = None):
    """Words and figures in ``language_for(lang, settings)`` for what a command prints. Money in ``currency``
    (default: the settings')."""
    from keepwise.text import Translator

    general = settings.general
    return Translator.for_report(language_for(lang, settings), currency or general.currency, general.locale)


AsOfOpt = Annotated[str, typer.Option("--as-of", help="The day the analysis looks back from (YYYY-MM-DD).")]
LangOpt = Annotated[str | None, typer.Option(
    "--lang", help="Language of what is printed: en, fa or ru (default: the settings' locale).")]

