"""An assessed sample business in a SQLite store (built once), copied for each test; clients per role."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from keepwise.app import create_app
from keepwise.app.security import COOKIE, new_session
from keepwise.config import load_settings
from keepwise.sample import generate_sample
from keepwise.store import open_store
from keepwise.store.models import ApiToken, Decision
from keepwise.store.services import casework, imports, runs, users
from keepwise.store.services.base import Actor
from webkit import PASSWORD, csrf_of

ROLES = ("agent", "manager", "admin")
SAMPLE_CUSTOMERS = 120
AS_OF = date(2026, 6, 30)


@dataclass
class Fixture:
    """Ids in the prepared store that routes are called with."""

    customer_id: str
    other_customer_id: str
    ticket_id: str
    incident_id: str
    agent_id: int
    override_action: str  # an action other than the one recommended for customer_id
    tokens: dict[str, int] = field(default_factory=dict)  # an API token's id per role, its own


@pytest.fixture(scope="session")
def prepared(tmp_path_factory) -> tuple[Path, Fixture]:
    folder = tmp_path_factory.mktemp("store")
    data = folder / "sample"
    generate_sample(data, n_customers=SAMPLE_CUSTOMERS, seed=3, as_of=AS_OF)
    store = open_store(f"sqlite:///{folder / 'store.sqlite'}", folder)
    settings = load_settings()
    system = Actor.system()
    with store.sessions() as session:
        imports.import_source(session, system, str(data), settings)
    result = runs.assess_store(store.source, settings, AS_OF)
    with store.sessions() as session:
        runs.save_run(session, system, result, str(data))
        for role in ROLES:
            users.add_user(session, system, role, role, PASSWORD, role.title())
        admin = Actor.of(users.user_by_name(session, "admin"))
        first, second = session.scalars(sa.select(Decision.customer_id).order_by(Decision.priority).limit(2)).all()
        case = casework.log_complaint(session, admin, first, channel="email", severity="high",
                                      description="late again", targets=settings.service_targets)
        incident = casework.log_incident(session, admin, first, kind="abuse_of_staff", note="shouted")
        agent_id = users.user_by_name(session, "agent").id
        tokens = {}
        for role in ROLES:
            user = users.user_by_name(session, role)
            users.create_token(session, Actor.of(user), user.id, f"{role} laptop")
            tokens[role] = session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == user.id))
        recommended = session.scalar(sa.select(Decision.action).where(Decision.customer_id == first))
    store.engine.dispose()
    other = "grow" if recommended == "keep" else "keep"
    return folder / "store.sqlite", Fixture(first, second, case.ticket_id, incident, agent_id, other, tokens)


@pytest.fixture
def ids(prepared) -> Fixture:
    return prepared[1]


@pytest.fixture
def store(prepared, tmp_path):
    path = tmp_path / "store.sqlite"
    shutil.copy(prepared[0], path)
    opened = open_store(f"sqlite:///{path}", tmp_path, migrate=False)  # the prepared copy is at head
    yield opened
    opened.engine.dispose()


@pytest.fixture
def app(store):
    return create_app(store, load_settings())


@pytest.fixture
def client_for(app, store):
    """``client_for(role)``: a client signed in as that role (None: anonymous), and its CSRF token.

    The session cookie is issued as a login issues it (the login itself is tested in test_security.py),
    which spares an argon2 verification per test.
    """

    def make(role: str | None) -> tuple[TestClient, str]:
        client = TestClient(app)
        if role is None:
            return client, csrf_of(client.get("/login").text)
        with store.sessions() as session:
            user = users.user_by_name(session, role)
            data = new_session(user.id, user.session_epoch)
        client.cookies.set(COOKIE, app.state.sessions.dumps(data))
        return client, data["c"]

    return make


@pytest.fixture
def token_for(store):
    def make(role: str) -> str:
        with store.sessions() as session:
            user = users.user_by_name(session, role)
            return users.create_token(session, Actor.system(), user.id, "test")

    return make
