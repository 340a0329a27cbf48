"""Manual schedule edits: create, move and cancel showtimes without ever overlapping.

The service checks the slot with :mod:`app.scheduling.availability` (:func:`check_slot` runs the
same checks without writing, for an editor to show conflicts before saving); when two managers write
at the same instant, PostgreSQL's exclusion constraint refuses the second and the refusal
becomes the same 409, naming the showtime that won.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app import audit
from app.bookings.cancellation_rights import ACTIVE_STATUSES
from app.bookings.hold_lifecycle import drop_showtime_holds
from app.bookings.integrity import violated_constraint
from app.bookings.refund_policy import refund_owed
from app.bookings.seatmap import invalidate_seat_map
from app.bookings.service import free_seats_of, mark_cancelled
from app.common import events
from app.common.access import Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import ConflictError, NotFoundError, ValidationError
from app.common.lookups import get_at_own_cinema, get_or_404
from app.common.unit_of_work import after_commit, use_case
from app.extensions import db
from app.models import Booking, BookingSeat, Cinema, Movie, Screen, Showtime
from app.scheduling.availability import (
    Obstacle,
    describe,
    ensure_screen_free,
    find_obstacles,
    overlapping_showtime,
)
from app.scheduling.events import ShowtimeCancelled
from app.scheduling.queries import invalidate_schedule

OVERLAP_CONSTRAINT = "ex_showtimes_screen_no_overlap"


@dataclass(frozen=True)
class SlotCheck:
    """What scheduling a film in a slot would meet: its times and every obstacle (none: free)."""

    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    format: str
    obstacles: list[Obstacle]

    @property
    def free(self) -> bool:
        return not self.obstacles


@dataclass(frozen=True)
class CancelledShowtime:
    showtime: Showtime
    bookings_cancelled: int
    refund_due_minor: int


@use_case
def create_showtime(principal: Principal, *, movie_id: int, screen_id: int, starts_at: datetime,
                    format: str | None = None, language: str | None = None,
                    subtitles: str | None = None) -> Showtime:
    screen, cinema, movie = _load_slot_parts(principal, screen_id, movie_id)
    slot = _free_slot(screen, cinema, movie, starts_at, format, ignore_showtime_id=None)
    showtime = Showtime(source="manual", status="scheduled", created_by_id=principal.id)
    _write_schedule_change(principal, showtime, slot, language, subtitles, "showtime.created", None)
    after_commit(lambda: invalidate_schedule(cinema, slot.starts_at))
    return showtime


@use_case
def update_showtime(principal: Principal, showtime: Showtime, *, movie_id: int, screen_id: int,
                    starts_at: datetime, format: str | None = None, language: str | None = None,
                    subtitles: str | None = None) -> Showtime:
    """Replace the editable fields of ``showtime`` (the caller checked its ETag).

    A showtime with sold seats keeps its screen and film: the seats and tickets refer to them.
    """
    _ensure_movable(showtime, screen_id=screen_id, movie_id=movie_id)
    old_cinema = db.session.get(Cinema, showtime.cinema_id)
    old_start = showtime.starts_at
    before = _schedule_fields(showtime)
    screen, cinema, movie = _load_slot_parts(principal, screen_id, movie_id)
    slot = _free_slot(screen, cinema, movie, starts_at, format, ignore_showtime_id=showtime.id)
    _write_schedule_change(principal, showtime, slot, language, subtitles, "showtime.updated", before)
    showtime_id = showtime.id
    after_commit(lambda: (invalidate_schedule(old_cinema, old_start),
                          invalidate_schedule(cinema, slot.starts_at), invalidate_seat_map(showtime_id)))
    return showtime


def check_slot(principal: Principal, *, movie_id: int, screen_id: int, starts_at: datetime,
               format: str | None = None, showtime: Showtime | None = None) -> SlotCheck:
    """What :func:`create_showtime` (or :func:`update_showtime` of ``showtime``) would meet in
    this slot, without writing: the same checks, every obstacle listed instead of the first
    raised. Refusals that are not about the slot (an invalid film or format, a start in the
    past, a showtime that may not move) raise as the write would."""
    if showtime is not None:
        _ensure_movable(showtime, screen_id=screen_id, movie_id=movie_id)
    screen, cinema, movie = _load_slot_parts(principal, screen_id, movie_id)
    slot = _slot(screen, cinema, movie, starts_at, format)
    obstacles = find_obstacles(screen, cinema, slot.starts_at, slot.ends_at, slot.blocked_until, slot.format,
                               ignore_showtime_id=showtime.id if showtime else None)
    return SlotCheck(slot.starts_at, slot.ends_at, slot.blocked_until, slot.format, obstacles)


@use_case
def cancel_showtime(principal: Principal, showtime_id: int) -> CancelledShowtime:
    """Cancel a showtime: its bookings are cancelled, paid ones marked for a full refund."""
    showtime = db.session.scalar(
        select(Showtime).where(Showtime.id == showtime_id).with_for_update(of=Showtime)
    )
    if showtime is None:
        raise NotFoundError(f"Showtime {showtime_id} not found")
    ensure_cinema_access(principal, showtime.cinema_id)
    if showtime.status == "cancelled":
        raise ConflictError("This showtime is already cancelled", reason="showtime_cancelled")
    showtime.status = "cancelled"
    showtime.cancelled_at = now()
    bookings = list(db.session.scalars(
        select(Booking).where(Booking.showtime_id == showtime.id, Booking.status.in_(ACTIVE_STATUSES))
    ))
    refund_total = 0
    for booking in bookings:
        refund = 0
        if booking.status == "confirmed":
            refund = refund_owed(held_minor=booking.total_minor - booking.refunded_minor, show_cancelled=True,
                                 by_staff=True, starts_at=showtime.starts_at, cutoff_hours=0, at=now())
        mark_cancelled(booking, reason="showtime_cancelled", refund_due_minor=refund)
        refund_total += refund
    events.record(ShowtimeCancelled(showtime.id))
    audit.record(principal, "showtime.cancelled", showtime.cinema_id, ("showtime", showtime.id),
                 {"status": "scheduled"}, {"status": "cancelled", "bookings_cancelled": len(bookings),
                                           "refund_due_minor": refund_total})
    cinema, starts = db.session.get(Cinema, showtime.cinema_id), showtime.starts_at
    after_commit(lambda: (free_seats_of(bookings), drop_showtime_holds(showtime_id),
                          invalidate_schedule(cinema, starts)))
    return CancelledShowtime(showtime=showtime, bookings_cancelled=len(bookings),
                             refund_due_minor=refund_total)


def _ensure_movable(showtime: Showtime, *, screen_id: int, movie_id: int) -> None:
    """A showtime may move while scheduled and not started; with sold seats it keeps its screen
    and film (the seats and tickets refer to them)."""
    if showtime.status != "scheduled":
        raise ConflictError("A cancelled showtime cannot be edited", reason="showtime_cancelled")
    if showtime.starts_at <= now():
        raise ConflictError("This showtime has already started", reason="showtime_started")
    if (screen_id != showtime.screen_id or movie_id != showtime.movie_id) and _has_sold_seats(showtime.id):
        raise ConflictError("This showtime has bookings: its screen and film cannot change",
                            reason="showtime_has_bookings")


def _load_slot_parts(principal: Principal, screen_id: int, movie_id: int) -> tuple[Screen, Cinema, Movie]:
    screen = get_at_own_cinema(principal, Screen, screen_id)
    movie = get_or_404(Movie, movie_id)
    if movie.status != "active":
        raise ValidationError(f"{movie.title} is archived", reason="movie_archived",
                              details={"movie_id": ["archived"]})
    return screen, screen.cinema, movie


@dataclass(frozen=True)
class _Slot:
    screen: Screen
    cinema: Cinema
    movie: Movie
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    format: str


def _free_slot(screen: Screen, cinema: Cinema, movie: Movie, starts_at: datetime, fmt: str | None, *,
               ignore_showtime_id: int | None) -> _Slot:
    """The times and format of ``movie`` on ``screen`` from ``starts_at``, once checked free.

    Nothing is changed before this check: a showtime half-moved in the session would be
    autoflushed by the check's own queries into the exclusion constraint.
    """
    slot = _slot(screen, cinema, movie, starts_at, fmt)
    ensure_screen_free(screen, cinema, slot.starts_at, slot.ends_at, slot.blocked_until, slot.format,
                       ignore_showtime_id=ignore_showtime_id)
    return slot


def _slot(screen: Screen, cinema: Cinema, movie: Movie, starts_at: datetime, fmt: str | None) -> _Slot:
    """The times and format of ``movie`` on ``screen`` from ``starts_at`` (422 when it cannot
    be shown then at all), not yet checked free."""
    if starts_at <= now():
        raise ValidationError("A showtime must start in the future", reason="starts_in_past",
                              details={"starts_at": ["in the past"]})
    fmt = fmt or _default_format(movie, screen)
    if fmt not in movie.formats:
        raise ValidationError(f"{movie.title} is not distributed in {fmt} (only {', '.join(movie.formats)})",
                              reason="format_not_distributed",
                              details={"format": [f"the film is not distributed in {fmt}"],
                                       "movie_formats": movie.formats})
    ends_at = starts_at + timedelta(minutes=movie.trailer_minutes + movie.runtime_minutes)
    blocked_until = ends_at + timedelta(minutes=cinema.cleaning_buffer_minutes)
    return _Slot(screen, cinema, movie, starts_at, ends_at, blocked_until, fmt)


def _place(showtime: Showtime, slot: _Slot, language: str | None, subtitles: str | None) -> None:
    """Put ``showtime`` in a checked ``slot``; no query may run until the flush writes it."""
    with db.session.no_autoflush:
        showtime.movie_id, showtime.screen_id = slot.movie.id, slot.screen.id
        showtime.cinema_id = slot.cinema.id
        showtime.starts_at, showtime.ends_at = slot.starts_at, slot.ends_at
        showtime.blocked_until, showtime.format = slot.blocked_until, slot.format
        showtime.language = language or slot.movie.language
        showtime.subtitles = subtitles


def _default_format(movie: Movie, screen: Screen) -> str:
    common = [f for f in movie.formats if f in screen.formats]
    if "2D" in common:
        return "2D"
    return common[0] if common else movie.formats[0]


def _schedule_fields(showtime: Showtime) -> dict:
    """What a schedule change changes, as the audit trail keeps it."""
    return {"movie_id": showtime.movie_id, "screen_id": showtime.screen_id, "starts_at": showtime.starts_at,
            "ends_at": showtime.ends_at, "format": showtime.format}


# PostgreSQL's code for a transaction it chose to break a deadlock with.
DEADLOCK = "40P01"
_DEADLOCK_ATTEMPTS = 3


def _write_schedule_change(principal: Principal, showtime: Showtime, slot: _Slot, language: str | None,
                           subtitles: str | None, action: str, before: dict | None) -> None:
    """Put ``showtime`` in ``slot`` and write it with its audit entry; a lost race against another
    manager becomes a 409 naming the winner.

    The write is a savepoint (begun before anything changes: a savepoint first flushes what is
    pending), so the refusal leaves the unit of work usable for the query that names the winner.
    """
    ignore = showtime.id
    try:
        for attempt in range(_DEADLOCK_ATTEMPTS):
            try:
                with db.session.begin_nested():
                    _place(showtime, slot, language, subtitles)
                    db.session.add(showtime)
                    db.session.flush()  # the constraint decides here; a new showtime gets its id
                break
            except OperationalError as exc:
                # Managers writing overlapping slots at once wait on each other's rows and
                # PostgreSQL may break such a wait as a deadlock: write again, and the exclusion
                # constraint then names the winner (a lost race is a 409, not "unavailable").
                if getattr(exc.orig, "sqlstate", None) != DEADLOCK or attempt == _DEADLOCK_ATTEMPTS - 1:
                    raise
    except IntegrityError as exc:
        if violated_constraint(exc) != OVERLAP_CONSTRAINT:
            raise
        clash = overlapping_showtime(slot.screen.id, slot.starts_at, slot.blocked_until,
                                     ignore_showtime_id=ignore)
        raise ConflictError(
            "Another showtime was scheduled on this screen at the same moment"
            + (f": showtime {clash.id}" if clash else ""),
            reason="showtime_overlap",
            details={"conflicting_showtime": describe(clash) if clash else None},
        ) from exc
    audit.record(principal, action, showtime.cinema_id, ("showtime", showtime.id), before,
                 _schedule_fields(showtime))


def _has_sold_seats(showtime_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        BookingSeat.showtime_id == showtime_id, BookingSeat.active))))
