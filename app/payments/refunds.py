"""Giving money back: booking and seat refunds, reserved here and settled by
``app.payments.refund_settlement``.

A refund is reserved first (counters raised under the booking lock, committed), then sent to
the gateway with an idempotency key derived from its id, then settled. Reserving before the
network call means two refunds racing on one booking can never together exceed what was
paid (the ``refund_bounded`` checks are the last line), and a crash between the steps leaves
a pending refund that is retried with the same key instead of being paid twice.

Seam with the bookings and scheduling services (which own cancellation): their cancel
transaction records what is due on the booking and a ``BookingCancelled`` or
``ShowtimeCancelled`` event; its outbox handler (``app.payments.tasks``) pays it out here
after the commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import audit
from app.bookings.cancellation_rights import cancellation_refusal
from app.bookings.refund_policy import refund_owed
from app.common.access import Principal, ensure_cinema_access, ensure_owner
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Booking, BookingSeat, Payment, Refund
from app.payments.errors import NothingToRefundError
from app.payments.gateways.counter import CASH
from app.payments.refund_settlement import execute_refund
from app.payments.row_locks import (
    CAPTURED,
    captured_payments,
    cinema_of,
    lock_booking,
)
from app.pricing.promos import release_promo

log = logging.getLogger(__name__)



def refundable_amount(booking: Booking, at: datetime) -> int:
    """What the cinema's policy gives back to a customer cancelling at ``at``.

    Everything still held until ``refund_cutoff_hours`` before the show, nothing after;
    everything, always, when the cinema cancelled the show.
    """
    held = db.session.scalars(
        select(Payment.amount_minor - Payment.refunded_minor)
        .where(Payment.booking_id == booking.id, Payment.status.in_(CAPTURED))
    ).all()
    return refund_owed(held_minor=max(held, default=0), show_cancelled=booking.showtime.status == "cancelled",
                       by_staff=False, starts_at=booking.showtime.starts_at,
                       cutoff_hours=cinema_of(booking).refund_cutoff_hours, at=at)


def record_refund_due(booking: Booking, at: datetime) -> int:
    """Note on a booking being cancelled what the policy owes; returns the amount to pay out.

    ``refund_due_minor`` is cumulative (refunded so far + still owed), so an earlier partial
    refund by staff is not paid twice.
    """
    owed = refundable_amount(booking, at)
    booking.refund_due_minor = booking.refunded_minor + owed
    return owed


def refund_booking(
    booking_id: int, *, actor: Principal | None, reason: str,
    amount_minor: int | None = None, booking_seat_ids: list[int] | None = None,
    request_key: str | None = None, at_counter: bool = False,
) -> Refund:
    """Refund a booking, some of its seats, or an amount of it; ``actor=None`` is the system.

    * no seats, no amount: the whole booking. Its seats are released and it is cancelled.
      Customers get what the policy allows; a booking the bookings service cancelled pays
      out what it recorded as due; staff, and a cancelled show, give back everything held.
    * ``booking_seat_ids``: those seats are released and refunded (default: their price).
    * only ``amount_minor``: money back without touching the seats (a goodwill gesture).
    Customers may only do the first; nobody may refund more than was paid (422).
    ``request_key`` (the caller's Idempotency-Key) makes a repeated request find the refund
    it already made. Cash is given back only from a box-office till (``at_counter``): elsewhere
    it stays due on the booking (409 ``refund_at_counter``), so every drawer balances.
    """
    earlier = _refund_made_with(actor, request_key)
    if earlier is not None:
        if earlier.payment.booking_id != booking_id:
            raise ValidationError("This Idempotency-Key was already used to refund another booking; "
                                  "use a new key for a new refund", reason="idempotency_key_reused")
        return execute_refund(earlier.id)
    refund_id, freed = _reserve_booking_refund(
        booking_id, actor, reason, amount_minor, booking_seat_ids or [], request_key, at_counter)
    if freed is not None:
        # Imported here: the bookings service may call into this module (cancel -> refund).
        from app.bookings.service import free_seats_of

        # The bookings service's own after-commit step: locks dropped, seat map refreshed.
        free_seats_of([freed])
    return execute_refund(refund_id)


def _refund_made_with(actor: Principal | None, request_key: str | None) -> Refund | None:
    """The refund this caller made with this key while keys are remembered (their retention)."""
    if actor is None or request_key is None:
        return None
    since = now() - timedelta(hours=current_app.config["IDEMPOTENCY_RETENTION_HOURS"])
    return db.session.scalar(select(Refund).where(
        Refund.created_by_id == actor.id, Refund.request_key == request_key, Refund.created_at >= since))


@use_case
def _reserve_booking_refund(
    booking_id: int, actor: Principal | None, reason: str,
    amount_minor: int | None, seat_ids: list[int], request_key: str | None, at_counter: bool,
) -> tuple[int, Booking | None]:
    booking = lock_booking(booking_id)
    if booking is None:
        raise NotFoundError("Booking not found")
    customer = actor is not None and actor.role == "customer"
    if customer:
        ensure_owner(actor, booking.user_id, "Booking")
        if amount_minor is not None or seat_ids:
            raise PermissionDeniedError(
                "Partial refunds are made by cinema staff; customers refund whole bookings",
                reason="partial_refund_staff_only")
    elif actor is not None:
        ensure_cinema_access(actor, booking.showtime.cinema_id)

    payment = max(captured_payments(booking.id), default=None,
                  key=lambda p: p.amount_minor - p.refunded_minor)
    held = payment.amount_minor - payment.refunded_minor if payment else 0
    if held <= 0:
        raise NothingToRefundError("Nothing paid for this booking is left to refund",
                                   reason="nothing_to_refund")
    if payment.provider == CASH and not at_counter:
        raise NothingToRefundError(
            "This booking was paid in cash: give the money back from a box-office till "
            "(POST /api/box-office/shifts/{id}/refunds)", reason="refund_at_counter")

    if seat_ids:
        release = _seats_of(booking, seat_ids)
        limit = min(held, sum(s.price_minor - s.refunded_minor for s in release))
        amount = limit if amount_minor is None else amount_minor
        spread_over = release
    elif amount_minor is not None:
        release, limit, amount, spread_over = [], held, amount_minor, booking.seats
    else:
        if actor is not None and booking.status == "confirmed" and booking.showtime.status != "cancelled":
            # A whole-booking refund cancels the booking: the same rule as DELETE /api/bookings/{id}.
            _ensure_may_cancel(booking, actor)
        release = [s for s in booking.seats if s.active]
        limit = held
        amount = _whole_booking_amount(booking, held, actor)
        spread_over = booking.seats
    if amount > limit:
        raise ValidationError(
            f"At most {limit} (minor units) of this can be refunded; {amount} was asked",
            reason="refund_exceeds_payment", details={"refundable_minor": limit})
    if amount <= 0:
        raise NothingToRefundError("These seats were already refunded", reason="nothing_to_refund")

    refund = Refund(
        payment_id=payment.id, amount_minor=amount, reason=reason, status="pending",
        booking_seat_ids=[s.id for s in release], created_by_id=actor.id if actor else None,
        request_key=request_key if actor else None, seat_amounts=_spread(amount, spread_over),
    )
    _count_refund(booking, payment, amount)
    freed_any = _release(booking, release, reason)
    db.session.add(refund)
    audit.record(actor, "refund.issued", booking.showtime.cinema_id, ("booking", booking.id), None,
                 {"amount_minor": amount, "reason": reason, "booking_seat_ids": refund.booking_seat_ids})
    db.session.flush()
    return refund.id, booking if freed_any else None


def _ensure_may_cancel(booking: Booking, actor: Principal) -> None:
    """Staff may not cancel once the show has started; a customer's refund after the cut-off
    is refused below with what the policy allows (``refund_not_allowed``)."""
    acting_as = "owner" if actor.role == "customer" else "staff"
    refusal = cancellation_refusal(acting_as=acting_as, status=booking.status,
                                   starts_at=booking.showtime.starts_at,
                                   cutoff_hours=cinema_of(booking).refund_cutoff_hours, at=now())
    if refusal == "showtime_started":
        raise ConflictError("The show has started; this booking can no longer be cancelled",
                            reason=refusal)


def _whole_booking_amount(booking: Booking, held: int, actor: Principal | None) -> int:
    """Staff give back everything held, as does a cancelled show; a cancelled booking pays
    out what its cancellation recorded as due; a customer refunding a live booking gets the
    policy's amount (and the booking is cancelled)."""
    if actor is not None and actor.role != "customer":
        return held
    if booking.showtime.status == "cancelled":
        return held
    if booking.status == "cancelled":
        owed = booking.refund_due_minor - booking.refunded_minor
        if owed <= 0:
            raise NothingToRefundError("Nothing is due for this cancelled booking",
                                       reason="nothing_due")
        return min(owed, held)
    if actor is None:
        return held
    owed = record_refund_due(booking, now())
    if owed <= 0:
        hours = cinema_of(booking).refund_cutoff_hours
        raise NothingToRefundError(
            f"The cinema refunds cancellations until {hours} hours before the show; "
            "this booking can no longer be refunded", reason="refund_not_allowed",
            details={"refund_cutoff_hours": hours,
                     "starts_at": booking.showtime.starts_at.isoformat()})
    return owed


def _seats_of(booking: Booking, seat_ids: list[int]) -> list[BookingSeat]:
    by_id = {s.id: s for s in booking.seats}
    unknown = sorted(set(seat_ids) - set(by_id))
    if unknown:
        raise ValidationError("These seats are not part of the booking",
                              reason="unknown_seats", details={"booking_seat_ids": unknown})
    return [by_id[i] for i in sorted(set(seat_ids))]


def _spread(amount: int, seats: list[BookingSeat]) -> dict[str, int]:
    """Charge the refund to seats in order, each up to what is left of its price."""
    left, shares = amount, {}
    for seat in seats:
        share = min(left, seat.price_minor - seat.refunded_minor)
        if share > 0:
            seat.refunded_minor += share
            shares[str(seat.id)] = share
            left -= share
    return shares


def _count_refund(booking: Booking, payment: Payment, amount: int) -> None:
    payment.refunded_minor += amount
    payment.status = "refunded" if payment.refunded_minor == payment.amount_minor else "partially_refunded"
    booking.refunded_minor += amount
    booking.refund_due_minor = max(booking.refund_due_minor, booking.refunded_minor)
    if payment.status == "refunded":
        # A fully refunded booking gives its promo-code use back.
        release_promo(booking)


def _release(booking: Booking, seats: list[BookingSeat], reason: str) -> bool:
    """Free refunded seats for sale; a booking left without seats is cancelled."""
    freed = [s for s in seats if s.active]
    for seat in freed:
        seat.active = False
    if freed and not any(s.active for s in booking.seats) and booking.status == "confirmed":
        booking.status = "cancelled"
        booking.cancelled_at = now()
        booking.cancel_reason = reason[:40]
    return bool(freed)


def reverse_payment(booking: Booking, payment: Payment, reason: str) -> Refund:
    """Reserve a full refund of a payment that cannot be kept (its booking expired, or was
    already paid). The caller holds the booking and payment locks and commits."""
    amount = payment.amount_minor - payment.refunded_minor
    refund = Refund(payment_id=payment.id, amount_minor=amount, reason=reason, status="pending")
    _count_refund(booking, payment, amount)
    db.session.add(refund)
    db.session.flush()
    return refund


def refund_showtime_bookings(showtime_id: int) -> list[int]:
    """Refund in full every paid booking of a cancelled showtime; safe to run again."""
    booking_ids = db.session.scalars(
        select(Booking.id).where(Booking.showtime_id == showtime_id,
                                 Booking.status.in_(("confirmed", "cancelled")))
        .order_by(Booking.id)
    ).all()
    refunded = []
    for booking_id in booking_ids:
        try:
            refunded.append(refund_booking(booking_id, actor=None, reason="showtime_cancelled").id)
        except NothingToRefundError:
            continue  # refunded by an earlier run
    return refunded
