"""E-mails about money: booking confirmations and refunds, sent by the outbox's worker tasks
(``app.payments.tasks``), so they are sent at once from there and never slow a request."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app

from app.common.mail import deliver_email
from app.extensions import db
from app.models import Booking, Payment, Refund
from app.payments.buyers import buyer_of
from app.payments.money import format_money
from app.payments.row_locks import cinema_of, seat_labels
from app.tickets.tickets import code_of


def send_booking_confirmation(payment_id: int) -> None:
    payment = db.session.get(Payment, payment_id)
    base = current_app.config["FRONTEND_URL"].rstrip("/")
    _send_confirmation(payment.booking, paid=format_money(payment.amount_minor, payment.currency),
                       invoice=f"{base}/api/payments/{payment.id}/invoice")


def send_free_booking_confirmation(booking_id: int) -> None:
    """For a booking a promo code made free: confirmed without a payment, so without an invoice."""
    _send_confirmation(db.session.get(Booking, booking_id), paid="nothing (promo code)", invoice=None)


def _send_confirmation(booking: Booking, *, paid: str, invoice: str | None) -> None:
    buyer = buyer_of(booking)
    if buyer is None:
        return  # a walk-in who left no e-mail has the printed tickets
    showtime = booking.showtime
    cinema = cinema_of(booking)
    starts = showtime.starts_at.astimezone(ZoneInfo(cinema.timezone))
    labels = seat_labels(booking)
    seats = ", ".join(sorted(labels.values()))
    tickets = "".join(f"  {labels[line.id]}: {code_of(line)}\n" for line in booking.seats if line.active)
    body = (
        f"Hello {buyer.name},\n\n"
        f"your booking {booking.reference} is confirmed.\n\n"
        f"Film:    {showtime.movie.title}\n"
        f"Cinema:  {cinema.name}, {showtime.screen.name}\n"
        f"When:    {starts:%A %d %B %Y, %H:%M} ({cinema.timezone})\n"
        f"Seats:   {seats}\n"
        f"Paid:    {paid}\n\n"
        f"Show the reference {booking.reference} at the box office.\n\n"
        "Your tickets: at the door, show each seat's code below (or its QR code on your booking's "
        "page or printed tickets). Each is valid until the end of the show.\n"
        f"{tickets}"
    )
    if invoice:
        body += f"Invoice: {invoice}\n"
    deliver_email(buyer.email, f"Booking {booking.reference} confirmed", body)


def send_refund_notice(refund_id: int) -> None:
    refund = db.session.get(Refund, refund_id)
    payment = db.session.get(Payment, refund.payment_id)
    booking = payment.booking
    buyer = buyer_of(booking)
    if buyer is None or payment.provider == "cash":
        return  # cash was handed back at the counter
    body = (
        f"Hello {buyer.name},\n\n"
        f"we have refunded {format_money(refund.amount_minor, payment.currency)} for booking "
        f"{booking.reference} to the card you paid with. Depending on your bank it can take "
        "5 to 10 days to appear on your statement.\n"
    )
    deliver_email(buyer.email, f"Refund for booking {booking.reference}", body)
