"""Work on independent parts side by side: the one way the stages spread batch work over threads.

Worth it where each part spends much of its time outside Python's GIL (Arrow's kernels, LightGBM,
NumPy), so that one thread's Python runs while another's native code does: the classifier's scoring
batches, the assessment's blocks of texts.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

__all__ = ["available_cores", "cgroup_cpu_limit", "map_in_threads", "threads_or_cores"]

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


def threads_or_cores(threads: int, root: Path = Path("/")) -> int:
    """The threads a setting such as ``[engine] text_threads`` asks for: its value, or when it is 0 as many as
    the cores the process may use (``available_cores``)."""
    return threads if threads > 0 else available_cores(root)


def available_cores(root: Path = Path("/")) -> int:
    """The cores this process may use, at least 1: those it may run on (its CPU affinity where the system
    tells it, as in a container limited to some cores), and no more than its control groups' CPU quota
    allows, rounded up (a container given 1.5 CPUs by a quota: 2; ``cgroup_cpu_limit``). ``root``: the
    file system's root, where ``proc`` and ``sys`` are read."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this system (macOS, Windows)
        cores = os.cpu_count() or 1
    limit = cgroup_cpu_limit(root)
    if limit is not None:
        cores = min(cores, math.ceil(limit))
    return max(1, cores)


# Where a control group's CPU quota is read, by cgroup version: the mounts of its hierarchy (Debian's and
# systemd's unified hierarchy, a hybrid one's v2 part; cgroup v1's cpu controller alone or joined with
# cpuacct), and how a folder of it tells its quota.
_V2_MOUNTS = ("sys/fs/cgroup", "sys/fs/cgroup/unified")
_V1_MOUNTS = ("sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct")


@functools.cache
def cgroup_cpu_limit(root: Path = Path("/")) -> float | None:
    """The CPU time the process's control groups allow it, in cores per second of wall time (a quota of
    150 ms every 100 ms period: 1.5); None where no quota limits it, or where the system has no control
    groups (macOS, Windows) or tells them in a form not understood here.

    The smallest quota among the process's control group and its ancestors, cgroup v2 (``cpu.max``) and
    v1 (``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``) alike, the groups named in ``/proc/self/cgroup``.
    Docker's and Kubernetes' CPU limits are such quotas; affinity (``--cpuset-cpus``) is not one.

    Read once per ``root`` for the process: every LightGBM prediction asks for its thread count
    (``available_cores``), and the files it reads do not change while a command runs."""
    try:
        lines = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    limits = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        controllers, path = parts[1], parts[2].strip("/")
        if controllers == "":
            mounts, limit_of = _V2_MOUNTS, _v2_limit
        elif "cpu" in controllers.split(","):
            mounts, limit_of = _V1_MOUNTS, _v1_limit
        else:
            continue
        for mount in mounts:
            top = root / mount
            folder = top / path
            for group in (folder, *folder.parents):
                limit = limit_of(group)
                if limit is not None:
                    limits.append(limit)
                if group == top:
                    break
    return min(limits, default=None)


def _v2_limit(group: Path) -> float | None:
    """A cgroup v2 group's quota (``cpu.max``: "QUOTA PERIOD", "max PERIOD" for none), in cores."""
    try:
        quota, period = (group / "cpu.max").read_text().split()
        return None if quota == "max" else _cores(int(quota), int(period))
    except (OSError, ValueError):
        return None


def _v1_limit(group: Path) -> float | None:
    """A cgroup v1 group's quota (``cpu.cfs_quota_us``, -1 for none, over ``cpu.cfs_period_us``), in cores."""
    try:
        quota = int((group / "cpu.cfs_quota_us").read_text())
        period = int((group / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return _cores(quota, period)


def _cores(quota: int, period: int) -> float | None:
    return quota / period if quota > 0 and period > 0 else None
