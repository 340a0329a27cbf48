"""Fair sales: how much one customer may keep from everyone else without paying.

Two limits, for customers only (staff selling at the box office are exempt):

- per showtime, the seats they hold plus the seats of their bookings awaiting payment
  (``MAX_UNPAID_SEATS_PER_SHOWTIME``): a hold that would pass it is refused, 409
  ``seat_limit_reached``;
- over all showtimes, their open checkouts: live holds (one per showtime) plus bookings awaiting
  payment (``MAX_UNPAID_CHECKOUTS``): a hold that would open one more is refused, 409
  ``pending_limit_reached``.

Both are decided in Redis, so a hold still reads no table:

- A showtime's unpaid seats per customer (``showtime:{id}:unpaid``) are loaded from PostgreSQL
  with its sold-seat mirror, under the same generation (``app.bookings.inventory``), and the hold
  script checks them in the same atomic step as it takes the seats. A confirmation counts its
  seats there the moment it claims its hold, so a hold made while the booking is written sees them.
- A customer's open checkouts span showtimes, so they cannot live in a showtime's hash slot
  (a script may only touch one slot once Redis is a cluster): they are a sorted set of their own
  (``checkouts:{user:id}``), one entry per showtime held at and per unpaid booking, scored by
  when each ends, loaded from PostgreSQL (the customer's unpaid bookings) when missing. The hold
  sends its check-and-count there in the same round trip as the hold script, and gives its new
  seats back when the count refused it. Beside the set, the latest hold counted at each showtime:
  a hold takes its showtime's entry away (released, confirmed, not given) only while it is that
  latest one, so racing holds of one customer can never leave a live hold uncounted.

Entries are keyed by booking (its hold id), so counting one in or out twice changes nothing. Any
change of a booking's payment state, whoever commits it (confirmation, payment, the expiry
sweep, a cancellation or refund), is seen by the session listener at the end of this module and
applied once the transaction has committed. A step lost between a commit and Redis heals by
itself: a showtime's counts at the mirror's next reload (ten minutes), a customer's checkouts
when the booking's payment window ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.bookings import keys, lua
from app.common.clock import now
from app.common.errors import ConflictError, ServiceUnavailableError
from app.common.lost_steps import lost_step_is_logged
from app.extensions import db, redis_client
from app.models import Booking

UNPAID = "pending_payment"
# A customer's checkouts set outlives its entries by a day, then is loaded again on next use.
CHECKOUTS_TTL_SECONDS = 86_400
_LOAD_ATTEMPTS = 5
_CHANGES = "unpaid_changes"


def unix_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class CheckoutCount(NamedTuple):
    """The checkouts' answer to a hold: how many are open when it is refused, else None; and
    the customer's hold counted at the showtime before this one ('' when there was none)."""

    refused_open: int | None
    before: str = ""


def open_checkout_call(user_id: int, showtime_id: int, hold_id: str, ttl_seconds: int) -> lua.Call:
    """The script run beside a customer's hold: count it in their open checkouts, or refuse."""
    moment = now()
    return lua.Call("open_checkout", [keys.checkouts_key(user_id), keys.latest_holds_key(user_id)], [
        unix_ms(moment), showtime_id, hold_id, unix_ms(moment + timedelta(seconds=ttl_seconds)),
        current_app.config["MAX_UNPAID_CHECKOUTS"], CHECKOUTS_TTL_SECONDS,
    ])


def checkout_count(answer: list) -> CheckoutCount | None:
    """Read :func:`open_checkout_call`'s answer; None when the set is not loaded yet."""
    if int(answer[0]) == 2:
        return None
    return CheckoutCount(None, answer[1]) if int(answer[0]) == 1 else CheckoutCount(int(answer[1]))


def count_after_load(call: lua.Call, user_id: int) -> CheckoutCount:
    """Load the customer's checkouts from PostgreSQL and ask :func:`open_checkout_call` again."""
    if load_checkouts(user_id):
        count = checkout_count(lua.run(call.name, call.keys, call.args))
        if count is not None:
            return count
    raise ServiceUnavailableError("Your open bookings are changing too fast to count; retry",
                                  reason="sales_busy", headers={"Retry-After": "1"})


def load_checkouts(user_id: int) -> bool:
    """Copy the customer's unpaid bookings from PostgreSQL; False if their changes kept racing it."""
    generation_key = keys.checkouts_generation_key(user_id)
    for _ in range(_LOAD_ATTEMPTS):
        generation = redis_client.client.get(generation_key) or ""
        rows = db.session.execute(
            select(Booking.id, Booking.hold_id, Booking.expires_at)
            .where(Booking.user_id == user_id, Booking.status == UNPAID)
        ).all()
        args: list = [generation, CHECKOUTS_TTL_SECONDS]
        for row in rows:
            args += [keys.unpaid_entry(row.hold_id, row.id), unix_ms(_payment_ends(row.expires_at))]
        if lua.run("load_checkouts", [keys.checkouts_key(user_id), generation_key], args):
            return True
    return False


