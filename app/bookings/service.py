"""Bookings: written from a hold, waiting for payment, confirmed, cancelled or expired.

PostgreSQL is the final judge of who got a seat: the partial unique index
``uq_booking_seats_active`` refuses a second active booking of a seat whatever Redis said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from app import audit
from app.bookings.age_rules import ensure_age_allowed
from app.bookings.booking_reads import relation_to
from app.bookings.cancellation_rights import cancellation_refusal
from app.bookings.context import sales_context
from app.bookings.events import BookingCancelled, BookingConfirmedFree
from app.bookings.hold_lifecycle import claim_hold, find_hold, release_locks
from app.bookings.hold_record import Hold
from app.bookings.holds import ensure_on_sale
from app.bookings.integrity import violated_constraint
from app.bookings.inventory import forget_sold_mirror, sell, unsell
from app.bookings.references import new_reference
from app.bookings.refund_policy import refund_owed
from app.common import events
from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError
from app.common.lost_steps import lost_step_is_logged
from app.common.unit_of_work import after_commit, unit_of_work, use_case
from app.extensions import db
from app.models import AgeRating, Booking, BookingFeeLine, BookingSeat, Cinema, Movie, Showtime, TicketType
from app.pricing.promos import redeem_promo, release_promo

# A confirmation stretches its locks to at least this, so they cannot lapse while the booking
# is written; longer than any request.
CLAIM_SECONDS = 60
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class WalkIn:
    """A box-office customer without an account: the booking names the staff member who sold
    it, and the customer's e-mail when they gave one."""

    sold_by_id: int
    customer_email: str | None = None


def confirm_booking(principal: Principal, hold_id: str, *, id_checked: bool = False,
                    walk_in: WalkIn | None = None) -> Booking:
    """Turn the caller's live hold into a booking waiting for payment (idempotent per hold).

    A booking with nothing to pay (a promo code took the whole price) is confirmed at once.
    The age rule is checked again with the film's rating now; an ID check confirmed on the
    hold or here (staff only) is recorded on the booking. ``walk_in`` books for a box-office
    customer without an account instead of for the caller.
    """
    hold = find_hold(hold_id)
    if hold is None:
        if (existing := _booking_of_hold(principal, hold_id)) is not None:
            return existing
        raise ConflictError("This hold has expired or was released; hold the seats again",
                            reason="hold_expired")
    if hold.user_id != principal.id:
        raise NotFoundError("Hold not found")
    id_checked = id_checked or hold.id_checked
    if walk_in is not None and hold.sales_channel != "box_office":
        raise ConflictError("This hold was quoted for an online sale; hold the seats at the box office",
                            reason="hold_of_other_channel")
    tickets = [seat.ticket_type for seat in hold.seats]
    # Checked again against the film's rating now, where the hold's tickets have an age limit
    # (as the worker's sales facts know them: most bookings need no query for it).
    limits = sales_context(hold.showtime_id).max_ages
    if id_checked or any(limits.get(ticket) is not None for ticket in tickets):
        ensure_age_allowed(principal, _age_facts(hold.showtime_id), tickets, id_checked)
    lost = claim_hold(hold, CLAIM_SECONDS)
    if lost:
        # A concurrent confirmation of this very hold may have sold its seats between our
        # read of the hold and our claim: its booking is ours too (the sale follows the commit).
        if (existing := _booking_of_hold(principal, hold_id)) is not None:
            return existing
        release_locks(hold.showtime_id, hold.hold_id, hold.user_id, hold.seat_ids)
        raise ConflictError("This hold has expired; hold the seats again", reason="hold_expired",
                            details={"seat_ids": lost})
    try:
        booking_id = _write_booking(hold, principal if id_checked else None, walk_in)
    except ConflictError:
        release_locks(hold.showtime_id, hold.hold_id, hold.user_id, hold.seat_ids)
        raise
    sell(hold.showtime_id, hold.hold_id, hold.user_id, hold.seat_ids)
    return db.session.get(Booking, booking_id)


def _booking_of_hold(principal: Principal, hold_id: str) -> Booking | None:
    """The booking already written from ``hold_id`` when it is the caller's: confirming is
    idempotent for the hold's owner."""
    booking = db.session.scalar(select(Booking).where(Booking.hold_id == hold_id))
    return booking if booking is not None and principal.id in (booking.user_id, booking.sold_by_id) else None


@dataclass(frozen=True)
class _AgeFacts:
    film_min_age: int
    id_check_allowed: bool
    max_ages: dict[str, int | None]


