"""What staff do, with known answers: worklists, the timeline, complaints and their targets,
overrides in the next run's comparison, the interface language."""

from __future__ import annotations

import re
import string
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.app.i18n import catalog
from keepwise.data.loader import load
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import ComplaintCase, Decision
from keepwise.store.permissions import Forbidden
from keepwise.store.services import casework, runs, users
from keepwise.store.services.base import Actor
from keepwise.text import LANGUAGES


def _rows(html: str) -> list[str]:
    return re.findall(r'class="customer-link" href="/customers/([^"]+)"', html)


def test_worklist_is_ordered_by_priority_then_money_and_paged(client_for, store, app):
    client, _ = client_for("agent")
    per_page = app.state.settings.app.page_size
    with store.sessions() as session:
        action = session.execute(sa.select(Decision.action, sa.func.count()).group_by(Decision.action)
                                 .order_by(sa.func.count().desc())).first()[0]
        expected = session.scalars(sa.select(Decision.customer_id).where(Decision.action == action)
                                   .order_by(Decision.priority, Decision.money_at_stake.desc(),
                                             Decision.customer_id)).all()
    shown = _rows(client.get(f"/worklists/{action}").text)
    assert shown == expected[:per_page]
    if len(expected) > per_page:
        assert _rows(client.get(f"/worklists/{action}?page=2").text) == expected[per_page:2 * per_page]


def test_a_worklists_money_is_written_alike_down_the_page(client_for, store):
    """A page's money at stake is in whole units when any of its figures is €1,000 or more, else in cents:
    "€1,234" above "€987.65" read as figures of two kinds."""
    client, _ = client_for("agent")
    with store.sessions() as session:
        actions = session.scalars(sa.select(Decision.action).distinct()).all()
    mixed_pages = 0
    for action in actions:
        html = client.get(f"/worklists/{action}").text
        cells = re.findall(r'<td class="num">([^<]*€[^<]*)</td>', html)
        amounts = [float(re.sub(r"[^0-9.\-]", "", cell)) for cell in cells]
        cents = {bool(re.search(r"\.[0-9]{2}$", cell)) for cell in cells}
        assert len(cents) <= 1, (action, cells)
        if cells:
            assert cents == {not any(abs(amount) >= 1000 for amount in amounts)}, (action, cells)
            mixed_pages += any(abs(a) >= 1000 for a in amounts) and any(abs(a) < 1000 for a in amounts)
    assert mixed_pages  # a page holding both kinds of figure was seen


def test_worklist_search_assign_filter_and_mark_handled(client_for, store, ids):
    client, token = client_for("agent")
    with store.sessions() as session:
        action = session.scalar(sa.select(Decision.action).where(Decision.customer_id == ids.customer_id))
    assert _rows(client.get(f"/worklists/{action}?q={ids.customer_id.lower()}").text) == [ids.customer_id]
    assert _rows(client.get(f"/worklists/{action}?assigned=me").text) == []
    client.post(f"/customers/{ids.customer_id}/assign", data={"user_id": "me", "csrf_token": token})
    assert _rows(client.get(f"/worklists/{action}?assigned=me").text) == [ids.customer_id]
    client.post(f"/customers/{ids.customer_id}/handled", data={"handled": "1", "csrf_token": token})
    assert ids.customer_id not in _rows(client.get(f"/worklists/{action}").text)
    assert _rows(client.get(f"/worklists/{action}?status=handled").text) == [ids.customer_id]


def test_unknown_worklist_and_bad_filters_are_clear_errors(client_for):
    client, _ = client_for("agent")
    assert client.get("/worklists/befriend").status_code == 404
    response = client.get("/worklists/retain?status=sideways")
    assert response.status_code == 400 and "status must be one of" in response.text


