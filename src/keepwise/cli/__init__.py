"""The ``keepwise`` command: thin glue over the services in each stage package.

Every command that reads data validates it first (``keepwise.data.load``); on any error it
prints every problem, exits with status 2 and writes nothing. One module per command group;
importing them registers their commands on ``app``.
"""

from keepwise.cli import (  # noqa: F401  (registers the commands)
    analysis,
    cadence_commands,
    clv,
    data_commands,
    offboard_commands,
    store_commands,
)
from keepwise.cli.common import app

__all__ = ["app"]