def _age_facts(showtime_id: int) -> _AgeFacts:
    """The film's rating, the cinema's ID-check rule and its ticket types' age limits, as they are now."""
    row = db.session.execute(
        select(AgeRating.min_age, Cinema.id_check_allowed, Cinema.id)
        .select_from(Showtime).join(Movie, Movie.id == Showtime.movie_id)
        .join(AgeRating, AgeRating.code == Movie.age_rating).join(Cinema, Cinema.id == Showtime.cinema_id)
        .where(Showtime.id == showtime_id)
    ).one()
    max_ages = dict(db.session.execute(
        select(TicketType.code, TicketType.max_age).where(TicketType.cinema_id == row.id)).all())
    return _AgeFacts(film_min_age=row.min_age, id_check_allowed=row.id_check_allowed, max_ages=max_ages)


def _write_booking(hold: Hold, id_checked_by: Principal | None, walk_in: WalkIn | None) -> int:
    """The id of the booking of ``hold``, written by this call or by a concurrent confirmation;
    each attempt is one unit of work (a clash of references rolls it back and tries again)."""
    window = timedelta(seconds=current_app.config["PAYMENT_WINDOW_SECONDS"])
    free = hold.total_minor == 0
    for _ in range(_REFERENCE_ATTEMPTS):
        # FOR SHARE: many bookings of one showtime proceed together, but a cancellation of the
        # showtime (FOR UPDATE) waits for them and then sees them.
        showtime = db.session.execute(
            select(Showtime.status, Showtime.starts_at, Showtime.cinema_id)
            .where(Showtime.id == hold.showtime_id)
            .with_for_update(read=True)
        ).first()
        if showtime is None:
            raise ConflictError("This showtime no longer exists", reason="showtime_cancelled")
        ensure_on_sale(showtime)
        booking = Booking(
            reference=new_reference(), user_id=None if walk_in else hold.user_id,
            sales_channel=hold.sales_channel,
            sold_by_id=walk_in.sold_by_id if walk_in else None,
            customer_email=walk_in.customer_email if walk_in else None,
            id_checked_by_id=id_checked_by.id if id_checked_by else None,
            id_checked_at=now() if id_checked_by else None,
            showtime_id=hold.showtime_id,
            hold_id=hold.hold_id, status="confirmed" if free else "pending_payment", currency=hold.currency,
            subtotal_minor=hold.total_minor + hold.discount_minor, discount_minor=hold.discount_minor,
            total_minor=hold.total_minor, promo_code_id=hold.promo_code_id,
            confirmed_at=now() if free else None, expires_at=None if free else now() + window,
            seats=[BookingSeat(showtime_id=hold.showtime_id, seat_id=seat.seat_id, category=seat.category,
                               ticket_type=seat.ticket_type, price_minor=seat.price_minor,
                               price_trace=seat.trace, tax_class_id=seat.tax_class_id, active=True)
                   for seat in hold.seats],
            fees=[BookingFeeLine(fee_id=fee.fee_id, name=fee.name, quantity=fee.quantity,
                                 amount_minor=fee.amount_minor, tax_class_id=fee.tax_class_id)
                  for fee in hold.fees],
        )
        try:
            with unit_of_work():
                db.session.add(booking)
                db.session.flush()
                if id_checked_by is not None:
                    audit.record(id_checked_by, "booking.id_checked", showtime.cinema_id,
                                 ("booking", booking.id), None, {"showtime_id": hold.showtime_id})
                if free:
                    # Nothing to pay, so nothing to wait for: the promo code that made it free is
                    # used now, as a payment would have used it.
                    redeem_promo(booking)
                    events.record(BookingConfirmedFree(booking.id))
                booking_id = booking.id
            return booking_id
        except IntegrityError as exc:
            constraint = violated_constraint(exc)
            if constraint == "uq_bookings_reference":
                continue
            if constraint == "uq_booking_seats_active":
                # Redis let these seats be held although PostgreSQL had sold them: reload its mirror.
                forget_sold_mirror(hold.showtime_id)
                sold = _sold_seats(hold.showtime_id, hold.seat_ids)
                raise ConflictError("Some of these seats were sold meanwhile", reason="seats_taken",
                                    details={"seat_ids": sold}) from exc
            if constraint == "uq_bookings_hold_id":
                return db.session.scalar(select(Booking.id).where(Booking.hold_id == hold.hold_id))
            raise
    raise ConflictError("Could not allocate a booking reference; try again", reason="reference_exhausted")


