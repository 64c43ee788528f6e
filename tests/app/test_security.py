"""CSRF on every state-changing request, lock-out, sessions and logout, cookies, security headers."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.store.models import AuditEntry, User
from keepwise.store.services.base import now
from webkit import PAGES, PASSWORD, _fill, csrf_of, log_in

STATE_CHANGING = [row for row in PAGES if row[0] == "POST"]


def _changes(store) -> int:
    with store.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(~AuditEntry.action.startswith("login")))


@pytest.mark.parametrize("row", STATE_CHANGING, ids=lambda r: r[1])
@pytest.mark.parametrize("token", ["missing", "wrong", "another-session"])
def test_every_state_changing_request_without_the_csrf_token_is_refused(row, token, client_for, app, ids, store):
    method, path, body, _ = row
    client, _own = client_for("admin")
    data = dict(_fill(body, ids) or {})
    if token == "wrong":
        data["csrf_token"] = "x" * 43
    elif token == "another-session":
        data["csrf_token"] = csrf_of(TestClient(app).get("/login").text)
    before = _changes(store)
    response = client.request(method, _fill(path, ids), data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert _changes(store) == before


def test_the_csrf_header_is_accepted_as_htmx_sends_it(client_for, ids, store):
    client, token = client_for("agent")
    response = client.post(f"/customers/{ids.customer_id}/notes", data={"text": "via htmx"},
                           headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert response.status_code == 303


def test_login_without_csrf_is_refused(app):
    client = TestClient(app)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_lock_out_after_repeated_failed_logins(app, store):
    client = TestClient(app)
    limit = app.state.settings.app.login_max_failures
    for _ in range(limit - 1):
        response = log_in(client, "agent", "wrong password!")
        assert response.status_code == 401 and "Wrong username or password" in response.text
    response = log_in(client, "agent", "wrong password!")
    assert response.status_code == 401 and "locked" in response.text
    # Locked: even the right password is refused ...
    response = log_in(client, "agent")
    assert response.status_code == 401 and "locked" in response.text
    # ... until the lock expires.
    with store.sessions() as session:
        user = session.scalar(sa.select(User).where(User.username == "agent"))
        user.locked_until = now() - timedelta(seconds=1)
        session.commit()
    assert log_in(client, "agent").status_code == 303
    with store.sessions() as session:
        actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.startswith("login"))).all()
    assert actions.count("login.failed") == limit - 1 and "login.locked" in actions and "login.refused_locked" in actions


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(app):
    response = log_in(TestClient(app), "nobody", "whatever123")
    assert response.status_code == 401 and "Wrong username or password" in response.text


def test_logout_ends_the_session_even_for_a_copied_cookie(client_for):
    client, token = client_for("manager")
    stolen = client.cookies.get("kw_session")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(client.app, cookies={"kw_session": stolen})
    response = replay.get("/audit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_tampered_cookie_is_no_session(client_for):
    client, _ = client_for("admin")
    value = client.cookies.get("kw_session")
    forged = TestClient(client.app, cookies={"kw_session": value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")})
    assert forged.get("/users", follow_redirects=False).status_code == 303


def test_session_cookie_flags(app):
    plain = TestClient(app).get("/login").headers["set-cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = TestClient(app, base_url="https://testserver").get("/login").headers["set-cookie"]
    assert "Secure" in secure


def test_login_rotates_the_session(app):
    client = TestClient(app)
    before = csrf_of(client.get("/login").text)
    assert log_in(client, "admin").status_code == 303
    assert csrf_of(client.get("/").text) != before


def test_security_headers_on_pages_api_and_errors(client_for, app):
    client, _ = client_for("agent")
    for response in (client.get("/"), client.get("/audit"), TestClient(app).get("/api/me"),
                     client.post("/customers/x/notes", data={"text": "a"})):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    folder = resources.files("keepwise.app").joinpath("templates")
    for template in folder.iterdir():
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and "<style" not in text and " style=" not in text and " on" + "click" not in text
        for tag in text.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], template.name


def test_user_input_is_escaped(client_for, ids):
    client, token = client_for("agent")
    client.post(f"/customers/{ids.customer_id}/notes", data={"text": "<script>alert(1)</script>", "csrf_token": token})
    page = client.get(f"/customers/{ids.customer_id}?category=notes").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_redirects_stay_on_this_site(client_for, ids):
    client, token = client_for("agent")
    response = client.post(f"/customers/{ids.customer_id}/assign",
                           data={"user_id": "me", "back": "//evil.example/x", "csrf_token": token},
                           follow_redirects=False)
    assert response.headers["location"] == f"/customers/{ids.customer_id}"


def test_unknown_ids_are_not_found_not_errors(client_for, ids, app, token_for):
    client, token = client_for("admin")
    assert client.get("/customers/NOPE").status_code == 404
    assert client.get("/complaints/NOPE").status_code == 404
    api = TestClient(app, headers={"Authorization": f"Bearer {token_for('agent')}"})
    assert api.get("/api/customers/NOPE").status_code == 404
    assert api.get("/api/customers/NOPE/timeline").status_code == 404
    assert api.post("/api/complaints/NOPE/close", json={"substantiated": False}).status_code == 404
