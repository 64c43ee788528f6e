"""The operational store: the contract tables plus the app's own, in SQLite or PostgreSQL.

``open_store`` opens and migrates it; ``keepwise.store.services`` holds every state change (each
checks the actor's permission and writes the audit log in the same transaction).
"""

from keepwise.store.db import Store, open_store

__all__ = ["Store", "open_store"]
