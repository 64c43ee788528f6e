"""Commands of the operational store and the staff app: import, user, serve."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from keepwise.cli.common import (
    EXIT_BAD_INPUT,
    ConfigOpt,
    DataArg,
    app,
    console,
    parse_day,
    print_problems,
    say,
    settings_or_exit,
    tell,
)

user_app = typer.Typer(help="Staff accounts of the web app.", no_args_is_help=True)
app.add_typer(user_app, name="user")

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Store URL (default $KEEPWISE_DATABASE_URL, else a SQLite file in the data directory)."),
]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default $KEEPWISE_DATA_DIR, else ./keepwise-data).")
]


def _open(store: str | None, data_dir: Path | None):
    from keepwise.store import open_store

    try:
        return open_store(store, data_dir)
    except Exception as error:  # noqa: BLE001  (a store that cannot be opened is a clear message, exit 2)
        say(f"cannot open the store: {str(error).splitlines()[0]}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def import_and_assess(opened, data: str, settings, as_of=None) -> None:
    """Import ``data`` into the store (nothing written when invalid) and keep the assessment as a run."""
    from keepwise.data.problems import DataError
    from keepwise.store.models import Decision
    from keepwise.store.services import imports, runs
    from keepwise.store.services.base import Actor

    actor = Actor.system()
    with opened.sessions() as session:
        try:
            written = imports.import_source(session, actor, data, settings)
        except DataError as error:
            print_problems(error.problems, error.truncated)
            errors = sum(p.severity == "error" for p in error.problems)
            say(f"{errors} error(s): nothing was imported.")
            raise typer.Exit(EXIT_BAD_INPUT) from None
    for name, rows in written.items():
        tell(f"{name}: {rows:,} rows imported")
    result = runs.assess_store(opened.source, settings, as_of)
    with opened.sessions() as session:
        record = runs.save_run(session, actor, result, data)
    opened.refresh_statistics(Decision.__tablename__)
    tell(f"Assessment run {record.id} as of {record.as_of}: {record.customers:,} customers.")


@app.command("import")
def import_command(
    data: DataArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assess as of this day (default: the last order's).")] = None,
    store: StoreOpt = None,
    data_dir: DataDirOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Import a data source into the store (one transaction, upsert by id), then assess it as a dated run."""
    settings = settings_or_exit(config)
    day = parse_day(as_of, "--as-of") if as_of else None
    opened = _open(store, data_dir)
    import_and_assess(opened, data, settings, day)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="agent, manager or admin.")] = "agent",
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    language: Annotated[str, typer.Option("--language", help="en, fa or ru.")] = "en",
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Read the password from this environment variable.")
    ] = None,
    store: StoreOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Create a staff account (the password is asked for, or read from --password-env)."""
    from keepwise.store.services import users
    from keepwise.store.services.base import Actor, Invalid

    password = os.environ.get(password_env, "") if password_env else typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    opened = _open(store, data_dir)
    with opened.sessions() as session:
        try:
            users.add_user(session, Actor.system(), username, role, password, name, language)
        except Invalid as error:
            say(str(error))
            raise typer.Exit(EXIT_BAD_INPUT) from None
    tell(f"User {username} ({role}) created.")


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    store: StoreOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Create an API token for a user; it is printed once (only its hash is stored)."""
    from keepwise.store.services import users
    from keepwise.store.services.base import Actor

    opened = _open(store, data_dir)
    with opened.sessions() as session:
        user = users.user_by_name(session, username)
        if user is None:
            say(f"no user '{username}'")
            raise typer.Exit(EXIT_BAD_INPUT)
        token = users.create_token(session, Actor.system(), user.id, name)
    tell(token)


DEMO_CUSTOMERS = 1500


def _demo(opened, settings) -> None:
    """Fill an empty store with the bundled sample business and print a one-time admin password."""
    import secrets
    import tempfile

    from keepwise.pipeline import DEMO_AS_OF, DEMO_SEED
    from keepwise.sample import generate_sample
    from keepwise.store.services import imports, users
    from keepwise.store.services.base import Actor

    with opened.sessions() as session:
        empty = not imports.has_orders(session)
    if empty:
        with tempfile.TemporaryDirectory() as folder:
            sample = Path(folder) / "sample-shop"
            generate_sample(sample, n_customers=DEMO_CUSTOMERS, seed=DEMO_SEED, as_of=DEMO_AS_OF)
            import_and_assess(opened, str(sample), settings, DEMO_AS_OF)
    password = secrets.token_urlsafe(12)
    with opened.sessions() as session:
        existing = users.user_by_name(session, "demo")
        if existing is None:
            users.add_user(session, Actor.system(), "demo", "admin", password, "Demo admin")
        else:
            users.reset_password(session, Actor.system(), existing.id, password)
    console.print(f"Demo admin: user [bold]demo[/bold], one-time password [bold]{password}[/bold]", soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Start on the bundled sample business with a demo admin.")] = False,
    store: StoreOpt = None,
    data_dir: DataDirOpt = None,
    config: ConfigOpt = None,
    proxy_headers: Annotated[
        bool, typer.Option("--behind-proxy", help="Trust X-Forwarded-Proto (https behind a reverse proxy).")
    ] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help=escape("Worker processes (default [app] workers)."))
    ] = None,
) -> None:
    """Run the staff web app."""
    import uvicorn

    from keepwise.app import create_app
    from keepwise.app.factory import CONFIG_VARIABLE
    from keepwise.store.db import DATA_DIR_VARIABLE, DATABASE_URL_VARIABLE

    settings = settings_or_exit(config)
    workers = workers or settings.app.workers
    opened = _open(store, data_dir)
    # Paths and URLs on one line each (soft wrap), so they can be copied as they are.
    tell(f"Data directory: {opened.folder}")
    tell(f"Store: {opened.url.split('@')[-1]}")
    if demo:
        _demo(opened, settings)
    options = {"host": host, "port": port, "log_level": "warning", "proxy_headers": proxy_headers,
               "forwarded_allow_ips": "127.0.0.1" if proxy_headers else None}
    if workers == 1:
        application = create_app(opened, settings)
        tell(f"keepwise is serving on http://{host}:{port}/")
        uvicorn.run(application, **options)
        return
    # Each worker process builds its own app (uvicorn imports the factory); they share this store,
    # settings file and session secret (made here, before they start).
    opened.secret_key()
    os.environ[DATABASE_URL_VARIABLE] = opened.url
    os.environ[DATA_DIR_VARIABLE] = str(opened.folder)
    if config is not None:
        os.environ[CONFIG_VARIABLE] = str(config.resolve())
    else:
        os.environ.pop(CONFIG_VARIABLE, None)
    tell(f"keepwise is serving on http://{host}:{port}/ ({workers} workers)")
    uvicorn.run("keepwise.app.factory:app_from_environment", factory=True, workers=workers, **options)
