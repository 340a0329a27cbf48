"""Whether a screen is free for a showing: the one place that decides it.

Manual edits and the schedule optimiser both ask :func:`find_obstacles`. A screen is free
for ``[starts_at, blocked_until)`` (film plus the cinema's cleaning buffer) when no live
showtime or closure overlaps it, the film runs inside the cinema's opening hours, and the
screen can project the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.common.errors import ConflictError
from app.extensions import db
from app.models import Cinema, Screen, ScreenClosure, Showtime

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Obstacle:
    reason: str  # showtime_overlap, screen_closed, outside_opening_hours, format_not_supported, ...
    message: str
    details: dict[str, Any] = field(default_factory=dict)


def find_obstacles(screen: Screen, cinema: Cinema, starts_at: datetime, ends_at: datetime,
                   blocked_until: datetime, fmt: str, *,
                   ignore_showtime_id: int | None = None) -> list[Obstacle]:
    """Everything that stops ``screen`` showing a film in ``fmt`` from ``starts_at`` to ``ends_at``
    (cleaning until ``blocked_until``); empty when the slot is free."""
    obstacles = []
    if screen.archived_at is not None:
        obstacles.append(Obstacle("screen_archived", f"Screen {screen.name} is archived"))
    if fmt not in screen.formats:
        obstacles.append(Obstacle(
            "format_not_supported",
            f"Screen {screen.name} cannot show {fmt} (it shows {', '.join(screen.formats)})",
            {"format": fmt, "screen_formats": list(screen.formats)}))
    if not within_opening_hours(cinema, starts_at, ends_at):
        obstacles.append(Obstacle(
            "outside_opening_hours", f"{cinema.name} is not open for the whole showing",
            {"opening_hours": cinema.opening_hours, "timezone": cinema.timezone}))
    clash = overlapping_showtime(screen.id, starts_at, blocked_until, ignore_showtime_id=ignore_showtime_id)
    if clash is not None:
        obstacles.append(Obstacle(
            "showtime_overlap",
            f"Screen {screen.name} is busy with showtime {clash.id} until "
            f"{clash.blocked_until.isoformat()} (cleaning included)",
            {"conflicting_showtime": describe(clash)}))
    closure = db.session.scalar(
        select(ScreenClosure).where(
            ScreenClosure.screen_id == screen.id,
            ScreenClosure.starts_at < blocked_until, ScreenClosure.ends_at > starts_at,
        ).limit(1)
    )
    if closure is not None:
        obstacles.append(Obstacle(
            "screen_closed", f"Screen {screen.name} is closed then: {closure.reason or 'closure'}",
            {"closure": {"id": closure.id, "starts_at": closure.starts_at.isoformat(),
                         "ends_at": closure.ends_at.isoformat(), "reason": closure.reason}}))
    return obstacles


def ensure_screen_free(screen: Screen, cinema: Cinema, starts_at: datetime, ends_at: datetime,
                       blocked_until: datetime, fmt: str, *, ignore_showtime_id: int | None = None) -> None:
    """Raise a 409 for the first obstacle (all of them are listed in ``details``)."""
    obstacles = find_obstacles(screen, cinema, starts_at, ends_at, blocked_until, fmt,
                               ignore_showtime_id=ignore_showtime_id)
    if obstacles:
        first = obstacles[0]
        raise ConflictError(first.message, reason=first.reason, details={
            **first.details,
            "obstacles": [{"reason": o.reason, "message": o.message} for o in obstacles],
        })


def overlapping_showtime(screen_id: int, starts_at: datetime, blocked_until: datetime, *,
                         ignore_showtime_id: int | None = None) -> Showtime | None:
    """The live showtime of the screen whose [start, blocked_until) overlaps, like the exclusion
    constraint ``ex_showtimes_screen_no_overlap`` sees it."""
    query = select(Showtime).where(
        Showtime.screen_id == screen_id, Showtime.status == "scheduled",
        Showtime.starts_at < blocked_until, Showtime.blocked_until > starts_at,
    )
    if ignore_showtime_id is not None:
        query = query.where(Showtime.id != ignore_showtime_id)
    return db.session.scalar(query.order_by(Showtime.starts_at).limit(1))


def describe(showtime: Showtime) -> dict[str, Any]:
    """How a 409 names a showtime."""
    return {"id": showtime.id, "movie_id": showtime.movie_id, "movie_title": showtime.movie.title,
            "screen_id": showtime.screen_id, "starts_at": showtime.starts_at.isoformat(),
            "ends_at": showtime.ends_at.isoformat(), "blocked_until": showtime.blocked_until.isoformat()}


def within_opening_hours(cinema: Cinema, starts_at: datetime, ends_at: datetime) -> bool:
    """True when the cinema is open without a break for the whole film.

    ``opening_hours`` maps weekdays to {"open": "10:00", "close": "23:30"}; a close at or
    before the opening (e.g. "01:00") is on the next day, "24:00" is midnight. A day missing
    from the table is closed; a cinema with no table at all has no restriction. Opening
    periods that meet (a day closing at 24:00 or 01:00 when the next opens at 00:00 or
    01:00) are one open spell, so a film crossing midnight in a cinema open round the clock
    or past midnight fits.
    """
    if not cinema.opening_hours:
        return True
    zone = ZoneInfo(cinema.timezone)
    local_day = starts_at.astimezone(zone).date()
    days = (ends_at.astimezone(zone).date() - local_day).days
    # A show just after midnight may belong to the previous day's late opening.
    periods = sorted(period for offset in range(-1, days + 1)
                     for period in _opening_period(cinema.opening_hours, zone,
                                                   local_day + timedelta(days=offset)))
    return any(opened <= starts_at and ends_at <= closed for opened, closed in _spells(periods))


def _spells(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted opening periods merged where one starts before or as the previous ends."""
    spells: list[tuple[datetime, datetime]] = []
    for opened, closed in periods:
        if spells and opened <= spells[-1][1]:
            spells[-1] = (spells[-1][0], max(spells[-1][1], closed))
        else:
            spells.append((opened, closed))
    return spells


def _opening_period(hours: dict, zone: ZoneInfo, day: date) -> list[tuple[datetime, datetime]]:
    spec = hours.get(WEEKDAYS[day.weekday()])
    if not spec or not spec.get("open") or not spec.get("close"):
        return []
    opens = _parse_time(spec["open"])
    opened = datetime.combine(day, opens, zone)
    if spec["close"] == "24:00":
        return [(opened, datetime.combine(day + timedelta(days=1), time(0), zone))]
    closes = _parse_time(spec["close"])
    close_day = day + timedelta(days=1) if closes <= opens else day
    return [(opened, datetime.combine(close_day, closes, zone))]


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
