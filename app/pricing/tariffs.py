"""Turns a cinema's rows (category prices, pricing rules, ticket types) into the pricing engine's inputs.

Format defaults below apply where a cinema (or a global rule) says nothing: a new cinema
prices sensibly before anyone configures it, and a rule of kind ``format`` replaces the
default for that one format (a cinema's own rule beats a global one). Ticket types are the
cinema's own rows (``app.pricing.sale_terms``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from app.common.clock import now
from app.common.errors import ValidationError
from app.extensions import db
from app.models import Cinema, PricingRule, Seat, SeatCategoryPrice, Showtime
from pricing_engine import (
    PricingInputError,
    RuleKind,
    ShowtimeContext,
    Tariff,
    TicketType,
    TimeCondition,
)
from pricing_engine import PricingRule as EngineRule

DEFAULT_FORMAT_SURCHARGES = {
    "2D": Decimal("1"), "3D": Decimal("1.2"), "IMAX": Decimal("1.4"), "4DX": Decimal("1.5"),
}
TIME_RULE_KINDS = ("weekday", "holiday", "matinee", "late_night")


def time_condition(kind: str, conditions: dict) -> TimeCondition:
    """The engine's condition for a time rule; holiday rules match on their listed dates."""

    def clock(name: str) -> time | None:
        value = conditions.get(name)
        return time.fromisoformat(value) if value else None

    weekdays = conditions.get("weekdays")
    on_holidays = True if kind == "holiday" else conditions.get("on_holidays")
    return TimeCondition(
        weekdays=frozenset(weekdays) if weekdays is not None else None,
        start_from=clock("start_from"), start_before=clock("start_before"), on_holidays=on_holidays,
    )


def engine_rule(rule: PricingRule) -> EngineRule:
    return EngineRule(
        id=str(rule.id), name=rule.name, kind=RuleKind(rule.kind), multiplier=Decimal(rule.multiplier),
        condition=time_condition(rule.kind, rule.conditions), priority=rule.priority, active=rule.active,
    )


def active_rules(cinema_id: int, at: datetime | None = None) -> list[PricingRule]:
    """Rules of this cinema and global ones, active and inside their validity window."""
    at = at or now()
    return list(db.session.scalars(
        select(PricingRule).where(
            or_(PricingRule.cinema_id == cinema_id, PricingRule.cinema_id.is_(None)),
            PricingRule.active.is_(True),
            or_(PricingRule.valid_from.is_(None), PricingRule.valid_from <= at),
            or_(PricingRule.valid_until.is_(None), PricingRule.valid_until > at),
        ).order_by(PricingRule.cinema_id.is_(None).desc(), PricingRule.id)
    ))


def next_rule_change(cinema_id: int, after: datetime) -> datetime | None:
    """When the next rule of this cinema (or a global one) starts or stops applying, if ever.

    Prices computed now stay right until then, unless someone edits the rules.
    """
    scope = or_(PricingRule.cinema_id == cinema_id, PricingRule.cinema_id.is_(None))
    starts = select(func.min(PricingRule.valid_from)).where(scope, PricingRule.active.is_(True),
                                                            PricingRule.valid_from > after)
    stops = select(func.min(PricingRule.valid_until)).where(scope, PricingRule.active.is_(True),
                                                            PricingRule.valid_until > after)
    moments = db.session.execute(select(starts.scalar_subquery(), stops.scalar_subquery())).one()
    return min((moment for moment in moments if moment is not None), default=None)


def holidays_of(rules: list[PricingRule]) -> frozenset[date]:
    return frozenset(
        date.fromisoformat(day) for rule in rules if rule.kind == "holiday"
        for day in rule.conditions.get("dates", [])
    )


def build_tariff(cinema: Cinema, rules: list[PricingRule], ticket_types: tuple[TicketType, ...]) -> Tariff:
    """The cinema's tariff selling ``ticket_types`` (its own, ``SaleTerms.engine_ticket_types``)."""
    formats = dict(DEFAULT_FORMAT_SURCHARGES)
    # Global rules come first in ``rules``, so a cinema's own rule overwrites them.
    for rule in rules:
        if rule.kind == "format":
            formats[rule.conditions["format"]] = Decimal(rule.multiplier)
    try:
        return Tariff(
            cinema_id=str(cinema.id), currency=cinema.currency, tax_rate=Decimal(cinema.tax_rate),
            ticket_types=ticket_types,
            format_surcharges=formats,
            rules=tuple(engine_rule(r) for r in rules if r.kind in TIME_RULE_KINDS),
            floor_minor=cinema.price_floor_minor, cap_minor=cinema.price_cap_minor,
        )
    except PricingInputError as exc:
        raise ValidationError(f"The pricing configuration of cinema {cinema.id} is invalid: {exc}") from exc


def showtime_context(showtime: Showtime, cinema: Cinema, holidays: frozenset[date]) -> ShowtimeContext:
    return ShowtimeContext(
        showtime_id=str(showtime.id), movie_id=str(showtime.movie_id),
        start_local=showtime.starts_at.astimezone(ZoneInfo(cinema.timezone)), format=showtime.format,
        dynamic_multiplier=Decimal(showtime.dynamic_multiplier), holidays=holidays,
    )


def category_base_prices(cinema_id: int, screen_id: int) -> dict[str, int]:
    """Base price per seat category: the screen's own price overrides the cinema's."""
    return base_prices_by_screen({screen_id: cinema_id})[screen_id]


def base_prices_by_screen(cinema_of_screen: Mapping[int, int]) -> dict[int, dict[str, int]]:
    """``category_base_prices`` of many screens (screen id -> its cinema id) in one query."""
    rows = db.session.execute(
        select(SeatCategoryPrice.cinema_id, SeatCategoryPrice.screen_id, SeatCategoryPrice.category,
               SeatCategoryPrice.amount_minor)
        .where(SeatCategoryPrice.cinema_id.in_(set(cinema_of_screen.values())),
               or_(SeatCategoryPrice.screen_id.is_(None), SeatCategoryPrice.screen_id.in_(cinema_of_screen)))
        .order_by(SeatCategoryPrice.screen_id.is_(None).desc())
    ).all()
    screens_of: dict[int, list[int]] = {}
    for screen, cinema in cinema_of_screen.items():
        screens_of.setdefault(cinema, []).append(screen)
    prices: dict[int, dict[str, int]] = {screen: {} for screen in cinema_of_screen}
    # The cinema's prices come first, so a screen's own overwrite them.
    for cinema_id, screen_id, category, amount in rows:
        for screen in screens_of[cinema_id] if screen_id is None else [screen_id]:
            prices[screen][category] = amount
    return prices


def screen_categories(screen_ids: Iterable[int]) -> dict[int, set[str]]:
    """The seat categories each screen sells (its active seats')."""
    found: dict[int, set[str]] = {screen: set() for screen in screen_ids}
    rows = db.session.execute(
        select(Seat.screen_id, Seat.category).where(Seat.screen_id.in_(found), Seat.active.is_(True))
        .distinct()
    )
    for screen_id, category in rows:
        found[screen_id].add(category)
    return found
