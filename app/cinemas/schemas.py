"""Request and response schemas of cinemas and screens (seat layouts: ``seat_schemas``)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

import marshmallow as ma

from app.common.fields import Boolean, Choice, Integer, List, Text
from app.common.fields import Decimal as DecimalField
from app.common.pagination import PageArgsSchema, page_schema
from app.common.schemas import ResourceSchema, UniqueFormatsMixin
from app.models import FORMATS

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A cut-off is subtracted from show times: a year keeps that far inside the calendar.
MAX_REFUND_CUTOFF_HOURS = 365 * 24
_CLOCK = ma.validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", error="Use HH:MM, 00:00-24:00")
# A day opens within itself: "24:00" closes a day but opens none (it is the next day's 00:00).
_OPENS = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM, 00:00-23:59")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _timezone(name: str) -> None:
    # A name is looked up in the time zone database's list, not opened: ZoneInfo reads any
    # path under its folder, and "Europe" (a folder) or a very long name fails as an OSError.
    if name not in _zone_names():
        raise ma.ValidationError(f"{name!r} is not an IANA time zone such as 'Europe/London'")


class DayHoursSchema(ma.Schema):
    open = Text(required=True, max_length=5, validate=_OPENS,
                metadata={"description": "Opening time, local", "example": "10:00"})
    close = Text(required=True, max_length=5, validate=_CLOCK, metadata={
        "description": "Closing time, local; earlier than `open` means after midnight",
        "example": "01:00"})

    @ma.validates_schema
    def _not_empty(self, data: dict, **_kwargs) -> None:
        if data["open"] == data["close"] and data["open"] != "00:00":
            raise ma.ValidationError("open and close are the same time", "close")


class OpeningHoursSchema(ma.Schema):
    """Opening hours per weekday; a day left out or null is closed."""

    mon = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Monday"})
    tue = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Tuesday"})
    wed = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Wednesday"})
    thu = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Thursday"})
    fri = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Friday"})
    sat = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Saturday"})
    sun = ma.fields.Nested(DayHoursSchema, allow_none=True, metadata={"description": "Sunday"})

    @ma.post_load
    def _drop_closed(self, data: dict, **_kwargs) -> dict:
        return {day: hours for day, hours in data.items() if hours is not None}


class WholeOpeningHours(ma.fields.Nested):
    """The opening-hours table is replaced whole, so even a PUT that leaves other fields out
    (a partial load) must give both times of every day it sends: ``partial`` stops here."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=False, **kwargs)


