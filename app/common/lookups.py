"""Loading one row by primary key in a service: 404 when it is missing, 403 when it belongs to a
cinema the caller does not work at, 412 when it moved on.

Every service words these errors the same way, so clients (and their logs) read one
vocabulary: "Cinema 7 not found", "Cinema 7 changed since you read it ...".
"""

from __future__ import annotations

from typing import Any, TypeVar

from app.common.access import Principal, ensure_cinema_access
from app.common.errors import NotFoundError, PreconditionFailedError
from app.extensions import db

Row = TypeVar("Row")


def get_or_404(model: type[Row], key: Any, what: str | None = None, *, lock: bool = False) -> Row:
    """The ``model`` row with primary key ``key``, else NotFoundError "<what> not found".

    ``what`` defaults to "<Model> <key>". ``lock`` takes a row lock for the transaction and
    re-reads the row, so a version check after it sees the committed state.
    """
    options = {"with_for_update": True, "populate_existing": True} if lock else {}
    row = db.session.get(model, key, **options)
    if row is None:
        what = what or f"{model.__name__} {key}"
        raise NotFoundError(f"{what} not found")
    return row


def get_at_own_cinema(principal: Principal, model: type[Row], key: Any, what: str | None = None, *,
                      lock: bool = False) -> Row:
    """:func:`get_or_404` for a row of one cinema (a model with ``cinema_id``), then 403 unless
    the caller works at that cinema (``ensure_cinema_access``)."""
    row = get_or_404(model, key, what, lock=lock)
    ensure_cinema_access(principal, row.cinema_id)
    return row


def ensure_version(row: Any, expected_version: int) -> None:
    """412 unless ``row`` is still at the version the client read (its ETag)."""
    if row.version != expected_version:
        raise PreconditionFailedError(
            f"{type(row).__name__} {row.id} changed since you read it (now version {row.version}); "
            "fetch it again and retry")


def lock_at_version(model: type[Row], key: Any, expected_version: int) -> Row:
    """The row, locked for this transaction, if it is still at ``expected_version``."""
    row = get_or_404(model, key, lock=True)
    ensure_version(row, expected_version)
    return row
