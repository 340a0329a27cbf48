"""Request and response bodies of showtimes and schedules."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.common.fields import (
    AwareDateTime,
    Boolean,
    Choice,
    Date,
    Float,
    Id,
    Integer,
    List,
    QueryArgsSchema,
    Text,
)
from app.common.fields import Decimal as DecimalField
from app.common.schemas import WaitingSchema
from app.common.schemas import field_meta as _meta
from app.models import FORMATS

# Films one optimisation run may be asked to consider (the default, every active film, is not
# limited by it).
MAX_FILMS_PER_RUN = 200


class ShowtimeSlotSchema(ma.Schema):
    """Where and when a showtime runs: what decides whether its screen is free."""

    movie_id = Id(required=True, metadata=_meta("Film to show", 5))
    screen_id = Id(required=True, metadata=_meta("Screen to show it on", 3))
    starts_at = AwareDateTime(required=True, metadata=_meta(
        "Start, with a UTC offset; the end follows from trailers + runtime, then the cleaning buffer",
        "2026-12-05T19:30:00+00:00"))
    format = Choice(FORMATS, load_default=None, metadata=_meta(
        "2D, 3D, IMAX or 4DX; default: 2D when film and screen have it, else a format both have", "2D"))


class ShowtimeWriteSchema(ShowtimeSlotSchema):
    """Body of POST and PUT: PUT replaces the showtime's editable fields with these."""

    language = Text(max_length=8, load_default=None, allow_none=True,
                    metadata=_meta("Audio language (default: the film's)", "en"))
    subtitles = Text(max_length=8, load_default=None, allow_none=True,
                     metadata=_meta("Subtitle language, if any", "fr"))


class SlotCheckRequestSchema(ShowtimeSlotSchema):
    """Body of the check: a showtime as POST or PUT would take it, and the one being moved."""

    showtime_id = Id(load_default=None, allow_none=True, metadata=_meta(
        "The showtime being moved (checked as its PUT would be; it never conflicts with "
        "itself); null for a new showtime", 42))


class ObstacleSchema(ma.Schema):
    reason = ma.fields.String(required=True, metadata=_meta(
        "showtime_overlap, screen_closed, outside_opening_hours, format_not_supported or "
        "screen_archived: the reason the write would answer with", "showtime_overlap"))
    message = ma.fields.String(required=True, metadata=_meta(
        "The obstacle in words", "Screen 1 is busy with showtime 41 until 2026-12-05T20:15:00+00:00 "
        "(cleaning included)"))
    details = ma.fields.Dict(required=True, metadata=_meta(
        "What the 409 would carry in `errors`: e.g. `conflicting_showtime` (id, movie_title, "
        "starts_at, blocked_until) or `closure`"))


class SlotCheckSchema(ma.Schema):
    free = ma.fields.Boolean(required=True, metadata=_meta(
        "True when the write would succeed as far as the slot goes (no obstacle)", False))
    starts_at = ma.fields.AwareDateTime(required=True, metadata=_meta("Start (UTC)"))
    ends_at = ma.fields.AwareDateTime(required=True, metadata=_meta("End of the film (UTC)"))
    blocked_until = ma.fields.AwareDateTime(required=True, metadata=_meta(
        "End of the cleaning buffer the showtime would hold the screen until"))
    format = ma.fields.String(required=True, metadata=_meta("The format it would have", "2D"))
    obstacles = ma.fields.List(ma.fields.Nested(ObstacleSchema), required=True, metadata=_meta(
        "Every obstacle, the first being the one a write's 409 names; empty when free"))


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
    dynamic_multiplier = DecimalField(places=3, required=True, metadata=_meta(
        "Demand multiplier applied to seat prices", "1.000"))
    cancelled_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("When it was cancelled"))
    version = ma.fields.Integer(required=True, metadata=_meta("Edit version (the ETag follows it)", 1))


class ShowtimeQueryArgsSchema(QueryArgsSchema):
    movie_id = Id(metadata=_meta("Only this film", 5))
    cinema_id = Id(metadata=_meta("Only this cinema", 1))
    date = Date(metadata=_meta(
        "Only this day, in each cinema's local time (default: every upcoming showtime)", "2026-12-05"))


