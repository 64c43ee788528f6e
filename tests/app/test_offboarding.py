"""Offboarding cases through HTTP: every step by the roles allowed, refused otherwise; goodwill above an
agent's cap refused and logged, a manager approving it; the outbox and a local SMTP sink; a case moves
only along its workflow; a closed case stops marketing; every step audited and on the timeline."""

from __future__ import annotations

import re
import socket
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.app import create_app
from keepwise.config import load_settings
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import AuditEntry
from keepwise.store.offboarding_models import OffboardingCase, OutboxMessage
from webkit import csrf_of, log_in


def post(client: TestClient, token: str, url: str, **data):
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def case_of(store, case_id: int) -> OffboardingCase:
    with store.sessions() as session:
        return session.get(OffboardingCase, case_id)


def audit_actions(store, case_id: int) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "offboarding_case",
                                                                      AuditEntry.object_id == str(case_id))
                                    .order_by(AuditEntry.id)))


def customer_row(store, customer_id: str) -> dict:
    customers = CONTRACT_TABLES["customers"]
    with store.sessions() as session:
        return dict(session.execute(sa.select(customers).where(customers.c.customer_id == customer_id)).one()._mapping)


def with_email(store, customer_id: str) -> None:
    customers = CONTRACT_TABLES["customers"]
    with store.sessions() as session:
        session.execute(customers.update().where(customers.c.customer_id == customer_id)
                        .values(email="letgo@example.com", marketing_opt_in=True))
        session.commit()


def propose(client, token, customer_id: str) -> int:
    response = post(client, token, f"/customers/{customer_id}/offboarding", reason="several documented problems")
    assert response.status_code == 303, response.text[:300]
    return int(re.search(r"/offboarding/(\d+)$", response.headers["location"]).group(1))


def test_the_whole_workflow_by_agent_and_manager(client_for, store, ids):
    with_email(store, ids.customer_id)
    agent, agent_token = client_for("agent")
    manager, manager_token = client_for("manager")
    case_id = propose(agent, agent_token, ids.customer_id)
    assert case_of(store, case_id).status == "proposed"

    # Only a manager approves.
    assert post(agent, agent_token, f"/offboarding/{case_id}/approve").status_code == 403
    assert case_of(store, case_id).status == "proposed"
    assert post(manager, manager_token, f"/offboarding/{case_id}/approve").status_code == 303

    # An agent's gesture above their cap (50) is refused on the server, with the reason, and logged.
    refused = post(agent, agent_token, f"/offboarding/{case_id}/goodwill", amount="80")
    assert refused.status_code == 400
    assert "above the agent&#39;s cap of 50.00 EUR" in refused.text and "manager&#39;s approval" in refused.text
    assert case_of(store, case_id).goodwill_amount is None
    assert "offboarding.goodwill_refused" in audit_actions(store, case_id)
    assert post(agent, agent_token, f"/offboarding/{case_id}/goodwill", amount="-5").status_code == 400
    # The manager approves the same gesture.
    assert post(manager, manager_token, f"/offboarding/{case_id}/goodwill", amount="80").status_code == 303
    assert case_of(store, case_id).goodwill_amount == 80.0

    # The agent drafts the letter (it offers the manager's 80.00) and edits it.
    assert post(agent, agent_token, f"/offboarding/{case_id}/draft", lang="en").status_code == 303
    case = case_of(store, case_id)
    assert case.status == "drafted" and case.letter_lang == "en"
    assert "credit your account with €80.00" in case.letter_body and "Thank you, sincerely" in case.letter_body
    edited = case.letter_body.replace("With kind regards,", "With kind regards,\nSam")
    assert post(agent, agent_token, f"/offboarding/{case_id}/letter", subject=case.letter_subject,
                body=edited).status_code == 303

    # Sent to the outbox (no SMTP configured), as a touch of kind offboarding_letter.
    assert post(agent, agent_token, f"/offboarding/{case_id}/send").status_code == 303
    with store.sessions() as session:
        message = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case_id)).one()
        assert (message.transport, message.recipient, message.delivered_at) == ("outbox", "letgo@example.com", None)
        assert message.body.rstrip().endswith("Sam")
        touches = CONTRACT_TABLES["touches"]
        kinds = session.scalars(sa.select(touches.c.kind).where(touches.c.customer_id == ids.customer_id)).all()
        assert "offboarding_letter" in kinds
    # Closing before the goodwill is applied is refused.
    assert post(agent, agent_token, f"/offboarding/{case_id}/close").status_code == 400
    assert post(agent, agent_token, f"/offboarding/{case_id}/goodwill-applied").status_code == 303
    assert post(agent, agent_token, f"/offboarding/{case_id}/close").status_code == 303
    assert case_of(store, case_id).status == "closed"
    # A closed case stops every marketing touch.
    assert customer_row(store, ids.customer_id)["marketing_opt_in"] is False

    assert audit_actions(store, case_id) == [
        "offboarding.propose", "offboarding.approve", "offboarding.goodwill_refused", "offboarding.goodwill_refused",
        "offboarding.goodwill", "offboarding.draft", "offboarding.edit", "offboarding.send",
        "offboarding.goodwill_applied", "offboarding.close",
    ]
    timeline = agent.get(f"/customers/{ids.customer_id}?category=offboarding").text
    for sentence in ("Offboarding proposed by agent", "Offboarding approved by manager",
                     "Offboarding letter drafted by agent", "Offboarding letter sent by agent",
                     "Goodwill applied: €80.00", "Offboarding case closed; no more marketing"):
        assert sentence in timeline, sentence
    page = agent.get(f"/offboarding/{case_id}").text
    assert "letgo@example.com" in page and "closed" in page