def test_timeline_is_newest_first_filterable_and_in_the_users_language(client_for, store, ids, app, token_for):
    client, token = client_for("agent")
    api = TestClient(app, headers={"Authorization": f"Bearer {token_for('agent')}"})
    page = api.get(f"/api/customers/{ids.customer_id}/timeline?per_page=200").json()
    moments = [item["at"] for item in page["items"]]
    assert moments == sorted(moments, reverse=True) and page["total"] >= len(moments) > 3
    invoices = api.get(f"/api/customers/{ids.customer_id}/timeline?category=invoices").json()["items"]
    assert invoices and all(i["category"] == "invoices" and i["text"].startswith("Invoice ") for i in invoices)
    client.post("/me/language", data={"language": "ru", "csrf_token": token})
    html = client.get(f"/customers/{ids.customer_id}?category=invoices").text
    assert "Счёт " in html and 'lang="ru"' in html


def test_an_open_question_is_listed_as_an_open_ticket_not_a_complaint(client_for, ids):
    """Any kind of ticket logged through the customer's page is listed among its open tickets; Russian's status
    agrees with "обращение" (a ticket of any kind), not with "жалоба" (a complaint) alone. The form that logs a
    question or a praise is headed as a ticket, not "Log complaint"."""
    client, token = client_for("agent")
    response = client.post(f"/customers/{ids.customer_id}/complaints", follow_redirects=False,
                           data={"channel": "email", "severity": "normal", "kind": "question", "subject": "when",
                                 "description": "when does it ship?", "csrf_token": token})
    assert response.status_code in (200, 303), response.text
    for lang, heading, line, form in (("en", "Open tickets", "Question · normal · open", "Log a ticket"),
                                      ("ru", "Открытые обращения", "Вопрос · обычная · открыто",
                                       "Зарегистрировать обращение"),
                                      ("fa", "موارد باز", "پرسش", "ثبت مورد")):
        client.post("/me/language", data={"language": lang, "csrf_token": token})
        page = client.get(f"/customers/{ids.customer_id}").text
        assert f"<h2>{heading}</h2>" in page and line in page, lang
        assert f"<h2>{form}</h2>" in page and f'id="complaint-button">{form}</button>' in page, lang


def test_a_complaint_logged_in_the_app_is_a_contract_ticket_with_its_targets(client_for, store, ids, app):
    client, token = client_for("agent")
    before = load(store.source).row_count("tickets")
    client.post(f"/customers/{ids.customer_id}/complaints",
                data={"channel": "phone", "severity": "urgent", "kind": "complaint", "subject": "broken",
                      "description": "Arrived broken, second time", "csrf_token": token})
    timeline = client.get(f"/customers/{ids.customer_id}?category=tickets").text
    assert "Arrived broken" not in timeline and "broken" in timeline  # the subject is on the timeline
    with store.sessions() as session:
        case = session.scalars(sa.select(ComplaintCase).where(ComplaintCase.description == "Arrived broken, second time")).one()
        targets = app.state.settings.service_targets
        opened = session.execute(sa.select(CONTRACT_TABLES["tickets"].c.opened_at)
                                 .where(CONTRACT_TABLES["tickets"].c.ticket_id == case.ticket_id)).scalar_one()
        assert case.response_due - opened == timedelta(hours=targets.response_hours["urgent"])
        assert case.resolution_due - opened == timedelta(hours=targets.resolution_hours["urgent"])
    # The store, read as a data source, holds the new ticket: the next assessment sees it.
    assert load(store.source).row_count("tickets") == before + 1


