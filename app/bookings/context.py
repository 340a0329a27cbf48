"""What selling seats of a showtime relies on, kept in each worker's memory.

Holds are the hottest write of the system and seat maps its hottest read. Both need the
showtime's status and start, its cinema's currency, gap rule, ticket types and booking
fees, every seat of the screen and the price of each (category, ticket type): facts that
change a few times a day. Each worker keeps them per showtime and trusts them only under
the current sales epoch (``app.bookings.epoch``), which every committed change to those
facts replaces: seat maps ask for it first, holds read it in the same round trip as their
Lua script and decide again if it moved.
So a hold reads no table but ``booking_seats``, and a price change, a cancelled showtime or
an edited seat layout is seen by every worker on its very next request.

An entry also ends when a pricing rule's validity window opens or closes (prices depend on
the moment), and after ``MAX_AGE`` at the latest, for changes made behind the app's back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import select

from app.bookings.epoch import current_epoch
from app.bookings.gaps import PlacedSeat, SeatRuns, seat_runs
from app.bookings.held_prices import SeatPrice, price_table
from app.common.bounded_memory import app_memory
from app.common.clock import now
from app.common.errors import NotFoundError
from app.extensions import db
from app.models import AgeRating, Cinema, Movie, Seat, Showtime
from app.pricing.sale_terms import SaleTerms, sale_terms
from app.pricing.tariffs import next_rule_change

MAX_AGE = timedelta(minutes=1)
MAX_ENTRIES = 512


class SeatFacts(NamedTuple):
    id: int
    row: str
    number: int
    category: str
    x: int
    y: int
    wheelchair: bool
    companion: bool
    blocked: bool

    @property
    def label(self) -> str:
        return f"{self.row}{self.number}"


@dataclass(frozen=True)
class SalesContext:
    showtime_id: int
    cinema_id: int
    screen_id: int
    status: str
    starts_at: datetime
    currency: str
    prevent_single_seat_gaps: bool
    # The age facts of a sale (app.bookings.age_rules): the film's rating and the cinema's rule.
    film_min_age: int
    id_check_allowed: bool
    # The cinema's ticket types and booking fees.
    terms: SaleTerms
    # Active seats of the screen by id, in drawing order (front row first, left to right).
    seats: dict[int, SeatFacts]
    # Price per (category, ticket type); a category without a base price is missing.
    prices: dict[tuple[str, str], SeatPrice]
    epoch: str
    fresh_until: datetime

    def price(self, category: str, ticket_type: str) -> SeatPrice | None:
        return self.prices.get((category, ticket_type))

    @cached_property
    def max_ages(self) -> Mapping[str, int | None]:
        return {code: terms.max_age for code, terms in self.terms.ticket_types.items()}

    @cached_property
    def seat_runs(self) -> SeatRuns:
        """The screen's seats side by side, for the single-seat rule (``app.bookings.gaps``)."""
        return seat_runs(PlacedSeat(id=seat.id, row=seat.y, col=seat.x, taken=seat.blocked)
                         for seat in self.seats.values())


def sales_context(showtime_id: int) -> SalesContext:
    """The sales facts of a showtime: from this worker's memory while the epoch holds, else loaded.

    404 when the showtime does not exist.
    """
    epoch = current_epoch()
    context = _remembered(showtime_id)
    if context is not None and context.epoch == epoch:
        return context
    return _load_and_remember(showtime_id, epoch)


def remembered_sales_context(showtime_id: int) -> SalesContext:
    """Like :func:`sales_context` but without asking Redis for the epoch: the caller compares
    ``context.epoch`` with the epoch it reads in the same round trip as its own work (holds)
    and calls :func:`forget_sales_context` when they differ."""
    context = _remembered(showtime_id)
    return context if context is not None else _load_and_remember(showtime_id, current_epoch())


def forget_sales_context(showtime_id: int) -> None:
    app_memory("sales_contexts", MAX_ENTRIES).put(showtime_id, None)


def _remembered(showtime_id: int) -> SalesContext | None:
    context = app_memory("sales_contexts", MAX_ENTRIES).get(showtime_id)
    return context if context is not None and now() < context.fresh_until else None


def _load_and_remember(showtime_id: int, epoch: str) -> SalesContext:
    context = _load(showtime_id, epoch)
    app_memory("sales_contexts", MAX_ENTRIES).put(showtime_id, context)
    return context


def _load(showtime_id: int, epoch: str) -> SalesContext:
    row = db.session.execute(
        select(Showtime.cinema_id, Showtime.screen_id, Showtime.status, Showtime.starts_at,
               Cinema.currency, Cinema.prevent_single_seat_gaps, Cinema.id_check_allowed, AgeRating.min_age)
        .join(Cinema, Cinema.id == Showtime.cinema_id)
        .join(Movie, Movie.id == Showtime.movie_id)
        .join(AgeRating, AgeRating.code == Movie.age_rating)
        .where(Showtime.id == showtime_id)
    ).first()
    if row is None:
        raise NotFoundError(f"Showtime {showtime_id} not found")
    seats = _seats_of_screen(row.screen_id)
    terms = sale_terms(row.cinema_id)
    loaded_at = now()
    rule_change = next_rule_change(row.cinema_id, loaded_at)
    fresh_until = min(loaded_at + MAX_AGE, rule_change) if rule_change else loaded_at + MAX_AGE
    return SalesContext(
        showtime_id=showtime_id, cinema_id=row.cinema_id, screen_id=row.screen_id, status=row.status,
        starts_at=row.starts_at, currency=row.currency, prevent_single_seat_gaps=row.prevent_single_seat_gaps,
        film_min_age=row.min_age, id_check_allowed=row.id_check_allowed, terms=terms,
        seats=seats, prices=_prices(showtime_id, (seat.category for seat in seats.values()), terms),
        epoch=epoch, fresh_until=fresh_until,
    )


def _seats_of_screen(screen_id: int) -> dict[int, SeatFacts]:
    rows = db.session.execute(
        select(Seat.id, Seat.row_label, Seat.number, Seat.category, Seat.grid_col, Seat.grid_row,
               Seat.is_wheelchair, Seat.is_companion, Seat.is_blocked)
        .where(Seat.screen_id == screen_id, Seat.active)
        .order_by(Seat.grid_row, Seat.grid_col)
    ).all()
    return {row.id: SeatFacts(*row) for row in rows}


def _prices(showtime_id: int, categories: Iterable[str],
            terms: SaleTerms) -> dict[tuple[str, str], SeatPrice]:
    showtime = db.session.get(Showtime, showtime_id)
    return price_table(showtime, categories, terms)