def test_a_case_moves_only_along_its_workflow(client_for, store, ids):
    with_email(store, ids.customer_id)
    agent, token = client_for("agent")
    manager, manager_token = client_for("manager")
    case_id = propose(agent, token, ids.customer_id)
    # A second open case for the same customer is refused.
    again = post(agent, token, f"/customers/{ids.customer_id}/offboarding", reason="again")
    assert again.status_code == 400 and "already has an open offboarding case" in again.text
    # Sending an unapproved letter, drafting before approval, applying goodwill or closing early: refused.
    for step in ("send", "draft", "goodwill-applied", "close"):
        response = post(agent, token, f"/offboarding/{case_id}/{step}")
        assert response.status_code == 400, step
        assert case_of(store, case_id).status == "proposed"
    assert "it can become sent only from drafted" in post(agent, token, f"/offboarding/{case_id}/send").text
    assert post(manager, manager_token, f"/offboarding/{case_id}/approve").status_code == 303
    assert post(manager, manager_token, f"/offboarding/{case_id}/approve").status_code == 400  # not twice
    assert post(agent, token, f"/offboarding/{case_id}/draft").status_code == 303
    # Withdrawn with a reason before sending; a reason is required.
    assert post(agent, token, f"/offboarding/{case_id}/withdraw", reason="").status_code == 400
    assert post(agent, token, f"/offboarding/{case_id}/withdraw", reason="they paid everything").status_code == 303
    case = case_of(store, case_id)
    assert (case.status, case.withdrawn_reason) == ("withdrawn", "they paid everything")
    assert post(agent, token, f"/offboarding/{case_id}/send").status_code == 400
    assert customer_row(store, ids.customer_id)["marketing_opt_in"] is True  # never closed
    # A withdrawn case no longer blocks a new one; a sent case cannot be withdrawn.
    second = propose(agent, token, ids.customer_id)
    post(manager, manager_token, f"/offboarding/{second}/approve")
    post(agent, token, f"/offboarding/{second}/draft")
    assert post(agent, token, f"/offboarding/{second}/send").status_code == 303
    assert post(agent, token, f"/offboarding/{second}/withdraw", reason="changed our mind").status_code == 400
    assert case_of(store, second).status == "sent"


def test_the_lists_and_pages_need_a_login(client_for, store, ids):
    anonymous, _ = client_for(None)
    assert anonymous.get("/offboarding", follow_redirects=False).status_code == 303
    agent, token = client_for("agent")
    case_id = propose(agent, token, ids.customer_id)
    listing = agent.get("/offboarding").text
    assert f'href="/offboarding/{case_id}"' in listing
    assert agent.get("/offboarding/999999").status_code == 404
    admin, admin_token = client_for("admin")
    assert post(admin, admin_token, f"/offboarding/{case_id}/approve").status_code == 303  # admin has every right


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sending_through_smtp_reaches_the_sink(store, ids):
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Sink

    received = []

    class Collect(Sink):
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = _free_port()
    controller = aiosmtpd.Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = load_settings(overrides={"mail": {"smtp_host": "127.0.0.1", "smtp_port": port,
                                                     "sender": "care@example.com"}})
        with_email(store, ids.customer_id)
        app = create_app(store, settings)
        agent, manager = TestClient(app), TestClient(app)
        log_in(agent, "agent")
        log_in(manager, "manager")
        token, manager_token = csrf_of(agent.get("/").text), csrf_of(manager.get("/").text)
        case_id = propose(agent, token, ids.customer_id)
        post(manager, manager_token, f"/offboarding/{case_id}/approve")
        post(agent, token, f"/offboarding/{case_id}/draft", lang="ru")
        assert post(agent, token, f"/offboarding/{case_id}/send").status_code == 303
        for _ in range(50):
            if received:
                break
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(received) == 1
    envelope = received[0]
    assert envelope.mail_from == "care@example.com" and envelope.rcpt_tos == ["letgo@example.com"]
    from email import message_from_bytes, policy

    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "О вашем обслуживании у нас"
    assert "Искренне благодарим" in message.get_content()
    with store.sessions() as session:
        sent = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case_id)).one()
        assert sent.transport == "smtp" and sent.delivered_at is not None
