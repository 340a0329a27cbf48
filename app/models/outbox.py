"""The outbox: follow-up work a committed change owes, written in that change's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JSONType, UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """One handler to run for one recorded event (``app.common.events``).

    Written before the commit of the change that recorded the event, so the change and its
    follow-up are kept or lost together; delivered after the commit and, if that delivery is
    lost (Redis down, a worker killed), again by the recurring sweep until ``done_at`` is set.
    Handlers are idempotent, so a second delivery changes nothing more.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event: Mapped[str] = mapped_column(String(80), nullable=False)
    handler: Mapped[str] = mapped_column(String(120), nullable=False)
    payload: Mapped[dict] = mapped_column(JSONType, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The sweep reads only what is not done yet.
        Index("ix_outbox_messages_pending", "created_at",
              postgresql_where=text("done_at IS NULL"), sqlite_where=text("done_at IS NULL")),
    )
