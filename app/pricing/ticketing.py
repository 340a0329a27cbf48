"""Managing a cinema's ticket types, booking fees and tax classes (managers of it, and admins).

The three are kept alike: listed per cinema, created, changed and deleted with an audit entry
each. What a sale reads of them is ``app.pricing.sale_terms``; every committed change moves the
sales epoch (``app.bookings.epoch`` watches the tables), so the next hold prices with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from app import audit
from app.common.access import Principal, ensure_cinema_access
from app.common.errors import ConflictError, NotFoundError, ValidationError
from app.common.lookups import get_or_404
from app.common.unit_of_work import use_case
from app.extensions import db
from app.models import BookingFee, BookingFeeLine, BookingSeat, Cinema, TaxClass, TicketType
from app.pricing.repriced import record_repriced

Row = TicketType | BookingFee | TaxClass
# Audit subject and action prefix of each kind.
_SUBJECTS = {TicketType: "ticket_type", BookingFee: "booking_fee", TaxClass: "tax_class"}
_ORDER = {TicketType: (TicketType.sort_order, TicketType.id), BookingFee: (BookingFee.id,),
          TaxClass: (TaxClass.code,)}


def list_rows(model: type[Row], cinema_id: int) -> list[Row]:
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    query = select(model).where(model.cinema_id == cinema_id).order_by(*_ORDER[model])
    return list(db.session.scalars(query))


def get_row(model: type[Row], cinema_id: int, row_id: int) -> Row:
    row = db.session.get(model, row_id)
    if row is None or row.cinema_id != cinema_id:
        raise NotFoundError(f"Cinema {cinema_id} has no {_SUBJECTS[model].replace('_', ' ')} {row_id}")
    return row


@use_case
def create_row(principal: Principal, model: type[Row], cinema_id: int, fields: dict[str, Any]) -> Row:
    ensure_cinema_access(principal, cinema_id)
    get_or_404(Cinema, cinema_id, f"Cinema {cinema_id}")
    row = model(cinema_id=cinema_id, **fields)
    _check(row)
    db.session.add(row)
    db.session.flush()
    audit.record(principal, f"{_SUBJECTS[model]}.created", cinema_id, (_SUBJECTS[model], row.id), None,
                 _fields(row))
    _reprice_seat_maps(row)
    return row


@use_case
def update_row(principal: Principal, row: Row, changes: dict[str, Any]) -> Row:
    ensure_cinema_access(principal, row.cinema_id)
    before = _fields(row)
    for name, value in changes.items():
        setattr(row, name, value)
    _check(row)
    subject = _SUBJECTS[type(row)]
    audit.record(principal, f"{subject}.updated", row.cinema_id, (subject, row.id), before, _fields(row))
    _reprice_seat_maps(row)
    return row


@use_case
def delete_row(principal: Principal, row: Row) -> None:
    """Delete; a tax class something is (or was) taxed at stays (409 ``tax_class_in_use``).

    Bookings keep what they were sold at: a ticket type's code and a fee's terms are copied
    onto them, so deleting either changes no booking, invoice or refund.
    """
    ensure_cinema_access(principal, row.cinema_id)
    if isinstance(row, TaxClass) and _tax_class_in_use(row.id):
        raise ConflictError("Ticket types, booking fees or sold tickets are taxed at this class; "
                            "move them to another class first (sold ones stay)", reason="tax_class_in_use")
    subject = _SUBJECTS[type(row)]
    audit.record(principal, f"{subject}.deleted", row.cinema_id, (subject, row.id), _fields(row), None)
    _reprice_seat_maps(row)
    db.session.delete(row)


def _reprice_seat_maps(row: Row) -> None:
    """Seat maps show the price of the cinema's first ticket type: a change of its ticket types
    may change it (fees and tax classes are not on the map)."""
    if isinstance(row, TicketType):
        record_repriced(cinema_id=row.cinema_id)


def _check(row: Row) -> None:
    """Refuse what a sale could not apply, naming the field (before the changed row is
    flushed: the checks' own queries must not write it first)."""
    with db.session.no_autoflush:
        _check_fields(row)


def _check_fields(row: Row) -> None:
    if isinstance(row, TaxClass | TicketType):
        taken = db.session.scalar(select(type(row).id).where(
            type(row).cinema_id == row.cinema_id, type(row).code == row.code, type(row).id != row.id))
        if taken is not None:
            noun = _SUBJECTS[type(row)].replace("_", " ")
            raise ConflictError(f"Cinema {row.cinema_id} already has a {noun} with code {row.code!r}",
                                reason="code_taken", details={"code": row.code})
    if isinstance(row, TicketType):
        if not row.channels:
            raise ValidationError("A ticket type is sold on at least one channel",
                                  details={"channels": ["choose online, box_office or both"]})
        if row.min_age is not None and row.max_age is not None and row.min_age > row.max_age:
            raise ValidationError("min_age is above max_age", details={"min_age": ["above max_age"]})
    if isinstance(row, TicketType | BookingFee) and row.tax_class_id is not None:
        tax_class = db.session.get(TaxClass, row.tax_class_id)
        if tax_class is None or tax_class.cinema_id != row.cinema_id:
            missing = f"no tax class {row.tax_class_id} at this cinema"
            raise ValidationError(f"Cinema {row.cinema_id} has {missing}",
                                  details={"tax_class_id": [missing]})


def _tax_class_in_use(tax_class_id: int) -> bool:
    return db.session.scalar(select(
        exists().where(TicketType.tax_class_id == tax_class_id)
        | exists().where(BookingFee.tax_class_id == tax_class_id)
        | exists().where(BookingSeat.tax_class_id == tax_class_id)
        | exists().where(BookingFeeLine.tax_class_id == tax_class_id)))


def _fields(row: Row) -> dict[str, Any]:
    """The row as the audit trail keeps it: every column but the bookkeeping ones."""
    return {column.key: getattr(row, column.key) for column in type(row).__table__.columns
            if column.key not in ("id", "created_at", "updated_at")}


def ensure_may_read(principal: Principal, cinema_id: int) -> None:
    """Tax classes are the cinema's managers' business (and admins')."""
    ensure_cinema_access(principal, cinema_id)
