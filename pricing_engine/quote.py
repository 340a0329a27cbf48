"""Rule-based price quotes: one pure function from a ``Basket`` (+ promo) to a ``Quote``.

Order of application for each seat line (fixed; every step is recorded in the trace):

1. ``base``        the seat category's base price for the screen (caller resolves it).
2. ``ticket_type`` x ticket-type multiplier (adult, child, senior, student...).
3. ``format``      x format surcharge (3D, IMAX, 4DX); omitted from the trace when x1.
4. time rules     x the winning rule of each kind, kinds in the order weekday, holiday,
                   matinee, late_night. Within a kind only the highest-priority matching
                   rule applies; across kinds all winners multiply.
5. ``dynamic``     x the showtime's dynamic multiplier (from ``pricing_engine.dynamic``).
6. ``rounding``    the exact Decimal product is rounded ONCE, half up, to whole minor units
                   or to the cinema's price step (e.g. nearest 10 minor units).
7. ``floor``/``cap`` clamp to the cinema's bounds -> the seat's LIST price. The bounds guard
                   what automated rules and dynamic pricing can do; they are applied before
                   the promo so a promo's discount is never silently eaten by the floor.
8. ``promo``       the validated promo's discount (see ``pricing_engine.promo``) -> the
                   seat's FINAL price, never below zero.

Document totals: subtotal = sum of list prices, discount = sum of line discounts,
total = subtotal - discount. Prices are tax-inclusive; tax = total x rate / (1 + rate)
rounded half up once per document. Steps 2-5 are exact Decimal products, so the price does
not depend on rule order and rounding happens in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from pricing_engine.models import Basket, SeatRequest
from pricing_engine.promo import Promo, promo_discounts
from pricing_engine.rounding import round_to_step, tax_included


class StepKind(StrEnum):
    BASE = "base"
    TICKET_TYPE = "ticket_type"
    FORMAT = "format"
    WEEKDAY = "weekday"
    HOLIDAY = "holiday"
    MATINEE = "matinee"
    LATE_NIGHT = "late_night"
    DYNAMIC = "dynamic"
    ROUNDING = "rounding"
    FLOOR = "floor"
    CAP = "cap"
    PROMO = "promo"


@dataclass(frozen=True)
class TraceStep:
    """One step of a seat's price: what applied, by how much, and the price after it.

    ``factor`` is set for multiplicative steps, ``amount_minor`` (signed int change) for
    floor, cap and promo; the rounding step has neither (compare ``price_after`` with the
    previous step). ``price_after`` is in minor units: exact, possibly fractional, before
    the rounding step and whole from then on.
    """

    step_id: str
    name: str
    kind: StepKind
    factor: Decimal | None
    amount_minor: int | None
    price_after: Decimal


@dataclass(frozen=True)
class QuoteLine:
    """One seat: list price after rules/rounding/bounds, promo discount, final price."""

    seat_id: str
    category: str
    ticket_type: str
    base_minor: int
    list_minor: int
    discount_minor: int
    final_minor: int
    trace: tuple[TraceStep, ...]


@dataclass(frozen=True)
class Quote:
    """A priced basket. All amounts are int minor units of ``currency``."""

    showtime_id: str
    currency: str
    lines: tuple[QuoteLine, ...]
    subtotal_minor: int
    discount_minor: int
    total_minor: int
    tax_minor: int
    tax_rate: Decimal
    promo_code: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (Decimals as strings, so no float ever carries money)."""
        return {
            "showtime_id": self.showtime_id,
            "currency": self.currency,
            "subtotal_minor": self.subtotal_minor,
            "discount_minor": self.discount_minor,
            "total_minor": self.total_minor,
            "tax_minor": self.tax_minor,
            "tax_rate": str(self.tax_rate),
            "promo_code": self.promo_code,
            "lines": [
                {
                    "seat_id": line.seat_id,
                    "category": line.category,
                    "ticket_type": line.ticket_type,
                    "base_minor": line.base_minor,
                    "list_minor": line.list_minor,
                    "discount_minor": line.discount_minor,
                    "final_minor": line.final_minor,
                    "trace": [
                        {
                            "step_id": step.step_id,
                            "name": step.name,
                            "kind": step.kind.value,
                            "factor": None if step.factor is None else str(step.factor),
                            "amount_minor": step.amount_minor,
                            "price_after": str(step.price_after),
                        }
                        for step in line.trace
                    ],
                }
                for line in self.lines
            ],
        }


