"""Where the store lives and how to open it: a SQLite file in the data directory by default,
PostgreSQL when ``KEEPWISE_DATABASE_URL`` says so. Migrations run when the store is opened.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_VARIABLE = "KEEPWISE_DATABASE_URL"
DATA_DIR_VARIABLE = "KEEPWISE_DATA_DIR"
DEFAULT_DATA_DIR = "keepwise-data"
STORE_FILE = "store.sqlite"
SECRET_FILE = "secret.key"


def data_dir(path: str | Path | None = None) -> Path:
    """The data directory (created): ``path``, else ``$KEEPWISE_DATA_DIR``, else ``./keepwise-data``."""
    folder = Path(path or os.environ.get(DATA_DIR_VARIABLE) or DEFAULT_DATA_DIR).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlalchemy_url(url: str) -> str:
    """A ``postgresql://`` URL (as keepwise sources are written) for SQLAlchemy's psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def source_url(url: str) -> str:
    """The store as a keepwise data source: the SQLite file path, or the ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def on_postgres(session: Session) -> bool:
    """Whether ``session`` talks to PostgreSQL (else SQLite): what a few statements are written for."""
    return session.get_bind().dialect.name == "postgresql"


@dataclass
class Store:
    """An opened store: its URL, engine and session factory."""

    url: str  # as given (postgresql://... or sqlite:///path)
    engine: sa.Engine
    sessions: sessionmaker[Session]
    folder: Path

    @property
    def source(self) -> str:
        return source_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def refresh_statistics(self, *tables: str) -> None:
        """Let the planner know tables just filled (a run's 100,000 decisions): PostgreSQL's
        ``VACUUM (ANALYZE)`` gives statistics and the visibility map that index-only scans (the
        worklists' counts and pages) need, at once rather than when autovacuum comes by; SQLite's ``ANALYZE``."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in tables:
                table = sa.table(name)
                quoted = connection.dialect.identifier_preparer.format_table(table)
                statement = "ANALYZE " if self.is_sqlite else "VACUUM (ANALYZE) "
                connection.exec_driver_sql(statement + quoted)

    def secret_key(self) -> str:
        """The key that signs session cookies: ``$KEEPWISE_SECRET_KEY``, else one kept in the data directory."""
        if os.environ.get("KEEPWISE_SECRET_KEY"):
            return os.environ["KEEPWISE_SECRET_KEY"]
        path = self.folder / SECRET_FILE
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def store_url(folder: Path, url: str | None = None) -> str:
    return url or os.environ.get(DATABASE_URL_VARIABLE) or f"sqlite:///{folder / STORE_FILE}"


def open_store(url: str | None = None, folder: str | Path | None = None, migrate: bool = True) -> Store:
    """Open (and by default migrate to the latest schema) the store at ``url`` or the default one."""
    from keepwise.store.migrate import upgrade

    where = data_dir(folder)
    url = store_url(where, url)
    engine_url = sqlalchemy_url(url)
    if engine_url.startswith("sqlite"):
        engine = sa.create_engine(engine_url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(engine_url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    store = Store(url, engine, sessionmaker(engine, expire_on_commit=False), where)
    if migrate:
        upgrade(engine)
    return store