class ScheduleQueryArgsSchema(QueryArgsSchema):
    date = Date(required=True, metadata=_meta("The cinema's local day", "2026-12-05"))


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
    starts_at = AwareDateTime(required=True, metadata=_meta(
        "Start of the closure, with a UTC offset", "2026-12-10T08:00:00+00:00"))
    ends_at = AwareDateTime(required=True, metadata=_meta(
        "End of the closure (exclusive)", "2026-12-10T14:00:00+00:00"))
    reason = Text(load_default="", max_length=200, metadata=_meta(
        "Why the screen is closed", "Projector maintenance"))


class ClosureSchema(ClosureWriteSchema):
    id = ma.fields.Integer(required=True, metadata=_meta("Closure id", 7))
    screen_id = ma.fields.Integer(required=True, metadata=_meta("Screen", 3))
    created_by_id = ma.fields.Integer(allow_none=True, metadata=_meta("Who entered it", 2))
    created_at = ma.fields.AwareDateTime(required=True, metadata=_meta("When it was entered"))


class GenerateOptionsSchema(ma.Schema):
    solver = Choice(("highs", "cbc"), load_default="highs",
                    metadata=_meta("MIP solver: HiGHS (highspy) or CBC (PuLP's)", "highs"))
    time_limit_seconds = Float(minimum=1, maximum=600, load_default=60,
                               metadata=_meta("Wall-clock limit of the solve", 60))
    objective = Choice(("revenue", "kept"), load_default="revenue", metadata=_meta(
        "What the schedule maximises: `revenue`, the gross box office, or `kept`, what the "
        "cinema keeps: its share of the tickets after each film's rent for that week of its "
        "run (`rent_by_week_bp` of the film) plus the concession spend per visitor (the "
        "cinema's `concession_per_visitor_minor`). The result reports both either way.",
        "revenue"))
    relative_gap = Float(
        minimum=0, maximum=0.5, load_default=0.005,
        metadata=_meta("Stop once provably within this fraction of the bound", 0.005))
    grid_minutes = Integer(minimum=5, maximum=30, validate=validate.OneOf((5, 10, 15, 30)),
                           metadata=_meta("Start times lie on this grid (default 5)", 5))
    family_last_start = Text(max_length=5, validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"),
                             metadata=_meta("Latest start of G/PG films (default 20:00)", "20:00"))
    stagger_max_starts = Integer(minimum=1, maximum=20, metadata=_meta(
        "At most this many starts across the cinema ...", 2))
    stagger_window_minutes = Integer(minimum=5, maximum=60, metadata=_meta(
        "... in any window of this many minutes", 10))


class GenerateRequestSchema(ma.Schema):
    cinema_id = Id(required=True, metadata=_meta("Cinema to schedule", 1))
    start_date = Date(required=True, metadata=_meta("First local day", "2026-12-07"))
    days = Integer(load_default=7, minimum=1, maximum=28, metadata=_meta("Number of days", 7))
    movie_ids = List(Id(), max_items=MAX_FILMS_PER_RUN, load_default=None, allow_none=True,
                     metadata=_meta("Films to consider (default: every active film)", [1, 2]))
    dry_run = Boolean(load_default=False, metadata=_meta(
        "Return the proposal without writing it", False))
    options = ma.fields.Nested(GenerateOptionsSchema, load_default=lambda: GenerateOptionsSchema().load({}),
                               metadata=_meta("Solver and scheduling rules"))


class ProposedShowSchema(ma.Schema):
    movie_id = ma.fields.Integer(metadata=_meta("Film", 5))
    screen_id = ma.fields.Integer(metadata=_meta("Screen", 3))
    format = ma.fields.String(metadata=_meta("Format", "2D"))
    starts_at = ma.fields.String(metadata=_meta("Start (UTC, ISO 8601)"))
    expected_visitors = ma.fields.Float(metadata=_meta("Forecast audience", 84.5))
    expected_revenue_minor = ma.fields.Integer(metadata=_meta("Forecast revenue, minor units", 105000))
    expected_kept_minor = ma.fields.Integer(metadata=_meta(
        "What the cinema keeps of it after film rent, plus concessions, minor units", 61000))


