"""Input dataclasses for rule-based quotes, validated on construction.

Validation lives in ``__post_init__`` so an invalid tariff or basket can never exist:
the Flask layer builds these from DB rows / JSON and gets a ``PricingInputError`` with a
precise message instead of a wrong price later.

Multipliers are ``decimal.Decimal`` (e.g. ``Decimal("1.10")``), in (0, 10], with at most
four decimal places: enough for any commercial factor, and it rejects values that were
built from floats (``Decimal(1.1)``) by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from pricing_engine.errors import PricingInputError
from pricing_engine.rounding import currency_exponent

MAX_MULTIPLIER = Decimal(10)
_MULTIPLIER_QUANTUM = Decimal("0.0001")


def require_multiplier(value: object, what: str) -> Decimal:
    """Validate a multiplier: a finite Decimal in (0, 10] with <= 4 decimal places."""
    if not isinstance(value, Decimal):
        raise PricingInputError(
            f"{what}: multiplier must be a Decimal such as Decimal('1.10'), got {value!r}"
        )
    if not value.is_finite() or value <= 0 or value > MAX_MULTIPLIER:
        raise PricingInputError(f"{what}: multiplier {value} must be > 0 and <= 10")
    if value != value.quantize(_MULTIPLIER_QUANTUM):
        raise PricingInputError(f"{what}: multiplier {value} has more than 4 decimal places")
    return value


def require_minor(value: object, what: str, *, positive: bool = False) -> int:
    """Validate an amount of minor units: a non-negative int (never a float or bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PricingInputError(f"{what}: amount must be an int of minor units, got {value!r}")
    if value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise PricingInputError(f"{what}: amount {value} must be {bound}")
    return value


class RuleKind(StrEnum):
    """Stacking group of a time rule; at most one rule per kind applies to a seat."""

    WEEKDAY = "weekday"
    HOLIDAY = "holiday"
    MATINEE = "matinee"
    LATE_NIGHT = "late_night"


@dataclass(frozen=True)
class TimeCondition:
    """When a time rule matches, judged on the showtime's LOCAL start date and time.

    All given criteria must hold. ``start_from`` is inclusive and ``start_before`` is
    exclusive; if ``start_before <= start_from`` the window wraps midnight (22:00-03:00
    for late night). ``on_holidays``: True = only on holidays, False = never on holidays
    (a cheap Tuesday that is not offered on a public-holiday Tuesday), None = either.
    """

    weekdays: frozenset[int] | None = None  # 0 = Monday ... 6 = Sunday
    start_from: time | None = None
    start_before: time | None = None
    on_holidays: bool | None = None

    def __post_init__(self) -> None:
        if self.weekdays is not None and (
            not self.weekdays or not all(d in range(7) for d in self.weekdays)
        ):
            raise PricingInputError(f"weekdays must be a non-empty subset of 0..6: {self.weekdays}")
        if self.start_from is not None and self.start_from == self.start_before:
            raise PricingInputError("start_from == start_before gives an ambiguous window")

    def matches(self, start_local: datetime, holidays: frozenset[date]) -> bool:
        """True if a showtime starting at ``start_local`` satisfies every criterion."""
        if self.weekdays is not None and start_local.weekday() not in self.weekdays:
            return False
        if self.on_holidays is not None and (start_local.date() in holidays) != self.on_holidays:
            return False
        t = start_local.time()
        after_from = self.start_from is None or t >= self.start_from
        before_end = self.start_before is None or t < self.start_before
        wraps_midnight = (
            self.start_from is not None
            and self.start_before is not None
            and self.start_before <= self.start_from
        )
        return (after_from or before_end) if wraps_midnight else (after_from and before_end)


@dataclass(frozen=True)
class PricingRule:
    """A time rule: multiply the seat price by ``multiplier`` when ``condition`` matches.

    Within one ``kind`` only the matching rule with the highest ``priority`` applies (ties:
    smallest ``id``), so overlapping matinee rules never double-discount; rules of
    different kinds all apply and multiply.
    """

    id: str
    name: str
    kind: RuleKind
    multiplier: Decimal
    condition: TimeCondition
    priority: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        require_multiplier(self.multiplier, f"rule {self.id!r}")
        if not isinstance(self.kind, RuleKind):
            raise PricingInputError(f"rule {self.id!r}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class TicketType:
    """Adult, child, senior, student...: a multiplier on the seat category base price."""

    code: str
    name: str
    multiplier: Decimal

    def __post_init__(self) -> None:
        require_multiplier(self.multiplier, f"ticket type {self.code!r}")


@dataclass(frozen=True)
class Tariff:
    """One cinema's pricing configuration (resolved by the caller from the DB).

    ``format_surcharges`` must list every format the cinema shows, including the plain
    one (``{"2D": Decimal("1")}``), so that a misspelt format is an error rather than a
    silently missing surcharge. ``floor_minor``/``cap_minor`` bound each seat's list price
    (before promo); ``price_step_minor`` rounds list prices to e.g. 10 minor units.
    """

    cinema_id: str
    currency: str
    tax_rate: Decimal
    ticket_types: tuple[TicketType, ...]
    format_surcharges: Mapping[str, Decimal]
    rules: tuple[PricingRule, ...] = ()
    floor_minor: int | None = None
    cap_minor: int | None = None
    price_step_minor: int = 1

    def __post_init__(self) -> None:
        currency_exponent(self.currency)
        if not isinstance(self.tax_rate, Decimal) or not Decimal(0) <= self.tax_rate < 1:
            raise PricingInputError(f"tax_rate must be a Decimal in [0, 1), got {self.tax_rate!r}")
        codes = [t.code for t in self.ticket_types]
        if not codes or len(set(codes)) != len(codes):
            raise PricingInputError(f"ticket types must be non-empty and unique: {codes}")
        for fmt, factor in self.format_surcharges.items():
            require_multiplier(factor, f"format {fmt!r}")
        rule_ids = [r.id for r in self.rules]
        if len(set(rule_ids)) != len(rule_ids):
            raise PricingInputError(f"rule ids must be unique: {rule_ids}")
        require_minor(self.price_step_minor, "price_step_minor", positive=True)
        if self.floor_minor is not None:
            require_minor(self.floor_minor, "floor_minor")
        if self.cap_minor is not None:
            require_minor(self.cap_minor, "cap_minor", positive=True)
        if (
            self.floor_minor is not None
            and self.cap_minor is not None
            and self.floor_minor > self.cap_minor
        ):
            raise PricingInputError(f"floor {self.floor_minor} > cap {self.cap_minor}")

    def ticket_type(self, code: str) -> TicketType:
        """Look up a ticket type by code, rejecting unknown codes."""
        for ticket_type in self.ticket_types:
            if ticket_type.code == code:
                return ticket_type
        raise PricingInputError(f"unknown ticket type {code!r} for cinema {self.cinema_id!r}")

    def applicable_rules(self, showtime: ShowtimeContext) -> tuple[PricingRule, ...]:
        """The winning active rule of each kind for this showtime, in ``RuleKind`` order.

        One rule per kind (highest priority, then smallest id) keeps overlapping rules from
        compounding by accident; the fixed kind order makes the trace stable.
        """
        best: dict[RuleKind, PricingRule] = {}
        for rule in self.rules:
            if not rule.active or not rule.condition.matches(
                showtime.start_local, showtime.holidays
            ):
                continue
            current = best.get(rule.kind)
            if current is None or (-rule.priority, rule.id) < (-current.priority, current.id):
                best[rule.kind] = rule
        return tuple(best[kind] for kind in RuleKind if kind in best)

    def format_factor(self, fmt: str) -> Decimal:
        """Surcharge multiplier for a projection format, rejecting unknown formats."""
        try:
            return self.format_surcharges[fmt]
        except KeyError:
            raise PricingInputError(
                f"unknown format {fmt!r} for cinema {self.cinema_id!r}"
            ) from None


@dataclass(frozen=True)
class ShowtimeContext:
    """What the quote needs to know about one showtime.

    ``start_local`` is the cinema's local wall-clock start (naive or aware; only its local
    date, weekday and time are used). ``dynamic_multiplier`` is the value last chosen by
    ``pricing_engine.dynamic.reprice`` (convert with ``multiplier_from_bp``).
    """

    showtime_id: str
    movie_id: str
    start_local: datetime
    format: str
    dynamic_multiplier: Decimal = Decimal(1)
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        require_multiplier(self.dynamic_multiplier, f"showtime {self.showtime_id!r} dynamic")


@dataclass(frozen=True)
class SeatRequest:
    """One seat to price; ``base_minor`` is the seat category's base price for the screen."""

    seat_id: str
    category: str
    ticket_type: str
    base_minor: int

    def __post_init__(self) -> None:
        require_minor(self.base_minor, f"seat {self.seat_id!r} base price")


@dataclass(frozen=True)
class Basket:
    """Seats for one showtime at one cinema, as the customer is about to buy them.

    ``other_promo_codes`` are codes already attached to the order; a non-combinable promo
    refuses to join them.
    """

    tariff: Tariff
    showtime: ShowtimeContext
    seats: tuple[SeatRequest, ...]
    customer_id: str | None = None
    other_promo_codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.seats:
            raise PricingInputError("a basket needs at least one seat")
        seat_ids = [s.seat_id for s in self.seats]
        if len(set(seat_ids)) != len(seat_ids):
            raise PricingInputError(f"duplicate seat ids in basket: {seat_ids}")
        self.tariff.format_factor(self.showtime.format)
        for seat in self.seats:
            self.tariff.ticket_type(seat.ticket_type)
