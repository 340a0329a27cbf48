"""Accounts, staff assignments and the token bookkeeping of the auth service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.mixins import TimestampMixin
from app.models.types import UTCDateTime, utcnow

ROLES = ("customer", "staff", "manager", "admin")


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(f"role IN {ROLES}", name="role_known"),
        # e-mail is stored normalised (lower-case), so a plain unique index is case-insensitive
        Index("uq_users_email", "email", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(100), nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="customer")
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Tokens issued before this instant are void: bumped on password change / "log out everywhere".
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cinema_links: Mapped[list[UserCinema]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def cinema_ids(self) -> list[int]:
        return sorted(link.cinema_id for link in self.cinema_links)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class UserCinema(db.Model):
    """Which cinemas a staff member or manager works at."""

    __tablename__ = "user_cinemas"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    cinema_id: Mapped[int] = mapped_column(
        ForeignKey("cinemas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    user: Mapped[User] = relationship(back_populates="cinema_links")


class RefreshTokenFamily(db.Model):
    """One login session: every rotated refresh token of it shares the family.

    Only ``current_jti`` may be exchanged; presenting an older member means the token was
    copied, so the whole family is revoked (refresh-token reuse detection).
    """

    __tablename__ = "refresh_token_families"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    current_jti: Mapped[str] = mapped_column(String(36), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), nullable=False
    )
    last_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class OneTimeToken(db.Model):
    """Password-reset and e-mail-verification tokens, stored as SHA-256 digests only."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('password_reset', 'email_verify')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now(), nullable=False
    )