def change_checkouts_call(user_id: int, *, ended: tuple[int, str, str] | None = None,
                          remove: tuple[str, ...] = (), add: str = "",
                          ends_at: datetime | None = None) -> lua.Call:
    """End a hold (showtime, hold id, hold counted before it), remove entries, add one."""
    showtime_id, hold_id, before = ended or ("", "", "")
    ends_ms = unix_ms(ends_at) if ends_at else ""
    return lua.Call(
        "change_checkouts",
        [keys.checkouts_key(user_id), keys.checkouts_generation_key(user_id), keys.latest_holds_key(user_id)],
        [CHECKOUTS_TTL_SECONDS, ends_ms, add, showtime_id, hold_id, before, *remove])


def claimed_checkout_call(user_id: int, showtime_id: int, hold_id: str, claim_seconds: int) -> lua.Call:
    """A hold being confirmed stops being a hold and becomes an unpaid booking."""
    window = timedelta(seconds=current_app.config["PAYMENT_WINDOW_SECONDS"] + claim_seconds)
    return change_checkouts_call(user_id, ended=(showtime_id, hold_id, ""),
                                 add=keys.unpaid_entry(hold_id), ends_at=now() + window)


def released_checkout_call(user_id: int, showtime_id: int, hold_id: str) -> lua.Call:
    """A hold ended without a booking (released, or its confirmation failed)."""
    return change_checkouts_call(user_id, ended=(showtime_id, hold_id, ""),
                                 remove=(keys.unpaid_entry(hold_id),))


def not_taken_call(user_id: int, showtime_id: int, hold_id: str, before: str) -> lua.Call:
    """A hold counted in was not given after all: the showtime goes back to the hold counted
    before it (still live: it was not replaced), or is no longer held at."""
    return change_checkouts_call(user_id, ended=(showtime_id, hold_id, before))


def seat_limit_reached(unpaid: int, asked: int) -> ConflictError:
    limit = current_app.config["MAX_UNPAID_SEATS_PER_SHOWTIME"]
    return ConflictError(
        f"At most {limit} seats per customer can be held or awaiting payment for one showtime: you "
        f"have {unpaid} awaiting payment and asked for {asked}; pay for or cancel a booking first",
        reason="seat_limit_reached", details={"limit": limit, "unpaid_seats": unpaid, "requested": asked})


def pending_limit_reached(open_checkouts: int) -> ConflictError:
    limit = current_app.config["MAX_UNPAID_CHECKOUTS"]
    return ConflictError(
        f"At most {limit} seat holds and bookings awaiting payment can be open at once: you have "
        f"{open_checkouts}; pay for, cancel or release one first",
        reason="pending_limit_reached", details={"limit": limit, "open": open_checkouts})


def _payment_ends(expires_at: datetime | None) -> datetime:
    return expires_at or now() + timedelta(seconds=current_app.config["PAYMENT_WINDOW_SECONDS"])


class _Change(NamedTuple):
    showtime_id: int
    user_id: int
    entry: str
    seats: int | None  # None: the booking no longer awaits payment
    ends_at: datetime | None


def _calls(change: _Change) -> list[lua.Call]:
    unpaid_keys = [keys.unpaid_key(change.showtime_id), keys.sold_generation_key(change.showtime_id)]
    if change.seats is None:
        return [lua.Call("unpaid", unpaid_keys, ["remove", change.entry]),
                change_checkouts_call(change.user_id, remove=(change.entry,))]
    return [lua.Call("unpaid", unpaid_keys, ["add", change.entry, change.user_id, change.seats]),
            change_checkouts_call(change.user_id, add=change.entry, ends_at=_payment_ends(change.ends_at))]


# Listeners on the app's scoped session, like the sales epoch's: a booking that starts or stops
# awaiting payment is noted at flush (plain values: the commit expires the objects) and counted in
# or out once the transaction has committed.
@event.listens_for(db.session, "after_flush")
def _note_unpaid_changes(session: Session, _flush_context) -> None:
    changes = [
        _Change(booking.showtime_id, booking.user_id, keys.unpaid_entry(booking.hold_id, booking.id),
                len(booking.seats) if booking.status == UNPAID else None, booking.expires_at)
        for booking in session.new if isinstance(booking, Booking)
    ] + [
        _Change(booking.showtime_id, booking.user_id, keys.unpaid_entry(booking.hold_id, booking.id),
                None, None)
        for booking in session.dirty
        if isinstance(booking, Booking) and booking.status != UNPAID
        and UNPAID in (inspect(booking).attrs.status.history.deleted or ())
    ]
    if changes:
        session.info.setdefault(_CHANGES, []).extend(changes)


@event.listens_for(db.session, "after_commit")
def _count_after_commit(session: Session) -> None:
    changes = session.info.pop(_CHANGES, None)
    if changes and has_app_context():
        with lost_step_is_logged("unpaid seat counts", "they heal at the mirror's next reload"):
            lua.run_together([call for change in changes for call in _calls(change)])


@event.listens_for(db.session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_CHANGES, None)
