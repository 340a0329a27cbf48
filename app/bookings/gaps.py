"""The single-seat rule: a hold may not strand one empty seat (a per-cinema option).

A seat is stranded when it stays free while both of its sides are closed — a taken seat,
an aisle, or the end of the row — and the hold is what closed it (one of its neighbours is
being held). Lone seats between two aisles are left alone: nobody made them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlacedSeat:
    id: int
    row: int
    col: int
    taken: bool  # sold, held or blocked before this hold


def stranded_seats(seats: Iterable[PlacedSeat], requested: set[int]) -> list[int]:
    """Ids of the seats this hold would leave as a single empty seat."""
    rows: dict[int, dict[int, PlacedSeat]] = defaultdict(dict)
    for seat in seats:
        rows[seat.row][seat.col] = seat
    stranded = []
    for by_col in rows.values():
        def is_taken(seat: PlacedSeat) -> bool:
            return seat.taken or seat.id in requested

        for col, seat in by_col.items():
            if is_taken(seat):
                continue
            # An aisle is a missing column; the row's end is missing too.
            neighbours = [by_col.get(col - 1), by_col.get(col + 1)]
            closed = all(n is None or is_taken(n) for n in neighbours)
            created_by_hold = any(n is not None and n.id in requested for n in neighbours)
            if closed and created_by_hold:
                stranded.append(seat.id)
    return sorted(stranded)
