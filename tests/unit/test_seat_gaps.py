"""The single-seat rule's Python definition against the table of cases the hold script shares."""

from __future__ import annotations

import pytest

from app.bookings.gaps import PlacedSeat, stranded_seats
from tests.seat_gap_cases import GAP_CASES, TAKEN, GapCase


@pytest.mark.parametrize("case", GAP_CASES, ids=[case.rows for case in GAP_CASES])
def test_stranded_seats(case: GapCase):
    # The replaced hold's seats ('P') are free: the hold that replaces it frees them.
    placed = [PlacedSeat(id=seat_id, row=row, col=col, taken=mark in TAKEN)
              for seat_id, row, col, mark in case.seats]
    assert stranded_seats(placed, case.requested) == case.expected
