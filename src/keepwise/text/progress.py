"""How far a long run is: a Rich progress bar naming the stage, on a terminal only (quiet when piped)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Stages:
    """Names the running stage and counts the stages done; records each stage's wall time in ``seconds``.

    With no console, or one that is not a terminal (pipes, CI, tests), nothing is shown."""

    def __init__(self, total: int, console: Console | None = None, title: str = "keepwise"):
        console = console or Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal,
        )
        self.task = self.progress.add_task(title, total=total)
        self.seconds: dict[str, float] = {}

    def __enter__(self) -> Stages:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    @contextmanager
    def stage(self, name: str, description: str) -> Iterator[None]:
        self.progress.update(self.task, description=description)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        self.progress.advance(self.task)
