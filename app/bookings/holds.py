"""Seat holds: all requested seats or none, for a few minutes, at a quoted price.

The Redis Lua script ``lua.HOLD`` is the judge between competing customers; it also refuses
seats already sold, which it reads from Redis's mirror of PostgreSQL (``app.bookings.inventory``),
holds that would strand a single seat where the cinema forbids it (``app.bookings.gaps``), and
holds past a customer's limits (``app.bookings.hold_limits``).
Everything else a hold checks comes from the worker's sales context (``app.bookings.context``),
so a hold costs no database query. Holds expire by themselves (key TTL), so an abandoned
checkout frees its seats without any job.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app

from app.bookings import keys, lua
from app.bookings.age_rules import ensure_age_allowed
from app.bookings.context import SalesContext, SeatFacts, forget_sales_context, remembered_sales_context
from app.bookings.epoch import EPOCH_KEY, current_epoch
from app.bookings.gaps import script_layout
from app.bookings.held_prices import quote_basket_with_promo
from app.bookings.hold_lifecycle import release_locks
from app.bookings.hold_limits import COUNTDOWN_ENDING, SEAT_LIMIT
from app.bookings.hold_record import HeldFee, HeldSeat, Hold
from app.bookings.inventory import load_sold_mirror
from app.bookings.unpaid import (
    checkout_count,
    count_after_load,
    not_taken_call,
    open_checkout_call,
    pending_limit_reached,
    seat_limit_reached,
)
from app.common.access import STAFF_ROLES, Principal, ensure_cinema_access
from app.common.clock import now
from app.common.errors import (
    ConflictError,
    DomainError,
    ServiceUnavailableError,
    ValidationError,
)
from app.extensions import db
from app.models import Showtime
from app.pricing.sale_terms import fee_tax_class

# The hold script's answers (``lua.HOLD``) when the sold-seat mirror must be loaded first, and
# when the hold would strand single seats; the hold limits' are ``hold_limits``'.
MIRROR_MISSING = 2
SINGLE_SEAT_GAP = 5
# No hold shorter than this tenth of the hold TTL (10 s of the default 5 minutes) is given.
_SHORTEST_HOLD_SHARE = 10
_SHORTEST_HOLD_MS = 10_000
# Rounds a hold may need when the sold-seat mirror is missing or the sales facts change under it.
_ATTEMPTS = 3


def hold_seats(principal: Principal, showtime_id: int, seat_ids: list[int],
               ticket_types: dict[int, str] | None = None, promo_code: str | None = None,
               id_checked: bool = False, sales_channel: str = "online") -> Hold:
    """Hold every seat of ``seat_ids`` or none; a new hold replaces the user's previous one.

    A customer's first hold for the showtime starts a countdown that later holds keep, even
    after a release, until they book (changing seats does not restart it); close to its end no
    new hold is given (409 ``hold_time_up``). Staff holding for walk-in customers have none.

    ``ticket_types`` (seat id -> one of the cinema's ticket type codes; its first type, adult,
    by default) are chosen now because the quote they produce is the price the booking and the
    payment honour, with the booking fees of ``sales_channel``. A ticket type whose age limit is
    below the film's rating is refused unless staff confirm an ID check (``id_checked``) where
    the cinema allows it (``app.bookings.age_rules``).
    """
    ticket_types = ticket_types or {}
    strays = sorted(set(ticket_types) - set(seat_ids))
    if strays:
        raise ValidationError(f"ticket_types names seats {strays} that are not in seat_ids",
                              reason="ticket_type_for_unknown_seat")
    config = current_app.config
    limit = config["MAX_SEATS_PER_HOLD"]
    if len(seat_ids) > limit:
        raise ValidationError(f"At most {limit} seats can be held at once, got {len(seat_ids)}",
                              reason="too_many_seats", details={"limit": limit})
    if len(set(seat_ids)) != len(seat_ids):
        raise ValidationError("A seat is listed more than once", reason="duplicate_seats")
    ttl = config["HOLD_TTL_SECONDS"]
    customer = principal.role not in STAFF_ROLES
    for _ in range(_ATTEMPTS):
        context = remembered_sales_context(showtime_id)
        try:
            hold = _prepare_hold(principal, context, seat_ids, ticket_types, promo_code, ttl, id_checked,
                                 sales_channel)
        except DomainError:
            if current_epoch() == context.epoch:
                raise
            forget_sales_context(showtime_id)  # refused on facts that have changed: decide again
            continue
        layout = script_layout(context.seat_runs, seat_ids) if context.prevent_single_seat_gaps else ""
        asked_at = now()  # the script's TTL runs from about here: never promise later than Redis
        epoch, outcome = _run_hold_script(hold, ttl, customer=customer, gap_layout=layout)
        if outcome[0] == COUNTDOWN_ENDING:
            raise _countdown_ending(int(outcome[1]))
        if outcome[0] == SEAT_LIMIT:
            raise seat_limit_reached(int(outcome[1]), len(seat_ids))
        if epoch == context.epoch:
            if outcome[0] == 0:
                _refuse_if_taken(sorted(int(seat_id) for seat_id in outcome[1:]), context.seats)
            if outcome[0] == SINGLE_SEAT_GAP:
                raise _single_seat_gaps(sorted(int(seat_id) for seat_id in outcome[1:]), context.seats)
            granted = timedelta(milliseconds=int(outcome[2]))  # less than ttl under a running deadline
            return replace(hold, replaced_hold_id=outcome[1] or None, expires_at=asked_at + granted)
        # Decided on facts that changed meanwhile (a price, the showtime, its seats): undo, decide again.
        if outcome[0] == 1:
            release_locks(showtime_id, hold.hold_id, principal.id, hold.seat_ids)
        forget_sales_context(showtime_id)
    raise _sales_busy()


def _prepare_hold(principal: Principal, context: SalesContext, seat_ids: list[int],
                  ticket_types: dict[int, str], promo_code: str | None, ttl: int, id_checked: bool,
                  sales_channel: str) -> Hold:
    """Check the request against the showtime's sales facts and price it: the hold to take."""
    showtime_id = context.showtime_id
    if principal.role in STAFF_ROLES:
        ensure_cinema_access(principal, context.cinema_id)
    ensure_on_sale(context)
    terms = context.terms
    ticket_types = {i: ticket_types.get(i) or terms.default_ticket_type for i in seat_ids}
    terms.ensure_sold(ticket_types.values(), sales_channel)
    ensure_age_allowed(principal, context, ticket_types.values(), id_checked)
    seats = context.seats
    unknown = sorted(set(seat_ids) - set(seats))
    if unknown:
        raise ValidationError(f"Seats {unknown} are not seats of this showtime's screen",
                              reason="unknown_seats", details={"seat_ids": unknown})
    _refuse_if_taken(sorted(i for i in seat_ids if seats[i].blocked), seats)
    unpriced = sorted({seats[i].category for i in seat_ids
                       if context.price(seats[i].category, ticket_types[i]) is None})
    if unpriced:
        raise ConflictError(f"No price is set for {', '.join(unpriced)} seats at this cinema",
                            reason="price_missing", details={"categories": unpriced})
    held = [seats[i] for i in seat_ids]
    if promo_code:
        basket = quote_basket_with_promo(db.session.get(Showtime, showtime_id), held, ticket_types,
                                         terms, promo_code, principal.id)
        quoted, promo_code_id, discount = basket.seats, basket.promo_code_id, basket.discount_minor
    else:
        quoted, promo_code_id, discount = _quote_from_context(context, held, ticket_types), None, 0
    quotes = {quote.seat_id: quote for quote in quoted}
    return Hold(
        hold_id=keys.new_hold_id(showtime_id), showtime_id=showtime_id, user_id=principal.id,
        currency=context.currency, expires_at=now() + timedelta(seconds=ttl),
        seats=[quotes[i] for i in seat_ids],
        promo_code_id=promo_code_id, discount_minor=discount, id_checked=id_checked,
        sales_channel=sales_channel,
        fees=[HeldFee(fee_id=int(fee.fee_id), name=fee.name, quantity=fee.quantity,
                      amount_minor=fee.amount_minor, tax_class_id=fee_tax_class(fee))
              for fee in terms.fees_for(len(seat_ids), sales_channel)],
    )


