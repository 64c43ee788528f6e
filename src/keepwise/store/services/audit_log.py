"""Reading the audit log (managers and admins); it is written only by ``base.audit``, never changed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.store.models import AuditEntry
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, require_permission


def entries(session: Session, actor: Actor, *, object_type: str = "", object_id: str = "", offset: int = 0,
            limit: int = 50) -> tuple[list[AuditEntry], int]:
    require_permission(actor, Permission.VIEW_AUDIT)
    query = sa.select(AuditEntry)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)))
    return rows, total
