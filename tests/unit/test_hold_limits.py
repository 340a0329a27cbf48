"""The hold limits' Python definition against the table of cases the hold script shares."""

from __future__ import annotations

import pytest

from app.bookings.hold_limits import COUNTDOWN_ENDING, GIVEN, HoldVerdict, judge_hold
from tests.hold_limit_cases import HOLD_LIMIT_CASES, MOST_UNPAID, SHORTEST_MS, TTL_MS, HoldLimitCase


@pytest.mark.parametrize("case", HOLD_LIMIT_CASES, ids=[case.what for case in HOLD_LIMIT_CASES])
def test_judge_hold(case: HoldLimitCase):
    verdict = judge_hold(customer=case.customer, requested=case.requested, unpaid=case.unpaid,
                         countdown_ms=case.countdown_ms, ttl_ms=TTL_MS, shortest_ms=SHORTEST_MS,
                         most_unpaid=MOST_UNPAID)
    assert verdict == HoldVerdict(case.outcome, case.value)


@pytest.mark.parametrize(("countdown_ms", "expected"), [
    (SHORTEST_MS, HoldVerdict(GIVEN, SHORTEST_MS)),       # exactly the shortest hold is still given
    (SHORTEST_MS - 1, HoldVerdict(COUNTDOWN_ENDING, SHORTEST_MS - 1)),
    (TTL_MS, HoldVerdict(GIVEN, TTL_MS)),                 # a full hold's worth left: a full hold
    (-2, HoldVerdict(GIVEN, TTL_MS)),                     # PTTL of a missing key
    (-1, HoldVerdict(GIVEN, TTL_MS)),                     # ... of a key without expiry
])
def test_the_countdown_edges(countdown_ms: int, expected: HoldVerdict):
    # Edges to the millisecond, which a key's running TTL cannot pin for the script.
    assert judge_hold(customer=True, requested=1, unpaid=0, countdown_ms=countdown_ms, ttl_ms=TTL_MS,
                      shortest_ms=SHORTEST_MS, most_unpaid=MOST_UNPAID) == expected
