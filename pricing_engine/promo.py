"""Promo codes: pure validation (``check_promo``) and the discount arithmetic.

Validation never touches storage: the caller passes the usage counts it read, and the
atomic redemption (increment-if-below-limit) stays in the database layer. That keeps the
rules testable and lets the API explain a refusal before the customer pays.

Discount semantics (document-level decision):

* ``PERCENT`` + ``TICKET``: each seat line loses ``round_half_up(list x pct / 100)``.
* ``FIXED``   + ``TICKET``: each seat line loses ``min(amount, list)``.
* ``PERCENT`` + ``BASKET``: ``round_half_up(subtotal x pct / 100)`` once, then spread
  over lines in proportion to their list prices (largest remainder).
* ``FIXED``   + ``BASKET``: ``min(amount, subtotal)`` spread the same way.

A discount never makes a line negative, and the basket spreading makes every line carry
its own net price, so refunding one seat refunds exactly what was paid for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pricing_engine.errors import PricingInputError
from pricing_engine.models import Basket, require_minor
from pricing_engine.rounding import allocate, currency_exponent, round_half_up

_HUNDRED = Decimal(100)


class PromoKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class PromoScope(StrEnum):
    TICKET = "ticket"
    BASKET = "basket"


class PromoReason(StrEnum):
    """Machine-readable outcome of ``check_promo``; checks run in this order."""

    OK = "ok"
    INACTIVE = "inactive"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WRONG_CINEMA = "wrong_cinema"
    WRONG_MOVIE = "wrong_movie"
    WRONG_CURRENCY = "wrong_currency"
    TOO_FEW_TICKETS = "too_few_tickets"
    NOT_COMBINABLE = "not_combinable"
    USED_UP = "used_up"
    CUSTOMER_REQUIRED = "customer_required"
    CUSTOMER_LIMIT_REACHED = "customer_limit_reached"


@dataclass(frozen=True)
class Promo:
    """A promo code. Validity is [valid_from, valid_until): start inclusive, end exclusive.

    ``percent_off`` (Decimal, 0 < p <= 100) is set for PERCENT promos, ``amount_off_minor``
    plus ``currency`` for FIXED ones. ``movie_ids``/``cinema_ids`` of None mean "any".
    ``combinable=False`` refuses baskets that already carry another code or whose
    showtime already gets an offer (a time rule with multiplier < 1, e.g. cheap Tuesday).
    """

    code: str
    kind: PromoKind
    scope: PromoScope
    percent_off: Decimal | None = None
    amount_off_minor: int | None = None
    currency: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    movie_ids: frozenset[str] | None = None
    cinema_ids: frozenset[str] | None = None
    min_tickets: int = 1
    combinable: bool = True
    active: bool = True

    def __post_init__(self) -> None:
        where = f"promo {self.code!r}"
        if not self.code:
            raise PricingInputError("promo code must not be empty")
        if self.kind == PromoKind.PERCENT:
            pct = self.percent_off
            if not isinstance(pct, Decimal) or not (0 < pct <= _HUNDRED):
                raise PricingInputError(f"{where}: percent_off must be a Decimal in (0, 100]")
            if self.amount_off_minor is not None or self.currency is not None:
                raise PricingInputError(f"{where}: percent promo takes no amount or currency")
        elif self.kind == PromoKind.FIXED:
            require_minor(self.amount_off_minor, f"{where} amount_off", positive=True)
            if self.currency is None or self.percent_off is not None:
                raise PricingInputError(f"{where}: fixed promo needs currency, no percent_off")
            currency_exponent(self.currency)
        else:
            raise PricingInputError(f"{where}: unknown kind {self.kind!r}")
        if not isinstance(self.scope, PromoScope):
            raise PricingInputError(f"{where}: unknown scope {self.scope!r}")
        if self.valid_from is not None and self.valid_until is not None:
            _same_kind(self.valid_from, self.valid_until, "valid_until")
            if self.valid_from >= self.valid_until:
                raise PricingInputError(f"{where}: valid_from must be before valid_until")
        for name in ("max_uses", "max_uses_per_customer", "min_tickets"):
            value = getattr(self, name)
            if value is not None:
                require_minor(value, f"{where} {name}", positive=True)

    def discount_on(self, amount: int) -> int:
        """Discount on ``amount`` minor units: percent rounded half up, or the fixed sum;
        never more than ``amount``. Per-ticket promos apply it to each line, basket promos
        to the subtotal."""
        if self.percent_off is not None:
            return round_half_up(Decimal(amount) * self.percent_off / _HUNDRED)
        assert self.amount_off_minor is not None  # FIXED promos are validated to have it
        return min(self.amount_off_minor, amount)


@dataclass(frozen=True)
class PromoUsage:
    """Redemptions so far, as read by the caller: overall and by this basket's customer."""

    total_uses: int = 0
    customer_uses: int = 0


