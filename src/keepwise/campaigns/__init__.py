"""Campaigns with a measured effect, and exit surveys.

``campaign_offers`` / ``campaign_touches`` build a campaign from the retain / win-back worklist with a
seeded held-back group; ``measure_campaign`` measures its effect against that group (and what it
brought, and churn before and after as weaker evidence); ``exit_survey_summary`` aggregates why
customers left and sets it against the business's own failures.
"""

from keepwise.campaigns.build import campaign_offers, campaign_touches
from keepwise.campaigns.effect import Effect, two_proportion_effect
from keepwise.campaigns.exit_surveys import exit_survey_summary, failures_by_period
from keepwise.campaigns.measure import CONTRACT_KEYS, CampaignResult, measure_campaign
from keepwise.campaigns.members import CampaignError, campaign_members
from keepwise.campaigns.overview import Learning, exit_survey_facts, learning

__all__ = [
    "CONTRACT_KEYS",
    "CampaignError",
    "CampaignResult",
    "Effect",
    "Learning",
    "campaign_members",
    "campaign_offers",
    "campaign_touches",
    "exit_survey_facts",
    "exit_survey_summary",
    "failures_by_period",
    "learning",
    "measure_campaign",
    "two_proportion_effect",
]
