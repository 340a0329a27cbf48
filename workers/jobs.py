"""Thin RQ jobs: take ids, load from the database, call a service or library, write back.

They run inside an application context (``workers.worker``) or, in the embedded default,
inside the API process that enqueued them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_

from app.common.clock import now
from app.extensions import db
from app.models import OneTimeToken, RefreshTokenFamily


def purge_expired_tokens() -> int:
    """Delete reset/verification tokens and refresh families dead for more than a day."""
    cutoff = now() - timedelta(days=1)
    removed = db.session.execute(
        delete(OneTimeToken).where(OneTimeToken.expires_at < cutoff)
    ).rowcount
    removed += db.session.execute(
        delete(RefreshTokenFamily).where(
            or_(RefreshTokenFamily.expires_at < cutoff, RefreshTokenFamily.revoked_at < cutoff)
        )
    ).rowcount
    db.session.commit()
    return removed


def expire_unpaid_bookings() -> int:
    """Expire bookings whose payment window has passed; their seats are free again."""
    # Imported here so that loading the cron table does not import the bookings service.
    from app.bookings.service import expire_unpaid_bookings as expire

    return expire()
