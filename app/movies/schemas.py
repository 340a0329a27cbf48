"""Request and response schemas of the catalogue."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from app.common.fields import Boolean, Choice, Date, Id, Integer, List, Text
from app.common.pagination import PageArgsSchema, page_schema
from app.common.schemas import ResourceSchema, UniqueFormatsMixin
from app.common.storage import public_url
from app.models import FORMATS
from app.movies.search import showing_state

SHOWING_CHOICES = ("now_showing", "coming_soon")
SORT_CHOICES = ("relevance", "title", "-title", "release_date", "-release_date",
                "runtime", "-runtime", "created_at", "-created_at")
STATUS_CHOICES = ("active", "archived", "all")

# More would say nothing about a film; the list is read only up to this.
MAX_GENRES_PER_MOVIE = 20
# A run's rent is negotiated for its first weeks; a year covers any run.
MAX_RENT_WEEKS = 52
# Values of one repeated search filter (genre=a&genre=b...).
MAX_FILTER_VALUES = 20
_LANGUAGE = ma.validate.Regexp(
    r"^[a-z]{2,3}(-[A-Z]{2})?$", error="Use an ISO 639 language code such as 'en' or 'pt-BR'"
)


class GenreSchema(ResourceSchema):
    id = ma.fields.Integer(dump_only=True, metadata={"description": "Genre id", "example": 3})
    name = Text(required=True, min_length=1, max_length=60,
                metadata={"description": "Display name", "example": "Science Fiction"})
    slug = Text(
        max_length=60, validate=ma.validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                    error="Use lowercase letters, digits and single hyphens"),
        metadata={"description": "URL name, used by the `genre` filter; derived from the name "
                                 "when left out", "example": "science-fiction"},
    )


class GenreUpdateSchema(GenreSchema):
    """New values of a genre; fields left out keep their value."""


class AgeRatingSchema(ResourceSchema):
    code = Text(required=True, min_length=1, max_length=10,
                metadata={"description": "Rating code", "example": "PG-13"})
    name = Text(required=True, min_length=1, max_length=80,
                metadata={"description": "What the rating means", "example": "Parents strongly cautioned"})
    min_age = Integer(load_default=0, minimum=0, maximum=21,
                      metadata={"description": "Youngest age admitted", "example": 13})
    family_friendly = Boolean(
        load_default=False,
        metadata={"description": "Family film: the scheduler keeps it before the family cut-off "
                                 "hour", "example": False})
    sort_order = Integer(load_default=0, metadata={
        "description": "Position in lists, mildest first", "example": 3})


class AgeRatingUpdateSchema(AgeRatingSchema):
    """A rating's new values; renaming the code renames it on every movie too."""

    code = Text(min_length=1, max_length=10,
                metadata={"description": "New code (optional)", "example": "12A"})


class DistributorTermsSchema(ma.Schema):
    """Contractual limits on a film's shows across a whole cinema (read by the scheduler)."""

    min_per_day = Integer(minimum=0, metadata={
        "description": "Fewest shows per day from release on", "example": 2})
    max_per_day = Integer(allow_none=True, minimum=0, metadata={
        "description": "Most shows per day (null: no limit)", "example": 8})
    min_per_week = Integer(minimum=0, metadata={
        "description": "Fewest shows per distributor week", "example": 14})
    max_per_week = Integer(allow_none=True, minimum=0, metadata={
        "description": "Most shows per distributor week (null: no limit)", "example": None})
    min_screen_capacity = Integer(minimum=0, metadata={
        "description": "Only screens with at least this many seats", "example": 150})


