"""The age rule at the point of sale, as a table of cases."""

from __future__ import annotations

import pytest

from app.bookings.age_rules import CHILD_TICKET_REFUSED, ID_CHECK_NOT_ALLOWED, age_refusal

CASES = [
    # tickets, film min age, child max age, id checked, id check allowed -> refusal
    (["adult"], 18, 14, False, False, None),
    (["adult", "senior"], 18, 14, False, False, None),
    (["child"], 0, 14, False, False, None),
    (["child"], 12, 14, False, False, None),
    (["child"], 14, 14, False, False, None),
    (["child"], 15, 14, False, False, CHILD_TICKET_REFUSED),
    (["adult", "child"], 18, 14, False, True, CHILD_TICKET_REFUSED),
    (["child"], 18, 14, True, True, None),
    (["child"], 18, 14, True, False, ID_CHECK_NOT_ALLOWED),
    (["child"], 15, 15, False, False, None),
    ([], 18, 14, False, False, None),
]


@pytest.mark.parametrize(("tickets", "min_age", "child_max", "checked", "allowed", "expected"), CASES)
def test_age_refusal(tickets, min_age, child_max, checked, allowed, expected):
    assert age_refusal(ticket_types=tickets, film_min_age=min_age, child_ticket_max_age=child_max,
                       id_checked=checked, id_check_allowed=allowed) == expected
