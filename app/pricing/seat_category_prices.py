"""A cinema's base price of each seat category, and a screen's own price where it overrides the
cinema's (a premium screen's recliners), set by the cinema's managers. Quotes read them through
``app.pricing.tariffs``; a change reaches the next hold through the sales epoch, and the seat maps
of the showtimes it prices at once (``app.pricing.repriced``)."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.cinemas.seat_categories import get_category
from app.common.access import Principal, ensure_cinema_access
from app.common.errors import NotFoundError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import Cinema, Screen, SeatCategoryPrice
from app.pricing.repriced import record_repriced


def list_prices(cinema_id: int) -> list[SeatCategoryPrice]:
    """The cinema's prices, its own first then each screen's overrides."""
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    return list(db.session.scalars(
        select(SeatCategoryPrice).where(SeatCategoryPrice.cinema_id == cinema_id)
        .order_by(SeatCategoryPrice.screen_id.is_(None).desc(), SeatCategoryPrice.screen_id,
                  SeatCategoryPrice.category)))


@use_case
def set_price(principal: Principal, cinema_id: int, category: str, amount_minor: int,
              screen_id: int | None = None) -> SeatCategoryPrice:
    """Set the base price of a seat category at the cinema, or at one of its screens (``screen_id``),
    where it overrides the cinema's (audited)."""
    ensure_cinema_access(principal, cinema_id)
    _ensure_scope(cinema_id, screen_id)
    get_category(category)
    price = _price(cinema_id, screen_id, category)
    before = None if price is None else {"amount_minor": price.amount_minor}
    if price is None:
        price = SeatCategoryPrice(cinema_id=cinema_id, screen_id=screen_id, category=category)
        db.session.add(price)
    price.amount_minor = amount_minor
    audit.record(principal, "seat_price.set", cinema_id, ("seat_price", category), _scoped(before, screen_id),
                 _scoped({"amount_minor": amount_minor}, screen_id))
    record_repriced(cinema_id=cinema_id, screen_id=screen_id)
    return price


@use_case
def delete_price(principal: Principal, cinema_id: int, category: str, screen_id: int | None = None) -> None:
    """Remove the cinema-wide price: seats of the category are then not sold (409 ``price_missing``)
    except at screens with their own; or remove a screen's own price: the cinema's applies there again."""
    ensure_cinema_access(principal, cinema_id)
    _ensure_scope(cinema_id, screen_id)
    price = _price(cinema_id, screen_id, category)
    if price is None:
        owner = f"Cinema {cinema_id}" if screen_id is None else f"Screen {screen_id}"
        raise NotFoundError(f"{owner} has no price of its own for {category} seats")
    audit.record(principal, "seat_price.deleted", cinema_id, ("seat_price", category),
                 _scoped({"amount_minor": price.amount_minor}, screen_id), None)
    db.session.delete(price)
    record_repriced(cinema_id=cinema_id, screen_id=screen_id)


def _ensure_scope(cinema_id: int, screen_id: int | None) -> None:
    """404 unless the cinema exists and, when named, the screen is one of its screens."""
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    if screen_id is not None:
        screen = db.session.get(Screen, screen_id)
        if screen is None or screen.cinema_id != cinema_id:
            raise NotFoundError(f"Cinema {cinema_id} has no screen {screen_id}")


def _scoped(fields: dict | None, screen_id: int | None) -> dict | None:
    """The audited fields, naming the screen when the price is one screen's."""
    return fields if fields is None or screen_id is None else {**fields, "screen_id": screen_id}


def _price(cinema_id: int, screen_id: int | None, category: str) -> SeatCategoryPrice | None:
    return db.session.scalar(select(SeatCategoryPrice).where(
        SeatCategoryPrice.cinema_id == cinema_id, SeatCategoryPrice.screen_id.is_not_distinct_from(screen_id),
        SeatCategoryPrice.category == category))
