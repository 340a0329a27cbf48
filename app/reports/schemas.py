"""Request and answer shapes of the reports."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.common.fields import Choice, Date, Id, Integer, QueryArgsSchema
from app.common.schemas import field_meta as _meta

GROUPINGS = ("day", "film", "screen")
# A quarter at most: the day grouping is one SQL CASE branch per day.
MAX_DAYS = 92


class SalesQueryArgsSchema(QueryArgsSchema):
    cinema_id = Id(required=True, metadata=_meta("Cinema", 1))
    start_date = Date(required=True, metadata=_meta("First local day", "2026-12-01"))
    days = Integer(minimum=1, maximum=MAX_DAYS, load_default=7,
                   metadata=_meta(f"Number of days (1-{MAX_DAYS})", 7))
    group_by = Choice(GROUPINGS, load_default="day", metadata=_meta("day, film or screen", "day"))


class SalesRowSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata=_meta(
        "The local day (ISO), film id or screen id", "2026-12-01"))
    label = ma.fields.String(required=True, metadata=_meta("What a chart shows for it", "2026-12-01"))
    showtimes = ma.fields.Integer(required=True, metadata=_meta("Showtimes not cancelled", 12))
    capacity = ma.fields.Integer(required=True, metadata=_meta("Seats those showtimes offered", 1800))
    tickets_sold = ma.fields.Integer(required=True, metadata=_meta("Seats in confirmed bookings", 640))
    occupancy = ma.fields.Float(required=True, metadata=_meta(
        "tickets_sold / capacity (0 with no capacity)", 0.356))
    revenue_minor = ma.fields.Integer(required=True, metadata=_meta(
        "What those tickets were sold for, minor units of `currency`", 704000))
    fees_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Booking fees those confirmed bookings paid (not in `revenue_minor`), minor units", 18000))


class SalesReportSchema(ma.Schema):
    cinema_id = ma.fields.Integer(required=True, metadata=_meta("Cinema", 1))
    currency = ma.fields.String(required=True, metadata=_meta("ISO 4217 currency of the revenue", "EUR"))
    start_date = ma.fields.Date(required=True, metadata=_meta("First local day", "2026-12-01"))
    days = ma.fields.Integer(required=True, metadata=_meta("Number of days", 7))
    group_by = ma.fields.String(required=True, validate=validate.OneOf(GROUPINGS),
                                metadata=_meta("day, film or screen", "day"))
    rows = ma.fields.List(ma.fields.Nested(SalesRowSchema), required=True, metadata=_meta(
        "One row per day (every day of the range), film or screen (those with showtimes)"))
