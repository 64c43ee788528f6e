"""``Analysis``: everything one run found about a business, the one object its readers take.

The pipeline (``keepwise.pipeline``) fills it stage by stage; the report (``keepwise.report``) only
renders it, and the demo, the web app, letters and touches read it. Every figure here is computed by
the stage that owns it (metrics, models, assess); nothing downstream recomputes one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from keepwise.assess.summary import action_summary, flag_counts
from keepwise.assess.urgent import most_urgent, top_positions, urgent_ids
from keepwise.config import Settings
from keepwise.data.loader import Dataset
from keepwise.data.names import customer_names
from keepwise.metrics.churn_trend import ChurnTrend, churn_trend, yearly_rates
from keepwise.metrics.cohort_averages import CohortAverages, cohort_averages
from keepwise.metrics.concentration import value_share_of_top
from keepwise.metrics.growth import RetentionScenario, retention_scenario
from keepwise.metrics.portfolio import PortfolioSummary
from keepwise.metrics.service_failures import CustomersHurt, customers_hurt, hurt_most
from keepwise.metrics.service_quality import ServiceQuality, service_quality
from keepwise.models.churn_drivers import ChurnReasons
from keepwise.models.diagnostics import TrackingResult


@dataclass
class Highlights:
    """The portfolio's headline figures, each from its stage's function."""

    churn_trend: ChurnTrend
    yearly_retention: float | None
    yearly_acquisition: float | None
    growth: RetentionScenario | None  # None without a yearly retention and acquisition to start from
    clv_top_share: float | None  # share of the positive CLV held by the top tenth
    clv_total: float  # positive CLV of all customers
    clv_negative: int  # customers expected to cost more than they bring
    cohort_averages: CohortAverages | None
    action_summary: pd.DataFrame  # assess.summary.action_summary
    flag_counts: pd.Series  # customers per flag code
    flagged_customers: int
    urgent: pd.DataFrame  # assess.urgent.most_urgent
    top_clv: pd.DataFrame  # the most valuable customers, assessment rows
    service: ServiceQuality
    customers_hurt: CustomersHurt
    hurt_most: pd.DataFrame  # metrics.service_failures.hurt_most
    customer_names: dict[str, str] = field(default_factory=dict)  # of every customer listed above


@dataclass
class Analysis:
    """One business analysed as of a day: the assessment, the portfolio and the model diagnostics."""

    dataset: Dataset
    as_of: date
    settings: Settings
    features: pd.DataFrame
    portfolio: PortfolioSummary
    tracking: TrackingResult
    churn_reasons: ChurnReasons
    assessment: pd.DataFrame
    highlights: Highlights
    # Where p_alive, churn risk and CLV came from: the fitted models (with the churn source chosen), or
    # the assessment's purchase-rhythm rule and why.
    predictions_from_models: bool = False
    churn_source_reason: str = ""  # the models' technical notes, in English (``--verbose``): the churn source's
    prediction_notes: list[str] = field(default_factory=list)  # and the others
    # How the churn source beat the other on this business's past (``SourceComparison.facts``), phrased in the
    # report's language in place of its technical note; None when it was not compared.
    churn_source_comparison: dict | None = None
    # What a shop owner needs to know about the models in plain words (AssessmentRun.plain_notes):
    # catalog keys of keepwise.text.locales, rendered in the report's language.
    plain_notes: list[str] = field(default_factory=list)
    # Acting on the assessment (computed by keepwise.offboard, passed in by the pipeline): the
    # portfolio what-if (a PortfolioWhatIf) and the policy review (PolicyReview per policy); None
    # and empty when not computed.
    what_if: Any = None
    policies: list[Any] = field(default_factory=list)

    @property
    def predictions_detail(self) -> str:
        """The models' technical notes in one line, in English: the churn source's, then the others."""
        return "; ".join([self.churn_source_reason, *self.prediction_notes])

    @property
    def currency(self) -> str:
        return self.portfolio.currency


def highlights(ds: Dataset, as_of: date, features: pd.DataFrame, portfolio: PortfolioSummary,
               assessment: pd.DataFrame) -> Highlights:
    """The headline figures of one run, from the functions of the stages that own them."""
    report = ds.settings.report
    top = report.top_customers
    retention, acquisition = yearly_rates(portfolio.churn, portfolio.period, portfolio.average_churn_rate)
    growth = None
    if retention is not None and acquisition is not None and portfolio.active_customers > 0:
        growth = retention_scenario(portfolio.active_customers, retention, acquisition,
                                    report.retention_uplift_points, report.growth_years)
    clv_share, clv_total = value_share_of_top(assessment["clv"])
    flags, flagged = flag_counts(assessment)
    top_clv = assessment.take(top_positions(assessment, ["clv"], [False], top))
    hurt = hurt_most(features, top)
    listed = [*urgent_ids(assessment, report.urgent_customers), *top_clv["customer_id"].astype(str), *hurt["customer_id"].astype(str)]
    names = customer_names(ds, list(dict.fromkeys(listed)))
    return Highlights(
        churn_trend=churn_trend(portfolio.churn, portfolio.period),
        yearly_retention=retention,
        yearly_acquisition=acquisition,
        growth=growth,
        clv_top_share=clv_share,
        clv_total=clv_total,
        clv_negative=int((assessment["clv"].astype(float) < 0).sum()),
        cohort_averages=cohort_averages(portfolio.cohorts),
        action_summary=action_summary(assessment),
        flag_counts=flags,
        flagged_customers=flagged,
        urgent=most_urgent(assessment, report.urgent_customers, names),
        top_clv=top_clv,
        service=service_quality(ds, as_of, portfolio.period),
        customers_hurt=customers_hurt(features),
        hurt_most=hurt,
        customer_names=names,
    )
