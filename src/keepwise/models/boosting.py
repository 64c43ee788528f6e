"""LightGBM as keepwise's models import it: ``from keepwise.models.boosting import lgb``.

* Its OpenMP threads wait passively. They spin while they wait for work, and on a machine shared with
  other busy processes that made two threads ten times slower than one (measured: 34 s vs 3 s for 100
  trees on 7,500 rows). It must be set before the OpenMP runtime starts, i.e. before LightGBM is imported;
  a value the user has set is kept.
* Without its scikit-learn wrappers. LightGBM imports scikit-learn when it finds it, for ``LGBMClassifier``
  and its kin, which keepwise does not use (it trains with ``lgb.train``); importing scikit-learn imports
  ``scipy.stats`` and more: 0.5-0.75 s of one core on every ``assess``, against ~0.05 s for LightGBM alone.
  So while LightGBM is imported, ``import sklearn`` fails (a ``None`` in ``sys.modules``, Python's own way
  to mark a module as not importable), and afterwards it works again. When scikit-learn is already
  imported (a test, a notebook), LightGBM is imported as usual, wrappers included.
"""

from __future__ import annotations

import os
import sys

__all__ = ["lgb"]

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _import_lightgbm():
    if "lightgbm" in sys.modules or "sklearn" in sys.modules:
        import lightgbm

        return lightgbm
    sys.modules["sklearn"] = None  # type: ignore[assignment]
    try:
        import lightgbm
    finally:
        if sys.modules.get("sklearn", 0) is None:
            del sys.modules["sklearn"]
    return lightgbm


lgb = _import_lightgbm()
