"""Shared by the app tests: the login helpers and the route table (tests/app)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"},
                       follow_redirects=False)


ORDER = {"agent": 0, "manager": 1, "admin": 2}
PUBLIC = "public"

PAGES = [
    ("GET", "/", None, "agent"),
    ("GET", "/worklists/{action}", None, "agent"),
    ("GET", "/customers/{customer_id}", None, "agent"),
    ("POST", "/customers/{customer_id}/assign", {"user_id": "me"}, "agent"),
    ("POST", "/customers/{customer_id}/handled", {"handled": "1"}, "agent"),
    ("POST", "/customers/{customer_id}/decision", {"kind": "accept"}, "agent"),
    ("POST", "/customers/{customer_id}/decision", {"kind": "override", "action": "{override}", "reason": "spoke to them"},
     "manager"),
    ("POST", "/customers/{customer_id}/notes", {"text": "called, no answer"}, "agent"),
    ("POST", "/customers/{customer_id}/complaints",
     {"channel": "phone", "severity": "normal", "kind": "complaint", "description": "rude driver"}, "agent"),
    ("POST", "/customers/{customer_id}/incidents", {"kind": "fraud", "note": "stolen card"}, "agent"),
    ("POST", "/customers/{customer_id}/touches", {"kind": "call", "channel": "phone"}, "agent"),
    ("POST", "/customers/{customer_id}/exit-survey", {"reason": "delivery", "score": "3", "comment": "late"}, "agent"),
    ("GET", "/touches", None, "agent"),
    ("GET", "/campaigns/{campaign_id}", None, "manager"),
    ("GET", "/complaints", None, "agent"),
    ("GET", "/complaints/{ticket_id}", None, "agent"),
    ("POST", "/complaints/{ticket_id}/respond", {"minutes": "5"}, "agent"),
    ("POST", "/complaints/{ticket_id}/owner", {"owner_id": "{agent_id}"}, "agent"),
    ("POST", "/complaints/{ticket_id}/close", {"substantiated": "no"}, "agent"),
    ("POST", "/incidents/{incident_id}/confirm", {"customer_id": "{customer_id}"}, "manager"),
    ("GET", "/runs", None, "agent"),
    ("GET", "/audit", None, "manager"),
    ("GET", "/users", None, "admin"),
    ("POST", "/users", {"username": "newbie", "role": "agent", "password": "a long password", "language": "ru"},
     "admin"),
    ("POST", "/users/{user_id}/active", {"active": "0"}, "admin"),
    ("POST", "/me/language", {"language": "fa"}, "agent"),
    ("POST", "/logout", {}, "agent"),
    ("GET", "/login", None, PUBLIC),
    ("GET", "/offboarding", None, "agent"),
    ("GET", "/me/tokens", None, "agent"),
    ("POST", "/me/tokens", {"name": "reporting script"}, "agent"),
    ("POST", "/tokens/{token_id}/revoke", {}, "agent"),  # one's own (anyone's, admins: tests/app/test_account.py)
    ("GET", "/me/password", None, "agent"),
    ("POST", "/me/password",
     {"current_password": PASSWORD, "new_password": "a brand new passphrase", "confirm_password": "a brand new passphrase"},
     "agent"),
    ("POST", "/users/{user_id}/password-reset", {}, "admin"),
]

API = [
    ("GET", "/api/me", None, "agent"),
    ("GET", "/api/worklists", None, "agent"),
    ("GET", "/api/worklists/{action}", None, "agent"),
    ("GET", "/api/customers", None, "agent"),
    ("GET", "/api/customers/{customer_id}", None, "agent"),
    ("GET", "/api/customers/{customer_id}/timeline", None, "agent"),
    ("POST", "/api/customers/{customer_id}/decision", {"kind": "accept"}, "agent"),
    ("POST", "/api/customers/{customer_id}/decision", {"kind": "override", "action": "{override}", "reason": "why"},
     "manager"),
    ("POST", "/api/customers/{customer_id}/assign", {"user_id": "{agent_id}"}, "agent"),
    ("POST", "/api/customers/{customer_id}/handled", {"handled": True}, "agent"),
    ("POST", "/api/customers/{customer_id}/notes", {"text": "note"}, "agent"),
    ("POST", "/api/customers/{customer_id}/complaints", {"channel": "chat", "description": "slow"}, "agent"),
    ("POST", "/api/customers/{customer_id}/incidents", {"kind": "chargeback", "note": "bank dispute"}, "agent"),
    ("GET", "/api/complaints", None, "agent"),
    ("POST", "/api/complaints/{ticket_id}/respond", {"minutes": 3}, "agent"),
    ("POST", "/api/complaints/{ticket_id}/close", {"substantiated": True}, "agent"),
    ("GET", "/api/runs", None, "agent"),
    ("GET", "/api/runs/{before}/changes/{after}", None, "agent"),
    ("GET", "/api/audit", None, "manager"),
]
# Routes that are not in the matrix on purpose, with the reason.
_OFFBOARDING_STEPS = "a case's steps depend on its state: tests/app/test_offboarding.py walks them per role"
NOT_IN_MATRIX = {("POST", "/login"): "the login itself: tests/app/test_auth.py",
                 ("GET", "/offboarding/{case_id}"): _OFFBOARDING_STEPS,
                 ("POST", "/customers/{customer_id}/offboarding"): _OFFBOARDING_STEPS,
                 **{("POST", f"/offboarding/{{case_id}}/{step}"): _OFFBOARDING_STEPS
                    for step in ("approve", "goodwill", "draft", "letter", "send", "goodwill-applied", "close",
                                 "withdraw")},
                 ("GET", "/api/openapi.json"): "the public schema"}


def _fill(value, ids, role: str | None = None):
    """The row's placeholders filled in; ``token_id`` is the caller's own API token (the admin's by default)."""
    names = {"token_id": ids.tokens.get(role or "admin", 0), "customer_id": ids.customer_id, "action": "offboard", "ticket_id": ids.ticket_id,
             "incident_id": ids.incident_id, "user_id": ids.agent_id, "agent_id": ids.agent_id,
             "override": ids.override_action, "before": 1, "after": 1,
             "campaign_id": "WB1"}
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, ids, role) for k, v in value.items()}
    return value
