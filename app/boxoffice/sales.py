"""Selling to walk-in customers at the counter, and giving money back there.

A counter sale is the online workflow run by the cashier: hold the seats (every sales rule
applies, the age rule included), book them for a customer without an account, and pay with
the tender taken (``app.payments.gateways.counter`` for cash and card terminals, the online
gateway for a card keyed in). The shift's entry then records what changed hands.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit
from app.bookings.hold_lifecycle import release_locks
from app.bookings.holds import hold_seats
from app.bookings.service import WalkIn, cancel_booking, confirm_booking
from app.boxoffice.cash_up import change_due
from app.boxoffice.shifts import till_of
from app.boxoffice.till_guard import counter_action
from app.common.access import Principal
from app.common.errors import ConflictError, NotFoundError, PaymentRequiredError, ValidationError
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models import Booking, BoxOfficeShift, Payment, ShiftEntry, Showtime
from app.payments.gateways.counter import COUNTER_TENDERS, CounterGateway
from app.payments.refunds import refund_booking
from app.payments.service import process_payment


@dataclass(frozen=True)
class Tender:
    """How the customer pays: ``cash`` (with what they hand over), ``terminal`` (a card on the
    counter's own terminal, by its receipt reference) or ``gateway`` (a card through the
    online gateway, by its payment method)."""

    method: str
    tendered_minor: int | None = None
    terminal_reference: str | None = None
    payment_method: str | None = None


@dataclass(frozen=True)
class Sale:
    booking: Booking
    entry: ShiftEntry


@counter_action
def sell_to_walk_in(principal: Principal, shift_id: int, *, showtime_id: int, seat_ids: list[int],
                    ticket_types: dict[int, str], tender: Tender, customer_email: str | None = None,
                    id_checked: bool = False) -> Sale:
    """Sell seats to a customer without an account and take their tender.

    422 when the tender lacks what its method needs, or cash does not cover the price (the
    seats are then given back). A card the online gateway declines cancels the booking (402).
    """
    shift = till_of(principal, shift_id)
    _ensure_complete(tender)
    showtime = db.session.get(Showtime, showtime_id)
    if showtime is not None and showtime.cinema_id != shift.cinema_id:
        raise ValidationError("This showtime is at another cinema than this till",
                              reason="showtime_of_other_cinema")
    hold = hold_seats(principal, showtime_id, seat_ids, ticket_types, None, id_checked,
                      sales_channel="box_office")
    change = change_due(hold.total_minor, tender.tendered_minor) if tender.method == "cash" else None
    if tender.method == "cash" and change is None:
        release_locks(hold.showtime_id, hold.hold_id, hold.user_id, hold.seat_ids)
        raise ValidationError(f"The price is {hold.total_minor}; {tender.tendered_minor} was tendered",
                              reason="tender_too_small", details={"total_minor": hold.total_minor})
    booking = confirm_booking(principal, hold.hold_id, id_checked=id_checked,
                              walk_in=WalkIn(sold_by_id=principal.id, customer_email=customer_email))
    payment_id = _take_payment(principal, booking, tender) if booking.total_minor > 0 else None
    entry = ShiftEntry(shift_id=shift.id, kind="sale", tender=tender.method, booking_id=booking.id,
                       payment_id=payment_id, amount_minor=booking.total_minor,
                       tendered_minor=tender.tendered_minor if tender.method == "cash" else None,
                       change_minor=change,
                       terminal_reference=tender.terminal_reference if tender.method == "terminal" else None,
                       created_by_id=principal.id)
    # Its own transaction: the booking and the payment before it committed as their workflows do.
    with unit_of_work():
        db.session.add(entry)
        if id_checked:
            audit.record(principal, "box_office.id_checked", shift.cinema_id, ("booking", booking.id), None,
                         {"shift_id": shift.id})
    return Sale(booking=db.session.get(Booking, booking.id), entry=entry)


def _ensure_complete(tender: Tender) -> None:
    needed = {"cash": ("tendered_minor", tender.tendered_minor),
              "terminal": ("terminal_reference", tender.terminal_reference),
              "gateway": ("payment_method", tender.payment_method)}[tender.method]
    if needed[1] is None:
        raise ValidationError(f"A {tender.method} tender needs `{needed[0]}`", reason="tender_incomplete",
                              details={"field": needed[0]})


def _take_payment(principal: Principal, booking: Booking, tender: Tender) -> int:
    """Pay the walk-in's booking with the tender; a gateway card that does not go through
    cancels the booking, so its seats are free again, and answers 402."""
    counter = tender.method in COUNTER_TENDERS
    try:
        payment, _ = process_payment(
            user_id=principal.id, booking_id=booking.id,
            payment_method=(tender.terminal_reference or tender.method) if counter else tender.payment_method,
            idempotency_key=None, gateway=CounterGateway(tender.method) if counter else None)
    except PaymentRequiredError:
        cancel_booking(principal, booking.id)
        raise
    if payment.status != "succeeded":  # a card asking for authentication cannot finish at a counter
        cancel_booking(principal, booking.id)
        raise PaymentRequiredError("The card needs authentication the counter cannot give; "
                                   "take another card or cash", reason="authentication_required")
    return payment.id


@counter_action
def refund_at_counter(principal: Principal, shift_id: int, booking_id: int,
                      booking_seat_ids: list[int] | None = None) -> ShiftEntry:
    """Give a booking of the till's cinema back, whole or some seats, by the way it was paid:
    cash from this drawer, a terminal payment on the terminal, an online one to its card."""
    shift = till_of(principal, shift_id)
    _ensure_at_cinema(shift, booking_id)
    return _give_back(principal, shift, booking_id, "refund", booking_seat_ids)


@counter_action
def void_sale(principal: Principal, shift_id: int, booking_id: int) -> ShiftEntry:
    """Undo a sale made on this shift (a mistake at the counter): everything paid goes back the
    way it came and the seats are free again."""
    shift = till_of(principal, shift_id)
    sold_here = db.session.scalar(select(ShiftEntry.id).where(
        ShiftEntry.shift_id == shift.id, ShiftEntry.booking_id == booking_id, ShiftEntry.kind == "sale"))
    if sold_here is None:
        raise ConflictError("Only a sale made on this shift can be voided; refund it instead",
                            reason="not_sold_on_this_shift")
    return _give_back(principal, shift, booking_id, "void", None)


def _give_back(principal: Principal, shift: BoxOfficeShift, booking_id: int, kind: str,
               booking_seat_ids: list[int] | None) -> ShiftEntry:
    refund = refund_booking(booking_id, actor=principal, reason=f"box_office_{kind}",
                            booking_seat_ids=booking_seat_ids, at_counter=True)
    payment = db.session.get(Payment, refund.payment_id)
    entry = ShiftEntry(shift_id=shift.id, kind=kind, booking_id=booking_id, payment_id=payment.id,
                       refund_id=refund.id, amount_minor=refund.amount_minor,
                       tender=payment.provider if payment.provider in COUNTER_TENDERS else "gateway",
                       created_by_id=principal.id)
    with unit_of_work():
        db.session.add(entry)
        audit.record(principal, f"box_office.{kind}", shift.cinema_id, ("booking", booking_id), None,
                     {"shift_id": shift.id, "refund_id": refund.id, "amount_minor": refund.amount_minor,
                      "tender": entry.tender, "refund_status": refund.status})
    return entry


def _ensure_at_cinema(shift: BoxOfficeShift, booking_id: int) -> None:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.showtime.cinema_id != shift.cinema_id:
        raise NotFoundError("No booking of this id at this till's cinema")