def test_overdue_complaints_and_a_late_close_lands_as_a_breach_in_tickets(client_for, store, ids):
    client, token = client_for("agent")
    tickets = CONTRACT_TABLES["tickets"]
    with store.sessions() as session:  # the fixture's complaint was opened long ago: past both targets
        session.execute(tickets.update().where(tickets.c.ticket_id == ids.ticket_id)
                        .values(opened_at=sa.func.datetime("now", "-30 days")))
        case = session.get(ComplaintCase, ids.ticket_id)
        case.response_due = case.response_due - timedelta(days=30)
        case.resolution_due = case.resolution_due - timedelta(days=30)
        session.commit()
    overdue = client.get("/complaints?overdue=1").text
    assert ids.ticket_id in overdue and "overdue" in overdue
    assert re.search(r'id="overdue-count">\s*1\s*<', client.get("/").text)
    # Closing a complaint asks whether it was substantiated.
    refused = client.post(f"/complaints/{ids.ticket_id}/close", data={"csrf_token": token})
    assert refused.status_code == 400 and "substantiated" in refused.text
    client.post(f"/complaints/{ids.ticket_id}/close", data={"substantiated": "yes", "minutes": "20",
                                                           "csrf_token": token})
    assert ids.ticket_id not in client.get("/complaints?overdue=1").text
    row = load(store.source).table("tickets").execute().set_index("ticket_id").loc[ids.ticket_id]
    assert bool(row["substantiated"]) and row["handle_minutes"] == 20
    assert (row["closed_at"] - row["opened_at"]).days >= 30  # resolved after its target: a breach in the data


def test_an_override_is_audited_and_shown_in_the_next_runs_comparison(client_for, store, ids):
    client, token = client_for("manager")
    response = client.post(f"/customers/{ids.customer_id}/decision",
                           data={"kind": "override", "action": ids.override_action, "reason": "long-standing partner",
                                 "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert "long-standing partner" in client.get(f"/customers/{ids.customer_id}").text
    audit = client.get("/audit").text
    assert "Action overridden" in audit and "long-standing partner" in audit
    # The next run: the same decisions but this customer's action changed.
    with store.sessions() as session:
        first = runs.latest_run(session)
        decisions = session.scalars(sa.select(Decision).where(Decision.run_id == first.id)).all()
        second = runs.Run(created_at=first.created_at, as_of=first.as_of, source="next", customers=first.customers,
                          currency=first.currency, summary=first.summary)
        session.add(second)
        session.flush()
        for d in decisions:
            action = ids.override_action if d.customer_id == ids.customer_id else d.action
            session.add(Decision(run_id=second.id, customer_id=d.customer_id, action=action, priority=d.priority,
                                 flags=d.flags, money_at_stake=d.money_at_stake, reasons="a new reason" if
                                 d.customer_id == ids.customer_id else d.reasons, evidence="{}"))
        session.commit()
        changes, total = runs.compare_runs(session, first.id, second.id)
    assert total == 1 and changes[0].customer_id == ids.customer_id
    assert changes[0].action_after == ids.override_action and changes[0].reasons_after == "a new reason"
    assert changes[0].staff_decision.reason == "long-standing partner"
    page = client.get("/runs").text
    assert "long-standing partner" in page and "a new reason" in page


@pytest.mark.parametrize(("path", "field", "data"), [
    ("decision", "action", {"kind": "override", "reason": "x"}),
    ("incidents", "kind", {"note": "x"}),
    ("exit-survey", "reason", {}),
    ("touches", "kind", {"channel": "email"}),
])
def test_forms_whose_choice_weighs_preselect_none(client_for, ids, path, field, data):
    """The override's actions started on "offboard", an incident's kinds on "abuse of staff", an exit survey's
    reasons on "price", a touch's kinds on the first: a form sent without a choice let a customer go, put a red
    flag on them, or skewed why customers leave. Nothing is chosen until staff choose (the browser asks: required);
    a post without a choice is refused, naming the field, and records nothing."""
    client, token = client_for("manager")
    page = client.get(f"/customers/{ids.customer_id}").text
    forms = re.findall(rf'<form method="post" action="/customers/{ids.customer_id}/{path}".*?</form>', page, re.S)
    [select] = [found for form in forms if (found := re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', form,
                                                                re.S))]
    assert " required" in select.group(0)
    options = re.findall(r"<option ([^>]*)>", select.group(1))
    assert options[0] == 'value="" disabled selected' and not any("selected" in o for o in options[1:])
    timeline = client.get(f"/customers/{ids.customer_id}?category=all").text
    refused = client.post(f"/customers/{ids.customer_id}/{path}", data={**data, field: "", "csrf_token": token})
    assert refused.status_code == 400 and field in refused.text
    assert client.get(f"/customers/{ids.customer_id}?category=all").text == timeline


def test_an_agent_cannot_override_but_can_accept(client_for, ids):
    client, token = client_for("agent")
    refused = client.post(f"/customers/{ids.customer_id}/decision",
                          data={"kind": "override", "action": ids.override_action, "reason": "x", "csrf_token": token})
    assert refused.status_code == 403
    accepted = client.post(f"/customers/{ids.customer_id}/decision", data={"kind": "accept", "csrf_token": token},
                           follow_redirects=False)
    assert accepted.status_code == 303


def test_persian_pages_are_right_to_left_and_translated(client_for, ids):
    client, token = client_for("agent")
    client.post("/me/language", data={"language": "fa", "csrf_token": token})
    html = client.get(f"/customers/{ids.customer_id}").text
    assert 'dir="rtl"' in html and 'lang="fa"' in html and "گاه‌شمار" in html


def test_every_language_has_every_key_with_the_same_fields():
    fields = {}
    for lang in LANGUAGES:
        messages = catalog(lang)
        assert set(messages) == set(catalog("en")), lang
        for key, text in messages.items():
            # (a ``{word@count}`` is a word in its language's form, not a value: see keepwise.text.plural)
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f and "@" not in f}
            fields.setdefault(key, names)
            assert names == fields[key], (lang, key)


