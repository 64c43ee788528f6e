"""`keepwise assess` gives the same file whatever order the customers table lists its customers in: in the
order of their ids, as the sample writes them, or shuffled."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys

from keepwise.sample import generate_sample

from .conftest import AS_OF


def _assess(folder, out) -> None:
    done = subprocess.run([sys.executable, "-m", "keepwise", "assess", str(folder), "--as-of", AS_OF.isoformat(),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_the_assessment_does_not_depend_on_the_order_of_the_customers_rows(tmp_path):
    in_order = tmp_path / "in_order"
    generate_sample(in_order, n_customers=1500, seed=5, as_of=AS_OF)
    shuffled = tmp_path / "shuffled"
    shutil.copytree(in_order, shuffled)
    header, *rows = (in_order / "customers.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    ids = [row.split(",", 1)[0] for row in rows]
    assert ids == sorted(ids)  # as the sample writes them
    random.Random(3).shuffle(rows)
    (shuffled / "customers.csv").write_text(header + "".join(rows), encoding="utf-8")
    assert [row.split(",", 1)[0] for row in rows] != ids

    _assess(in_order, tmp_path / "in_order.csv")
    _assess(shuffled, tmp_path / "shuffled.csv")
    written = (tmp_path / "in_order.csv").read_bytes()
    assert written.count(b"\n") > 1500
    assert (tmp_path / "shuffled.csv").read_bytes() == written
