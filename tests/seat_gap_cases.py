"""One table of cases of the single-seat rule, run through both of its forms: the Python
definition (``tests/unit/test_seat_gaps.py``) and the hold script that enforces it
(``tests/integration/test_seat_gap_script.py``). Both must give every case's answer.

A case draws the rows around a hold, one character per column, rows separated by ``/``:

    .  a free seat              R  a seat this hold asks for
    S  a sold seat              H  a seat held by another hold
    B  a blocked seat           _  an aisle (no seat in that column)
    P  a seat of the customer's own live hold, which the new hold replaces and so frees

and then the same rows with ``!`` over each seat the hold would strand. A hold only asks for
free seats (a taken seat is refused before the rule is asked).
"""

from __future__ import annotations

from typing import NamedTuple

TAKEN = "SHB"


class GapCase(NamedTuple):
    rows: str
    stranded: str

    @property
    def seats(self) -> list[tuple[int, int, int, str]]:
        """(seat id, row, column, mark) of every seat; ids do not follow the columns, so no
        answer can lean on their order."""
        seats = []
        for row, line in enumerate(self.rows.split("/")):
            for col, mark in enumerate(line):
                if mark != "_":
                    seats.append((1000 - 40 * row - col, row, col, mark))
        return seats

    @property
    def requested(self) -> set[int]:
        return {seat_id for seat_id, _, _, mark in self.seats if mark == "R"}

    @property
    def expected(self) -> list[int]:
        marked = [mark for line in self.stranded.split("/") for mark in line if mark != "_"]
        return sorted(seat_id for (seat_id, *_), mark in zip(self.seats, marked, strict=True) if mark == "!")


GAP_CASES = [
    GapCase("R.R", "R!R"),                  # between two requested seats
    GapCase("S.R", "S!R"),                  # between a sold seat and a requested one
    GapCase("H.R", "H!R"),                  # ... a seat another customer holds
    GapCase("B.R", "B!R"),                  # ... a blocked seat
    GapCase(".R", "!R"),                    # against the end of the row
    GapCase("R.", "R!"),
    GapCase("R._", "R!_"),                  # against an aisle
    GapCase(".R._", "!R!_"),                # one each side
    GapCase("S.RR.S", "S!RR!S"),
    GapCase("RR.RR", "RR!RR"),
    GapCase("R.B.", "R!B."),                # the seat beyond the blocked one was not made single
    GapCase("..R..", "..R.."),              # two free seats each side are fine
    GapCase("S..R", "S..R"),
    GapCase("RR..RR", "RR..RR"),
    GapCase("HR", "HR"),                    # nothing left free
    GapCase("R_.", "R_."),                  # a lone seat beyond an aisle: not made by this hold
    GapCase("R_._R", "R_._R"),
    GapCase("S._.H/..R..", "S._.H/..R.."),  # lone seats nobody made now are left alone
    GapCase("S./.R", "S./!R"),              # rows do not touch: the seat behind is no neighbour
    GapCase("R._.R", "R!_!R"),              # two runs at once
    GapCase("R.R/R.R", "R!R/R!R"),          # two rows at once
    GapCase("......R.R......", "......R!R......"),
    GapCase("S...R...S", "S...R...S"),
    GapCase("P.R", "P.R"),                  # the seat of the replaced hold is free again
    GapCase("SP.R", "SP.R"),
    GapCase("PR.S", "!R!S"),                # ... and can be the one stranded
    GapCase("H.P.R", "H.P.R"),
]
