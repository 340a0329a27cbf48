"""The hold limits as the hold script judges them, on the real Redis, against the table of
cases their Python definition is tested with (``tests/hold_limit_cases.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bookings import keys, lua
from app.bookings.hold_limits import GIVEN
from app.bookings.hold_record import HeldSeat, Hold
from app.bookings.holds import hold_script_call
from app.common.clock import now
from app.extensions import redis_client
from tests.hold_limit_cases import HOLD_LIMIT_CASES, MOST_UNPAID, TTL_MS, HoldLimitCase

SHOWTIME_ID, USER_ID = 16, 8
# How far the countdown may run down between setting its key and the script reading it.
SLACK_MS = 1_000


def set_the_scene(case: HoldLimitCase) -> None:
    """The sold-seat mirror, the customer's unpaid seats and their running countdown."""
    client = redis_client.client
    client.sadd(keys.sold_key(SHOWTIME_ID), "-")
    client.hset(keys.unpaid_key(SHOWTIME_ID), "-", "0")
    if case.unpaid:
        client.hset(keys.unpaid_key(SHOWTIME_ID), f"u:{USER_ID}", case.unpaid)
    if case.countdown_ms:
        client.set(keys.user_deadline_key(SHOWTIME_ID, USER_ID), "1", px=case.countdown_ms)


@pytest.mark.parametrize("case", HOLD_LIMIT_CASES, ids=[case.what for case in HOLD_LIMIT_CASES])
def test_the_hold_script_keeps_the_limits(app, monkeypatch, case: HoldLimitCase):
    monkeypatch.setitem(app.config, "MAX_UNPAID_SEATS_PER_SHOWTIME", MOST_UNPAID)
    set_the_scene(case)
    seat_ids = list(range(1, case.requested + 1))
    hold = Hold(hold_id=keys.new_hold_id(SHOWTIME_ID), showtime_id=SHOWTIME_ID, user_id=USER_ID,
                currency="GBP", expires_at=now() + timedelta(milliseconds=TTL_MS),
                seats=[HeldSeat(seat_id=i, label=str(i), category="standard", price_minor=1000)
                       for i in seat_ids])
    call = hold_script_call(hold, TTL_MS // 1000, customer=case.customer, gap_layout="")
    outcome = lua.run(call.name, call.keys, call.args)
    # Given: {1, replaced hold, ms given}; refused: {outcome, value}.
    value = int(outcome[2] if int(outcome[0]) == GIVEN else outcome[1])
    assert int(outcome[0]) == case.outcome
    if case.countdown_ms and case.value == case.countdown_ms:
        assert case.value - SLACK_MS < value <= case.value
    else:
        assert value == case.value
    locks = redis_client.client.mget([keys.lock_key(SHOWTIME_ID, i) for i in seat_ids])
    assert locks == ([hold.hold_id] if case.outcome == GIVEN else [None]) * len(seat_ids)
