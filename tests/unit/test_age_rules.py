"""The age rule at the point of sale, as a table of cases."""

from __future__ import annotations

import pytest

from app.bookings.age_rules import CHILD_TICKET_REFUSED, ID_CHECK_NOT_ALLOWED, age_refusal

CASES = [
    # tickets, film min age, the child ticket's max age, id checked, id check allowed -> refusal
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
    max_ages = {"adult": None, "senior": None, "child": child_max}
    assert age_refusal(ticket_types=tickets, film_min_age=min_age, max_ages=max_ages,
                       id_checked=checked, id_check_allowed=allowed) == expected


@pytest.mark.parametrize(("tickets", "expected"), [
    (["member"], None), (["junior"], CHILD_TICKET_REFUSED), (["junior", "child"], CHILD_TICKET_REFUSED),
    (["unknown"], None),
])
def test_any_ticket_type_may_carry_an_age_limit(tickets, expected):
    max_ages = {"member": None, "junior": 11, "child": 14}
    assert age_refusal(ticket_types=tickets, film_min_age=12, max_ages=max_ages, id_checked=False,
                       id_check_allowed=False) == expected
