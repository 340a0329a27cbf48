"""Request and response bodies of the box-office API."""

from __future__ import annotations

import marshmallow as ma

from app.auth.schemas import EmailField
from app.bookings.schemas import MAX_SEATS_PER_REQUEST, BookingSchema, id_checked_field
from app.common.fields import Choice, Dict, Id, Integer, List, QueryArgsSchema, Text
from app.common.schemas import field_meta as _meta
from app.models import ENTRY_KINDS, TENDERS
from app.models.boxoffice import SHIFT_STATUSES
from app.pricing.schemas import ticket_type_code

# The largest sum of money a till is asked about at once (a float, a count, a banknote).
MAX_CASH_MINOR = 10_000_000


def _cash(description: str, example: int, **kwargs) -> Integer:
    return Integer(minimum=0, maximum=MAX_CASH_MINOR, metadata=_meta(description, example), **kwargs)


class OpenShiftSchema(ma.Schema):
    cinema_id = Id(required=True, metadata=_meta("Cinema whose box office the till is at", 1))
    opening_float_minor = _cash("Cash in the drawer at the start, in minor units", 10000, required=True)


class CloseShiftSchema(ma.Schema):
    counted_cash_minor = _cash("Cash counted in the drawer at the end, in minor units", 12450, required=True)


class ShiftQueryArgsSchema(QueryArgsSchema):
    cinema_id = Id(metadata=_meta("Only shifts at this cinema (one of yours)", 1))
    status = Choice(SHIFT_STATUSES, metadata=_meta("open or closed", "open"))


class ShiftSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Shift id", 3))
    cinema_id = ma.fields.Integer(required=True, metadata=_meta("Cinema", 1))
    opened_by_id = ma.fields.Integer(required=True, metadata=_meta("Staff member whose till it is", 9))
    opened_at = ma.fields.AwareDateTime(required=True, metadata=_meta("When it was opened"))
    currency = ma.fields.String(required=True, metadata=_meta("ISO 4217 currency of the till", "GBP"))
    opening_float_minor = ma.fields.Integer(required=True, metadata=_meta("Opening float", 10000))
    status = ma.fields.String(required=True, metadata=_meta("open or closed", "open"))
    closed_by_id = ma.fields.Integer(allow_none=True, metadata=_meta("Who cashed up"))
    closed_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When it was cashed up"))
    expected_cash_minor = ma.fields.Integer(allow_none=True, metadata=_meta(
        "At cash-up: float + cash sales - cash refunds - cash voids", 12500))
    counted_cash_minor = ma.fields.Integer(allow_none=True, metadata=_meta("At cash-up: cash counted", 12450))
    difference_minor = ma.fields.Integer(allow_none=True, metadata=_meta(
        "At cash-up: counted - expected (negative: cash missing)", -50))


class TenderSchema(ma.Schema):
    method = Choice(TENDERS, required=True, metadata=_meta(
        "cash; terminal (a card on the counter's own terminal); gateway (a card through the online gateway)",
        "cash"))
    tendered_minor = _cash("Cash: what the customer handed over (change is given from it)", 5000,
                           load_default=None)
    terminal_reference = Text(load_default=None, min_length=1, max_length=64, metadata=_meta(
        "Terminal: the reference on the terminal's receipt", "T1-000482"))
    payment_method = Text(load_default=None, min_length=1, max_length=100, metadata=_meta(
        "Gateway: the payment method (in the sandbox a Stripe test card such as `pm_card_visa`)",
        "pm_card_visa"))


