"""Seat layouts built from a compact description.

A description lists rows front to back; each row says how many seats it has, after which
seat numbers an aisle runs, its default category, and per-seat exceptions::

    {"rows": [
        {"label": "A", "seats": 12, "aisles_after": [3, 9], "category": "standard",
         "wheelchair": [1, 2], "companion": [3], "blocked": [], "categories": {"7": "premium"}},
        {"label": "B", "seats": 10, "offset": 1, ...},
        ...]}

Seats are placed on a drawing grid: ``grid_row`` is the row index, ``grid_col`` the column
counting ``offset`` empty columns before the row and one empty column per aisle, so a
frontend can draw the map and two seats are neighbours exactly when their columns differ by
one. :func:`describe_layout` turns seats back into the shortest description that builds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Protocol

MAX_ROWS = 60
MAX_SEATS_PER_ROW = 80


class LayoutError(ValueError):
    """The description cannot be built; the message says which row or seat is wrong."""


@dataclass(frozen=True)
class SeatSpec:
    row_label: str
    number: int
    grid_row: int
    grid_col: int
    category: str
    is_wheelchair: bool = False
    is_companion: bool = False
    is_blocked: bool = False

    @property
    def label(self) -> str:
        return f"{self.row_label}{self.number}"


def build_layout(description: dict[str, Any], categories: Collection[str]) -> list[SeatSpec]:
    """The seats of a layout description; ``categories`` are the seat categories that exist
    (``app.cinemas.seat_categories.known_categories``)."""
    rows = description.get("rows") or []
    if not rows:
        raise LayoutError("a layout needs at least one row")
    if len(rows) > MAX_ROWS:
        raise LayoutError(f"a layout has at most {MAX_ROWS} rows, got {len(rows)}")
    seen_labels: set[str] = set()
    seats: list[SeatSpec] = []
    for grid_row, row in enumerate(rows):
        label = str(row.get("label", "")).strip().upper()
        if not label or len(label) > 4 or not label.isalnum():
            raise LayoutError(f"row {grid_row + 1}: label must be 1-4 letters or digits")
        if label in seen_labels:
            raise LayoutError(f"row {label} appears twice")
        seen_labels.add(label)
        seats.extend(_build_row(row, label, grid_row, categories))
    return seats


def _build_row(row: dict[str, Any], label: str, grid_row: int, categories: Collection[str]) -> list[SeatSpec]:
    count = row.get("seats")
    if not isinstance(count, int) or not 1 <= count <= MAX_SEATS_PER_ROW:
        raise LayoutError(f"row {label}: seats must be a number from 1 to {MAX_SEATS_PER_ROW}")
    aisles = set(row.get("aisles_after") or [])
    wheelchair = set(row.get("wheelchair") or [])
    companion = set(row.get("companion") or [])
    blocked = set(row.get("blocked") or [])
    overrides = {int(k): v for k, v in (row.get("categories") or {}).items()}
    default_category = row.get("category", "standard")
    for name, numbers in (("aisles_after", aisles), ("wheelchair", wheelchair),
                          ("companion", companion), ("blocked", blocked), ("categories", overrides)):
        outside = sorted(n for n in numbers if not 1 <= n <= count)
        if outside:
            raise LayoutError(f"row {label}: {name} names seats {outside} outside 1-{count}")
    if wheelchair & companion:
        raise LayoutError(f"row {label}: seats {sorted(wheelchair & companion)} cannot be both "
                          "wheelchair space and companion seat")
    specs = []
    col = row.get("offset", 0)
    if not isinstance(col, int) or col < 0:
        raise LayoutError(f"row {label}: offset must be a number of columns, 0 or more")
    for number in range(1, count + 1):
        category = overrides.get(number, default_category)
        if number in wheelchair:
            category = "wheelchair"
        elif number in companion:
            category = "companion"
        if category not in categories:
            raise LayoutError(f"seat {label}{number}: unknown category {category!r}; "
                              f"use one of {', '.join(sorted(categories))}")
        specs.append(SeatSpec(
            row_label=label, number=number, grid_row=grid_row, grid_col=col, category=category,
            is_wheelchair=number in wheelchair, is_companion=number in companion,
            is_blocked=number in blocked,
        ))
        col += 2 if number in aisles else 1
    return specs


class PlacedSeat(Protocol):
    row_label: str
    number: int
    grid_row: int
    grid_col: int
    category: str
    is_wheelchair: bool
    is_companion: bool
    is_blocked: bool


def describe_layout(seats: Iterable[PlacedSeat]) -> dict[str, Any]:
    """The compact description of ``seats`` (as built by :func:`build_layout`), defaults left out."""
    ordered = sorted(seats, key=lambda s: (s.grid_row, s.number))
    return {"rows": [_describe_row(list(row)) for _, row in groupby(ordered, key=lambda s: s.grid_row)]}


def _describe_row(seats: list[PlacedSeat]) -> dict[str, Any]:
    ordinary = [s for s in seats if not (s.is_wheelchair or s.is_companion)]
    # The row's category is its most common one; the others become per-seat exceptions.
    category = Counter(s.category for s in ordinary).most_common(1)[0][0] if ordinary else "standard"
    row: dict[str, Any] = {"label": seats[0].row_label, "seats": len(seats)}
    optional = {
        "offset": seats[0].grid_col,
        "aisles_after": [a.number for a, b in zip(seats, seats[1:], strict=False)
                         if b.grid_col - a.grid_col > 1],
        "category": category if category != "standard" else None,
        "categories": {str(s.number): s.category for s in ordinary if s.category != category},
        "wheelchair": [s.number for s in seats if s.is_wheelchair],
        "companion": [s.number for s in seats if s.is_companion],
        "blocked": [s.number for s in seats if s.is_blocked],
    }
    row.update({key: value for key, value in optional.items() if value})
    return row
