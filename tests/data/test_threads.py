"""map_in_threads: the parts' results in their order, however many threads work on them."""

from __future__ import annotations

import threading
import time

import pytest

from keepwise.data.threads import map_in_threads


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
