"""The report's "What keeping in touch achieved" section: campaigns measured against their held-back
groups, and why customers said they left set against the business's own failures.

Rendered from the ``Learning`` the pipeline passes (``keepwise.campaigns.learning``); figures are
phrased through the ``Translator`` and laid out by the generic blocks of ``templates/blocks.html``.
"""

from __future__ import annotations

from keepwise.campaigns import Learning
from keepwise.campaigns.wording import exit_findings
from keepwise.data.schema import EXIT_REASONS
from keepwise.report.sections import Section, findings, heading, note, table, takeaway, unavailable
from keepwise.text.translator import Translator

SECTION_ID = "campaigns"


def _campaign_rows(learning: Learning, t: Translator) -> list[list[str]]:
    rows = []
    for result in learning.campaigns:
        e = result.effect
        rows.append([
            result.campaign_id, t.date(result.started_on), t.number(e.contacted), t.number(e.control),
            t.percent(e.contacted_rate, 1), t.percent(e.control_rate, 1),
            t("campaigns.interval", uplift=t.points(e.uplift), low=t.points(e.ci_low), high=t.points(e.ci_high)),
            t.number(e.p_value, 3), t.money(result.net_margin),
        ])
    return rows


def _churn_notes(learning: Learning, t: Translator) -> list[str]:
    lines = []
    for result in learning.campaigns:
        churn = result.churn
        if churn.get("available") and churn.get("before") is not None and churn.get("after") is not None:
            lines.append(t("campaigns.churn_line", campaign=result.campaign_id,
                           before=t.percent(churn["before"], 1), after=t.percent(churn["after"], 1),
                           before_period=t.period(churn["before_period"], churn["period"]),
                           after_period=t.period(churn["after_period"], churn["period"])))
    return lines


def _reason_shares(summary: dict, t: Translator) -> list[list[str]]:
    totals = {reason: 0 for reason in EXIT_REASONS}
    for row in summary["by_period"]:
        for reason, count in row["reasons"].items():
            totals[reason] += count
    answers = max(summary["answers"], 1)
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [[t(f"exit.reason.{reason}"), t.number(count), t.percent(count / answers)] for reason, count in ranked
            if count]


def learning_section(learning: Learning, t: Translator) -> Section:
    blocks = []
    if learning.campaigns:
        best = max(learning.campaigns, key=lambda r: r.effect.ci_low)
        if best.effect.ci_low > 0:
            # It brought customers back; whether that paid is its net margin's sign.
            worked = "campaigns.takeaway_worked" if best.net_margin >= 0 else "campaigns.takeaway_worked_at_a_loss"
            blocks.append(takeaway(t(worked, campaign=best.campaign_id, uplift=t.points(best.effect.uplift),
                                     net=t.money(best.net_margin))))
        else:
            blocks.append(takeaway(t("campaigns.takeaway_none")))
        blocks.append(table(
            [t("campaigns.col.campaign"), t("campaigns.col.sent"), t("campaigns.col.contacted"),
             t("campaigns.col.control"), t("campaigns.col.contacted_rate"), t("campaigns.col.control_rate"),
             t("campaigns.col.uplift"), t("campaigns.col.p"), t("campaigns.col.net")],
            _campaign_rows(learning, t), numeric={2, 3, 4, 5, 7, 8}))
        churn = _churn_notes(learning, t)
        if churn:
            blocks.append(note(t("campaigns.weaker")))
            blocks.append(findings(churn))
    else:
        blocks.append(unavailable(t("campaigns.none")))
    for campaign_id, why in learning.not_measured.items():
        blocks.append(note(t("campaigns.not_measured", campaign=campaign_id, why=why)))
    blocks.append(heading(t("exit.heading")))
    surveys = learning.exit_surveys
    if not surveys or not surveys["answers"]:
        blocks.append(unavailable(t("exit.none")))
    else:
        lines = exit_findings(surveys, t)
        if lines:
            blocks.append(findings(lines))
        blocks.append(table([t("exit.col.reason"), t("exit.col.answers"), t("exit.col.share")],
                            _reason_shares(surveys, t), numeric={1, 2}))
    return Section(SECTION_ID, t("section.campaigns"), t("intro.campaigns"), blocks)
