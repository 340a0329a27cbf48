"""Schemas of seat layouts: the compact description (in and out) and the drawable seat map."""

from __future__ import annotations

import marshmallow as ma

from app.cinemas.layout import MAX_ROWS, MAX_SEATS_PER_ROW
from app.models import SEAT_CATEGORIES


def _numbers(description: str, example: list[int]) -> ma.fields.List:
    return ma.fields.List(ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1)),
                          load_default=list, metadata={"description": description,
                                                       "example": example})


class SeatRowSchema(ma.Schema):
    """One row, front to back; seats are numbered 1..n from the left as the audience sees it."""

    label = ma.fields.String(required=True, validate=ma.validate.Regexp(
        r"^[A-Za-z0-9]{1,4}$", error="1-4 letters or digits"),
        metadata={"description": "Row label", "example": "A"})
    seats = ma.fields.Integer(strict=True, required=True,
                              validate=ma.validate.Range(min=1, max=MAX_SEATS_PER_ROW),
                              metadata={"description": "Number of seats", "example": 12})
    offset = ma.fields.Integer(strict=True, load_default=0, validate=ma.validate.Range(min=0, max=40),
                               metadata={"description": "Empty columns before the first seat "
                                                        "(staggered or shorter rows)", "example": 0})
    aisles_after = _numbers("An aisle (one empty column) runs after these seats", [3, 9])
    category = ma.fields.String(load_default="standard", validate=ma.validate.OneOf(SEAT_CATEGORIES),
                                metadata={"description": "Category of the row's seats",
                                          "example": "standard"})
    categories = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(r"^[1-9]\d*$", error="a seat number")),
        values=ma.fields.String(validate=ma.validate.OneOf(SEAT_CATEGORIES)), load_default=dict,
        metadata={"description": "Per-seat categories overriding the row's",
                  "example": {"6": "vip", "7": "vip"}})
    wheelchair = _numbers("Wheelchair spaces (category `wheelchair`)", [1, 2])
    companion = _numbers("Companion seats beside them (category `companion`)", [3])
    blocked = _numbers("Seats never sold (broken, sight line, distancing)", [])


class SeatLayoutSchema(ma.Schema):
    """A whole layout in a few lines; `GET` gives it back the same way (defaults left out)."""

    rows = ma.fields.List(ma.fields.Nested(SeatRowSchema), required=True,
                          validate=ma.validate.Length(min=1, max=MAX_ROWS),
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
