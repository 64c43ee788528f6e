"""Every route x every role: a table-driven permission matrix, checked over HTTP.

Each row: method, path (the app's own template), the body, and the least role that may call it
(roles are nested: agent < manager < admin). A role below it gets 403 and nothing changes; an
anonymous caller is sent to /login (pages) or gets 401 (API). A route missing from the table fails
``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from keepwise.store.models import AuditEntry
from webkit import API, NOT_IN_MATRIX, ORDER, PAGES, PUBLIC, _fill


def _audit_count(store) -> int:
    with store.sessions() as session:
        return session.query(AuditEntry).filter(~AuditEntry.action.startswith("login")).count()


@pytest.mark.parametrize("role", ["anonymous", "agent", "manager", "admin"])
@pytest.mark.parametrize("row", PAGES, ids=lambda r: f"{r[0]} {r[1]} {r[2].get('kind', '') if r[2] else ''}")
def test_page_permissions(row, role, client_for, ids, store):
    method, path, body, least = row
    client, token = client_for(None if role == "anonymous" else role)
    who = None if role == "anonymous" else role
    url = _fill(path, ids, who)
    data = {**(_fill(body, ids, who) or {}), "csrf_token": token} if method == "POST" else None
    before = _audit_count(store)
    response = client.request(method, url, data=data, follow_redirects=False)
    if least == PUBLIC:
        assert response.status_code == 200 or (response.status_code == 303 and role != "anonymous")
        return
    if role == "anonymous":
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert _audit_count(store) == before
    elif ORDER[role] >= ORDER[least]:
        assert response.status_code in (200, 303), response.text[:500]
        if method == "POST":
            assert _audit_count(store) > before  # every change is audited
    else:
        assert response.status_code == 403
        assert _audit_count(store) == before  # refused: nothing changed


@pytest.mark.parametrize("role", ["anonymous", "agent", "manager", "admin"])
@pytest.mark.parametrize("row", API, ids=lambda r: f"{r[0]} {r[1]} {r[2].get('kind', '') if isinstance(r[2], dict) else ''}")
def test_api_permissions(row, role, app, token_for, ids, store):
    from fastapi.testclient import TestClient

    method, path, body, least = row
    client = TestClient(app)
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {token_for(role)}"}
    before = _audit_count(store)
    response = client.request(method, _fill(path, ids), json=_fill(body, ids), headers=headers)
    if role == "anonymous":
        assert response.status_code == 401
    elif ORDER[role] >= ORDER[least]:
        assert response.status_code in (200, 201), response.text[:500]
        if method == "POST":
            assert _audit_count(store) > before
    else:
        assert response.status_code == 403
        assert _audit_count(store) == before


def _walk(routes, prefix=""):
    """Every (method, path) the app serves, through included routers (nested in FastAPI's route table)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield from ((method, prefix + route.path) for method in route.methods)
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def test_every_route_is_in_the_matrix(app):
    listed = {(m, p) for m, p, _, _ in PAGES + API} | set(NOT_IN_MATRIX)
    routes = set(_walk(app.routes)) | {("GET", "/api/openapi.json")}
    assert len(routes) > 40
    assert routes - listed == set(), "routes without a row in the permission matrix"
    assert listed - routes == set(), "matrix rows for routes that do not exist"
