"""map_in_threads: the parts' results in their order, however many threads work on them. available_cores:
the cores the process may use, within its control groups' CPU quota (read from a made-up file system)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from keepwise.data import threads as threads_module
from keepwise.data.threads import available_cores, cgroup_cpu_limit, map_in_threads, threads_or_cores


def test_results_come_in_the_parts_order_though_later_parts_finish_first():
    finished = []

    def work(part: int) -> int:
        time.sleep(0.02 * (4 - part))  # the first part finishes last
        finished.append(part)
        return part * 10

    assert map_in_threads(work, range(4), threads=4) == [0, 10, 20, 30]
    assert finished != sorted(finished)  # they did run side by side


def test_one_thread_or_one_part_works_in_the_calling_thread():
    seen = set()

    def work(part):
        seen.add(threading.current_thread().name)
        return part

    assert map_in_threads(work, [1, 2, 3], threads=1) == [1, 2, 3]
    assert map_in_threads(work, ["only"], threads=4) == ["only"]
    assert map_in_threads(work, [], threads=4) == []
    assert seen == {threading.current_thread().name}


def test_the_named_threads_work_and_every_part_finishes_before_the_first_error_is_raised():
    names, done = set(), []

    def work(part):
        names.add(threading.current_thread().name)
        if part in (1, 2):
            raise ValueError(f"part {part}")
        time.sleep(0.05)
        done.append(part)
        return part

    with pytest.raises(ValueError, match="part 1"):
        map_in_threads(work, range(5), threads=2, name="keepwise-test")
    assert sorted(done) == [0, 3, 4]
    assert names and all(name.startswith("keepwise-test") for name in names)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


V1_LINES = "4:memory:/job\n3:cpu,cpuacct:/job/step\n0::/\n"


@pytest.mark.parametrize(("files", "limit"), [
    # cgroup v2, the process in /app: its own quota
    ({"proc/self/cgroup": "0::/app\n", "sys/fs/cgroup/app/cpu.max": "150000 100000\n",
      "sys/fs/cgroup/cpu.max": "max 100000\n"}, 1.5),
    # an ancestor's quota is smaller than the group's own: the smaller one limits
    ({"proc/self/cgroup": "0::/a/b\n", "sys/fs/cgroup/a/b/cpu.max": "400000 100000\n",
      "sys/fs/cgroup/a/cpu.max": "50000 100000\n"}, 0.5),
    # in a container with its own cgroup namespace: the group is "/", read at the mount's top
    ({"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "300000 100000\n"}, 3.0),
    # a hybrid system's v2 hierarchy (the machine this was written on)
    ({"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/unified/cpu.max": "200000 100000\n"}, 2.0),
    # cgroup v1: cpu joined with cpuacct; a group named but not mounted as such falls back to the mount's top
    ({"proc/self/cgroup": V1_LINES, "sys/fs/cgroup/cpu,cpuacct/job/step/cpu.cfs_quota_us": "250000\n",
      "sys/fs/cgroup/cpu,cpuacct/job/step/cpu.cfs_period_us": "100000\n"}, 2.5),
    ({"proc/self/cgroup": "3:cpu:/docker/abc\n", "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "100000\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us": "50000\n"}, 2.0),
    # no quota: "max", -1, or nothing to read; text not understood is no quota either
    ({"proc/self/cgroup": "0::/app\n", "sys/fs/cgroup/app/cpu.max": "max 100000\n"}, None),
    ({"proc/self/cgroup": "1:cpu:/\n", "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"proc/self/cgroup": "4:memory:/job\n"}, None),
    ({}, None),
    ({"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "lots\n"}, None),
])
def test_the_cgroup_cpu_quota_is_read_in_cores(tmp_path, files, limit):
    assert cgroup_cpu_limit(_write(tmp_path, files)) == limit


@pytest.mark.parametrize(("quota", "cores"), [
    ("150000 100000", 2), ("50000 100000", 1), ("600000 100000", 4), ("max 100000", 4)])
def test_available_cores_keep_within_the_quota(tmp_path, monkeypatch, quota, cores):
    # four cores in the affinity; a quota of some of them rounds up; a larger one leaves the four
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    root = _write(tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": quota})
    assert available_cores(root) == cores


def test_available_cores_without_quota_are_those_of_the_affinity(tmp_path, monkeypatch):
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert available_cores(tmp_path) == 3


@pytest.mark.parametrize(("setting", "threads"), [(0, 3), (1, 1), (5, 5)])
def test_a_thread_setting_of_0_is_the_cores_and_any_other_is_itself(tmp_path, monkeypatch, setting, threads):
    # three cores in the affinity, a quota of 4: 0 is the three; a count set is kept, more than the cores too
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    root = _write(tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "400000 100000"})
    assert threads_or_cores(setting, root) == threads
