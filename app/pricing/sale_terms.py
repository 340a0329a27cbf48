"""A cinema's terms of sale as pricing reads them: its ticket types, booking fees and tax rates.

Loaded from the rows the managers keep (``app.models.ticketing``) into plain frozen data, so
worker memory (``app.bookings.context``) can keep them next to the seat prices and a hold
reads no table. The checks a sale makes of a ticket type live here, once, for quotes and holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.common.errors import ValidationError
from app.extensions import db
from app.models import BookingFee, Cinema, TaxClass, TicketType
from pricing_engine import Fee, FeeLine, FeePer, order_fees
from pricing_engine import TicketType as EngineTicketType


@dataclass(frozen=True)
class TicketTerms:
    code: str
    name: str
    multiplier: Decimal
    max_age: int | None
    channels: tuple[str, ...]
    tax_class_id: int | None


@dataclass(frozen=True)
class SaleTerms:
    # Active ticket types by code, in the cinema's order (the first is the default ticket).
    ticket_types: dict[str, TicketTerms]
    fees: tuple[Fee, ...]

    @property
    def default_ticket_type(self) -> str | None:
        return next(iter(self.ticket_types), None)

    def engine_ticket_types(self) -> tuple[EngineTicketType, ...]:
        return tuple(EngineTicketType(t.code, t.name, t.multiplier) for t in self.ticket_types.values())

    def max_age(self, code: str) -> int | None:
        terms = self.ticket_types.get(code)
        return terms.max_age if terms else None

    def tax_class_of(self, code: str) -> int | None:
        return self.ticket_types[code].tax_class_id

    def fees_for(self, tickets: int, channel: str) -> tuple[FeeLine, ...]:
        return order_fees(self.fees, tickets=tickets, channel=channel)

    def ensure_sold(self, codes: Iterable[str], channel: str) -> None:
        """422 naming the ticket types this cinema does not sell, or not on ``channel``."""
        codes = set(codes)
        unknown = sorted(codes - set(self.ticket_types))
        if unknown:
            raise ValidationError(
                f"This cinema sells no ticket types {unknown}; it sells {sorted(self.ticket_types)}",
                reason="unknown_ticket_type", details={"ticket_types": unknown})
        elsewhere = sorted(code for code in codes if channel not in self.ticket_types[code].channels)
        if elsewhere:
            where = "at the box office" if channel == "online" else "online"
            raise ValidationError(f"Ticket types {elsewhere} are sold only {where}",
                                  reason="ticket_type_not_on_channel",
                                  details={"ticket_types": elsewhere, "sales_channel": channel})


def sale_terms(cinema_id: int) -> SaleTerms:
    """The cinema's active ticket types and fees (two queries)."""
    types = db.session.scalars(
        select(TicketType).where(TicketType.cinema_id == cinema_id, TicketType.active.is_(True))
        .order_by(TicketType.sort_order, TicketType.id))
    fees = db.session.scalars(
        select(BookingFee).where(BookingFee.cinema_id == cinema_id, BookingFee.active.is_(True))
        .order_by(BookingFee.id))
    return SaleTerms(
        ticket_types={t.code: TicketTerms(t.code, t.name, Decimal(t.multiplier), t.max_age, tuple(t.channels),
                                          t.tax_class_id) for t in types},
        fees=tuple(Fee(str(f.id), f.name, f.amount_minor, FeePer(f.per), f.channel,
                       None if f.tax_class_id is None else str(f.tax_class_id)) for f in fees),
    )


def tax_rates(cinema: Cinema) -> Mapping[int | None, Decimal]:
    """The rate of each of the cinema's tax classes now; ``None`` is its standard rate."""
    rates: dict[int | None, Decimal] = {None: Decimal(cinema.tax_rate)}
    rows = db.session.execute(select(TaxClass.id, TaxClass.rate).where(TaxClass.cinema_id == cinema.id))
    rates.update({class_id: Decimal(rate) for class_id, rate in rows})
    return rates


def fee_tax_class(line: FeeLine) -> int | None:
    """The tax class id of a fee line (the engine keeps it as an opaque string)."""
    return None if line.tax_class is None else int(line.tax_class)
