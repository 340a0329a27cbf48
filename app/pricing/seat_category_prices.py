"""A cinema's base price of each seat category, set by its managers (screen overrides stay
data the seed and migrations write). Quotes read them through ``app.pricing.tariffs``."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.cinemas.seat_categories import get_category
from app.common.access import Principal, ensure_cinema_access
from app.common.errors import NotFoundError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Cinema, SeatCategoryPrice


def list_prices(cinema_id: int) -> list[SeatCategoryPrice]:
    """The cinema's prices, its own first then each screen's overrides."""
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    return list(db.session.scalars(
        select(SeatCategoryPrice).where(SeatCategoryPrice.cinema_id == cinema_id)
        .order_by(SeatCategoryPrice.screen_id.is_(None).desc(), SeatCategoryPrice.screen_id,
                  SeatCategoryPrice.category)))


@use_case
def set_price(principal: Principal, cinema_id: int, category: str, amount_minor: int) -> SeatCategoryPrice:
    """Set the cinema-wide base price of a seat category (audited)."""
    ensure_cinema_access(principal, cinema_id)
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    get_category(category)
    price = _cinema_price(cinema_id, category)
    before = None if price is None else {"amount_minor": price.amount_minor}
    if price is None:
        price = SeatCategoryPrice(cinema_id=cinema_id, screen_id=None, category=category)
        db.session.add(price)
    price.amount_minor = amount_minor
    audit.record(principal, "seat_price.set", cinema_id, ("seat_price", category), before,
                 {"amount_minor": amount_minor})
    return price


@use_case
def delete_price(principal: Principal, cinema_id: int, category: str) -> None:
    """Remove the cinema-wide price: seats of the category are then not sold (409 ``price_missing``)."""
    ensure_cinema_access(principal, cinema_id)
    price = _cinema_price(cinema_id, category)
    if price is None:
        raise NotFoundError(f"Cinema {cinema_id} has no price for {category} seats")
    audit.record(principal, "seat_price.deleted", cinema_id, ("seat_price", category),
                 {"amount_minor": price.amount_minor}, None)
    db.session.delete(price)


def _cinema_price(cinema_id: int, category: str) -> SeatCategoryPrice | None:
    return db.session.scalar(select(SeatCategoryPrice).where(
        SeatCategoryPrice.cinema_id == cinema_id, SeatCategoryPrice.screen_id.is_(None),
        SeatCategoryPrice.category == category))