@dataclass(frozen=True)
class PromoCheck:
    """Whether a promo applies; ``reason`` for code paths, ``message`` for the customer."""

    applies: bool
    reason: PromoReason
    message: str


def _same_kind(reference: datetime, bound: datetime | None, what: str) -> None:
    """Comparing naive with aware datetimes is a TypeError; make it a clear input error."""
    if bound is not None and (reference.utcoffset() is None) != (bound.utcoffset() is None):
        raise PricingInputError(
            f"promo {what} and the time it is compared with must both "
            "be timezone-aware or both naive"
        )


def _refuse(reason: PromoReason, message: str) -> PromoCheck:
    return PromoCheck(applies=False, reason=reason, message=message)


def check_promo(promo: Promo, basket: Basket, now: datetime, usage: PromoUsage) -> PromoCheck:
    """Decide whether ``promo`` may be applied to ``basket`` at ``now``.

    Returns the FIRST failing check in ``PromoReason`` order (cheap, customer-facing
    reasons first), so the message is stable and actionable.
    """
    _same_kind(now, promo.valid_from, "valid_from")
    _same_kind(now, promo.valid_until, "valid_until")
    showtime, tariff = basket.showtime, basket.tariff
    if not promo.active:
        return _refuse(PromoReason.INACTIVE, "This code is not active.")
    if promo.valid_from is not None and now < promo.valid_from:
        when = promo.valid_from.isoformat(timespec="minutes")
        return _refuse(PromoReason.NOT_YET_VALID, f"This code is valid from {when}.")
    if promo.valid_until is not None and now >= promo.valid_until:
        when = promo.valid_until.isoformat(timespec="minutes")
        return _refuse(PromoReason.EXPIRED, f"This code expired at {when}.")
    if promo.cinema_ids is not None and tariff.cinema_id not in promo.cinema_ids:
        return _refuse(PromoReason.WRONG_CINEMA, "This code is not valid at this cinema.")
    if promo.movie_ids is not None and showtime.movie_id not in promo.movie_ids:
        return _refuse(PromoReason.WRONG_MOVIE, "This code is not valid for this film.")
    if promo.currency is not None and promo.currency != tariff.currency:
        return _refuse(
            PromoReason.WRONG_CURRENCY,
            f"This code is for {promo.currency} purchases; this cinema charges {tariff.currency}.",
        )
    if len(basket.seats) < promo.min_tickets:
        return _refuse(
            PromoReason.TOO_FEW_TICKETS,
            f"This code needs at least {promo.min_tickets} tickets in one order.",
        )
    if not promo.combinable:
        if basket.other_promo_codes:
            return _refuse(
                PromoReason.NOT_COMBINABLE, "This code cannot be combined with other codes."
            )
        offers = [r for r in tariff.applicable_rules(showtime) if r.multiplier < 1]
        if offers:
            return _refuse(
                PromoReason.NOT_COMBINABLE,
                f"This code cannot be combined with the offer '{offers[0].name}'.",
            )
    if promo.max_uses is not None and usage.total_uses >= promo.max_uses:
        return _refuse(PromoReason.USED_UP, "This code has been fully redeemed.")
    if promo.max_uses_per_customer is not None:
        if basket.customer_id is None:
            return _refuse(PromoReason.CUSTOMER_REQUIRED, "Please sign in to use this code.")
        if usage.customer_uses >= promo.max_uses_per_customer:
            return _refuse(
                PromoReason.CUSTOMER_LIMIT_REACHED,
                "You have already used this code the maximum number of times.",
            )
    return PromoCheck(applies=True, reason=PromoReason.OK, message="Code applied.")


def promo_discounts(promo: Promo, list_prices: Sequence[int], currency: str) -> list[int]:
    """Discount per line (minor units) for list prices already rounded and clamped."""
    if promo.currency is not None and promo.currency != currency:
        raise PricingInputError(
            f"promo {promo.code!r} is in {promo.currency}, basket is in {currency}"
        )
    if promo.scope == PromoScope.TICKET:
        return [promo.discount_on(price) for price in list_prices]
    return allocate(promo.discount_on(sum(list_prices)), list_prices)
