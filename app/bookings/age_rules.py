"""Age ratings at the point of sale: may a seat be sold on a child ticket for this film?

A child ticket is for someone no older than the cinema's ``child_ticket_max_age``; a film
whose rating asks for an older audience cannot be sold on one, unless the cinema lets staff
confirm an ID check that shows the holder is old enough (``id_check_allowed``). Customers
cannot confirm one themselves. One pure function (:func:`age_refusal`), called through
:func:`ensure_age_allowed` by the hold and again by the booking.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from app.common.access import STAFF_ROLES, Principal
from app.common.errors import PermissionDeniedError, ValidationError

CHILD_TICKET = "child"

# The reasons of a refusal, in app.common.reasons.
CHILD_TICKET_REFUSED = "child_ticket_age_rating"
ID_CHECK_NOT_ALLOWED = "id_check_not_allowed"


def age_refusal(*, ticket_types: Iterable[str], film_min_age: int, child_ticket_max_age: int,
                id_checked: bool, id_check_allowed: bool) -> str | None:
    """The reason these tickets may not be sold for the film, or None when they may.

    ``id_checked`` is a staff member's confirmation (a customer's is never passed in).
    """
    if CHILD_TICKET not in set(ticket_types) or film_min_age <= child_ticket_max_age:
        return None
    if not id_checked:
        return CHILD_TICKET_REFUSED
    return None if id_check_allowed else ID_CHECK_NOT_ALLOWED


class AgeFacts(Protocol):
    """What the rule reads of a sale: a showtime's sales context, or a row of these columns."""

    film_min_age: int
    child_ticket_max_age: int
    id_check_allowed: bool


def ensure_age_allowed(principal: Principal, facts: AgeFacts, ticket_types: Iterable[str],
                       id_checked: bool) -> None:
    """403 when a customer claims an ID check; 422 when :func:`age_refusal` refuses the sale."""
    if id_checked and principal.role not in STAFF_ROLES:
        raise PermissionDeniedError("Only cinema staff can confirm an ID check", reason="id_check_staff_only")
    refusal = age_refusal(ticket_types=ticket_types, film_min_age=facts.film_min_age,
                          child_ticket_max_age=facts.child_ticket_max_age, id_checked=id_checked,
                          id_check_allowed=facts.id_check_allowed)
    details = {"film_min_age": facts.film_min_age, "child_ticket_max_age": facts.child_ticket_max_age,
               "id_check_allowed": facts.id_check_allowed}
    if refusal == CHILD_TICKET_REFUSED:
        advice = " unless staff check an ID" if facts.id_check_allowed else ""
        raise ValidationError(
            f"This film is rated {facts.film_min_age}+; a child ticket (up to age "
            f"{facts.child_ticket_max_age}) cannot be sold for it{advice}", reason=refusal, details=details)
    if refusal == ID_CHECK_NOT_ALLOWED:
        raise ValidationError(
            f"This cinema sells no child tickets for films rated above {facts.child_ticket_max_age}, "
            "even after an ID check", reason=refusal, details=details)
