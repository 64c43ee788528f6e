"""Alembic environment: migrations run on the connection ``keepwise.store.migrate`` hands over."""

from alembic import context

from keepwise.store import models  # noqa: F401  (registers the app tables)
from keepwise.store.base import metadata
from keepwise.store.contract import CONTRACT_TABLES  # noqa: F401  (registers the contract tables)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