def test_a_deactivated_user_cannot_log_in_and_their_session_ends(client_for, store):
    agent, _ = client_for("agent")
    admin, token = client_for("admin")
    with store.sessions() as session:
        agent_id = users.user_by_name(session, "agent").id
    admin.post(f"/users/{agent_id}/active", data={"active": "0", "csrf_token": token})
    assert agent.get("/", follow_redirects=False).status_code == 303


def test_services_refuse_what_the_role_does_not_allow(store, ids):
    with store.sessions() as session, pytest.raises(Forbidden):
        casework.confirm_incident(session, Actor(1, "agent", "agent"), ids.incident_id)


def test_a_manager_confirms_an_incident_from_the_timeline_only_under_its_customer(client_for, ids):
    client, token = client_for("manager")
    page = client.get(f"/customers/{ids.customer_id}?category=incidents").text
    assert f'action="/incidents/{ids.incident_id}/confirm"' in page
    wrong = client.post(f"/incidents/{ids.incident_id}/confirm",
                        data={"customer_id": ids.other_customer_id, "csrf_token": token})
    assert wrong.status_code == 404  # an id reached through another customer's page is not found
    client.post(f"/incidents/{ids.incident_id}/confirm", data={"customer_id": ids.customer_id, "csrf_token": token})
    page = client.get(f"/customers/{ids.customer_id}?category=incidents").text
    assert f"Incident {ids.incident_id} (confirmed)" in page


def test_open_complaints_of_the_same_moment_are_listed_by_ticket_id(client_for, store, ids, monkeypatch):
    """Complaints opened at one moment (as imported tickets with dates alone are) are listed newest first, then by
    ticket id from the last, whatever order the database holds them in."""
    from datetime import datetime

    made = iter(["T-SAME-1", "T-SAME-3", "T-SAME-2"])
    monkeypatch.setattr(casework, "now", lambda: datetime(2026, 1, 5, 9, 0))
    monkeypatch.setattr(casework, "new_id", lambda prefix: next(made))
    client, token = client_for("agent")
    for subject in ("one", "three", "two"):
        response = client.post(f"/customers/{ids.customer_id}/complaints", follow_redirects=False,
                               data={"channel": "phone", "severity": "normal", "kind": "complaint", "subject": subject,
                                     "description": f"complaint {subject}", "csrf_token": token})
        assert response.status_code in (200, 303), response.text
    page = client.get(f"/customers/{ids.customer_id}").text
    listed = re.findall(r'href="/complaints/(T-SAME-\d)"', page)
    assert listed == ["T-SAME-3", "T-SAME-2", "T-SAME-1"]
