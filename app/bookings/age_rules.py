"""Age ratings at the point of sale: may a seat be sold on this ticket type for this film?

A ticket type may have an age limit (``max_age``, the child ticket's is the cinema's old
``child_ticket_max_age``): it is for someone no older than that, so a film whose rating asks
for an older audience cannot be sold on it, unless the cinema lets staff confirm an ID check
that shows the holder is old enough (``id_check_allowed``). Customers cannot confirm one
themselves. One pure function (:func:`age_refusal`), called through :func:`ensure_age_allowed`
by the hold and again by the booking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from app.common.access import STAFF_ROLES, Principal
from app.common.errors import PermissionDeniedError, ValidationError

# The reasons of a refusal, in app.common.reasons (the first keeps the name it had when only
# the child ticket had an age limit, for the clients that know it).
CHILD_TICKET_REFUSED = "child_ticket_age_rating"
ID_CHECK_NOT_ALLOWED = "id_check_not_allowed"


def too_young_for(ticket_types: Iterable[str], film_min_age: int,
                  max_ages: Mapping[str, int | None]) -> list[str]:
    """The ticket types among ``ticket_types`` whose age limit is below the film's rating."""
    return sorted(code for code in set(ticket_types)
                  if max_ages.get(code) is not None and film_min_age > max_ages[code])


def age_refusal(*, ticket_types: Iterable[str], film_min_age: int, max_ages: Mapping[str, int | None],
                id_checked: bool, id_check_allowed: bool) -> str | None:
    """The reason these tickets may not be sold for the film, or None when they may.

    ``max_ages`` is each ticket type's age limit (None: no limit); ``id_checked`` is a staff
    member's confirmation (a customer's is never passed in).
    """
    if not too_young_for(ticket_types, film_min_age, max_ages):
        return None
    if not id_checked:
        return CHILD_TICKET_REFUSED
    return None if id_check_allowed else ID_CHECK_NOT_ALLOWED


class AgeFacts(Protocol):
    """What the rule reads of a sale: the film's rating, the cinema's ID-check rule and the
    age limit of each of its ticket types."""

    film_min_age: int
    id_check_allowed: bool

    @property
    def max_ages(self) -> Mapping[str, int | None]: ...


def ensure_age_allowed(principal: Principal, facts: AgeFacts, ticket_types: Iterable[str],
                       id_checked: bool) -> None:
    """403 when a customer claims an ID check; 422 when :func:`age_refusal` refuses the sale."""
    if id_checked and principal.role not in STAFF_ROLES:
        raise PermissionDeniedError("Only cinema staff can confirm an ID check", reason="id_check_staff_only")
    ticket_types = list(ticket_types)
    refusal = age_refusal(ticket_types=ticket_types, film_min_age=facts.film_min_age, max_ages=facts.max_ages,
                          id_checked=id_checked, id_check_allowed=facts.id_check_allowed)
    if refusal is None:
        return
    limited = too_young_for(ticket_types, facts.film_min_age, facts.max_ages)
    limits = {code: facts.max_ages[code] for code in limited}
    details = {"film_min_age": facts.film_min_age, "ticket_type_max_ages": limits,
               "id_check_allowed": facts.id_check_allowed}
    named = ", ".join(f"{code} (up to age {age})" for code, age in limits.items())
    if refusal == CHILD_TICKET_REFUSED:
        advice = " unless staff check an ID" if facts.id_check_allowed else ""
        raise ValidationError(
            f"This film is rated {facts.film_min_age}+; tickets {named} cannot be sold for it{advice}",
            reason=refusal, details=details)
    raise ValidationError(
        f"This cinema sells no tickets {named} for films rated {facts.film_min_age}+, even after an ID check",
        reason=refusal, details=details)
