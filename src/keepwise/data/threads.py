"""Work on independent parts side by side: the one way the stages spread batch work over threads.

Worth it where each part spends much of its time outside Python's GIL (Arrow's kernels, LightGBM,
NumPy), so that one thread's Python runs while another's native code does: the classifier's scoring
batches, the assessment's blocks of texts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["available_cores", "map_in_threads"]

Part = TypeVar("Part")
Result = TypeVar("Result")


def map_in_threads(work: Callable[[Part], Result], parts: Iterable[Part], threads: int,
                   name: str = "keepwise-worker") -> list[Result]:
    """``[work(part) for part in parts]``, with up to ``threads`` parts worked on at once (in this
    thread alone when ``threads`` is 1 or there is one part). The results are in the parts' order.
    Once every part has finished, the exception of the first part (in that order) that raised one is
    raised here."""
    parts = list(parts)
    if threads <= 1 or len(parts) <= 1:
        return [work(part) for part in parts]
    with ThreadPoolExecutor(min(threads, len(parts)), thread_name_prefix=name) as pool:
        futures = [pool.submit(work, part) for part in parts]
    return [future.result() for future in futures]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it, as in a container
    limited to some cores), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this system (macOS, Windows)
        return max(1, os.cpu_count() or 1)
