"""The customer page and worklists in the reader's language: reasons phrased from the stored facts,
the loyalty tier, make-profitable proposals; goodwill caps on complaint refunds."""

from __future__ import annotations

import html as htmlmod
import json
import re

import pytest
import sqlalchemy as sa

from keepwise.store.models import Decision
from keepwise.text.phrase import phrase_all


def _set_language(client, token, lang):
    client.post("/me/language", data={"language": lang, "csrf_token": token})


def _decision(store, customer_id):
    with store.sessions() as session:
        return session.scalar(sa.select(Decision).where(Decision.customer_id == customer_id))


def _listed(html: str, element_id: str) -> list[str]:
    block = re.search(rf'id="{element_id}"[^>]*>(.*?)</ul>', html, re.S)
    assert block, element_id
    return [htmlmod.unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


@pytest.mark.parametrize("lang", ["en", "fa", "ru"])
def test_reasons_are_phrased_in_the_readers_language_from_the_stored_facts(client_for, store, ids, app, lang):
    decision = _decision(store, ids.customer_id)
    facts = json.loads(decision.evidence)["reasons"]
    assert facts, "the sample customer has reason facts"
    expected = phrase_all(facts, lang, app.state.settings.general.currency)
    client, token = client_for("agent")
    _set_language(client, token, lang)
    page = client.get(f"/customers/{ids.customer_id}").text
    assert _listed(page, "reasons") == expected
    worklist = client.get(f"/worklists/{decision.action}?status=all&q={ids.customer_id}").text
    assert htmlmod.escape(expected[0], quote=False) in worklist
    if lang != "en":
        english = phrase_all(facts, "en", app.state.settings.general.currency)
        assert english[0] != expected[0] and htmlmod.escape(english[0], quote=False) not in page


def test_reasons_fall_back_to_the_stored_text_without_evidence(client_for, store, ids):
    with store.sessions() as session:
        session.execute(sa.update(Decision).where(Decision.customer_id == ids.customer_id)
                        .values(evidence="{}", reasons="first stored; second stored"))
        session.commit()
    client, token = client_for("agent")
    _set_language(client, token, "fa")
    assert _listed(client.get(f"/customers/{ids.customer_id}").text, "reasons") == ["first stored", "second stored"]


def test_the_loyalty_tier_is_kept_with_the_run_and_shown_in_the_readers_language(client_for, store, app):
    from keepwise.app.i18n import catalog

    with store.sessions() as session:
        tiers = dict(session.execute(sa.select(Decision.customer_id, Decision.tier)).all())
    assert {t for t in tiers.values()} - {""}, "the sample has customers with a tier"
    gold_or_other = next(c for c, t in tiers.items() if t)
    none = next((c for c, t in tiers.items() if not t), None)
    client, token = client_for("agent")
    for lang in ("en", "fa", "ru"):
        _set_language(client, token, lang)
        page = client.get(f"/customers/{gold_or_other}").text
        shown = htmlmod.unescape(re.search(r'id="tier">(.*?)</dd>', page).group(1))
        assert shown == catalog(lang)[f"tier.{tiers[gold_or_other]}"]
        if none is not None:
            page = client.get(f"/customers/{none}").text
            assert htmlmod.unescape(re.search(r'id="tier">(.*?)</dd>', page).group(1)) == catalog(lang)["tier.none"]


def test_make_profitable_proposals_are_kept_with_the_run_and_shown_with_their_yearly_effect(client_for, store, app):
    from keepwise.app.i18n import AppText, catalog

    with store.sessions() as session:
        stored = session.execute(sa.select(Decision.customer_id, Decision.action, Decision.proposals)).all()
    with_proposals = [(c, a, json.loads(p)) for c, a, p in stored if json.loads(p)]
    assert with_proposals, "the sample has customers with proposals"
    profitable = next(((c, p) for c, a, p in with_proposals if a == "make_profitable"), None)
    other = next(((c, p) for c, a, p in with_proposals if a != "make_profitable"), None)
    settings = app.state.settings
    client, token = client_for("agent")
    for lang in ("en", "fa", "ru"):
        _set_language(client, token, lang)
        t = AppText(lang, settings.general.currency, settings.general.locale)
        for customer_id, proposals in filter(None, (profitable, other)):
            query = "" if customer_id == (profitable or ("",))[0] else "?proposals=all"
            if query:  # not make_profitable: a link, and the proposals only on request
                assert 'id="show-proposals"' in client.get(f"/customers/{customer_id}").text
            shown = _listed(client.get(f"/customers/{customer_id}{query}").text, "proposals")
            assert len(shown) == len(proposals)
            for line, p in zip(shown, proposals, strict=True):
                assert line.startswith(catalog(lang)[f"proposal.{p['proposal']}"])
                assert t("proposal.effect", amount=t.money(p["yearly_profit_effect"])) in line


def _audit_actions(store, ticket_id):
    from keepwise.store.models import AuditEntry

    with store.sessions() as session:
        return session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == ticket_id)
                               .order_by(AuditEntry.id)).all()


