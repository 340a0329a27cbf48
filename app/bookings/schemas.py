"""Request and response bodies of seat maps, holds and bookings."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.common.fields import Boolean, Choice, Dict, Id, List, QueryArgsSchema, Text
from app.common.schemas import field_meta as _meta
from app.models import BOOKING_STATUSES, SALES_CHANNELS
from app.pricing.schemas import ticket_type_code

SEAT_STATUSES = ("available", "held", "sold", "blocked")
# Ceiling of one request, counted before any seat is read; the hold limit itself is the
# MAX_SEATS_PER_HOLD setting (10 by default), checked by the hold.
MAX_SEATS_PER_REQUEST = 50


class ShowtimeSeatSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Seat id (use it in holds)", 17))
    row = ma.fields.String(required=True, metadata=_meta("Row label", "C"))
    number = ma.fields.Integer(required=True, metadata=_meta("Seat number in its row", 7))
    label = ma.fields.String(required=True, metadata=_meta("Row and number", "C7"))
    category = ma.fields.String(required=True, metadata=_meta("Seat category", "standard"))
    x = ma.fields.Integer(required=True, metadata=_meta(
        "Drawing column; aisles are empty columns, so neighbours differ by exactly 1", 8))
    y = ma.fields.Integer(required=True, metadata=_meta("Drawing row, 0 = front", 2))
    wheelchair = ma.fields.Boolean(required=True, metadata=_meta("A wheelchair space", False))
    companion = ma.fields.Boolean(required=True, metadata=_meta(
        "A companion seat beside a wheelchair space", False))
    status = ma.fields.String(required=True, validate=validate.OneOf(SEAT_STATUSES), metadata=_meta(
        "available, held (someone's hold), sold (in a booking) or blocked (never sold)", "available"))
    price_minor = ma.fields.Integer(allow_none=True, metadata=_meta(
        "Price in minor units of `currency`; null when the category has no price", 1000))


class SeatStatusCountsSchema(ma.Schema):
    available = ma.fields.Integer(required=True, metadata=_meta("Seats free to hold", 40))
    held = ma.fields.Integer(required=True, metadata=_meta("Seats in live holds", 4))
    sold = ma.fields.Integer(required=True, metadata=_meta("Seats in bookings", 6))
    blocked = ma.fields.Integer(required=True, metadata=_meta("Seats never sold", 0))


class ShowtimeSeatMapSchema(ma.Schema):
    showtime_id = ma.fields.Integer(required=True, metadata=_meta("Showtime id", 42))
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen id", 3))
    showtime_status = ma.fields.String(required=True, metadata=_meta("scheduled or cancelled", "scheduled"))
    currency = ma.fields.String(required=True, metadata=_meta("ISO 4217 currency of the prices", "GBP"))
    generated_at = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "When the map was read (it may be cached for up to 30 s, and is refreshed on every change)"))
    counts = ma.fields.Nested(SeatStatusCountsSchema, required=True, metadata=_meta("Seats per status"))
    seats = ma.fields.List(ma.fields.Nested(ShowtimeSeatSchema), required=True,
                           metadata=_meta("Every seat of the screen, front row first"))
    holds_end_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata=_meta(
        "When the earliest hold on the map ends, freeing its seats unannounced (null when no seat "
        "is held): the map is cached no longer, and a page showing it should fetch it again then"))


def id_checked_field() -> Boolean:
    """The staff's confirmation of an ID check, on holds, bookings and box-office sales."""
    return Boolean(load_default=False, metadata=_meta(
        "Staff only: you checked an ID showing the holder of a child ticket is old enough for the film. "
        "Allowed only where the cinema's rules allow it (`id_check_allowed`); recorded on the booking",
        False))


