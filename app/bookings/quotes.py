"""The price quoted for each seat when it is held; the booking honours the quote.

This is the one place that prices a seat, so the pricing work can replace the rule here
without touching holds, seat maps or bookings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from sqlalchemy import or_, select

from app.extensions import db
from app.models import SeatCategoryPrice, Showtime


class PricedSeat(Protocol):
    id: int
    category: str


@dataclass(frozen=True)
class SeatQuote:
    seat_id: int
    category: str
    price_minor: int
    # How the price came about, step by step (kept on the booking seat for the invoice).
    trace: list[dict[str, Any]] = field(default_factory=list)


def quote_seats(showtime: Showtime, seats: Iterable[PricedSeat]) -> list[SeatQuote]:
    """Quote ``seats`` for ``showtime``: the category price of the screen (a screen override
    beats the cinema's price) times the showtime's dynamic multiplier, rounded half-up to whole
    minor units. Seats whose category has no price are left out; callers decide what that means.
    """
    seats = list(seats)
    categories = {seat.category for seat in seats}
    if not categories:
        return []
    rows = db.session.execute(
        select(SeatCategoryPrice.screen_id, SeatCategoryPrice.category, SeatCategoryPrice.amount_minor)
        .where(
            SeatCategoryPrice.cinema_id == showtime.cinema_id,
            SeatCategoryPrice.category.in_(categories),
            or_(SeatCategoryPrice.screen_id.is_(None), SeatCategoryPrice.screen_id == showtime.screen_id),
        )
    )
    cinema_prices: dict[str, int] = {}
    screen_prices: dict[str, int] = {}
    for screen_id, category, amount in rows:
        (cinema_prices if screen_id is None else screen_prices)[category] = amount
    multiplier = Decimal(showtime.dynamic_multiplier)
    priced: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    for category in categories:
        scope = "screen" if category in screen_prices else "cinema"
        base = screen_prices.get(category, cinema_prices.get(category))
        if base is None:
            continue
        price = int((Decimal(base) * multiplier).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        priced[category] = (price, [
            {"step": "category_price", "category": category, "scope": scope, "amount_minor": base},
            {"step": "dynamic_multiplier", "multiplier": str(multiplier), "amount_minor": price},
        ])
    return [
        SeatQuote(seat_id=seat.id, category=seat.category, price_minor=priced[seat.category][0],
                  trace=priced[seat.category][1])
        for seat in seats if seat.category in priced
    ]
