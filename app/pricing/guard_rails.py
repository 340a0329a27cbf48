"""Guard rails on a cinema's dynamic prices: managers of the cinema and admins set them.

Floor and ceiling per seat category bound the full (adult) price the repricing job may set
and a manager may freeze at (``app.pricing.price_bounds``); the daily limit, the no-rise
window and only-fall bound the job alone (``pricing_engine.rails``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app import audit
from app.cinemas.seat_categories import known_categories
from app.common.access import Principal, ensure_cinema_access
from app.common.errors import ValidationError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import CategoryPriceBound, Cinema, PricingGuardRails, Showtime
from app.pricing import tariffs
from app.pricing.price_bounds import FULL_PRICE, categories_out_of_bounds, par_prices
from pricing_engine import NO_CEILING, bp_from_multiplier


def get_guard_rails(principal: Principal, cinema_id: int) -> PricingGuardRails:
    """The cinema's rails; a cinema that set none answers the defaults (no rails)."""
    get_or_404(Cinema, cinema_id)
    ensure_cinema_access(principal, cinema_id)
    return db.session.get(PricingGuardRails, cinema_id) or _no_rails(cinema_id)


@use_case
def set_guard_rails(principal: Principal, cinema_id: int, fields: dict[str, Any]) -> PricingGuardRails:
    """Replace the cinema's rails; categories with neither floor nor ceiling are dropped."""
    # The cinema's row lock serialises two first writes of one cinema's rails.
    get_or_404(Cinema, cinema_id, lock=True)
    ensure_cinema_access(principal, cinema_id)
    rails = db.session.get(PricingGuardRails, cinema_id)
    if rails is None:
        rails = PricingGuardRails(cinema_id=cinema_id)
        db.session.add(rails)
    rails.max_daily_change_bp = fields["max_daily_change_bp"]
    rails.no_rise_hours = fields["no_rise_hours"]
    rails.only_fall = fields["only_fall"]
    wanted = {b["category"]: b for b in fields["category_bounds"]
              if b["floor_minor"] is not None or b["ceiling_minor"] is not None}
    _ensure_known_categories(fields["category_bounds"])
    kept = {bound.category: bound for bound in rails.category_bounds if bound.category in wanted}
    for category, bound in wanted.items():
        row = kept.get(category) or CategoryPriceBound(category=category)
        row.floor_minor, row.ceiling_minor = bound["floor_minor"], bound["ceiling_minor"]
        kept[category] = row
    rails.category_bounds = sorted(kept.values(), key=lambda b: b.category)
    audit.record(principal, "guard_rails.updated", cinema_id, ("cinema", cinema_id), None, fields)
    return rails


def _ensure_known_categories(bounds: list[dict]) -> None:
    known = known_categories()
    unknown = {str(i): {"category": [f"no seat category {bound['category']!r} (GET /api/seat-categories)"]}
               for i, bound in enumerate(bounds) if bound["category"] not in known}
    if unknown:
        raise ValidationError("A bound names a seat category that does not exist",
                              details={"category_bounds": unknown})


def _no_rails(cinema_id: int) -> PricingGuardRails:
    return PricingGuardRails(cinema_id=cinema_id, max_daily_change_bp=None, no_rise_hours=0, only_fall=False,
                             category_bounds=[])  # fmt: skip


def ensure_within_price_bounds(showtime: Showtime, cinema: Cinema, multiplier: Decimal) -> None:
    """422 unless every seat category the showtime sells keeps its full price within the
    cinema's floor and ceiling at ``multiplier``."""
    rails = db.session.get(PricingGuardRails, cinema.id)
    limits = {} if rails is None else {b.category: limits_of(b) for b in rails.category_bounds}
    if not limits:
        return
    sold_here = tariffs.screen_categories([showtime.screen_id])[showtime.screen_id]
    bases = {category: amount for category, amount in
             tariffs.category_base_prices(cinema.id, showtime.screen_id).items()
             if category in sold_here and category in limits}  # fmt: skip
    rules = tariffs.active_rules(cinema.id)
    tariff = tariffs.build_tariff(cinema, rules, (FULL_PRICE,))
    pars = par_prices(tariff, tariffs.showtime_context(showtime, cinema, tariffs.holidays_of(rules)), bases)
    outside = categories_out_of_bounds(pars, limits, bp_from_multiplier(multiplier), tariff.price_step_minor)
    if outside:
        raise ValidationError(
            f"At x{multiplier} the full price of {', '.join(outside)} seats falls outside the floor or "
            f"ceiling set for cinema {cinema.id}", reason="multiplier_outside_price_bounds",
            details={"multiplier": [f"outside the price bounds of {', '.join(outside)}"]})


def limits_of(bound: CategoryPriceBound) -> tuple[int, int]:
    return (bound.floor_minor or 0, NO_CEILING if bound.ceiling_minor is None else bound.ceiling_minor)
