"""Seat layouts built from a compact description.

A description lists rows front to back; each row says how many seats it has, after which
seat numbers an aisle runs, its default category, and per-seat exceptions::

    {"rows": [
        {"label": "A", "seats": 12, "aisles_after": [3, 9], "category": "standard",
         "wheelchair": [1, 2], "companion": [3], "blocked": [], "categories": {"7": "premium"}},
        ...]}

Seats are placed on a drawing grid: ``grid_row`` is the row index, ``grid_col`` the column
counting one empty column per aisle, so a frontend can draw the map and two seats are
neighbours exactly when their columns differ by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.models import SEAT_CATEGORIES

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


def build_layout(description: dict[str, Any]) -> list[SeatSpec]:
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
        seats.extend(_build_row(row, label, grid_row))
    return seats


def _build_row(row: dict[str, Any], label: str, grid_row: int) -> list[SeatSpec]:
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
    col = 0
    for number in range(1, count + 1):
        category = overrides.get(number, default_category)
        if number in wheelchair:
            category = "wheelchair"
        elif number in companion:
            category = "companion"
        if category not in SEAT_CATEGORIES:
            raise LayoutError(f"seat {label}{number}: unknown category {category!r}; "
                              f"use one of {', '.join(SEAT_CATEGORIES)}")
        specs.append(SeatSpec(
            row_label=label, number=number, grid_row=grid_row, grid_col=col, category=category,
            is_wheelchair=number in wheelchair, is_companion=number in companion,
            is_blocked=number in blocked,
        ))
        col += 2 if number in aisles else 1
    return specs
