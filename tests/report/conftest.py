"""Pipeline results shared by the report tests: each dataset is analysed once per session."""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console

from keepwise.config import load_settings
from keepwise.data.cdnow import CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
from keepwise.pipeline import PipelineResult, run, run_demo

# The models are the slowest stage; they run once (CDNOW to 1998-06-30), the other runs show the
# fallback paths, which are also what the report must handle.
WITHOUT_CLASSIFIER = {"report": {"churn_classifier": False}, "clv": {"churn_source": "bgnbd"}}
DEMO_CUSTOMERS = 600


@pytest.fixture(scope="session")
def cdnow_result(cdnow_dir) -> PipelineResult:
    return run(cdnow_dir, date.fromisoformat(CDNOW_OBSERVATION_END), settings=load_settings())


@pytest.fixture(scope="session")
def cdnow_short_result(cdnow_dir) -> PipelineResult:
    settings = load_settings(overrides=WITHOUT_CLASSIFIER)
    return run(cdnow_dir, date.fromisoformat(CDNOW_CALIBRATION_END), settings=settings)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``run_demo`` on a small sample; returns (DemoResult, what it printed)."""
    console = Console(record=True, width=200, force_terminal=False)
    settings = load_settings(overrides=WITHOUT_CLASSIFIER)
    result = run_demo(tmp_path_factory.mktemp("demo"), console, n_customers=DEMO_CUSTOMERS, settings=settings)
    return result, console.export_text()


@pytest.fixture(scope="session")
def sample_result(demo) -> PipelineResult:
    return demo[0].result
