"""Campaign results and exit-survey findings in the reader's language (through ``keepwise.text``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from keepwise.campaigns.measure import CampaignResult
from keepwise.text import Translator


def built_lines(offers: pd.DataFrame, touches: pd.DataFrame, campaign_id: str, sent_on: date, written_to: str,
                contact_cost: float, t: Translator) -> list[str]:
    """What ``campaign-build`` made: its members, and what the offers and the contacts cost. The cost is the
    touches' (``campaign_touches``: each contacted one its offer and ``contact_cost``), which ``campaign``
    weighs against the margin the campaign brings back."""
    contacted = offers.loc[~offers["control"], "offer"]
    lines = [t("campaign.built", campaign=campaign_id, day=t.date(sent_on), members=len(offers),
               contacted=t.number(len(contacted)), held=t.number(int(offers["control"].sum())), out=written_to)]
    if len(contacted):
        lines.append(t("campaign.offers", median=t.money(contacted.median()), total=t.money(contacted.sum()),
                       contact=t.money(contact_cost), cost=t.money(touches["cost"].sum())))
    return lines


def campaign_lines(result: CampaignResult, t: Translator) -> list[str]:
    e = result.effect
    lines = [
        t("campaign.title", campaign=result.campaign_id),
        t("campaign.members", contacted=t.number(e.contacted), control=t.number(e.control)),
        t("campaign.rates", days=t.number(result.window_days), contacted_rate=t.percent(e.contacted_rate, 1),
          control_rate=t.percent(e.control_rate, 1)),
    ]
    if not result.windows_complete:  # the members contacted last may still come back: said before the figures
        lines.append(t("campaign.incomplete", closes=t.date(result.window_closes_on), as_of=t.date(result.as_of)))
    lines += [
        t("campaign.uplift", uplift=t.points(e.uplift), low=t.points(e.ci_low), high=t.points(e.ci_high),
          p=t.number(e.p_value, 3)),
        t("campaign.money", revenue=t.money(result.extra_revenue), margin=t.money(result.extra_margin),
          cost=t.money(result.cost), net=t.money(result.net_margin)),
    ]
    churn = result.churn
    if churn.get("available") and churn.get("before") is not None and churn.get("after") is not None:
        lines.append(t("campaign.churn", before=t.percent(churn["before"], 1), after=t.percent(churn["after"], 1),
                       before_period=t.period(churn["before_period"], churn["period"]),
                       after_period=t.period(churn["after_period"], churn["period"])))
    else:
        lines.append(t("campaign.churn_missing"))
    return lines


def exit_findings(summary: dict[str, Any], t: Translator) -> list[str]:
    """One sentence per finding, naming its period and how many answered then: "Q2 2024 (10 answers): 50% cite
    delivery; late deliveries doubled in the same quarter (3 to 7)"."""
    period_word = t.period_name(summary["period"])
    lines = [
        t("exit.finding", when=t.period(f["period"], summary["period"]), answers=t.number(f["answers"]),
          share=t.percent(f["share"]), reason=t(f"exit.reason.{f['reason']}"),
          failure=t(f"exit.failure.{f['failure']}"), change=t(f"exit.change.{f['change']}"), period=period_word,
          before=t.number(f["before"]), after=t.number(f["after"]))
        for f in summary.get("findings", [])
    ]
    claims = summary.get("claims")
    if claims and claims["claimed"]:
        lines.append(t("exit.claims", claimed=claims["claimed"], borne_out=claims["borne_out"],
                       days=claims["window_days"]))
    return lines
