"""A hold's answer is built without marshmallow; it must be exactly what HoldSchema documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.bookings.hold_record import HeldSeat, Hold
from app.bookings.schemas import HoldSchema

TRACE = [{"step_id": "base", "name": "standard base price", "kind": "base", "factor": None,
          "amount_minor": None, "price_after": "1100"}]


def a_hold(**changes) -> Hold:
    fields = {
        "hold_id": "42-9f86d081884c7d659a2feaa0", "showtime_id": 42, "user_id": 7, "currency": "GBP",
        "expires_at": datetime(2026, 11, 24, 19, 50, 26, 230088, tzinfo=UTC),
        "seats": [HeldSeat(seat_id=17, label="C7", category="standard", price_minor=1100, trace=TRACE),
                  HeldSeat(seat_id=18, label="C8", category="premium", price_minor=650,
                           ticket_type="child", trace=TRACE)],
    }
    return Hold(**{**fields, **changes})


@pytest.mark.parametrize("hold", [
    a_hold(),
    a_hold(replaced_hold_id="42-0123456789abcdef01234567"),
    a_hold(promo_code_id=3, discount_minor=175),
    a_hold(expires_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
], ids=["plain", "replacing", "promo", "whole-second"])
def test_the_answer_is_the_schema_dump(hold):
    answer = json.loads(hold.answer_json())
    assert answer == HoldSchema().dump(hold)
    assert set(answer) == set(HoldSchema().fields)  # every documented field, nothing else
    assert "trace" not in answer["seats"][0] and "user_id" not in answer
