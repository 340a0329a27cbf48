"""One table of cases of the hold limits, run through both of their forms: the Python
definition (``tests/unit/test_hold_limits.py``) and the hold script that enforces them
(``tests/integration/test_hold_limit_script.py``). Both must give every case's answer.

A hold runs ``TTL_MS`` at most, is not worth giving below ``SHORTEST_MS`` and may bring a
customer's seats awaiting payment for the showtime to ``MOST_UNPAID``, the values the hold
script gets from a 300 s hold and that limit. The script reads the countdown from a real key's
TTL, which runs down while the case is set up: a countdown is kept a second or more away from
the edges it is compared with, and the script's ms may fall short of the case's by a little.
"""

from __future__ import annotations

from typing import NamedTuple

from app.bookings.hold_limits import COUNTDOWN_ENDING, GIVEN, SEAT_LIMIT

TTL_MS = 300_000
SHORTEST_MS = 10_000
MOST_UNPAID = 10


class HoldLimitCase(NamedTuple):
    what: str
    customer: bool
    requested: int
    unpaid: int
    countdown_ms: int  # 0: no countdown runs
    outcome: int
    value: int


HOLD_LIMIT_CASES = [
    HoldLimitCase("a first hold", True, 2, 0, 0, GIVEN, TTL_MS),
    HoldLimitCase("up to the limit", True, 2, 8, 0, GIVEN, TTL_MS),
    HoldLimitCase("one seat past the limit", True, 3, 8, 0, SEAT_LIMIT, 8),
    HoldLimitCase("past the limit with nothing unpaid", True, 11, 0, 0, SEAT_LIMIT, 0),
    HoldLimitCase("the countdown shortens the hold", True, 2, 0, 200_000, GIVEN, 200_000),
    HoldLimitCase("a countdown longer than a hold", True, 2, 0, 400_000, GIVEN, TTL_MS),
    HoldLimitCase("enough left to be worth it", True, 2, 0, 12_000, GIVEN, 12_000),
    HoldLimitCase("too little left", True, 2, 0, 8_000, COUNTDOWN_ENDING, 8_000),
    HoldLimitCase("out of time before over the limit", True, 3, 8, 8_000, COUNTDOWN_ENDING, 8_000),
    HoldLimitCase("over the limit with time left", True, 3, 8, 200_000, SEAT_LIMIT, 8),
    HoldLimitCase("staff have no seat limit", False, 12, 9, 0, GIVEN, TTL_MS),
    HoldLimitCase("staff have no countdown", False, 2, 0, 8_000, GIVEN, TTL_MS),
]
