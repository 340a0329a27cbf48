"""Booking fees of an order and the tax of a document with several rates: pure functions.

Seat lines are priced by ``pricing_engine.quote``; this module adds what is charged on top
of them and splits a document's tax by rate. Every caller (quotes, holds, invoices, credit
notes) goes through these two functions, so the amounts agree to the minor unit.

* :func:`order_fees`: each active fee whose channel is the order's (or ``any``) is charged
  once per order, or once per ticket (``amount x tickets``). Fees are never discounted by a
  promo code and are never rounded (they are whole minor units already).
* :func:`tax_by_rate`: tax-inclusive lines are summed per rate and the tax of each sum is
  rounded half up once, as ``quote`` does for a single rate (a tax authority computes it
  from the totals per rate, not per line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pricing_engine.errors import PricingInputError
from pricing_engine.models import require_minor
from pricing_engine.rounding import tax_included

ANY_CHANNEL = "any"
# Rates are kept to four places (20 % = 0.2000), as the columns hold them.
_RATE_QUANTUM = Decimal("0.0001")


class FeePer(StrEnum):
    TICKET = "ticket"
    ORDER = "order"


@dataclass(frozen=True)
class Fee:
    """A booking fee as the cinema set it; ``tax_class`` is opaque here (the caller's id)."""

    id: str
    name: str
    amount_minor: int
    per: FeePer
    channel: str
    tax_class: str | None = None

    def __post_init__(self) -> None:
        require_minor(self.amount_minor, f"fee {self.id!r}", positive=True)
        if not isinstance(self.per, FeePer):
            raise PricingInputError(f"fee {self.id!r}: unknown per {self.per!r}")


@dataclass(frozen=True)
class FeeLine:
    """A fee charged on an order: ``quantity`` tickets (1 for a fee per order)."""

    fee_id: str
    name: str
    quantity: int
    amount_minor: int
    tax_class: str | None


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    gross_minor: int
    tax_minor: int


def order_fees(fees: Iterable[Fee], *, tickets: int, channel: str) -> tuple[FeeLine, ...]:
    """The fees an order of ``tickets`` tickets sold on ``channel`` pays, in the given order."""
    if isinstance(tickets, bool) or not isinstance(tickets, int) or tickets < 1:
        raise PricingInputError(f"an order has at least one ticket, got {tickets!r}")
    lines = []
    for fee in fees:
        if fee.channel not in (channel, ANY_CHANNEL):
            continue
        quantity = tickets if fee.per is FeePer.TICKET else 1
        lines.append(FeeLine(fee.id, fee.name, quantity, fee.amount_minor * quantity, fee.tax_class))
    return tuple(lines)


def tax_by_rate(lines: Sequence[tuple[int, Decimal]]) -> tuple[TaxLine, ...]:
    """Tax of tax-inclusive ``(amount, rate)`` lines, one entry per rate, lowest rate first.

    Amounts may be negative (credit notes): the tax then is too.
    """
    gross: dict[Decimal, int] = {}
    for amount, rate in lines:
        valid = isinstance(rate, Decimal) and Decimal(0) <= rate < 1
        if not valid or rate != rate.quantize(_RATE_QUANTUM):
            raise PricingInputError(f"tax rate must be a Decimal in [0, 1) of 4 places at most, got {rate!r}")
        key = rate.quantize(_RATE_QUANTUM)
        gross[key] = gross.get(key, 0) + amount
    return tuple(
        TaxLine(rate, total, tax_included(total, rate) if total >= 0 else -tax_included(-total, rate))
        for rate, total in sorted(gross.items()))
