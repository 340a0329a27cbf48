"""The compact layout description and the seats built from it describe each other exactly.

Pure (no database): kept beside the seat-layout API tests it backs.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.cinemas.layout import build_layout, describe_layout
from app.models import SEAT_CATEGORIES

ORDINARY = [c for c in SEAT_CATEGORIES if c not in ("wheelchair", "companion")]


@st.composite
def rows(draw, label: str) -> dict:
    count = draw(st.integers(1, 30))
    numbers = st.lists(st.integers(1, count), unique=True, max_size=4)
    wheelchair = draw(numbers)
    companion = [n for n in draw(numbers) if n not in wheelchair]
    row = {"label": label, "seats": count, "offset": draw(st.integers(0, 3)),
           "aisles_after": draw(st.lists(st.integers(1, count - 1), unique=True, max_size=3))
           if count > 1 else [],
           "category": draw(st.sampled_from(ORDINARY)),
           "categories": {str(n): draw(st.sampled_from(SEAT_CATEGORIES)) for n in draw(numbers)},
           "wheelchair": wheelchair, "companion": companion, "blocked": draw(numbers)}
    return row


@st.composite
def layouts(draw) -> dict:
    count = draw(st.integers(1, 8))
    return {"rows": [draw(rows(chr(ord("A") + i))) for i in range(count)]}


@settings(max_examples=150, deadline=None)
@given(layouts())
def test_describe_then_build_gives_the_same_seats(layout):
    seats = build_layout(layout, SEAT_CATEGORIES)
    description = describe_layout(seats)
    assert build_layout(description, SEAT_CATEGORIES) == seats
    assert describe_layout(build_layout(description, SEAT_CATEGORIES)) == description


def test_defaults_are_left_out_of_the_description():
    layout = {"rows": [{"label": "A", "seats": 4}, {"label": "B", "seats": 6, "aisles_after": [3],
                                                     "categories": {"1": "vip"}}]}
    assert describe_layout(build_layout(layout, SEAT_CATEGORIES)) == layout