class HoldRequestSchema(ma.Schema):
    showtime_id = Id(required=True, metadata=_meta("Showtime to hold seats for", 42))
    seat_ids = List(
        Id(), required=True, min_items=1, max_items=MAX_SEATS_PER_REQUEST,
        metadata=_meta("Seats to hold, all or none (at most MAX_SEATS_PER_HOLD, 10 by default)", [17, 18]),
    )
    ticket_types = Dict(
        keys=Id(), values=ticket_type_code(), max_items=MAX_SEATS_PER_REQUEST, load_default=dict,
        metadata=_meta("Ticket type code per seat id, one the cinema sells online (GET /api/cinemas/"
                       "{cinema_id}/ticket-types; its first, adult, when a seat is not listed); priced "
                       "into the quote", {"18": "child"}),
    )
    promo_code = Text(
        load_default=None, allow_none=True, min_length=1, max_length=40,
        metadata=_meta("Promo code quoted into the seat prices (its use is counted at payment)", "WELCOME10"),
    )
    id_checked = id_checked_field()


class HoldSeatSchema(ma.Schema):
    seat_id = ma.fields.Integer(required=True, metadata=_meta("Seat id", 17))
    label = ma.fields.String(required=True, metadata=_meta("Row and number", "C7"))
    category = ma.fields.String(required=True, metadata=_meta("Seat category", "standard"))
    price_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Quoted price in minor units; the booking honours it", 1000))
    ticket_type = ma.fields.String(required=True, metadata=_meta("Ticket type the price is for", "adult"))


class HeldFeeSchema(ma.Schema):
    fee_id = ma.fields.Integer(required=True, metadata=_meta("Booking fee id", 3))
    name = ma.fields.String(required=True, metadata=_meta("Fee name", "Online booking fee"))
    quantity = ma.fields.Integer(required=True, metadata=_meta("Tickets it is charged for (1: per order)", 1))
    amount_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Amount for all of them, tax included", 75))
    tax_class_id = ma.fields.Integer(allow_none=True, metadata=_meta(
        "Its tax class; null = the cinema's standard rate", None))


class HoldSchema(ma.Schema):
    hold_id = ma.fields.String(required=True, metadata=_meta(
        "Hold id; send it to POST /api/bookings to book", "42-9f86d081884c7d659a2feaa0"))
    showtime_id = ma.fields.Integer(required=True, metadata=_meta("Showtime id", 42))
    expires_at = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "When the seats are released: the end of the countdown your first hold for this showtime "
        "started (changing seats does not restart it)"))
    currency = ma.fields.String(required=True, metadata=_meta("ISO 4217 currency", "GBP"))
    seats = ma.fields.List(ma.fields.Nested(HoldSeatSchema), required=True,
                           metadata=_meta("Held seats and their quoted prices"))
    fees = ma.fields.List(ma.fields.Nested(HeldFeeSchema), required=True, metadata=_meta(
        "Booking fees of the order on its sales channel, charged by the booking"))
    fees_minor = ma.fields.Integer(required=True, metadata=_meta("Sum of the fees", 75))
    sales_channel = ma.fields.String(required=True, metadata=_meta("online or box_office", "online"))
    total_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Sum of the quoted seat prices and the fees: what the booking charges", 2075))
    discount_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Promo discount already taken off the seat prices", 0))
    replaced_hold_id = ma.fields.String(allow_none=True, metadata=_meta(
        "Your previous hold for this showtime, released by this one (one live hold per showtime)"))


class BookingRequestSchema(ma.Schema):
    hold_id = Text(required=True, min_length=1, max_length=64, metadata=_meta(
        "Id of your live hold", "42-9f86d081884c7d659a2feaa0"))
    id_checked = id_checked_field()


class BookingSeatSchema(ma.Schema):
    seat_id = ma.fields.Integer(required=True, metadata=_meta("Seat id", 17))
    label = ma.fields.String(required=True, attribute="seat.label", metadata=_meta("Row and number", "C7"))
    category = ma.fields.String(required=True, metadata=_meta("Seat category when booked", "standard"))
    ticket_type = ma.fields.String(required=True, metadata=_meta("Code of the cinema's ticket type", "adult"))
    price_minor = ma.fields.Integer(required=True, metadata=_meta("Price paid for the seat", 1000))
    active = ma.fields.Boolean(required=True, metadata=_meta(
        "False once the booking is cancelled or expired (the seat is free again)", True))


class BookingShowtimeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Showtime id", 42))
    movie_id = ma.fields.Integer(required=True, metadata=_meta("Movie id", 5))
    movie_title = ma.fields.String(required=True, attribute="movie.title", metadata=_meta("Film", "Heat"))
    cinema_id = ma.fields.Integer(required=True, metadata=_meta("Cinema id", 1))
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen id", 3))
    screen_name = ma.fields.String(required=True, attribute="screen.name",
                                   metadata=_meta("Screen", "Screen 3"))
    starts_at = ma.fields.AwareDateTime(required=True, metadata=_meta("Start (UTC)"))
    format = ma.fields.String(required=True, metadata=_meta("2D, 3D, IMAX or 4DX", "2D"))
    status = ma.fields.String(required=True, metadata=_meta("scheduled or cancelled", "scheduled"))


class BookingSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Booking id", 1001))
    reference = ma.fields.String(required=True, metadata=_meta("Code for the box office", "K7Q-4MZ"))
    status = ma.fields.String(required=True, validate=validate.OneOf(BOOKING_STATUSES), metadata=_meta(
        "pending_payment (waiting for payment until expires_at), confirmed (paid, or nothing to pay), "
        "cancelled or expired",
        "pending_payment"))
    user_id = ma.fields.Integer(required=True, allow_none=True, metadata=_meta(
        "Customer who booked; null for a walk-in customer sold at the box office", 7))
    sales_channel = ma.fields.String(required=True, validate=validate.OneOf(SALES_CHANNELS), metadata=_meta(
        "online (booked by its customer) or box_office (sold at the counter by `sold_by_id`)", "online"))
    sold_by_id = ma.fields.Integer(allow_none=True, metadata=_meta("Staff member who sold it at the counter"))
    customer_email = ma.fields.String(allow_none=True, metadata=_meta(
        "A walk-in customer's e-mail, when they gave one", "guest@example.com"))
    id_checked_by_id = ma.fields.Integer(allow_none=True, metadata=_meta(
        "Staff member who checked the ID of the holder of a ticket with an age limit"))
    id_checked_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When the ID was checked"))
    showtime = ma.fields.Nested(BookingShowtimeSchema, required=True, metadata=_meta("The screening"))
    seats = ma.fields.List(ma.fields.Nested(BookingSeatSchema), required=True, metadata=_meta("Booked seats"))
    currency = ma.fields.String(required=True, metadata=_meta("ISO 4217 currency", "GBP"))
    fees = ma.fields.List(ma.fields.Nested(HeldFeeSchema), required=True, metadata=_meta(
        "Booking fees charged, as quoted on the hold"))
    subtotal_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Sum of the seats' list prices and the fees", 2075))
    discount_minor = ma.fields.Integer(required=True, metadata=_meta("Discount (promo codes)", 0))
    total_minor = ma.fields.Integer(required=True, metadata=_meta("Amount to pay, fees included", 2075))
    expires_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta(
        "Unpaid bookings expire then and free their seats"))
    confirmed_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When payment confirmed it"))
    cancelled_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When it was cancelled"))
    cancel_reason = ma.fields.String(allow_none=True, metadata=_meta(
        "customer, staff, showtime_cancelled or payment_expired", "customer"))
    refund_due_minor = ma.fields.Integer(required=True, metadata=_meta("Owed back after a cancellation", 0))
    refunded_minor = ma.fields.Integer(required=True, metadata=_meta("Already paid back", 0))
    created_at = ma.fields.AwareDateTime(required=True, metadata=_meta("When it was booked"))


class BookingQueryArgsSchema(QueryArgsSchema):
    showtime_id = Id(metadata=_meta(
        "Only bookings of this showtime (staff: every customer's, at a cinema of theirs)", 42))
    status = Choice(BOOKING_STATUSES, metadata=_meta("Only bookings in this status", "confirmed"))
    reference = Text(min_length=1, max_length=12, metadata=_meta(
        "Find a booking by its box-office code (staff: at a cinema of theirs)", "K7Q-4MZ"))