@use_case
def cancel_booking(principal: Principal, booking_id: int) -> Booking:
    """Cancel a booking: its seats are free at once, and what was paid is recorded as due and
    paid back by a worker after the commit (``BookingCancelled``'s handler, through the outbox).

    Customers may cancel a paid booking until the cinema's refund cut-off before the show
    (full refund); staff of the cinema may cancel until the show starts.
    """
    booking = db.session.scalar(select(Booking).where(Booking.id == booking_id).with_for_update(of=Booking))
    if booking is None:
        raise NotFoundError("Booking not found")
    acting_as = relation_to(principal, booking)
    showtime = booking.showtime
    cinema = db.session.get(Cinema, showtime.cinema_id)
    at = now()
    ensure_may_cancel(booking, acting_as, cinema.refund_cutoff_hours, at)
    refund_due = 0
    if booking.status == "confirmed":
        refund_due = refund_owed(
            held_minor=booking.total_minor - booking.refunded_minor, show_cancelled=False,
            by_staff=acting_as == "staff", starts_at=showtime.starts_at,
            cutoff_hours=cinema.refund_cutoff_hours, at=at)
    reason = "staff" if acting_as == "staff" else "customer"
    mark_cancelled(booking, reason=reason, refund_due_minor=refund_due)
    audit.record(principal, "booking.cancelled", showtime.cinema_id, ("booking", booking.id), None,
                 {"cancel_reason": reason, "refund_due_minor": refund_due})
    # The money goes back from a worker: a slow gateway never holds up the cancellation.
    events.record(BookingCancelled(booking.id))
    after_commit(lambda: free_seats_of([booking]))
    return booking


def ensure_may_cancel(booking: Booking, acting_as: str, cutoff_hours: int, at: datetime) -> None:
    """409 unless :func:`cancellation_refusal` lets the caller cancel ``booking`` now."""
    refusal = cancellation_refusal(acting_as=acting_as, status=booking.status,
                                   starts_at=booking.showtime.starts_at, cutoff_hours=cutoff_hours, at=at)
    if refusal == "booking_not_active":
        raise ConflictError(f"This booking is already {booking.status}", reason=refusal)
    if refusal == "showtime_started":
        raise ConflictError("The show has started; this booking can no longer be cancelled", reason=refusal)
    if refusal == "refund_cutoff_passed":
        raise ConflictError(f"Bookings can be cancelled up to {cutoff_hours} h before the show; "
                            "ask the box office", reason=refusal)


def mark_cancelled(booking: Booking, *, reason: str, refund_due_minor: int) -> None:
    """Cancel inside the caller's transaction; call :func:`free_seats_of` after the commit."""
    if booking.status == "confirmed" and booking.total_minor == 0:
        release_promo(booking)  # a free booking has no refund to give its promo use back
    booking.status = "cancelled"
    booking.cancelled_at = now()
    booking.cancel_reason = reason
    booking.refund_due_minor += refund_due_minor
    for seat in booking.seats:
        seat.active = False


def free_seats_of(bookings: Iterable[Booking]) -> None:
    """After a commit that deactivated seats of these bookings: those seats are for sale again.

    Redis failing here does not make the committed change an error (the client would retry a
    cancellation already done, and its refund's hand-over would wait for the sweep): the seats
    come back with the sold mirror's next load from PostgreSQL, at once after a Redis restart.
    """
    for booking in bookings:
        given_back = [seat.seat_id for seat in booking.seats if not seat.active]
        with lost_step_is_logged("seats given back", "the sold mirror's next load frees them"):
            unsell(booking.showtime_id, booking.hold_id, given_back)


@use_case
def expire_unpaid_bookings(limit: int = 500) -> int:
    """Expire bookings whose payment window has passed and free their seats (idempotent)."""
    bookings = list(db.session.scalars(
        select(Booking)
        .where(Booking.status == "pending_payment", Booking.expires_at <= now())
        .order_by(Booking.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Booking)
        .options(lazyload(Booking.showtime))
    ))
    for booking in bookings:
        booking.status = "expired"
        booking.cancel_reason = "payment_expired"
        for seat in booking.seats:
            seat.active = False
    after_commit(lambda: free_seats_of(bookings))
    return len(bookings)


def _sold_seats(showtime_id: int, seat_ids: list[int]) -> list[int]:
    """Which of ``seat_ids`` are sold (in an active booking) for the showtime, per PostgreSQL."""
    return sorted(db.session.scalars(
        select(BookingSeat.seat_id).where(
            BookingSeat.showtime_id == showtime_id, BookingSeat.seat_id.in_(seat_ids), BookingSeat.active)
    ))
