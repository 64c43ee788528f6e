"""The ``keepwise`` command: thin glue over the services in each stage package.

Every command that reads data validates it first (``keepwise.data.load``); on any error it
prints every problem, exits with status 2 and writes nothing. One module per command group;
importing them registers their commands on ``app``.
"""

import keepwise.cli.cadence_commands  # noqa: F401  (touches, campaign-build, campaign)
from keepwise.cli import analysis, clv, data_commands, store_commands  # noqa: F401  (registers the commands)
from keepwise.cli.common import app

__all__ = ["app"]
