"""Acting on the assessment for the customers to let go or to make profitable.

- ``letter``: the facts of the five-step offboarding letter, from the customer's own records;
  ``render``: the letter in en, fa or ru, Markdown or HTML (Jinja2 templates in ``templates/``);
- ``goodwill``: a gesture computed from the records, within the drafting role's cap;
- ``proposals``: make-profitable proposals with their yearly effect, and the portfolio what-if;
- ``policies``: what each generous policy costs, who consumes it, and what tightening it would do;
- ``window``: each customer's economics over the trailing window, which the last two read;
- ``wording``: the what-if and the policy review in words, for the report and the terminal alike;
- ``records``: one customer's own records.
"""

from keepwise.offboard.goodwill import ROLES, Goodwill, GoodwillRefused, authorise, goodwill_for
from keepwise.offboard.letter import LetterFacts, letter_facts
from keepwise.offboard.policies import POLICIES, PolicyReview, policy_review
from keepwise.offboard.proposals import PortfolioWhatIf, portfolio_what_if, proposals
from keepwise.offboard.records import UnknownCustomer, customer_exists, customer_records
from keepwise.offboard.render import FORMATS, Letter, render_letter

__all__ = [
    "FORMATS",
    "POLICIES",
    "ROLES",
    "Goodwill",
    "GoodwillRefused",
    "Letter",
    "LetterFacts",
    "PolicyReview",
    "PortfolioWhatIf",
    "UnknownCustomer",
    "authorise",
    "customer_exists",
    "customer_records",
    "goodwill_for",
    "letter_facts",
    "policy_review",
    "portfolio_what_if",
    "proposals",
    "render_letter",
]
