"""Telling the seat maps that a manager changed what their seats cost.

A seat map shows each seat's price (``app.bookings.seatmap``) and is cached for 30 s; a hold
quotes from the sales facts, which move with the sales epoch at once. So every change of a
price input a map shows (a base price, a pricing rule, a ticket type) records that the
showtimes it can touch were repriced, and the bookings service refreshes their maps after the
commit: a page never shows a price the next hold will not quote.
"""

from __future__ import annotations

from sqlalchemy import select

from app.common import events
from app.common.clock import now
from app.extensions import db
from app.models import Showtime
from app.pricing.events import ShowtimePricesChanged


def record_repriced(*, cinema_id: int | None = None, screen_id: int | None = None) -> None:
    """The showtimes still to come at the screen, else at the cinema, else everywhere (a rule of
    every cinema) were repriced."""
    query = select(Showtime.id).where(Showtime.status == "scheduled", Showtime.ends_at > now())
    if screen_id is not None:
        query = query.where(Showtime.screen_id == screen_id)
    elif cinema_id is not None:
        query = query.where(Showtime.cinema_id == cinema_id)
    upcoming = tuple(db.session.scalars(query))
    if upcoming:
        events.record(ShowtimePricesChanged(upcoming))