def _case(store, ticket_id):
    from keepwise.store.models import ComplaintCase

    with store.sessions() as session:
        case = session.get(ComplaintCase, ticket_id)
        return case.status, case.refund_amount


def test_a_refund_above_the_agents_cap_or_negative_is_refused_audited_and_changes_nothing(client_for, store, ids, app):
    caps = app.state.settings.goodwill
    client, token = client_for("agent")
    for amount in (caps.cap_agent + 10, -5):
        refused = client.post(f"/complaints/{ids.ticket_id}/close", follow_redirects=False,
                              data={"substantiated": "yes", "refund": str(amount), "csrf_token": token})
        assert refused.status_code == 400
        assert ("cap" in refused.text) if amount > 0 else ("negative" in refused.text)
        assert _case(store, ids.ticket_id) == ("open", None)
    assert _audit_actions(store, ids.ticket_id).count("complaint.refund_refused") == 2
    assert "complaint.close" not in _audit_actions(store, ids.ticket_id)


def test_a_manager_approves_the_refund_the_agent_could_not_give(client_for, store, ids, app):
    caps = app.state.settings.goodwill
    amount = caps.cap_agent + 10
    assert amount <= caps.cap_manager
    client, token = client_for("manager")
    closed = client.post(f"/complaints/{ids.ticket_id}/close", follow_redirects=False,
                         data={"substantiated": "yes", "refund": str(amount), "csrf_token": token})
    assert closed.status_code == 303
    assert _case(store, ids.ticket_id) == ("closed", amount)
    assert "refund-amount" in client.get(f"/complaints/{ids.ticket_id}").text


def test_an_agent_refund_within_the_cap_closes_the_complaint(client_for, store, ids, app):
    amount = app.state.settings.goodwill.cap_agent
    client, token = client_for("agent")
    closed = client.post(f"/complaints/{ids.ticket_id}/close", follow_redirects=False,
                         data={"substantiated": "no", "refund": str(amount), "csrf_token": token})
    assert closed.status_code == 303
    assert _case(store, ids.ticket_id) == ("closed", amount)


def test_persian_pages_write_moments_in_the_solar_hijri_calendar_with_persian_digits(client_for):
    client, token = client_for("agent")
    english = client.get("/complaints").text
    _set_language(client, token, "fa")
    persian = client.get("/complaints").text
    cells = re.findall(r"<td>([^<]*)</td>", persian)
    moments = [cell for cell in cells if re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", cell)]
    # the same complaints, each moment as in the English page (a Gregorian year 20xx) but Solar Hijri (14xx)
    assert moments and len(moments) == len(re.findall(r"<td>[A-Z][a-z]{2} \d{1,2}, 20\d\d,", english))
    assert all(moment.startswith("۱۴") for moment in moments)


def test_persian_pages_write_page_and_run_numbers_in_persian_digits(client_for, ids):
    """A number the page puts into a sentence as it is (the page of the timeline, a run's number) is written
    in the reader's digits: the Persian pager read "صفحه 1 از 1"."""
    client, token = client_for("manager")
    english = client.get(f"/customers/{ids.customer_id}").text
    pager = re.search(r'<nav class="pager">.*?<span>([^<]*)</span>', english, re.S).group(1)
    assert re.fullmatch(r"Page 1 of \d+", pager)
    english_run = re.search(r"Run (\d+): as of", client.get("/runs").text).group(1)
    _set_language(client, token, "fa")
    persian = client.get(f"/customers/{ids.customer_id}").text
    pager = re.search(r'<nav class="pager">.*?<span>([^<]*)</span>', persian, re.S).group(1)
    assert re.fullmatch(r"صفحه ۱ از [۰-۹]+", pager)
    runs = client.get("/runs").text
    assert f"ارزیابی {english_run.translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}:" in runs
    assert not re.search(r"ارزیابی [0-9]", runs)
