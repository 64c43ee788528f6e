"""One's own account over HTTP: API tokens (created and shown once, listed, revoked; admins revoke anyone's)."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.store.models import ApiToken, AuditEntry, User
from webkit import PASSWORD, csrf_of, log_in


def _audits(store, action: str) -> list[AuditEntry]:
    with store.sessions() as session:
        return list(session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _me(app, token: str) -> int:
    return TestClient(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _create(client, csrf: str, name: str) -> str:
    response = client.post("/me/tokens", data={"name": name, "csrf_token": csrf})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    return re.search(r'<code id="new-token">([^<]+)</code>', response.text).group(1)


def test_a_token_is_shown_once_works_on_the_api_and_stops_when_revoked(client_for, app, store):
    client, csrf = client_for("agent")
    token = _create(client, csrf, "nightly export")
    assert _me(app, token) == 200
    listing = client.get("/me/tokens").text
    assert "nightly export" in listing and token not in listing  # never shown again
    with store.sessions() as session:
        row = session.scalar(sa.select(ApiToken).where(ApiToken.name == "nightly export"))
        assert token not in row.token_hash  # only its hash is kept
    created = _audits(store, "token.create")[-1]
    assert created.username == "agent" and json.loads(created.after)["name"] == "nightly export"

    response = client.post(f"/tokens/{row.id}/revoke", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert _me(app, token) == 401
    revoked = _audits(store, "token.revoke")[-1]
    assert json.loads(revoked.before)["revoked_at"] is None and json.loads(revoked.after)["revoked_at"]
    assert "revoked" in client.get("/me/tokens").text
    again = client.post(f"/tokens/{row.id}/revoke", data={"csrf_token": csrf})
    assert again.status_code == 400 and len(_audits(store, "token.revoke")) == 1


def test_only_an_admin_revokes_another_users_token(client_for, app, store, ids):
    agent, agent_csrf = client_for("agent")
    manager, manager_csrf = client_for("manager")
    admin, admin_csrf = client_for("admin")
    token = _create(agent, agent_csrf, "agent script")
    with store.sessions() as session:
        token_id = session.scalar(sa.select(ApiToken.id).where(ApiToken.name == "agent script"))
    # Another agent-level or manager user cannot see or revoke it.
    assert "agent script" not in manager.get("/me/tokens").text
    assert manager.post(f"/tokens/{token_id}/revoke", data={"csrf_token": manager_csrf}).status_code == 403
    assert _me(app, token) == 200 and not _audits(store, "token.revoke")
    # An admin sees every user's tokens and revokes the agent's.
    listing = admin.get("/me/tokens").text
    assert "agent script" in listing and "manager laptop" in listing
    assert admin.post(f"/tokens/{token_id}/revoke", data={"csrf_token": admin_csrf},
                      follow_redirects=False).status_code == 303
    assert _me(app, token) == 401
    assert _audits(store, "token.revoke")[-1].username == "admin"


def test_an_unknown_token_and_a_long_name_are_clear_errors(client_for):
    client, csrf = client_for("agent")
    assert client.post("/tokens/999999/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/me/tokens", data={"name": "x" * 201, "csrf_token": csrf}).status_code == 400


NEW = "a brand new passphrase"


def _password(client, csrf: str, current: str, new: str = NEW, confirm: str | None = None):
    return client.post("/me/password", data={"current_password": current, "new_password": new,
                                             "confirm_password": new if confirm is None else confirm,
                                             "csrf_token": csrf}, follow_redirects=False)


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(client_for, app, store):
    client, csrf = client_for("agent")
    other, _ = client_for("agent")  # the same user signed in elsewhere
    wrong = _password(client, csrf, "not my password")
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    assert _password(client, csrf, PASSWORD, confirm="something else").status_code == 400
    assert _password(client, csrf, PASSWORD, new="short").status_code == 400
    assert not _audits(store, "user.password_change")

    response = _password(client, csrf, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/me/password?changed=1"
    assert "password-changed" in client.get(response.headers["location"]).text  # this session goes on
    assert other.get("/", follow_redirects=False).headers["location"].startswith("/login")  # the other ended
    assert log_in(TestClient(app), "agent", PASSWORD).status_code == 401
    assert log_in(TestClient(app), "agent", NEW).status_code == 303
    assert _audits(store, "user.password_change")[-1].username == "agent"
    with store.sessions() as session:
        assert NEW not in session.scalar(sa.select(User.password_hash).where(User.username == "agent"))


def test_an_admin_reset_gives_a_one_time_password_that_must_be_changed_at_login(client_for, app, store, ids):
    admin, admin_csrf = client_for("admin")
    agent_before, _ = client_for("agent")
    response = admin.post(f"/users/{ids.agent_id}/password-reset", data={"csrf_token": admin_csrf})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    one_time = re.search(r'<code id="one-time-password">([^<]+)</code>', response.text).group(1)
    assert len(one_time) >= 16 and one_time not in admin.get("/users").text  # shown once
    reset = _audits(store, "user.password_reset")[-1]
    assert reset.username == "admin" and json.loads(reset.after) == {"must_change_password": True}
    assert agent_before.get("/", follow_redirects=False).headers["location"].startswith("/login")

    agent = TestClient(app)
    assert log_in(agent, "agent", PASSWORD).status_code == 401  # the old password is gone
    assert log_in(agent, "agent", one_time).status_code == 303
    # Every page but the password form (and logout) sends them to choose their own first.
    for path in ("/", f"/customers/{ids.customer_id}", "/me/tokens"):
        answer = agent.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/me/password"
    form = agent.get("/me/password")
    assert form.status_code == 200 and "password-required" in form.text
    csrf = csrf_of(form.text)
    assert agent.post(f"/customers/{ids.customer_id}/notes", data={"text": "x", "csrf_token": csrf},
                      follow_redirects=False).headers["location"] == "/me/password"
    assert _password(agent, csrf, one_time).status_code == 303
    assert agent.get("/").status_code == 200
    with store.sessions() as session:
        assert not session.scalar(sa.select(User.must_change_password).where(User.id == ids.agent_id))
