"""Request dependencies: the database session, the signed-in user (page) or token holder (API),
and the permission check every route declares through ``keepwise.store.permissions``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from keepwise.app.security import SESSION_KEY
from keepwise.config import Settings
from keepwise.store import Store
from keepwise.store.models import User
from keepwise.store.permissions import Forbidden, Permission, allowed
from keepwise.store.services.base import Actor
from keepwise.store.services.users import user_for_token


class LoginRequired(Exception):
    """A page was asked for without a (valid) session: the handler redirects to /login."""


class PasswordChangeRequired(Exception):
    """The user's password was reset to a one-time password: the handler sends them to choose a new one."""


PASSWORD_PAGE = "/me/password"
# What a user who must change their password may still reach.
PASSWORD_CHANGE_PATHS = frozenset({PASSWORD_PAGE, "/logout"})


class TokenRequired(Exception):
    """An API call without a valid bearer token: 401."""


def store(request: Request) -> Store:
    return request.app.state.store


def settings(request: Request) -> Settings:
    return request.app.state.settings


def db(request: Request) -> Iterator[Session]:
    session = request.app.state.store.sessions()
    try:
        yield session
    finally:
        session.close()


def session_user(request: Request, session: Session) -> User | None:
    data = request.scope.get(SESSION_KEY) or {}
    user_id = data.get("u")
    if not isinstance(user_id, int):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != data.get("e"):
        return None
    return user


@dataclass
class Caller:
    """Who is asking: the user, as the services' ``Actor``, and what the role allows."""

    user: User
    actor: Actor

    def can(self, permission: Permission | str) -> bool:
        return allowed(self.user.role, Permission(permission))


def page_user(request: Request, session: Session = Depends(db)) -> Caller:
    user = session_user(request, session)
    if user is None:
        raise LoginRequired()
    if user.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired()
    return Caller(user, Actor.of(user))


def token_user(request: Request, session: Session) -> User | None:
    """The active user whose API token the request's ``Authorization: Bearer`` header carries."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return user_for_token(session, token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def api_user(request: Request, session: Session = Depends(db)) -> Caller:
    user = token_user(request, session)
    if user is None:
        raise TokenRequired()
    return Caller(user, Actor.of(user))


def _requires(permission: Permission, who):
    """A route dependency: the caller ``who`` finds, whose role must allow ``permission`` (else 403)."""

    def check(caller: Caller = Depends(who)) -> Caller:
        if not caller.can(permission):
            raise Forbidden(permission)
        return caller

    check.permission = permission  # type: ignore[attr-defined]
    return check


def page_can(permission: Permission):
    """Route dependency: the signed-in user, whose role must allow ``permission`` (else 403)."""
    return _requires(permission, page_user)


def api_can(permission: Permission):
    """API route dependency: the token's user, whose role must allow ``permission`` (else 403)."""
    return _requires(permission, api_user)
