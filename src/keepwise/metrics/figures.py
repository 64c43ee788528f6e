"""How portfolio figures are written in JSON: money to the cent, rates and shares to 4 decimals."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

# Decimals kept in JSON: money to the cent, rates and shares to a hundredth of a percent.
MONEY_DECIMALS = 2
SHARE_DECIMALS = 4


def round_or_none(value: Any, decimals: int) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, decimals)


def json_value(value: Any) -> Any:
    """Plain JSON types: ISO dates, Python ints and bools, NaN as null."""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return round_or_none(value, SHARE_DECIMALS)
    return value