def _list_price(basket: Basket, seat: SeatRequest) -> tuple[int, list[TraceStep]]:
    """Steps 1-7 for one seat: the list price and its trace."""
    tariff, showtime = basket.tariff, basket.showtime
    price = Decimal(seat.base_minor)
    trace = [TraceStep("base", f"{seat.category} base price", StepKind.BASE, None, None, price)]

    def multiply(step_id: str, name: str, kind: StepKind, factor: Decimal) -> None:
        nonlocal price
        price *= factor
        trace.append(TraceStep(step_id, name, kind, factor, None, price))

    ticket_type = tariff.ticket_type(seat.ticket_type)
    multiply(ticket_type.code, ticket_type.name, StepKind.TICKET_TYPE, ticket_type.multiplier)
    format_factor = tariff.format_factor(showtime.format)
    if format_factor != 1:
        multiply(showtime.format, f"{showtime.format} surcharge", StepKind.FORMAT, format_factor)
    for rule in tariff.applicable_rules(showtime):
        multiply(rule.id, rule.name, StepKind(rule.kind.value), rule.multiplier)
    multiply("dynamic", "Demand-based price", StepKind.DYNAMIC, showtime.dynamic_multiplier)

    step = tariff.price_step_minor
    rounded = round_to_step(price, step)
    name = "Round half up" + (f" to {step} minor units" if step > 1 else "")
    trace.append(TraceStep("rounding", name, StepKind.ROUNDING, None, None, Decimal(rounded)))
    listed = rounded
    if tariff.floor_minor is not None and listed < tariff.floor_minor:
        trace.append(
            TraceStep("floor", "Cinema minimum price", StepKind.FLOOR, None,
                      tariff.floor_minor - listed, Decimal(tariff.floor_minor))
        )  # fmt: skip
        listed = tariff.floor_minor
    if tariff.cap_minor is not None and listed > tariff.cap_minor:
        trace.append(
            TraceStep("cap", "Cinema maximum price", StepKind.CAP, None,
                      tariff.cap_minor - listed, Decimal(tariff.cap_minor))
        )  # fmt: skip
        listed = tariff.cap_minor
    return listed, trace


def quote(basket: Basket, promo: Promo | None = None) -> Quote:
    """Price every seat of ``basket`` and total the document.

    ``promo`` must already have passed ``check_promo`` (the caller owns the usage counts
    and "now"); here it is only applied. Raises ``PricingInputError`` for inconsistent
    input such as a promo in another currency.
    """
    with localcontext() as exact:
        # Enough digits that base x every multiplier is exact whatever context the caller
        # set: the only rounding is the documented one.
        exact.prec = 60
        return _quote(basket, promo)


def _quote(basket: Basket, promo: Promo | None) -> Quote:
    tariff = basket.tariff
    priced = [_list_price(basket, seat) for seat in basket.seats]
    list_prices = [listed for listed, _ in priced]
    if promo is None:
        discounts = [0] * len(list_prices)
    else:
        discounts = promo_discounts(promo, list_prices, tariff.currency)
    lines = []
    for seat, (listed, trace), discount in zip(basket.seats, priced, discounts, strict=True):
        final = listed - discount
        if discount and promo is not None:
            name = f"Promo {promo.code}"
            trace.append(
                TraceStep(promo.code, name, StepKind.PROMO, None, -discount, Decimal(final))
            )
        lines.append(
            QuoteLine(
                seat_id=seat.seat_id,
                category=seat.category,
                ticket_type=seat.ticket_type,
                base_minor=seat.base_minor,
                list_minor=listed,
                discount_minor=discount,
                final_minor=final,
                trace=tuple(trace),
            )
        )
    subtotal = sum(list_prices)
    discount_total = sum(discounts)
    total = subtotal - discount_total
    return Quote(
        showtime_id=basket.showtime.showtime_id,
        currency=tariff.currency,
        lines=tuple(lines),
        subtotal_minor=subtotal,
        discount_minor=discount_total,
        total_minor=total,
        tax_minor=tax_included(total, tariff.tax_rate),
        tax_rate=tariff.tax_rate,
        promo_code=None if promo is None else promo.code,
    )
