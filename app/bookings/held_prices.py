"""The price quoted for each seat when it is held; the booking honours the quote.

Prices come from the pricing service's one pricing function (``app.pricing.seat_prices``), so
the hold, ``POST /api/pricing/calculate`` at the same moment, the booking and the invoice
agree to the minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from app.bookings.hold_record import HeldSeat
from app.common.errors import ValidationError
from app.extensions import db
from app.models import Cinema, Showtime
from app.pricing.sale_terms import SaleTerms
from app.pricing.seat_prices import price_seats
from app.pricing.tariffs import category_base_prices


class PricedSeat(Protocol):
    id: int
    label: str
    category: str


@dataclass(frozen=True)
class BasketQuote:
    """Seat quotes of a hold with a promo code: each seat carries its share of the discount."""

    seats: list[HeldSeat]
    discount_minor: int
    promo_code_id: int | None


@dataclass(frozen=True)
class SeatPrice:
    price_minor: int
    trace: list[dict[str, Any]]


def price_table(showtime: Showtime, categories: Iterable[str],
                terms: SaleTerms) -> dict[tuple[str, str], SeatPrice]:
    """The price of a seat of each category for each ticket type the cinema sells, right now.

    Seats of one category and ticket type cost the same, so a whole seat map costs a handful
    of engine lines. Categories without a base price at the cinema are left out; callers
    decide what that means.
    """
    base_prices = category_base_prices(showtime.cinema_id, showtime.screen_id)
    pairs = sorted((category, ticket) for category in set(categories) if category in base_prices
                   for ticket in terms.ticket_types)
    if not pairs:
        return {}
    cinema = db.session.get(Cinema, showtime.cinema_id)
    lines = [(n, category, ticket) for n, (category, ticket) in enumerate(pairs)]
    priced = price_seats(showtime, cinema, lines, base_prices, terms)
    return {pair: SeatPrice(line["final_minor"], line["trace"])
            for pair, line in zip(pairs, priced.to_dict()["lines"], strict=True)}


def quote_basket_with_promo(showtime: Showtime, seats: Iterable[PricedSeat], ticket_types: Mapping[int, str],
                            terms: SaleTerms, promo_code: str, customer_id: int) -> BasketQuote:
    """Quote a hold's seats with a promo code; 422 naming the reason when it does not apply.
    ``ticket_types`` names the ticket type of every seat.

    The code's use is only counted at payment (``app.pricing.promos.redeem_promo``).
    """
    seats = list(seats)
    base_prices = category_base_prices(showtime.cinema_id, showtime.screen_id)
    priced_seats = [s for s in seats if s.category in base_prices]
    cinema = db.session.get(Cinema, showtime.cinema_id)
    priced = price_seats(showtime, cinema,
                         [(s.id, s.category, ticket_types[s.id]) for s in priced_seats],
                         base_prices, terms, promo_code=promo_code, customer_id=customer_id)
    if not priced.promo.applies:
        raise ValidationError(f"Promo code {priced.promo.code} does not apply: {priced.promo.message}",
                              reason=f"promo_{priced.promo.reason}")
    lines = priced.to_dict()["lines"]
    labels = {seat.id: seat.label for seat in priced_seats}
    return BasketQuote(
        seats=[HeldSeat(seat_id=line["seat_id"], label=labels[line["seat_id"]], category=line["category"],
                        price_minor=line["final_minor"], ticket_type=line["ticket_type"], trace=line["trace"],
                        tax_class_id=terms.tax_class_of(line["ticket_type"]))
               for line in lines],
        discount_minor=priced.quote.discount_minor, promo_code_id=priced.promo.promo_code_id,
    )
