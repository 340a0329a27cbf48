"""Schemas of seat layouts: the compact description (in and out) and the drawable seat map."""

from __future__ import annotations

import marshmallow as ma

from app.cinemas.layout import MAX_ROWS, MAX_SEATS_PER_ROW
from app.common.fields import Dict, Integer, List, Text

# A seat category's code: lower-case letters, digits and underscores, as the column holds it.
_CODE = ma.validate.Regexp(r"^[a-z][a-z0-9_]*$", error="Use lower-case letters, digits and _, from a letter")


def category_code(**kwargs) -> Text:
    """A field naming a seat category (which exist: GET /api/seat-categories)."""
    return Text(min_length=1, max_length=12, validate=_CODE, **kwargs)


def _numbers(description: str, example: list[int]) -> List:
    """Seat numbers of one row."""
    return List(Integer(minimum=1, maximum=MAX_SEATS_PER_ROW), max_items=MAX_SEATS_PER_ROW,
                load_default=list, metadata={"description": description, "example": example})


class SeatRowSchema(ma.Schema):
    """One row, front to back; seats are numbered 1..n from the left as the audience sees it."""

    label = Text(required=True, max_length=4, validate=ma.validate.Regexp(
        r"^[A-Za-z0-9]{1,4}$", error="1-4 letters or digits"),
        metadata={"description": "Row label", "example": "A"})
    seats = Integer(required=True, minimum=1, maximum=MAX_SEATS_PER_ROW,
                    metadata={"description": "Number of seats", "example": 12})
    offset = Integer(load_default=0, minimum=0, maximum=40,
                     metadata={"description": "Empty columns before the first seat "
                                              "(staggered or shorter rows)", "example": 0})
    aisles_after = _numbers("An aisle (one empty column) runs after these seats", [3, 9])
    category = category_code(load_default="standard", metadata={
        "description": "Category of the row's seats (GET /api/seat-categories)", "example": "standard"})
    categories = Dict(
        keys=Text(max_length=3, validate=ma.validate.Regexp(r"^[1-9]\d*$", error="a seat number")),
        values=category_code(), max_items=MAX_SEATS_PER_ROW, load_default=dict,
        metadata={"description": "Per-seat categories overriding the row's",
                  "example": {"6": "vip", "7": "vip"}})
    wheelchair = _numbers("Wheelchair spaces (category `wheelchair`)", [1, 2])
    companion = _numbers("Companion seats beside them (category `companion`)", [3])
    blocked = _numbers("Seats never sold (broken, sight line, distancing)", [])


class SeatLayoutSchema(ma.Schema):
    """A whole layout in a few lines; `GET` gives it back the same way (defaults left out)."""

    rows = List(ma.fields.Nested(SeatRowSchema), required=True, min_items=1, max_items=MAX_ROWS,
                metadata={"description": "Rows, front (nearest the screen) first"})


class SeatLayoutOutputSchema(ma.Schema):
    """The layout as sent back: the same rows, but a screen not laid out yet has none."""

    rows = ma.fields.List(ma.fields.Nested(SeatRowSchema), required=True, metadata={
        "description": "Rows, front (nearest the screen) first; empty until a layout is set"})


class ScreenSeatSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "Seat id (used by holds and bookings)",
                                     "example": 101})
    label = ma.fields.String(metadata={"description": "Row label + number", "example": "A7"})
    row_label = ma.fields.String(metadata={"description": "Row", "example": "A"})
    number = ma.fields.Integer(metadata={"description": "Number in the row", "example": 7})
    grid_row = ma.fields.Integer(metadata={
        "description": "Drawing row (y), 0 at the front", "example": 0})
    grid_col = ma.fields.Integer(metadata={
        "description": "Drawing column (x), 0 at the left; aisles are empty columns, so seats "
                       "are neighbours exactly when their columns differ by one", "example": 8})
    category = ma.fields.String(metadata={"description": "Seat category", "example": "vip"})
    is_wheelchair = ma.fields.Boolean(metadata={"description": "Wheelchair space"})
    is_companion = ma.fields.Boolean(metadata={"description": "Companion seat"})
    is_blocked = ma.fields.Boolean(metadata={"description": "Never sold"})


class SeatGridSchema(ma.Schema):
    rows = ma.fields.Integer(metadata={"description": "Rows of the drawing grid", "example": 10})
    columns = ma.fields.Integer(metadata={"description": "Columns of the drawing grid",
                                          "example": 26})


class ScreenSeatMapSchema(ma.Schema):
    """A screen's layout, ready to draw: every seat on a grid, plus its compact description."""

    screen_id = ma.fields.Integer(metadata={"description": "The screen", "example": 7})
    version = ma.fields.Integer(metadata={"description": "The screen's version (ETag)",
                                          "example": 2})
    capacity = ma.fields.Integer(metadata={"description": "Sellable seats", "example": 118})
    grid = ma.fields.Nested(SeatGridSchema, metadata={"description": "Size of the drawing grid"})
    seats = ma.fields.List(ma.fields.Nested(ScreenSeatSchema), metadata={
        "description": "Seats, front row first, left to right"})
    layout = ma.fields.Nested(SeatLayoutOutputSchema, metadata={
        "description": "The compact description this map is built from"})


class SeatCategorySchema(ma.Schema):
    code = category_code(required=True, metadata={"description": "Code layouts and prices name it by",
                                                  "example": "recliner"})
    name = Text(required=True, min_length=1, max_length=60, metadata={"description": "Name shown",
                                                                      "example": "Recliner"})
    sort_order = Integer(minimum=-1000, maximum=1000, load_default=0, metadata={
        "description": "Order shown", "example": 6})


class SeatCategoryUpdateSchema(SeatCategorySchema):
    """New name or order of a seat category (its code stays)."""

    class Meta:
        exclude = ("code",)