class SaleRequestSchema(ma.Schema):
    showtime_id = Id(required=True, metadata=_meta("Showtime at this till's cinema", 42))
    seat_ids = List(Id(), required=True, min_items=1, max_items=MAX_SEATS_PER_REQUEST,
                    metadata=_meta("Seats to sell, all or none", [17, 18]))
    ticket_types = Dict(keys=Id(), values=ticket_type_code(), max_items=MAX_SEATS_PER_REQUEST,
                        load_default=dict, metadata=_meta(
                            "Ticket type code per seat id, one the cinema sells at the box office "
                            "(its first, adult, by default); the box office's booking fees apply",
                            {"18": "child"}))
    customer_email = EmailField(load_default=None, metadata=_meta(
        "The customer's e-mail, if they want the confirmation and invoice (no account is made)",
        "guest@example.com"))
    id_checked = id_checked_field()
    tender = ma.fields.Nested(TenderSchema, required=True, metadata=_meta("How the customer pays"))


class EntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Entry id", 5))
    kind = ma.fields.String(required=True, metadata=_meta(f"One of {', '.join(ENTRY_KINDS)}", "sale"))
    tender = ma.fields.String(required=True, metadata=_meta(f"One of {', '.join(TENDERS)}", "cash"))
    booking_id = ma.fields.Integer(required=True, metadata=_meta("Booking", 1001))
    payment_id = ma.fields.Integer(allow_none=True, metadata=_meta("Payment (none for a free booking)", 12))
    refund_id = ma.fields.Integer(allow_none=True, metadata=_meta("Refund of a refund or void"))
    amount_minor = ma.fields.Integer(required=True, metadata=_meta("Paid, or given back", 2000))
    tendered_minor = ma.fields.Integer(allow_none=True, metadata=_meta("Cash handed over", 5000))
    change_minor = ma.fields.Integer(allow_none=True, metadata=_meta("Change given", 3000))
    terminal_reference = ma.fields.String(allow_none=True, metadata=_meta("Terminal receipt reference"))
    created_by_id = ma.fields.Integer(required=True, metadata=_meta("Staff member", 9))
    created_at = ma.fields.AwareDateTime(required=True, metadata=_meta("When"))


class SaleSchema(ma.Schema):
    booking = ma.fields.Nested(BookingSchema, required=True, metadata=_meta(
        "The walk-in's booking (no customer account); its invoice is at "
        "GET /api/payments/{entry.payment_id}/invoice"))
    entry = ma.fields.Nested(EntrySchema, required=True, metadata=_meta("What changed hands"))


class CounterRefundSchema(ma.Schema):
    booking_id = Id(required=True, metadata=_meta("Booking at this till's cinema", 1001))
    booking_seat_ids = List(Id(), load_default=None, max_items=MAX_SEATS_PER_REQUEST, metadata=_meta(
        "Only these booking seats (all of the booking when absent)", [81]))


class VoidSchema(ma.Schema):
    booking_id = Id(required=True, metadata=_meta("A booking sold on this shift", 1001))


class TotalsSchema(ma.Schema):
    count = ma.fields.Integer(required=True, metadata=_meta("How many", 2))
    amount_minor = ma.fields.Integer(required=True, metadata=_meta("How much", 2000))


def _by_tender(description: str) -> ma.fields.Dict:
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(TotalsSchema), required=True,
                          metadata=_meta(description, {"cash": {"count": 1, "amount_minor": 1000}}))


class ShiftReportSchema(ma.Schema):
    shift = ma.fields.Nested(ShiftSchema, required=True, metadata=_meta("The shift"))
    sales = _by_tender("Sales by tender (cash, terminal, gateway)")
    refunds = _by_tender("Refunds at the counter by tender")
    voids = _by_tender("Voided sales by tender")
    change_given_minor = ma.fields.Integer(required=True, metadata=_meta("Change handed out for cash", 3000))
    expected_cash_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Float + cash sales - cash refunds - cash voids (at cash-up, as it was then)", 12500))
    counted_cash_minor = ma.fields.Integer(allow_none=True, metadata=_meta("Counted at cash-up", 12450))
    difference_minor = ma.fields.Integer(allow_none=True, metadata=_meta("Counted - expected", -50))
    entries = ma.fields.List(ma.fields.Nested(EntrySchema), required=True, metadata=_meta(
        "Every sale, refund and void of the shift, oldest first"))
