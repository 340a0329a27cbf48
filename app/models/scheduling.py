"""Showtimes and schedule-optimisation runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Movie
from app.models.mixins import TimestampMixin, VersionedMixin
from app.models.types import JSONType, UTCDateTime, utcnow
from app.models.venues import Screen

SHOWTIME_STATUSES = ("scheduled", "cancelled")


class Showtime(TimestampMixin, VersionedMixin, db.Model):
    """One screening.

    ``blocked_until`` = end of the film + the cinema's cleaning buffer, fixed when the
    showtime is written; PostgreSQL's exclusion constraint ``ex_showtimes_screen_no_overlap``
    (migration) refuses two live showtimes whose ``[starts_at, blocked_until)`` overlap on one
    screen, whatever the application believed.
    """

    __tablename__ = "showtimes"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("blocked_until >= ends_at", name="blocked_after_end"),
        CheckConstraint(f"status IN {SHOWTIME_STATUSES}", name="status_known"),
        CheckConstraint("source IN ('manual', 'generated')", name="source_known"),
        CheckConstraint("dynamic_multiplier > 0 AND dynamic_multiplier <= 10", name="multiplier_range"),
        Index("ix_showtimes_screen_starts", "screen_id", "starts_at"),
        Index("ix_showtimes_cinema_starts", "cinema_id", "starts_at"),
        Index("ix_showtimes_movie_starts", "movie_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="RESTRICT"), nullable=False)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="RESTRICT"), nullable=False)
    # Denormalised from the screen: every schedule query is per cinema and day.
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="RESTRICT"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    format: Mapped[str] = mapped_column(String(4), nullable=False, default="2D")
    language: Mapped[str | None] = mapped_column(String(8))
    subtitles: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="scheduled")
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="manual")
    optimisation_run_id: Mapped[str | None] = mapped_column(
        ForeignKey("optimisation_runs.id", ondelete="SET NULL")
    )
    dynamic_multiplier: Mapped[Decimal] = mapped_column(
        Numeric(4, 3), nullable=False, default=Decimal("1.000")
    )
    price_frozen: Mapped[bool] = mapped_column(nullable=False, default=False)
    price_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Share of the forecast demand the booking curve says has come by ``exposure_at`` at the
    # prices charged while seats were left (``pricing_engine.learning.advance_exposure``),
    # advanced by every repricing run; NULL ``exposure_at``: not tracked yet.
    demand_exposure: Mapped[float] = mapped_column(nullable=False, default=0.0, server_default="0")
    exposure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    movie: Mapped[Movie] = relationship(lazy="joined")
    screen: Mapped[Screen] = relationship(lazy="joined")


class OptimisationRun(db.Model):
    """A schedule-generation request and what became of it (the RQ job writes it back)."""

    __tablename__ = "optimisation_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name="status_known"
        ),
        CheckConstraint("days BETWEEN 1 AND 28", name="days_range"),
        Index("ix_optimisation_runs_cinema_status", "cinema_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cinema_id: Mapped[int] = mapped_column(ForeignKey("cinemas.id", ondelete="CASCADE"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    days: Mapped[int] = mapped_column(nullable=False)
    dry_run: Mapped[bool] = mapped_column(nullable=False, default=False)
    options: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(nullable=False, default=0)
    result: Mapped[dict | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    # Kept shows that break a rule meant for new ones, films that cannot be shown: in words.
    warnings: Mapped[list] = mapped_column(JSONType, nullable=False, default=list, server_default="[]")
    # Written by the running job every few seconds; a silent run has lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rq_job_id: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
