"""What every service shares: the actor, the errors, the transaction and the audit entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

from sqlalchemy.orm import Session

from keepwise.store.models import AuditEntry, User
from keepwise.store.permissions import Forbidden, Permission, require
from keepwise.text.problems import Phrased

__all__ = ["Actor", "Forbidden", "Invalid", "NotFound", "audit", "mutation", "now", "require_permission"]


class NotFound(Phrased, LookupError):
    """No such object (or not reachable from where it was asked for): ``NotFound("error.no_user", user_id=3)``."""


class Invalid(Phrased, ValueError):
    """Input that cannot be used; ``field`` names what was wrong. The message is a catalog key and its
    facts (``keepwise.text.locales.errors_<lang>``): ``Invalid("error.required", "text", field="text")``."""

    def __init__(self, key: str, field: str = "", /, **values):
        self.field = field
        super().__init__(key, **values)


@dataclass(frozen=True)
class Actor:
    """Who does something: a user, or the command line (``keepwise import``, ``user add``)."""

    user_id: int | None
    username: str
    role: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role)

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "cli", "admin")


def now() -> datetime:
    """The current UTC time, naive (the contract's timestamps are UTC without an offset)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def require_permission(actor: Actor, permission: Permission) -> None:
    require(actor.role, permission)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def audit(session: Session, actor: Actor, action: str, object_type: str, object_id: str,
          before: Any = None, after: Any = None) -> None:
    """Add the audit entry of a change to the session (committed with the change itself)."""
    session.add(
        AuditEntry(
            at=now(),
            user_id=actor.user_id,
            username=actor.username,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=json.dumps(_jsonable(before), ensure_ascii=False, sort_keys=True),
            after=json.dumps(_jsonable(after), ensure_ascii=False, sort_keys=True),
        )
    )


def mutation(permission: Permission | None) -> Callable:
    """Decorate a service ``fn(session, actor, ...)``: check ``permission``, commit on success, roll back on any error."""

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(session: Session, actor: Actor, *args, **kwargs):
            if permission is not None:
                require_permission(actor, permission)
            try:
                result = fn(session, actor, *args, **kwargs)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            return result

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
