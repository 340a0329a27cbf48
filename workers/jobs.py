"""The recurring table's entries (``workers/periodic.py``): thin calls into the services.

Work a service starts lives beside it (``app/<service>/tasks.py``, or the service function
itself) and is enqueued by dotted name through ``app.common.tasks.launch_task``; only the
cron entries stay here. They run inside an application context (``workers.worker``).
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


def retry_pending_refunds() -> list[int]:
    """Resend refunds the gateway left unanswered (same idempotency keys: never paid twice)."""
    from app.payments.refund_settlement import retry_pending_refunds as retry

    return retry()


def reconcile_pending_payments() -> list[int]:
    """Ask the gateway about payments left pending (their request died) and settle them."""
    from app.payments.service import reconcile_pending_payments as reconcile

    return reconcile()


def redeliver_outbox() -> list[int]:
    """Queue again the follow-ups (outbox rows) whose first delivery was lost or failed."""
    from app.common.outbox import redeliver_pending

    return redeliver_pending()


def purge_idempotency_records() -> int:
    """Forget Idempotency-Key answers older than the retention; returns how many went."""
    from app.payments.idempotency import purge_idempotency_records as purge

    return purge()


def reprice_upcoming_showtimes() -> dict[str, int]:
    """Recompute dynamic prices of the next 14 days of showtimes (the pricing worker's cron job)."""
    from app.pricing.repricing import reprice_upcoming_showtimes as reprice

    return reprice()
