"""Accounts: create, authenticate (argon2, lock-out after repeated failures), log out, API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwise.config import AppSettings
from keepwise.store.models import ROLES, ApiToken, User
from keepwise.store.permissions import Permission, require
from keepwise.store.services.base import Actor, Invalid, NotFound, audit, mutation, now
from keepwise.text import LANGUAGES

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
ONE_TIME_PASSWORD_BYTES = 12  # 16 URL-safe characters
# Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("keepwise-no-such-user")


def _public(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "language": user.language, "active": user.active}


def check_new_user(username: str, role: str, password: str, language: str) -> None:
    if not username or len(username) > 80 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise Invalid("error.username_format", "username")
    if role not in ROLES:
        raise Invalid("error.one_of", "role", field="role", choices=", ".join(ROLES))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("error.password_short", "password", min=MIN_PASSWORD_LENGTH)
    if language not in LANGUAGES:
        raise Invalid("error.one_of", "language", field="language", choices=", ".join(LANGUAGES))


@mutation(Permission.MANAGE_USERS)
def add_user(session: Session, actor: Actor, username: str, role: str, password: str,
             display_name: str = "", language: str = "en") -> User:
    check_new_user(username, role, password, language)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Invalid("error.user_exists", "username", username=username)
    user = User(username=username, display_name=display_name or username, role=role, language=language,
                password_hash=_hasher.hash(password), created_at=now())
    session.add(user)
    session.flush()
    audit(session, actor, "user.add", "user", user.id, None, _public(user))
    return user


@mutation(Permission.MANAGE_USERS)
def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.no_user", user_id=user_id)
    before = _public(user)
    user.active = active
    user.session_epoch += 1
    audit(session, actor, "user.activate" if active else "user.deactivate", "user", user.id, before, _public(user))
    return user


@mutation(None)  # every user may choose their own language
def set_language(session: Session, actor: Actor, language: str) -> User:
    if language not in LANGUAGES:
        raise Invalid("error.one_of", "language", field="language", choices=", ".join(LANGUAGES))
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("error.no_user", user_id=actor.user_id)
    before = user.language
    user.language = language
    audit(session, actor, "user.language", "user", user.id, {"language": before}, {"language": language})
    return user


@dataclass
class LoginResult:
    user: User | None
    locked: bool = False


def authenticate(session: Session, username: str, password: str, settings: AppSettings) -> LoginResult:
    """Check a login; count failures and lock the account for a while after too many in a row.

    A locked account refuses even the right password until the lock expires. Audited either way.
    """
    user = session.scalar(select(User).where(User.username == username))
    moment = now()
    if user is None or not user.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return LoginResult(None)
    who = Actor.of(user)
    if user.locked_until is not None and user.locked_until > moment:
        audit(session, who, "login.refused_locked", "user", user.id)
        session.commit()
        return LoginResult(None, locked=True)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        locked = user.failed_logins >= settings.login_max_failures
        if locked:
            user.locked_until = moment + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
        audit(session, who, "login.locked" if locked else "login.failed", "user", user.id)
        session.commit()
        return LoginResult(None, locked=locked)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit(session, who, "login", "user", user.id)
    session.commit()
    return LoginResult(user)


@mutation(None)
def logout(session: Session, actor: Actor) -> None:
    """End every session of the actor (cookies carry the epoch they were issued in)."""
    user = session.get(User, actor.user_id)
    if user is not None:
        user.session_epoch += 1
        audit(session, actor, "logout", "user", user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@mutation(None)
def create_token(session: Session, actor: Actor, user_id: int, name: str) -> str:
    """A new API token for ``user_id`` (its own, or any user's for an admin); the token is returned once."""
    if actor.user_id != user_id:
        require(actor.role, Permission.MANAGE_USERS)
    if session.get(User, user_id) is None:
        raise NotFound("error.no_user", user_id=user_id)
    name = name.strip()
    if len(name) > MAX_TOKEN_NAME:
        raise Invalid("error.token_name_long", "name", limit=MAX_TOKEN_NAME)
    token = "kw_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name or "token", token_hash=_token_hash(token), created_at=now())
    session.add(row)
    session.flush()
    audit(session, actor, "token.create", "api_token", row.id, None, {"user_id": user_id, "name": row.name})
    return token


MAX_TOKEN_NAME = 200


@dataclass
class TokenRow:
    """An API token as its list shows it (never the token itself: only its hash is kept)."""

    id: int
    user_id: int
    username: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def list_tokens(session: Session, actor: Actor, everyone: bool = False) -> list[TokenRow]:
    """The actor's API tokens, newest first; every user's with ``everyone`` (admins: MANAGE_USERS)."""
    query = (select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
             .order_by(ApiToken.id.desc()))
    if everyone:
        require(actor.role, Permission.MANAGE_USERS)
    else:
        query = query.where(ApiToken.user_id == actor.user_id)
    return [TokenRow(row.id, row.user_id, username, row.name, row.created_at, row.revoked_at)
            for row, username in session.execute(query)]


@mutation(None)  # one's own token; anyone's for MANAGE_USERS (checked below)
def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke an API token: it authenticates no request from now on. Revoking twice is refused."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("error.no_token", token_id=token_id)
    if row.user_id != actor.user_id:
        require(actor.role, Permission.MANAGE_USERS)
    if row.revoked_at is not None:
        raise Invalid("error.token_revoked", "token_id", token_id=token_id)
    row.revoked_at = now()
    audit(session, actor, "token.revoke", "api_token", row.id, {"user_id": row.user_id, "name": row.name,
                                                                 "revoked_at": None},
          {"user_id": row.user_id, "name": row.name, "revoked_at": row.revoked_at})
    return row


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _set_password(user: User, password: str, must_change: bool) -> None:
    """A new password (argon2) for ``user``; every session of theirs ends and a lock-out is lifted."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("error.password_short", "password", min=MIN_PASSWORD_LENGTH)
    user.password_hash = _hasher.hash(password)
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None
    user.session_epoch += 1


def _user(session: Session, user_id: int | None) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound("error.no_user", user_id=user_id)
    return user


@mutation(Permission.MANAGE_USERS)
def reset_password(session: Session, actor: Actor, user_id: int, password: str) -> User:
    """Set a user's password (``keepwise user add`` on an existing name)."""
    user = _user(session, user_id)
    _set_password(user, password, must_change=False)
    audit(session, actor, "user.password_reset", "user", user.id)
    return user


@mutation(Permission.MANAGE_USERS)
def reset_to_one_time_password(session: Session, actor: Actor, user_id: int) -> str:
    """Give a user a new random password, returned once; they must choose their own at the next login."""
    user = _user(session, user_id)
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    _set_password(user, password, must_change=True)
    audit(session, actor, "user.password_reset", "user", user.id, {"must_change_password": False},
          {"must_change_password": True})
    return password


@mutation(None)  # every user changes their own password
def change_password(session: Session, actor: Actor, current: str, new: str) -> User:
    """Change the actor's own password: the current one must be right and the new one different.
    Every other session of theirs ends (the caller issues the current one afresh)."""
    user = _user(session, actor.user_id)
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise Invalid("error.password_wrong", "current_password") from None
    if new == current:
        raise Invalid("error.password_same", "new_password")
    was_required = user.must_change_password
    _set_password(user, new, must_change=False)
    audit(session, actor, "user.password_change", "user", user.id, {"must_change_password": was_required},
          {"must_change_password": False})
    return user
