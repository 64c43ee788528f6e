"""What the business learned from keeping in touch, for the report and ``keepwise metrics``: every
campaign of the touches table measured, and the exit surveys against the business's own failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from keepwise.assess.exit_answers import exit_answers
from keepwise.campaigns.exit_surveys import exit_survey_summary, failures_by_period
from keepwise.campaigns.measure import CampaignResult, measure_campaign
from keepwise.campaigns.members import CampaignError
from keepwise.data.days import end_of_day
from keepwise.data.loader import Dataset
from keepwise.metrics.activity import churn_by_period
from keepwise.metrics.service_quality import ServiceQuality, service_quality


@dataclass
class Learning:
    campaigns: list[CampaignResult] = field(default_factory=list)
    not_measured: dict[str, str] = field(default_factory=dict)  # campaign id -> why
    exit_surveys: dict[str, Any] | None = None


def exit_survey_facts(ds: Dataset, as_of: date, period: str, rfm: pd.DataFrame | None,
                      service: ServiceQuality | None = None, features: pd.DataFrame | None = None
                      ) -> dict[str, Any] | None:
    """Exit surveys by period and RFM segment, with findings against the failures of the same periods.
    ``service``: ``service_quality(ds, as_of, period)`` when the caller has it (the report's highlights), else
    computed here (at 1,000,000 customers ~0.8 s). With the customers' ``features`` at ``as_of``, ``claims``
    too: how many customers' current answer blames delivery, quality or service, and for how many their
    record bears it out (``keepwise.assess.exit_answers``, as the assessment judges them)."""
    if "exit_surveys" not in ds.present:
        return None
    table = ds.table("exit_surveys")
    surveys = table.filter(table.at <= end_of_day(as_of)).execute()
    segments = rfm.set_index(rfm["customer_id"].astype(str))["segment"] if rfm is not None and len(rfm) else None
    service = service if service is not None else service_quality(ds, as_of, period)
    failures = failures_by_period(service.periods, period)
    summary = exit_survey_summary(surveys, segments, failures, period, ds.settings.campaigns.exit_finding_min_answers)
    if features is not None:
        answers = exit_answers(features, ds.settings)
        summary["claims"] = {"claimed": int(answers["exit_claim"].sum()),
                             "borne_out": int(answers["exit_claim_borne_out"].sum()),
                             "window_days": ds.settings.flags.exit_claim_window_days}
    return summary


def campaign_ids(ds: Dataset, as_of: date) -> list[str]:
    touches = ds.table("touches")
    touches = touches.filter(touches.campaign_id.notnull() & (touches.at <= end_of_day(as_of)))
    return sorted(str(v) for v in touches.select("campaign_id").distinct().execute()["campaign_id"])


def learning(ds: Dataset, as_of: date, period: str, rfm: pd.DataFrame | None,
             campaign_churn: pd.DataFrame | None = None, service: ServiceQuality | None = None,
             features: pd.DataFrame | None = None) -> Learning:
    """Every campaign measured over ``[campaigns] report_window_days``; the exit-survey facts. The churn
    around every campaign comes from one table, ``churn_by_period`` of ``ds`` at ``as_of`` by ``[campaigns]
    churn_period`` (the configured rule): ``campaign_churn`` when the caller has it, else computed here.
    ``features``: see ``exit_survey_facts``."""
    found = Learning(exit_surveys=exit_survey_facts(ds, as_of, period, rfm, service, features))
    ids = campaign_ids(ds, as_of)
    churn = campaign_churn
    if ids and churn is None:
        churn = churn_by_period(ds, as_of, ds.settings.campaigns.churn_period)
    for campaign_id in ids:
        try:
            found.campaigns.append(measure_campaign(ds, campaign_id, as_of, ds.settings.campaigns.report_window_days,
                                                    churn))
        except CampaignError as error:
            found.not_measured[campaign_id] = str(error)
    return found