def hold_script_call(hold: Hold, ttl: int, *, customer: bool, gap_layout: str) -> lua.Call:
    """The hold script's run for ``hold``; ``gap_layout`` is ``gaps.script_layout``'s seats
    around it, or '' where the cinema allows single seats."""
    showtime_id, user_id = hold.showtime_id, hold.user_id
    script_keys = [
        keys.user_hold_key(showtime_id, user_id), keys.hold_key(showtime_id, hold.hold_id),
        keys.seat_map_key(showtime_id), keys.seat_map_generation_key(showtime_id), keys.sold_key(showtime_id),
        keys.user_deadline_key(showtime_id, user_id), keys.unpaid_key(showtime_id),
        *(keys.lock_key(showtime_id, i) for i in hold.seat_ids),
    ]
    script_args = [hold.hold_id, ttl * 1000, hold.to_json(), ",".join(map(str, hold.seat_ids)),
                   keys.hold_prefix(showtime_id), keys.lock_prefix(showtime_id), user_id,
                   "1" if customer else "0", min(_SHORTEST_HOLD_MS, ttl * 1000 // _SHORTEST_HOLD_SHARE),
                   current_app.config["MAX_UNPAID_SEATS_PER_SHOWTIME"], gap_layout]
    return lua.Call("hold", script_keys, script_args)


def _run_hold_script(hold: Hold, ttl: int, *, customer: bool, gap_layout: str) -> tuple[str | None, list]:
    """Run the hold script, reading the sales epoch in the same round trip: (epoch, answer).

    For a customer the hold has a deadline and a seat limit for the showtime, and is counted
    in their open checkouts by a script sent in the same round trip; when that count refuses
    it, a hold the script gave is given back at once. When the script finds the sold-seat
    mirror missing, it is loaded and the script run again.
    """
    showtime_id, user_id = hold.showtime_id, hold.user_id
    calls = [hold_script_call(hold, ttl, customer=customer, gap_layout=gap_layout)]
    if customer:
        calls.insert(0, open_checkout_call(user_id, showtime_id, hold.hold_id, ttl))
    count = None  # the first answer of the checkouts counts: a run again finds this hold counted
    for _ in range(_ATTEMPTS):
        epoch, *answers = lua.run_together(calls, get=EPOCH_KEY)
        count = count or (checkout_count(answers[0]) if customer else None)
        outcome = [int(answers[-1][0]), *answers[-1][1:]]
        if outcome[0] != MIRROR_MISSING:
            break
        load_sold_mirror(showtime_id)
    if customer:
        count = count or count_after_load(calls[0], user_id)
        if count.refused_open is not None:
            if outcome[0] == 1:
                release_locks(showtime_id, hold.hold_id, user_id, hold.seat_ids)
            raise pending_limit_reached(count.refused_open)
        if outcome[0] != 1:
            lua.run_together([not_taken_call(user_id, showtime_id, hold.hold_id, count.before)])
    if outcome[0] == MIRROR_MISSING:
        raise _sales_busy()
    return epoch, outcome


def _countdown_ending(left_ms: int) -> ConflictError:
    seconds = max(1, -(-left_ms // 1000))
    return ConflictError(
        f"Your time to choose seats for this showtime ends in {seconds} s; hold seats again once it has",
        reason="hold_time_up", details={"retry_after_seconds": seconds},
        headers={"Retry-After": str(seconds)})


def _sales_busy() -> ServiceUnavailableError:
    return ServiceUnavailableError("Seat sales for this showtime are too busy to check right now; retry",
                                   reason="sales_busy", headers={"Retry-After": "1"})


class SaleState(Protocol):
    """What deciding "on sale" needs: a showtime, its sales context or a row of the two columns."""

    status: str
    starts_at: datetime


def ensure_on_sale(showtime: SaleState) -> None:
    if showtime.status != "scheduled":
        raise ConflictError("This showtime was cancelled", reason="showtime_cancelled")
    if showtime.starts_at <= now():
        raise ConflictError("This showtime has already started", reason="showtime_started")


def _quote_from_context(context: SalesContext, seats: list[SeatFacts],
                        ticket_types: dict[int, str]) -> list[HeldSeat]:
    quotes = []
    for seat in seats:
        ticket_type = ticket_types[seat.id]
        price = context.price(seat.category, ticket_type)
        quotes.append(HeldSeat(seat_id=seat.id, label=seat.label, category=seat.category,
                               price_minor=price.price_minor, ticket_type=ticket_type, trace=price.trace,
                               tax_class_id=context.terms.tax_class_of(ticket_type)))
    return quotes


def _refuse_if_taken(taken: list[int], seats: dict[int, SeatFacts]) -> None:
    if taken:
        labels = [seats[i].label for i in taken]
        raise ConflictError(f"Seats {', '.join(labels)} are no longer available", reason="seats_taken",
                            details={"seat_ids": taken, "seats": labels})


def _single_seat_gaps(stranded: list[int], seats: dict[int, SeatFacts]) -> ConflictError:
    labels = [seats[i].label for i in stranded]
    return ConflictError(
        f"This choice would leave single empty seats ({', '.join(labels)}); "
        "choose seats that leave no single gap",
        reason="single_seat_gap", details={"seat_ids": stranded, "seats": labels},
    )
