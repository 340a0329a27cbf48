"""The single-seat rule: a hold may not strand one empty seat (a per-cinema option).

A seat is stranded when it stays free while both of its sides are closed — a taken seat,
an aisle, or the end of the row — and the hold is what closed it (one of its neighbours is
being held). Lone seats between two aisles are left alone: nobody made them.

:func:`stranded_seats` defines the rule; the hold script enforces it (``STRANDED_SEATS_LUA``,
run by ``app.bookings.lua.HOLD``), deciding in the same atomic step as it takes the seats, so
two holds racing side by side cannot strand a seat between them. The script gets the seats
around the requested ones from :func:`script_layout` and reads what is taken from Redis. One
table of cases (``tests/seat_gap_cases.py``) is run through both forms.
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


@dataclass(frozen=True)
class SeatRuns:
    """A screen's seats side by side: ``runs`` of seat ids left to right, and each seat's
    ``place`` (run number, index in the run). An aisle, the row's end or a seat taken for
    good (blocked) ends a run; a seat taken for good is in none."""

    runs: list[tuple[int, ...]]
    place: dict[int, tuple[int, int]]


def seat_runs(seats: Iterable[PlacedSeat]) -> SeatRuns:
    """The runs of ``seats``, whose ``taken`` says taken for good (blocked)."""
    rows: dict[int, list[PlacedSeat]] = defaultdict(list)
    for seat in seats:
        if not seat.taken:
            rows[seat.row].append(seat)
    runs: list[tuple[int, ...]] = []
    for row in rows.values():
        row.sort(key=lambda seat: seat.col)
        start = 0
        for i in range(1, len(row) + 1):
            if i == len(row) or row[i].col != row[i - 1].col + 1:
                runs.append(tuple(seat.id for seat in row[start:i]))
                start = i
    place = {seat_id: (number, index) for number, run in enumerate(runs) for index, seat_id in enumerate(run)}
    return SeatRuns(runs=runs, place=place)


def script_layout(runs: SeatRuns, requested: Iterable[int]) -> str:
    """The seats the hold script looks at to judge the rule for ``requested`` (none taken for
    good): of each run holding a requested seat, from two seats before the first requested one
    to two after the last; seat ids joined by ',', runs by '|'.

    Two either side are enough: a seat the hold can strand is next to a requested one, and its
    other side is the only further seat the rule reads. The cut ends of a slice look like the
    end of a row, which only a seat with no requested neighbour ever touches.
    """
    spans: dict[int, tuple[int, int]] = {}
    for seat_id in requested:
        number, index = runs.place[seat_id]
        first, last = spans.get(number, (index, index))
        spans[number] = (min(first, index), max(last, index))
    return "|".join(",".join(map(str, runs.runs[number][max(0, first - 2):last + 3]))
                    for number, (first, last) in spans.items())


# The rule in the hold script (Lua cannot import): LAYOUT is script_layout's string, REQUESTED a
# set of the requested seat ids, TAKEN(seat) whether a seat is sold or held by another hold.
# Returns the ids of the seats the hold would strand.
STRANDED_SEATS_LUA = """
local function stranded_seats(layout, requested, taken)
  local stranded = {}
  for run in string.gmatch(layout, '[^|]+') do
    local seats, closed = {}, {}
    for seat in string.gmatch(run, '[^,]+') do
      seats[#seats + 1] = seat
      closed[#seats] = requested[seat] or taken(seat)
    end
    for i, seat in ipairs(seats) do
      local sides_closed = (i == 1 or closed[i - 1]) and (i == #seats or closed[i + 1])
      if not closed[i] and sides_closed and (requested[seats[i - 1]] or requested[seats[i + 1]]) then
        stranded[#stranded + 1] = seat
      end
    end
  end
  return stranded
end
"""
