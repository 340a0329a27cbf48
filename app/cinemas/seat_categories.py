"""Seat categories: the kinds of seat CinemaOS sells (standard, premium, vip, ...), kept by admins.

Rows of ``seat_categories`` that seats, base prices, price bounds and booked seats name by
foreign key. Layouts and price bounds are checked against :func:`known_categories`, so an
unknown category is a 422 naming it rather than a failed insert. The categories a layout gives by itself
(``STRUCTURAL_CATEGORIES``) and those something names stay.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from app import audit
from app.common.access import Principal
from app.common.errors import ConflictError, NotFoundError
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import (
    STRUCTURAL_CATEGORIES,
    BookingSeat,
    CategoryPriceBound,
    Seat,
    SeatCategory,
    SeatCategoryPrice,
)


def list_categories() -> list[SeatCategory]:
    return list(db.session.scalars(select(SeatCategory).order_by(SeatCategory.sort_order, SeatCategory.code)))


def known_categories() -> set[str]:
    return set(db.session.scalars(select(SeatCategory.code)))


def get_category(code: str) -> SeatCategory:
    category = db.session.get(SeatCategory, code)
    if category is None:
        raise NotFoundError(f"No seat category {code!r}")
    return category


@use_case
def create_category(principal: Principal, fields: dict[str, Any]) -> SeatCategory:
    if db.session.get(SeatCategory, fields["code"]) is not None:
        raise ConflictError(f"Seat category {fields['code']!r} exists", reason="code_taken",
                            details={"code": fields["code"]})
    category = SeatCategory(**fields)
    db.session.add(category)
    audit.record(principal, "seat_category.created", None, ("seat_category", category.code), None, fields)
    return category


@use_case
def update_category(principal: Principal, category: SeatCategory, changes: dict[str, Any]) -> SeatCategory:
    before = {"name": category.name, "sort_order": category.sort_order}
    for name, value in changes.items():
        setattr(category, name, value)
    audit.record(principal, "seat_category.updated", None, ("seat_category", category.code), before,
                 {"name": category.name, "sort_order": category.sort_order})
    return category


@use_case
def delete_category(principal: Principal, category: SeatCategory) -> None:
    """Delete a category nothing names; 409 ``seat_category_in_use`` otherwise."""
    if category.code in STRUCTURAL_CATEGORIES or _in_use(category.code):
        raise ConflictError(f"Seat category {category.code!r} is named by seats, prices or bookings "
                            "(or by every layout)", reason="seat_category_in_use")
    audit.record(principal, "seat_category.deleted", None, ("seat_category", category.code),
                 {"name": category.name}, None)
    db.session.delete(category)


def _in_use(code: str) -> bool:
    return db.session.scalar(select(
        exists().where(Seat.category == code) | exists().where(SeatCategoryPrice.category == code)
        | exists().where(CategoryPriceBound.category == code) | exists().where(BookingSeat.category == code)))
