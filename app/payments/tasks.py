"""Follow-up work of the payments service, run by workers from the outbox (``app.handlers``).

Each task takes the fields of the event it answers and is idempotent: the outbox delivers at
least once, so running a task twice must change nothing more (an e-mail is the exception a
crash between sending and recording can repeat; it is never lost).
"""

from __future__ import annotations

from app.payments import notifications, refunds
from app.payments.errors import NothingToRefundError
from app.payments.invoices import issue_credit_note, issue_invoice, store_pdf


def issue_invoice_document(payment_id: int) -> str:
    """Number, render and store the invoice of a paid booking; returns its number."""
    return store_pdf(issue_invoice(payment_id).id).number


def issue_credit_note_document(refund_id: int) -> str:
    """Number, render and store the credit note of a completed refund; returns its number."""
    return store_pdf(issue_credit_note(refund_id).id).number


def send_booking_confirmation(payment_id: int) -> None:
    notifications.send_booking_confirmation(payment_id)


def send_refund_notice(refund_id: int) -> None:
    notifications.send_refund_notice(refund_id)


def send_free_booking_confirmation(booking_id: int) -> None:
    notifications.send_free_booking_confirmation(booking_id)


def refund_cancelled_booking(booking_id: int) -> int | None:
    """Pay out what a cancelled booking is due; returns the refund's id, or None when nothing
    is (an unpaid booking, or a refund already made by an earlier delivery)."""
    try:
        return refunds.refund_booking(booking_id, actor=None, reason="booking_cancelled").id
    except NothingToRefundError:
        return None


def refund_showtime_bookings(showtime_id: int) -> list[int]:
    """Refund in full every paid booking of a cancelled showtime; returns the refunds made now
    (none when an earlier delivery made them)."""
    return refunds.refund_showtime_bookings(showtime_id)
