"""Phrased rows as a terminal table: what the commands print (the figures, the metrics, the demo's most urgent
customers) laid out one way. The words and figures come phrased (``Translator``); this only places them."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.table import Table


def rows_table(title: str, headers: Sequence[str] | None, rows: Sequence[Sequence[str]],
               figures: Collection[int] = (), caption: str | None = None, **options) -> Table:
    """A Rich table of ``rows`` under ``headers``, the columns ``figures`` right-aligned. ``headers`` None: rows of
    (label, figure), the labels bold and no header shown. ``options``: Rich's own (``show_edge``, ...)."""
    table = Table(title=title, caption=caption, show_header=headers is not None, **options)
    for position, header in enumerate(headers if headers is not None else ("", "")):
        table.add_column(header, justify="right" if position in figures else "left",
                         style="bold" if headers is None and position == 0 else None)
    for row in rows:
        table.add_row(*row)
    return table