class GenerationResultSchema(ma.Schema):
    solver_status = ma.fields.String(metadata=_meta(
        "optimal (proven) or feasible (within `gap` of the bound, not proven)", "optimal"))
    shows_created = ma.fields.Integer(metadata=_meta("Showtimes written (0 for a dry run)", 84))
    objective = ma.fields.String(metadata=_meta("What was maximised: revenue or kept", "revenue"))
    expected_revenue_minor = ma.fields.Integer(metadata=_meta(
        "Forecast gross box office of the schedule, kept showtimes included"))
    expected_kept_minor = ma.fields.Integer(metadata=_meta(
        "What the cinema keeps of it: its share of the tickets after film rent, plus "
        "concessions"))
    greedy_kept_minor = ma.fields.Integer(metadata=_meta("What the cinema keeps with the greedy baseline"))
    expected_visitors = ma.fields.Float(metadata=_meta("Forecast visitors of the schedule"))
    greedy_revenue_minor = ma.fields.Integer(metadata=_meta("Revenue of the greedy hand-made baseline"))
    bound = ma.fields.Float(allow_none=True, metadata=_meta(
        "Upper bound on the objective (revenue or kept, priority-weighted)"))
    gap = ma.fields.Float(allow_none=True, metadata=_meta("(bound - objective) / bound"))
    solve_seconds = ma.fields.Float(metadata=_meta("Solve time"))
    currency = ma.fields.String(metadata=_meta("Currency of the revenue figures", "GBP"))
    proposal = ma.fields.List(ma.fields.Nested(ProposedShowSchema), metadata=_meta("The new showtimes"))


class GenerationJobSchema(ma.Schema):
    id = ma.fields.String(metadata=_meta("Job id", "6f1c0b7e-0d5e-4d1e-9d7e-3b8f2a1c9e10"))
    cinema_id = ma.fields.Integer(metadata=_meta("Cinema", 1))
    start_date = ma.fields.Date(metadata=_meta("First local day"))
    days = ma.fields.Integer(metadata=_meta("Number of days"))
    dry_run = ma.fields.Boolean(metadata=_meta("Proposal only"))
    status = ma.fields.String(metadata=_meta("queued, running, succeeded or failed", "running"))
    progress = ma.fields.Integer(metadata=_meta("Percent done", 30))
    options = ma.fields.Dict(metadata=_meta("Options the run uses"))
    result = ma.fields.Nested(GenerationResultSchema, allow_none=True, metadata=_meta("When succeeded"))
    error = ma.fields.String(allow_none=True, metadata=_meta(
        "Why it failed, in words: the rule that cannot be met with the film, screen, local "
        "date and time it concerns, or that the worker running it stopped",
        "No schedule can satisfy every rule: kept shows cannot all run: \"Heat\" on Screen 1, "
        "Mon 7 Dec 2026 20:30 overlaps \"Up\" on Screen 1, Mon 7 Dec 2026 21:00"))
    warnings = ma.fields.List(ma.fields.String(), metadata=_meta(
        "What the schedule could not do although it is valid: kept (manual or selling) "
        "showtimes that break a rule meant for new ones, left as scheduled, and films that "
        "cannot be shown at all, each named",
        ['"Up" on Screen 2, Mon 7 Dec 2026 20:30 starts after the family cut-off 20:00 '
         '(a kept show, left as scheduled)']))
    heartbeat_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta(
        "Last sign of life of the running job; a run silent too long is failed"))
    waiting = ma.fields.Nested(WaitingSchema, allow_none=True, metadata=_meta(
        "While `queued`: why it has not started, e.g. no worker is running for the `schedule` "
        "queue; null otherwise"))
    created_at = ma.fields.AwareDateTime(metadata=_meta("Requested at"))
    started_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("Started at"))
    finished_at = ma.fields.AwareDateTime(allow_none=True, metadata=_meta("Finished at"))
