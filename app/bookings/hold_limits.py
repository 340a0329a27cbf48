"""The hold limits: how long a customer's hold may run, and how many seats they may keep unpaid.

Customers only; staff holding for walk-in customers have no limits.

- The countdown: a customer's first hold for a showtime starts a countdown that later holds keep
  (``app.bookings.holds``). A hold runs at most what is left of it; when less than the shortest
  hold worth giving is left, none is given (409 ``hold_time_up``).
- The seat limit: the seats of the hold plus the customer's seats awaiting payment for the
  showtime may not pass ``MAX_UNPAID_SEATS_PER_SHOWTIME`` (409 ``seat_limit_reached``). The hold
  being replaced does not count: it is about to go.

:func:`judge_hold` defines the rule; the hold script judges it (``HOLD_LIMITS_LUA``, run by
``app.bookings.lua.HOLD``) in the same atomic step as it takes the seats, on the countdown and
the unpaid seats of that very moment, so two holds of one customer cannot both slip under the
limit. One table of cases (``tests/hold_limit_cases.py``) is run through both forms.

Decided elsewhere, before or beside the script: the seats of one request
(``MAX_SEATS_PER_HOLD``, checked on the request) and the open checkouts over all showtimes
(``app.bookings.unpaid``: they span hash slots, so another script counts them).
"""

from __future__ import annotations

from typing import NamedTuple

# The hold script's answers (``app.bookings.lua.HOLD``) this rule gives.
GIVEN = 1
COUNTDOWN_ENDING = 3
SEAT_LIMIT = 4


class HoldVerdict(NamedTuple):
    """``outcome`` and its number: the ms the hold runs (GIVEN), the ms left of the countdown
    (COUNTDOWN_ENDING), or the customer's seats awaiting payment (SEAT_LIMIT)."""

    outcome: int
    value: int


def judge_hold(*, customer: bool, requested: int, unpaid: int, countdown_ms: int, ttl_ms: int,
               shortest_ms: int, most_unpaid: int) -> HoldVerdict:
    """Whether a hold of ``requested`` seats is given, and for how long.

    ``countdown_ms`` is what is left of the customer's countdown for the showtime, 0 or less
    when none runs (as Redis's PTTL answers); ``unpaid`` their seats awaiting payment there;
    ``ttl_ms`` a hold's usual length; ``shortest_ms`` the shortest hold worth giving. The
    countdown is judged first: a customer out of time is told so, whatever they ask for.
    """
    if not customer:
        return HoldVerdict(GIVEN, ttl_ms)
    if 0 < countdown_ms < ttl_ms:
        if countdown_ms < shortest_ms:
            return HoldVerdict(COUNTDOWN_ENDING, countdown_ms)
        ttl_ms = countdown_ms
    if unpaid + requested > most_unpaid:
        return HoldVerdict(SEAT_LIMIT, unpaid)
    return HoldVerdict(GIVEN, ttl_ms)


# The rule in the hold script (Lua cannot import), argument for argument as :func:`judge_hold`;
# answers {outcome, value}.
HOLD_LIMITS_LUA = """
local function judge_hold(customer, requested, unpaid, countdown_ms, ttl_ms, shortest_ms, most_unpaid)
  if not customer then
    return {1, ttl_ms}
  end
  if countdown_ms > 0 and countdown_ms < ttl_ms then
    if countdown_ms < shortest_ms then
      return {3, countdown_ms}
    end
    ttl_ms = countdown_ms
  end
  if unpaid + requested > most_unpaid then
    return {4, unpaid}
  end
  return {1, ttl_ms}
end
"""
