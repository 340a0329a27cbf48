"""Follow-up work of the payments service, run by workers from the outbox (``app.handlers``).

Each task takes the fields of the event it answers and is idempotent: the outbox delivers at
least once, so running a task twice must change nothing more (an e-mail is the exception a
crash between sending and recording can repeat; it is never lost).
"""

from __future__ import annotations

from app.payments import notifications
from app.payments.invoices import invoice_pdf, issue_credit_note, issue_invoice


def issue_invoice_document(payment_id: int) -> str:
    """Number, render and store the invoice of a paid booking; returns its number."""
    invoice = issue_invoice(payment_id)
    invoice_pdf(invoice)
    return invoice.number


def issue_credit_note_document(refund_id: int) -> str:
    """Number, render and store the credit note of a completed refund; returns its number."""
    note = issue_credit_note(refund_id)
    invoice_pdf(note)
    return note.number


def send_booking_confirmation(payment_id: int) -> None:
    notifications.send_booking_confirmation(payment_id)


def send_refund_notice(refund_id: int) -> None:
    notifications.send_refund_notice(refund_id)
