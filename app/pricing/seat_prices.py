"""Quotes: the one function that prices seats of a showtime (calculate, holds, bookings).

The hold stores the quote it was given; booking and payment charge that stored quote, so the
hold, ``POST /api/pricing/calculate`` at the same moment, the booking and the invoice agree
to the minor unit even if prices move afterwards. Booking fees are added on top of the seats
(``pricing_engine.charges``), never discounted, and the tax is split by the rate of each
line's tax class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from app.common.clock import now
from app.common.errors import ConflictError, ValidationError
from app.common.lookups import get_or_404
from app.extensions import db
from app.models import Cinema, Seat, Showtime
from app.pricing import tariffs
from app.pricing.promos import PromoOutcome, check_promo_code
from app.pricing.sale_terms import SaleTerms, fee_tax_class, sale_terms, tax_rates
from pricing_engine import (
    Basket,
    FeeLine,
    PricingInputError,
    Quote,
    SeatRequest,
    TaxLine,
    quote,
    tax_by_rate,
)


@dataclass(frozen=True)
class SeatChoice:
    seat_id: int
    # None: the cinema's first ticket type (adult, unless its managers reordered them).
    ticket_type: str | None = None


@dataclass(frozen=True)
class PricedBasket:
    showtime: Showtime
    quote: Quote
    promo: PromoOutcome | None
    # Booking fees of the order and the tax per rate, when the basket was priced as an order.
    fees: tuple[FeeLine, ...] = ()
    taxes: tuple[TaxLine, ...] = ()

    def to_dict(self) -> dict:
        body = self.quote.to_dict()
        body["showtime_id"] = self.showtime.id
        for line in body["lines"]:
            line["seat_id"] = int(line["seat_id"])
        body["promo"] = self.promo.to_dict() if self.promo else None
        fees_minor = sum(fee.amount_minor for fee in self.fees)
        body["fees"] = [fee_dict(fee) for fee in self.fees]
        body["fees_minor"] = fees_minor
        body["subtotal_minor"] += fees_minor
        body["total_minor"] += fees_minor
        if self.taxes:
            body["tax_minor"] = sum(tax.tax_minor for tax in self.taxes)
            body["taxes"] = [{"rate": str(tax.rate), "gross_minor": tax.gross_minor,
                              "tax_minor": tax.tax_minor} for tax in self.taxes]
        return body


def fee_dict(fee: FeeLine) -> dict:
    """A fee line as quotes, holds and bookings show it."""
    return {"fee_id": int(fee.fee_id), "name": fee.name, "quantity": fee.quantity,
            "amount_minor": fee.amount_minor, "tax_class_id": fee_tax_class(fee)}


def quote_seats(
    showtime_id: int,
    choices: Sequence[SeatChoice],
    *,
    promo_code: str | None = None,
    customer_id: int | None = None,
    sales_channel: str = "online",
    at: datetime | None = None,
) -> PricedBasket:
    """Price ``choices`` for ``showtime_id`` now, with the booking fees of ``sales_channel``;
    refuses a cancelled or started showtime, unknown, foreign or blocked seats (a started
    show's seats are no longer sold, so a quote for them would promise a price nobody can
    pay) and ticket types the cinema does not sell on the channel."""
    showtime = get_or_404(Showtime, showtime_id)
    if showtime.status != "scheduled":
        raise ConflictError(f"Showtime {showtime_id} is cancelled", reason="showtime_cancelled")
    if showtime.starts_at <= (at or now()):
        raise ValidationError(f"Showtime {showtime_id} has already started", reason="showtime_started")
    seats = _seats_of_showtime(showtime, choices)
    cinema = db.session.get(Cinema, showtime.cinema_id)
    base_prices = tariffs.category_base_prices(cinema.id, showtime.screen_id)
    missing = sorted({s.category for s in seats.values()} - set(base_prices))
    if missing:
        raise ValidationError(f"Cinema {cinema.id} has no base price for seat categories {missing}",
                              reason="price_missing")
    terms = sale_terms(cinema.id)
    tickets = [c.ticket_type or terms.default_ticket_type for c in choices]
    terms.ensure_sold(tickets, sales_channel)
    priced = price_seats(showtime, cinema, [(c.seat_id, seats[c.seat_id].category, ticket)
                                            for c, ticket in zip(choices, tickets, strict=True)],
                         base_prices, terms, promo_code=promo_code, customer_id=customer_id, at=at)
    fees = terms.fees_for(len(choices), sales_channel)
    rates = tax_rates(cinema)
    taxed = [(line.final_minor, rates[terms.tax_class_of(line.ticket_type)]) for line in priced.quote.lines]
    taxed += [(fee.amount_minor, rates[fee_tax_class(fee)]) for fee in fees]
    return replace(priced, fees=fees, taxes=tax_by_rate(taxed))


def price_seats(
    showtime: Showtime,
    cinema: Cinema,
    seats: Sequence[tuple[int, str, str]],
    base_prices: dict[str, int],
    terms: SaleTerms,
    *,
    promo_code: str | None = None,
    customer_id: int | None = None,
    at: datetime | None = None,
) -> PricedBasket:
    """The pricing core for already-loaded rows: ``seats`` are (seat id, category, ticket type).

    Holds and seat maps call this directly so their hot path adds no query to load what they
    already have; every seat's category must have a base price in ``base_prices``.
    """
    at = at or now()
    rules = tariffs.active_rules(cinema.id, at)
    try:
        basket = Basket(
            tariff=tariffs.build_tariff(cinema, rules, terms.engine_ticket_types()),
            showtime=tariffs.showtime_context(showtime, cinema, tariffs.holidays_of(rules)),
            seats=tuple(SeatRequest(str(seat_id), category, ticket_type, base_prices[category])
                        for seat_id, category, ticket_type in seats),
            customer_id=str(customer_id) if customer_id is not None else None,
        )
        outcome = check_promo_code(promo_code, basket, customer_id, at) if promo_code else None
        result = quote(basket, outcome.promo if outcome and outcome.applies else None)
    except PricingInputError as exc:
        raise ValidationError(str(exc), reason="invalid_price_request") from exc
    return PricedBasket(showtime=showtime, quote=result, promo=outcome)


def _seats_of_showtime(showtime: Showtime, choices: Sequence[SeatChoice]) -> dict[int, Seat]:
    if not choices:
        raise ValidationError("Choose at least one seat", reason="no_seats")
    ids = [c.seat_id for c in choices]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValidationError(f"Seats {duplicates} are listed twice", reason="duplicate_seats")
    seats = {s.id: s for s in db.session.scalars(select(Seat).where(Seat.id.in_(ids)))}
    unknown = sorted(set(ids) - set(seats))
    if unknown:
        raise ValidationError(f"Seats {unknown} do not exist", reason="unknown_seats",
                              details={"seat_ids": unknown})
    foreign = sorted(i for i, s in seats.items() if s.screen_id != showtime.screen_id or not s.active)
    if foreign:
        raise ValidationError(
            f"Seats {foreign} are not seats of screen {showtime.screen_id} where showtime "
            f"{showtime.id} plays", reason="seats_of_other_screen", details={"seat_ids": foreign},
        )
    blocked = sorted(i for i, s in seats.items() if s.is_blocked)
    if blocked:
        raise ValidationError(f"Seats {blocked} are blocked and not for sale", reason="seats_blocked",
                              details={"seat_ids": blocked})
    return seats