class CinemaSchema(ResourceSchema):
    """A cinema and its settings. On PUT, fields left out keep their value."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "Cinema id", "example": 1})
    name = Text(required=True, min_length=1, max_length=120,
                metadata={"description": "Unique name", "example": "CinemaOS Soho"})
    address = Text(attribute="address_line", load_default="", max_length=200,
                   metadata={"description": "Street address", "example": "5 Dean St"})
    city = Text(load_default="", max_length=100, metadata={"description": "City", "example": "London"})
    postal_code = Text(load_default="", max_length=20,
                       metadata={"description": "Postal code", "example": "W1D 3RQ"})
    country = Text(load_default="GB", max_length=2, validate=ma.validate.Regexp(
        r"^[A-Z]{2}$", error="Use an ISO 3166 country code such as 'GB'"),
        metadata={"description": "ISO 3166-1 alpha-2 country", "example": "GB"})
    timezone = Text(required=True, max_length=64, validate=_timezone, metadata={
        "description": "IANA time zone: local days, opening hours, matinee rules",
        "example": "Europe/London"})
    currency = Text(load_default="EUR", max_length=3, validate=ma.validate.Regexp(
        r"^[A-Z]{3}$", error="Use an ISO 4217 currency code such as 'GBP'"),
        metadata={"description": "ISO 4217 currency of its prices", "example": "GBP"})
    tax_rate = DecimalField(places=4, minimum=Decimal(0), maximum=Decimal(1), max_inclusive=False,
                            trailing_zeros=False, load_default=Decimal("0"), metadata={
        "description": "Sales tax / VAT as a fraction, included in prices", "example": "0.2"})
    vat_number = Text(allow_none=True, max_length=40,
                      metadata={"description": "VAT number on invoices", "example": "GB123456789"})
    opening_hours = WholeOpeningHours(OpeningHoursSchema, load_default=dict, metadata={
        "description": "Opening hours per weekday",
        "example": {"mon": {"open": "10:00", "close": "23:30"}, "sat": {"open": "09:30",
                                                                         "close": "01:00"}}})
    cleaning_buffer_minutes = Integer(
        minimum=0, maximum=120, load_default=20,
        metadata={"description": "Minutes kept free after each show for cleaning", "example": 20})
    prevent_single_seat_gaps = Boolean(load_default=False, metadata={
        "description": "Refuse holds that strand a single empty seat", "example": False})
    refund_cutoff_hours = Integer(minimum=0, maximum=MAX_REFUND_CUTOFF_HOURS, load_default=2,
                                  metadata={"description": "Full refunds until this many hours "
                                            "before the show (at most a year)", "example": 2})
    child_ticket_max_age = Integer(minimum=0, maximum=21, load_default=14, allow_none=True, metadata={
        "description": "The max_age of the cinema's `child` ticket type (its home: "
                       "/api/cinemas/{cinema_id}/ticket-types): films rated above it refuse one; "
                       "null: no age limit, or no child ticket", "example": 14})
    id_check_allowed = Boolean(load_default=False, metadata={
        "description": "Staff may sell a ticket with an age limit (a child ticket) for a film rated "
                       "above it after checking an ID (recorded on the booking)", "example": False})
    price_multiplier_min = DecimalField(places=3, minimum=Decimal(0), maximum=Decimal(9),
                                        min_inclusive=False, trailing_zeros=False,
                                        load_default=Decimal("0.8"),
                                        metadata={"description": "Lowest dynamic price multiplier",
                                                  "example": "0.8"})
    price_multiplier_max = DecimalField(places=3, minimum=Decimal(0), maximum=Decimal(9),
                                        min_inclusive=False, trailing_zeros=False,
                                        load_default=Decimal("1.3"),
                                        metadata={"description": "Highest dynamic price multiplier",
                                                  "example": "1.3"})
    price_floor_minor = Integer(allow_none=True, minimum=0, metadata={
        "description": "No ticket below this (minor units; null: none)", "example": 500})
    price_cap_minor = Integer(allow_none=True, minimum=0, metadata={
        "description": "No ticket above this (minor units; null: none)", "example": 3000})
    concession_per_visitor_minor = Integer(minimum=0, maximum=100_000, load_default=0, metadata={
        "description": "Expected concession spend per visitor (minor units): the scheduler's "
                       "objective `kept` adds it to the cinema's share of each ticket",
        "example": 450})
    archived_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When it was deleted (archived); null while open"})
    version = ma.fields.Integer(dump_only=True, metadata={
        "description": "Row version; the ETag is derived from it", "example": 1})
    created_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Created"})
    updated_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Last changed"})


class CinemaUpdateSchema(CinemaSchema):
    """The body of `PUT /api/cinemas/{id}`: fields left out keep their value."""


CinemaPageSchema = page_schema(CinemaSchema)


class CinemaQueryArgsSchema(PageArgsSchema):
    city = Text(max_length=100, metadata={"description": "Only cinemas in this city (any case)",
                                          "example": "London"})
    include_archived = Boolean(load_default=False, metadata={
        "description": "Include deleted (archived) cinemas", "example": False})


class ScreenSchema(UniqueFormatsMixin, ResourceSchema):
    """A screen (auditorium) of a cinema. On PUT, fields left out keep their value."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "Screen id", "example": 7})
    cinema_id = ma.fields.Integer(dump_only=True, metadata={"description": "Its cinema",
                                                            "example": 1})
    name = Text(required=True, min_length=1, max_length=60,
                metadata={"description": "Name, unique in the cinema", "example": "Screen 1 IMAX"})
    formats = List(
        Choice(FORMATS), load_default=lambda: ["2D"], min_items=1, max_items=len(FORMATS),
        metadata={"description": "Formats it can project", "example": ["2D", "3D", "IMAX"]})
    wheelchair_accessible = Boolean(load_default=True, metadata={
        "description": "Step-free access to the wheelchair places", "example": True})
    hearing_loop = Boolean(load_default=False, metadata={
        "description": "Induction loop for hearing aids", "example": True})
    capacity = ma.fields.Integer(dump_only=True, metadata={
        "description": "Sellable seats of its layout (blocked seats excluded)", "example": 220})
    archived_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When it was deleted (archived); null while in use"})
    version = ma.fields.Integer(dump_only=True, metadata={
        "description": "Row version; the ETag is derived from it (the seat layout too)",
        "example": 1})
    created_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Created"})
    updated_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Last changed"})


class ScreenUpdateSchema(ScreenSchema):
    """The body of `PUT /api/screens/{id}`: fields left out keep their value."""


ScreenPageSchema = page_schema(ScreenSchema)


class ScreenQueryArgsSchema(PageArgsSchema):
    include_archived = Boolean(load_default=False, metadata={
        "description": "Include deleted (archived) screens", "example": False})
