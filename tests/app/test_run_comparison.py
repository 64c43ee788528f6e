"""The run comparison shows each customer's reasons in the reader's language, phrased from the reason
facts the runs keep (evidence JSON); a run kept without facts shows its stored text."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.store.models import Decision
from keepwise.store.services import runs
from keepwise.text.phrase import phrase_all


def _next_run(store, customer_id: str, action: str, keep_facts: bool) -> tuple[int, int, list]:
    """A second run equal to the first but for ``customer_id``'s action; its facts kept or dropped."""
    with store.sessions() as session:
        first = runs.latest_run(session)
        decisions = session.scalars(sa.select(Decision).where(Decision.run_id == first.id)).all()
        second = runs.Run(created_at=first.created_at, as_of=first.as_of, source="next", customers=first.customers,
                          currency=first.currency, summary=first.summary)
        session.add(second)
        session.flush()
        for d in decisions:
            session.add(Decision(run_id=second.id, customer_id=d.customer_id, priority=d.priority, flags=d.flags,
                                 action=action if d.customer_id == customer_id else d.action,
                                 money_at_stake=d.money_at_stake, reasons=d.reasons,
                                 evidence=d.evidence if keep_facts else "{}"))
        facts = json.loads(next(d for d in decisions if d.customer_id == customer_id).evidence)["reasons"]
        session.commit()
        return first.id, second.id, facts


@pytest.mark.parametrize("lang", ["ru", "fa"])
def test_reasons_before_and_after_are_phrased_in_the_readers_language(client_for, store, ids, lang):
    before, after, facts = _next_run(store, ids.customer_id, ids.override_action, keep_facts=True)
    assert facts, "the run keeps reason facts"
    expected = phrase_all([(code, values) for code, values in facts], lang, "EUR")
    english = phrase_all([(code, values) for code, values in facts], "en", "EUR")
    assert expected != english
    client, csrf = client_for("agent")
    client.post("/me/language", data={"language": lang, "csrf_token": csrf})
    page = client.get(f"/runs?before={before}&after={after}").text
    for reason in expected:
        assert reason.replace("'", "&#39;") in page
    assert english[0].replace("'", "&#39;") not in page


def test_the_api_phrases_the_comparison_in_the_token_users_language(client_for, token_for, app, store, ids):
    before, after, facts = _next_run(store, ids.customer_id, ids.override_action, keep_facts=True)
    client, csrf = client_for("agent")
    client.post("/me/language", data={"language": "ru", "csrf_token": csrf})
    response = TestClient(app).get(f"/api/runs/{before}/changes/{after}",
                                   headers={"Authorization": f"Bearer {token_for('agent')}"})
    change = response.json()["items"][0]
    expected = phrase_all([(code, values) for code, values in facts], "ru", "EUR")
    assert change["customer_id"] == ids.customer_id
    assert change["reasons_before"] == expected == change["reasons_after"]


def test_a_run_kept_without_reason_facts_shows_its_stored_reasons(client_for, store, ids):
    before, after, _ = _next_run(store, ids.customer_id, ids.override_action, keep_facts=False)
    with store.sessions() as session:
        stored = session.scalar(sa.select(Decision.reasons).where(Decision.run_id == after,
                                                                  Decision.customer_id == ids.customer_id))
    client, csrf = client_for("agent")
    # In Russian: the run with facts shows Russian, so the English can only be the fallback's stored text.
    client.post("/me/language", data={"language": "ru", "csrf_token": csrf})
    page = client.get(f"/runs?before={before}&after={after}").text
    for reason in (r.strip() for r in stored.split(";") if r.strip()):
        assert reason.replace("'", "&#39;") in page
