"""The single-seat rule as the hold script judges it, on the real Redis, against the table of
cases its Python definition is tested with (``tests/seat_gap_cases.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bookings import keys, lua
from app.bookings.gaps import PlacedSeat, script_layout, seat_runs
from app.bookings.hold_record import HeldSeat, Hold
from app.bookings.holds import SINGLE_SEAT_GAP, hold_script_call
from app.common.clock import now
from app.extensions import redis_client
from tests.seat_gap_cases import GAP_CASES, GapCase

SHOWTIME_ID, USER_ID, TTL = 15, 7, 300
PREVIOUS, OTHER = keys.new_hold_id(SHOWTIME_ID), keys.new_hold_id(SHOWTIME_ID)


def set_the_scene(case: GapCase) -> None:
    """Sold seats in the mirror, other customers' locks, and the customer's own live hold."""
    client = redis_client.client
    marks = {mark: [seat_id for seat_id, _, _, m in case.seats if m == mark] for mark in "SHP"}
    client.sadd(keys.sold_key(SHOWTIME_ID), "-", *marks["S"])
    client.hset(keys.unpaid_key(SHOWTIME_ID), "-", "0")
    for hold_id, seat_ids in ((OTHER, marks["H"]), (PREVIOUS, marks["P"])):
        for seat_id in seat_ids:
            client.set(keys.lock_key(SHOWTIME_ID, seat_id), hold_id)
    if marks["P"]:
        client.set(keys.user_hold_key(SHOWTIME_ID, USER_ID), PREVIOUS)
        client.hset(keys.hold_key(SHOWTIME_ID, PREVIOUS), "seat_ids", ",".join(map(str, marks["P"])))


@pytest.mark.parametrize("case", GAP_CASES, ids=[case.rows for case in GAP_CASES])
def test_the_hold_script_strands_no_seat(app, case: GapCase):
    set_the_scene(case)
    requested = sorted(case.requested)
    hold = Hold(hold_id=keys.new_hold_id(SHOWTIME_ID), showtime_id=SHOWTIME_ID, user_id=USER_ID,
                currency="GBP", expires_at=now() + timedelta(seconds=TTL),
                seats=[HeldSeat(seat_id=i, label=str(i), category="standard", price_minor=1000)
                       for i in requested])
    # Blocked seats never reach the script: the layout leaves them out, as the sales context does.
    runs = seat_runs(PlacedSeat(id=seat_id, row=row, col=col, taken=mark == "B")
                     for seat_id, row, col, mark in case.seats)
    call = hold_script_call(hold, TTL, customer=True, gap_layout=script_layout(runs, requested))
    outcome = lua.run(call.name, call.keys, call.args)
    locks = redis_client.client.mget([keys.lock_key(SHOWTIME_ID, i) for i in requested])
    if case.expected:
        assert [int(outcome[0]), *sorted(int(i) for i in outcome[1:])] == [SINGLE_SEAT_GAP, *case.expected]
        assert locks == [None] * len(requested)  # refused whole: nothing taken
    else:
        assert int(outcome[0]) == 1
        assert locks == [hold.hold_id] * len(requested)
