"""The audit trail: who did what to which record, when, with the record before and after.

Append-only, and not on trust: a trigger made by the migration (``0006_tickets_door_audit``)
makes PostgreSQL refuse every UPDATE and DELETE of an entry, whoever sends it. People appear by
id only (actor, subject), never by name or e-mail, so erasing a customer's personal data leaves
the trail whole without it; for the same reason no column is a foreign key (erasing or deleting
a user or a cinema must not have to touch an entry).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JSONType, UTCDateTime, utcnow

SYSTEM_ROLE = "system"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_cinema_at", "cinema_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
        Index("ix_audit_entries_subject", "subject_type", "subject_id"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now(),
                                         nullable=False)
    # None for the system itself (a worker's task, a sweep); the role is kept as it was then.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16), nullable=False)
    cinema_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    subject_type: Mapped[str] = mapped_column(String(30), nullable=False)
    subject_id: Mapped[str] = mapped_column(String(40), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
