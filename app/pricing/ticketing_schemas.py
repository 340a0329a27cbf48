"""Schemas of a cinema's ticket types, booking fees and tax classes."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from app.common.fields import Boolean, Choice, Id, Integer, List, Text
from app.common.fields import Decimal as DecimalField
from app.models import FEE_CHANNELS, FEE_PER, SALES_CHANNELS
from app.pricing.schemas import MAX_PRICE_MINOR, ticket_type_code


def _meta(description: str, example=None) -> dict:
    return {"description": description, **({"example": example} if example is not None else {})}


def _tax_class_id() -> Id:
    return Id(allow_none=True, load_default=None, metadata=_meta(
        "Tax class of the cinema it is taxed at; null = the cinema's standard rate (tax_rate)"))


def _age(description: str) -> Integer:
    return Integer(minimum=0, maximum=120, allow_none=True, load_default=None, metadata=_meta(description))


class TaxClassSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata=_meta("Tax class id", 2))
    cinema_id = ma.fields.Integer(dump_only=True, metadata=_meta("Cinema", 1))
    code = ticket_type_code(required=True, metadata=_meta("Code, unique at the cinema", "reduced"))
    name = Text(required=True, min_length=1, max_length=60, metadata=_meta("Name", "Reduced rate"))
    rate = DecimalField(places=4, minimum=Decimal(0), maximum=Decimal(1), max_inclusive=False, required=True,
                        metadata=_meta("Rate as a fraction, prices include it; an invoice keeps the rate "
                                       "in force when it was issued", "0.0500"))


class TicketTypeSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata=_meta("Ticket type id", 5))
    cinema_id = ma.fields.Integer(dump_only=True, metadata=_meta("Cinema", 1))
    code = ticket_type_code(required=True, metadata=_meta(
        "Code quotes, holds and bookings name it by, unique at the cinema", "member"))
    name = Text(required=True, min_length=1, max_length=60, metadata=_meta("Name shown", "Member"))
    multiplier = DecimalField(places=4, minimum=Decimal(0), min_inclusive=False, maximum=Decimal(10),
                              required=True, metadata=_meta(
                                  "Times the seat category's base price, before format, time rules "
                                  "and dynamic pricing", "0.8"))
    min_age = _age("Eligibility: youngest holder, checked at the door (null: none)")
    max_age = _age("Eligibility: oldest holder; films rated above it refuse this ticket unless staff "
                   "check an ID where the cinema allows it (null: none)")
    proof_required = Text(max_length=80, allow_none=True, load_default=None, metadata=_meta(
        "What the holder shows at the door, if anything", "Membership card"))
    channels = List(Choice(SALES_CHANNELS), min_items=1, max_items=len(SALES_CHANNELS),
                    load_default=lambda: list(SALES_CHANNELS),
                    metadata=_meta("Where it is sold", ["online", "box_office"]))
    tax_class_id = _tax_class_id()
    active = Boolean(load_default=True, metadata=_meta("Inactive types are not sold", True))
    sort_order = Integer(minimum=-1000, maximum=1000, load_default=0, metadata=_meta(
        "Order shown; the first active type is the default ticket", 0))

    @ma.post_load
    def channels_once(self, data: dict, **_kwargs) -> dict:
        if "channels" in data:
            data["channels"] = [c for c in SALES_CHANNELS if c in data["channels"]]
        return data


class BookingFeeSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True, metadata=_meta("Booking fee id", 3))
    cinema_id = ma.fields.Integer(dump_only=True, metadata=_meta("Cinema", 1))
    name = Text(required=True, min_length=1, max_length=60, metadata=_meta(
        "Name on quotes, holds and invoices", "Online booking fee"))
    amount_minor = Integer(required=True, minimum=1, maximum=100_000, metadata=_meta(
        "Amount, tax included, minor units (per ticket or per order)", 75))
    per = Choice(FEE_PER, load_default="order", metadata=_meta(
        "Charged per ticket or once per order", "order"))
    channel = Choice(FEE_CHANNELS, load_default="online", metadata=_meta(
        "Sales channel it is charged on (any: both)", "online"))
    tax_class_id = _tax_class_id()
    active = Boolean(load_default=True, metadata=_meta("Inactive fees are not charged", True))


class TaxClassUpdateSchema(TaxClassSchema):
    """New values of a tax class; fields left out keep their value."""


class TicketTypeUpdateSchema(TicketTypeSchema):
    """New values of a ticket type; fields left out keep their value."""


class BookingFeeUpdateSchema(BookingFeeSchema):
    """New values of a booking fee; fields left out keep their value."""


class SeatPriceSchema(ma.Schema):
    category = ma.fields.String(dump_only=True, metadata=_meta("Seat category", "premium"))
    screen_id = ma.fields.Integer(dump_only=True, allow_none=True, metadata=_meta(
        "The screen this price overrides the cinema's at; null = the cinema's own price"))
    amount_minor = Integer(required=True, minimum=0, maximum=MAX_PRICE_MINOR, metadata=_meta(
        "Base price, tax included, minor units, before ticket type, format, time rules and dynamic "
        "pricing", 1400))