class MovieSchema(UniqueFormatsMixin, ResourceSchema):
    """A film of the catalogue. On PUT, fields left out keep their value."""

    id = ma.fields.Integer(dump_only=True, metadata={"description": "Movie id", "example": 42})
    title = Text(required=True, min_length=1, max_length=200,
                 metadata={"description": "Title as shown to customers", "example": "Orbit of Ashes"})
    original_title = Text(
        allow_none=True, max_length=200,
        metadata={"description": "Title in the original language", "example": "Orbite de cendres"})
    synopsis = Text(load_default="", max_length=5000, multiline=True,
                    metadata={"description": "Short description", "example": "..."})
    runtime_minutes = Integer(
        required=True, minimum=1, maximum=600,
        metadata={"description": "Running time of the film itself", "example": 148})
    trailer_minutes = Integer(
        load_default=15, minimum=0, maximum=60,
        metadata={"description": "Adverts and trailers before the film (scheduling adds them)",
                  "example": 15})
    release_date = Date(required=True, metadata={"description": "Release date", "example": "2026-11-20"})
    end_of_run = Date(
        allow_none=True,
        metadata={"description": "Last day of the run (null: open-ended)", "example": "2027-01-15"})
    language = Text(load_default="en", max_length=8, validate=_LANGUAGE,
                    metadata={"description": "Original language", "example": "en"})
    age_rating = Text(required=True, min_length=1, max_length=10, metadata={
        "description": "Code of an age rating (see `GET /api/age-ratings`)", "example": "PG-13"})
    genre_ids = List(Id(), load_default=list, max_items=MAX_GENRES_PER_MOVIE, metadata={
        "description": "Ids of the movie's genres (see `GET /api/genres`)", "example": [1, 4]})
    genres = ma.fields.List(ma.fields.Nested(GenreSchema), dump_only=True,
                            metadata={"description": "The movie's genres"})
    formats = List(
        Choice(FORMATS), load_default=lambda: ["2D"], min_items=1, max_items=len(FORMATS),
        metadata={"description": "Formats it is distributed in", "example": ["2D", "IMAX"]})
    director = Text(allow_none=True, max_length=120,
                    metadata={"description": "Director", "example": "A. Director"})
    cast = List(Text(min_length=1, max_length=120), load_default=list, max_items=50,
                metadata={"description": "Leading cast, in billing order",
                          "example": ["First Actor", "Second Actor"]})
    trailer_url = Text(
        allow_none=True, max_length=500, validate=ma.validate.URL(schemes={"http", "https"}),
        metadata={"description": "Link to the trailer (http or https)", "format": "url",
                  "example": "https://example.com/trailers/orbit-of-ashes"})
    poster_url = ma.fields.Method("_poster_url", dump_only=True, metadata={
        "type": "string", "nullable": True,
        "description": "Where a browser loads the poster (upload with `POST /api/movies/{id}/poster`)",
        "example": "/media/posters/42/5d41402abc4b2a76.jpg"})
    distributor_terms = ma.fields.Nested(DistributorTermsSchema, load_default=dict, metadata={
        "description": "Distributor limits the schedule optimiser respects"})
    rent_by_week_bp = List(Integer(minimum=0, maximum=10_000), max_items=MAX_RENT_WEEKS, metadata={
        "description": "Film rent: the distributor's share of the box office in basis points "
                       "(5500 = 55 %) in the first, second, ... week of the run from the "
                       "release date; the last entry holds for every later week; empty: no "
                       "rent. The scheduler's objective `kept` counts what is left",
        "example": [6000, 5000, 4000, 3500]})
    showing = ma.fields.Method("_showing", dump_only=True, metadata={
        "type": "string", "enum": ["coming_soon", "now_showing", "ended"],
        "description": "Where the film is in its run today (UTC)", "example": "now_showing"})
    status = ma.fields.String(dump_only=True, metadata={
        "description": "`active`, or `archived` once deleted (kept for past bookings)",
        "example": "active"})
    archived_at = ma.fields.DateTime(dump_only=True, allow_none=True, metadata={
        "description": "When it was deleted (archived); null while active", "example": None})
    version = ma.fields.Integer(dump_only=True, metadata={
        "description": "Row version; the ETag is derived from it", "example": 3})
    created_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Created"})
    updated_at = ma.fields.DateTime(dump_only=True, metadata={"description": "Last changed"})

    def _poster_url(self, movie) -> str | None:
        return public_url(movie.poster_key) if movie.poster_key else None

    def _showing(self, movie) -> str:
        return showing_state(movie)


class MovieUpdateSchema(MovieSchema):
    """The body of `PUT /api/movies/{id}`: any fields of a movie; those left out keep their value."""


MoviePageSchema = page_schema(MovieSchema)


class MovieQueryArgsSchema(PageArgsSchema):
    """Filters of `GET /api/movies`; all combine with AND, a repeated argument means any of."""

    q = Text(min_length=1, max_length=100, metadata={
        "description": "Words that must all appear in the title or original title "
                       "(case-insensitive, anywhere in the word)", "example": "orbit ash"})
    genre = List(Text(max_length=60), max_items=MAX_FILTER_VALUES, metadata={
        "description": "Genre slug, name or id; repeat for any of several", "example": ["action"]})
    age_rating = List(Text(max_length=10), max_items=MAX_FILTER_VALUES, metadata={
        "description": "Age rating code; repeat for any of several", "example": ["PG", "PG-13"]})
    suitable_for_age = Integer(minimum=0, maximum=99, metadata={
        "description": "Only films whose rating admits this age", "example": 12})
    language = List(Text(max_length=8), max_items=MAX_FILTER_VALUES, metadata={
        "description": "Original language; repeat for any of several", "example": ["en"]})
    format = List(Choice(FORMATS), max_items=len(FORMATS), metadata={
        "description": "Distributed in this format; repeat for any of several",
        "example": ["IMAX"]})
    released_from = Date(metadata={"description": "Released on or after", "example": "2026-01-01"})
    released_to = Date(metadata={"description": "Released on or before", "example": "2026-12-31"})
    showing = Choice(SHOWING_CHOICES, metadata={
        "description": "`now_showing`: released and its run not over (today, UTC); "
                       "`coming_soon`: release date still ahead", "example": "now_showing"})
    cinema_id = Id(metadata={
        "description": "Only films with a scheduled showtime at this cinema: on `date` if "
                       "given, else from now on", "example": 1})
    date = Date(metadata={
        "description": "Only films with a scheduled showtime on this local day (of the "
                       "cinema's time zone); combine with `cinema_id`", "example": "2026-12-24"})
    status = Choice(STATUS_CHOICES, load_default="active",
                    metadata={"description": "Catalogue status", "example": "active"})
    sort = Choice(SORT_CHOICES, metadata={
        "description": "Order; `-` for descending. Default `relevance` with `q`, else "
                       "`-release_date`", "example": "title"})

    @ma.pre_load
    def _split_commas(self, data, **_kwargs) -> dict:
        """Accept ``genre=action,comedy`` as well as ``genre=action&genre=comedy``."""
        split = {}
        for key in data:
            value = data[key]
            if isinstance(value, list):
                value = [part.strip() for item in value for part in str(item).split(",")
                         if part.strip()]
            split[key] = value
        return split

    @ma.validates_schema
    def _range(self, data: dict, **_kwargs) -> None:
        start, end = data.get("released_from"), data.get("released_to")
        if start and end and start > end:
            raise ma.ValidationError("released_from is after released_to", "released_to")
        if data.get("sort") == "relevance" and not data.get("q"):
            raise ma.ValidationError("sorting by relevance needs q", "sort")


class PosterUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={
        "description": "The poster image: JPEG, PNG or WebP, at most MAX_POSTER_BYTES (5 MiB)"})
