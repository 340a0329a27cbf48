"""Reading the audit trail: managers their cinemas' entries, admins every entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.common.access import Principal, within_cinemas
from app.common.pagination import PageResult, paginate
from app.models.audit import AuditEntry


def list_entries(principal: Principal, *, action: str | None = None, cinema_id: int | None = None,
                 actor_id: int | None = None, subject_type: str | None = None,
                 subject_id: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, page: int = 1, page_size: int = 20) -> PageResult:
    """One page of entries, newest first, filtered; a manager naming another cinema gets 403."""
    # Entries of no cinema (role changes) are the admins' business only.
    stmt = within_cinemas(select(AuditEntry), AuditEntry.cinema_id, principal, cinema_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                          else AuditEntry.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    return paginate(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page, page_size)
