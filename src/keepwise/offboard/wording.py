"""The portfolio what-if and the policy review in words: the labels and figures of their tables, from the
catalogs (keepwise.text.locales) in the translator's language, for the report and the terminal alike."""

from __future__ import annotations

from collections.abc import Sequence

from keepwise.config import Settings
from keepwise.offboard.policies import PolicyReview
from keepwise.offboard.proposals import PortfolioWhatIf
from keepwise.text.translator import Translator


def signed_money(t: Translator, amount: float, whole: bool | None = None) -> str:
    """An amount with its sign, plus included: a change."""
    return t.plus_sign(amount) + t.money(amount, whole)


def what_if_rows(w: PortfolioWhatIf, t: Translator) -> list[list[str]]:
    """Yearly profit today, each group of actions' effect, and the profit after them: (label, figure) rows."""
    whole = t.wholes_in((w.profit_today, w.offboard_effect, w.make_profitable_effect, w.deprioritize_effect,
                         w.profit_after))
    return [
        [t("whatif.today"), t.money(w.profit_today, whole)],
        [t("whatif.offboard", n=t.number(w.n_offboard)), signed_money(t, w.offboard_effect, whole)],
        [t("whatif.make_profitable", n=t.number(w.n_make_profitable)),
         signed_money(t, w.make_profitable_effect, whole)],
        [t("whatif.deprioritize", n=t.number(w.n_deprioritize)), signed_money(t, w.deprioritize_effect, whole)],
        [t("whatif.after"), t.money(w.profit_after, whole)],
    ]


def what_if_takeaway(w: PortfolioWhatIf, t: Translator) -> str:
    return t("takeaway.what_if", today=t.money(w.profit_today), after=t.money(w.profit_after),
             change=signed_money(t, w.change))


# The figures of the policy review's table (``policy_rows``): its right-aligned columns.
POLICY_FIGURE_COLUMNS = frozenset({1, 2, 5})


def policy_headers(t: Translator) -> list[str]:
    return [t("col.policy"), t("col.yearly_cost"), t("col.users"), t("col.top_shares"), t("col.tightening"),
            t("col.profit_effect"), t("col.touched")]


def _tightening(review: PolicyReview, settings: Settings, t: Translator) -> str:
    policy = settings.policies
    values = {
        "restocking_fee": {"n": t.number(policy.restocking_free_returns)},
        "discount_cap": {"share": t.percent(policy.max_discount_share)},
        "change_request_fee": {"fee": t.money(policy.change_request_fee)},
        "prepayment": {"n": t.number(policy.prepayment_after_late_invoices)},
    }[review.tightening]
    return t(f"tightening.{review.tightening}", **values)


def policy_rows(reviews: Sequence[PolicyReview], settings: Settings, t: Translator) -> list[list[str]]:
    """One row per policy under ``policy_headers``: its cost, users, the top users' shares, the tightened rule
    with the settings' figures, its yearly effect and the customers it would touch by their action. Each
    column of money is written alike (``Translator.wholes_in``)."""
    whole_cost = t.wholes_in(r.yearly_cost for r in reviews)
    whole_effect = t.wholes_in(r.profit_effect for r in reviews)
    return [
        [
            t(f"policy.{r.policy}"),
            t.money(r.yearly_cost, whole_cost),
            t.number(r.users),
            " / ".join(t.percent(share) for share in r.top_shares.values()),
            _tightening(r, settings, t),
            signed_money(t, r.profit_effect, whole_effect),
            t("list_separator").join(f"{t(f'action.{action}')} {t.number(count)}"
                                     for action, count in r.touched_by_action.items()),
        ]
        for r in reviews
    ]
