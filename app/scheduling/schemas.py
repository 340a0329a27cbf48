"""Request and response bodies of showtimes and schedules."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.common.schemas import field_meta as _meta
from app.models import FORMATS


class ShowtimeWriteSchema(ma.Schema):
    """Body of POST and PUT: PUT replaces the showtime's editable fields with these."""

    movie_id = ma.fields.Integer(required=True, strict=True, metadata=_meta("Film to show", 5))
    screen_id = ma.fields.Integer(required=True, strict=True, metadata=_meta("Screen to show it on", 3))
    starts_at = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "Start, with a UTC offset; the end follows from trailers + runtime, then the cleaning buffer",
        "2026-12-05T19:30:00+00:00"))
    format = ma.fields.String(validate=validate.OneOf(FORMATS), load_default=None, metadata=_meta(
        "2D, 3D, IMAX or 4DX; default: 2D when film and screen have it, else a format both have", "2D"))
    language = ma.fields.String(validate=validate.Length(max=8), load_default=None, allow_none=True,
                                metadata=_meta("Audio language (default: the film's)", "en"))
    subtitles = ma.fields.String(validate=validate.Length(max=8), load_default=None, allow_none=True,
                                 metadata=_meta("Subtitle language, if any", "fr"))


class ShowtimeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata=_meta("Showtime id", 42))
    movie_id = ma.fields.Integer(required=True, metadata=_meta("Film id", 5))
    movie_title = ma.fields.String(required=True, attribute="movie.title",
                                   metadata=_meta("Film title", "Heat"))
    runtime_minutes = ma.fields.Integer(required=True, attribute="movie.runtime_minutes",
                                        metadata=_meta("Film runtime (trailers excluded)", 170))
    cinema_id = ma.fields.Integer(required=True, metadata=_meta("Cinema id", 1))
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen id", 3))
    screen_name = ma.fields.String(required=True, attribute="screen.name",
                                   metadata=_meta("Screen", "Screen 3"))
    starts_at = ma.fields.AwareDateTime(required=True, metadata=_meta("Start (UTC)"))
    ends_at = ma.fields.AwareDateTime(required=True, metadata=_meta("End of the film (UTC)"))
    blocked_until = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "End of the cleaning buffer: the screen is free again from then"))
    format = ma.fields.String(required=True, metadata=_meta("2D, 3D, IMAX or 4DX", "2D"))
    language = ma.fields.String(allow_none=True, metadata=_meta("Audio language", "en"))
    subtitles = ma.fields.String(allow_none=True, metadata=_meta("Subtitle language", None))
    status = ma.fields.String(required=True, metadata=_meta("scheduled or cancelled", "scheduled"))
    source = ma.fields.String(required=True, metadata=_meta("manual or generated (optimiser)", "manual"))
    dynamic_multiplier = ma.fields.Decimal(required=True, as_string=True, metadata=_meta(
        "Demand multiplier applied to seat prices", "1.000"))
    cancelled_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When it was cancelled"))
    version = ma.fields.Integer(required=True, metadata=_meta("Edit version (the ETag follows it)", 1))


class ShowtimeQueryArgsSchema(ma.Schema):
    movie_id = ma.fields.Integer(metadata=_meta("Only this film", 5))
    cinema_id = ma.fields.Integer(metadata=_meta("Only this cinema", 1))
    date = ma.fields.Date(metadata=_meta(
        "Only this day, in each cinema's local time (default: every upcoming showtime)", "2026-12-05"))


class ScheduleQueryArgsSchema(ma.Schema):
    date = ma.fields.Date(required=True, metadata=_meta("The cinema's local day", "2026-12-05"))


class ScheduleScreenSchema(ma.Schema):
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen id", 3))
    name = ma.fields.String(required=True, metadata=_meta("Screen name", "Screen 3"))
    formats = ma.fields.List(ma.fields.String(), required=True, metadata=_meta("Formats it shows", ["2D"]))
    showtimes = ma.fields.List(ma.fields.Nested(ShowtimeSchema), required=True, metadata=_meta(
        "Showtimes starting that day, cancelled ones included, by start"))


class ScheduleSchema(ma.Schema):
    cinema_id = ma.fields.Integer(required=True, metadata=_meta("Cinema id", 1))
    date = ma.fields.Date(required=True, metadata=_meta("Local day", "2026-12-05"))
    timezone = ma.fields.String(required=True, metadata=_meta("The cinema's time zone", "Europe/London"))
    screens = ma.fields.List(ma.fields.Nested(ScheduleScreenSchema), required=True,
                             metadata=_meta("Every screen of the cinema"))


class CancelledShowtimeSchema(ma.Schema):
    showtime = ma.fields.Nested(ShowtimeSchema, required=True, metadata=_meta("The cancelled showtime"))
    bookings_cancelled = ma.fields.Integer(required=True, metadata=_meta("Bookings cancelled with it", 12))
    refund_due_minor = ma.fields.Integer(required=True, metadata=_meta(
        "Total now owed back to customers (paid bookings), in minor units", 24000))


class ClosureWriteSchema(ma.Schema):
    starts_at = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "Start of the closure, with a UTC offset", "2026-12-10T08:00:00+00:00"))
    ends_at = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "End of the closure (exclusive)", "2026-12-10T14:00:00+00:00"))
    reason = ma.fields.String(load_default="", validate=validate.Length(max=200), metadata=_meta(
        "Why the screen is closed", "Projector maintenance"))


class ClosureSchema(ClosureWriteSchema):
    id = ma.fields.Integer(required=True, metadata=_meta("Closure id", 7))
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen", 3))
    created_by_id = ma.fields.Integer(allow_none=True, metadata=_meta("Who entered it", 2))
    created_at = ma.fields.AwareDateTime(required=True, metadata=_meta("When it was entered"))
