"""A showtime's price history and the manager's freeze switch (within the cinema's guard rails)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from app import audit
from app.common import events
from app.common.access import Principal
from app.common.clock import now
from app.common.errors import ValidationError
from app.common.lookups import get_at_own_cinema
from app.common.unit_of_work import unit_of_work
from app.extensions import db
from app.models import Cinema, PriceChange, Showtime
from app.pricing.events import ShowtimePricesChanged
from app.pricing.guard_rails import ensure_within_price_bounds


def price_history(principal: Principal, showtime_id: int) -> dict:
    showtime = get_at_own_cinema(principal, Showtime, showtime_id)
    changes = db.session.scalars(
        select(PriceChange).where(PriceChange.showtime_id == showtime_id).order_by(PriceChange.id)
    )
    return {"showtime_id": showtime.id, "dynamic_multiplier": showtime.dynamic_multiplier,
            "price_frozen": showtime.price_frozen, "changes": list(changes)}


def set_price_freeze(principal: Principal, showtime_id: int, frozen: bool,
                     multiplier: Decimal | None = None) -> dict:
    """Freeze (optionally at a chosen multiplier inside the cinema's grid) or unfreeze."""
    with unit_of_work():
        _freeze(principal, showtime_id, frozen, multiplier)
    return price_history(principal, showtime_id)


def _freeze(principal: Principal, showtime_id: int, frozen: bool, multiplier: Decimal | None) -> None:
    showtime = get_at_own_cinema(principal, Showtime, showtime_id)
    values: dict = {"price_frozen": frozen}
    if multiplier is not None:
        cinema = db.session.get(Cinema, showtime.cinema_id)
        if not cinema.price_multiplier_min <= multiplier <= cinema.price_multiplier_max:
            raise ValidationError(
                f"multiplier must lie within the cinema's range {cinema.price_multiplier_min}"
                f"-{cinema.price_multiplier_max}", reason="multiplier_out_of_range")
        ensure_within_price_bounds(showtime, cinema, multiplier)
        if multiplier != showtime.dynamic_multiplier:
            db.session.add(PriceChange(showtime_id=showtime.id, old_multiplier=showtime.dynamic_multiplier,
                                       new_multiplier=multiplier, reason="manual",
                                       details={"by_user": principal.id}))
            values |= {"dynamic_multiplier": multiplier, "price_changed_at": now()}
    # A system field, like the pricing job's writes: it does not bump the showtime's ETag version.
    db.session.execute(update(Showtime).where(Showtime.id == showtime.id).values(**values))
    audit.record(principal, "showtime_price.frozen" if frozen else "showtime_price.unfrozen",
                 showtime.cinema_id, ("showtime", showtime.id),
                 {"price_frozen": showtime.price_frozen, "dynamic_multiplier": showtime.dynamic_multiplier},
                 values)
    events.record(ShowtimePricesChanged((showtime_id,)))
