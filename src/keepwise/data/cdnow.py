"""The CDNOW 1/10 sample (Fader & Hardie) converted to contract tables.

The raw file (whitespace-separated, no header: master id, sample id, YYYYMMDD, number of
CDs, US$) was converted once into ``customers`` (signed up on the first purchase day) and
``orders`` (one per record, currency USD). The converted tables ship as package data so the demo
and tests run offline on real purchases.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CDNOW_CALIBRATION_END = "1997-09-30"
CDNOW_OBSERVATION_END = "1998-06-30"


def cdnow_folder() -> Path:
    """The bundled CDNOW sample in contract format."""
    return Path(str(resources.files("keepwise").joinpath("sample_data", "cdnow")))
