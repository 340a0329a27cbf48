"""The cash-up arithmetic of a till, as a table of cases."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from app.boxoffice.cash_up import change_due, summarise


class E(NamedTuple):
    kind: str
    tender: str
    amount_minor: int
    change_minor: int | None = None


CASES = [
    # float, entries -> expected cash, change given
    (10000, [], 10000, 0),
    (10000, [E("sale", "cash", 2000, 3000)], 12000, 3000),
    (10000, [E("sale", "terminal", 1500), E("sale", "gateway", 900)], 10000, 0),
    (10000, [E("sale", "cash", 2000, 0), E("refund", "cash", 1000)], 11000, 0),
    (5000, [E("sale", "cash", 2000, 500), E("void", "cash", 2000), E("refund", "terminal", 700)], 5000, 500),
    (0, [E("sale", "cash", 0, 200)], 0, 200),
]


@pytest.mark.parametrize(("float_minor", "entries", "expected", "change"), CASES)
def test_expected_cash_is_float_plus_cash_sales_less_cash_given_back(float_minor, entries, expected, change):
    summary = summarise(float_minor, entries)
    assert (summary.expected_cash_minor, summary.change_given_minor) == (expected, change)


def test_totals_by_kind_and_tender():
    summary = summarise(0, [E("sale", "cash", 2000), E("sale", "cash", 1000), E("void", "terminal", 700)])
    assert (summary.by_kind["sale"]["cash"].count, summary.by_kind["sale"]["cash"].amount_minor) == (2, 3000)
    assert summary.by_kind["void"]["terminal"].amount_minor == 700 and summary.by_kind["refund"] == {}


@pytest.mark.parametrize(("total", "tendered", "change"),
                         [(2000, 5000, 3000), (2000, 2000, 0), (2000, 1999, None)])
def test_change_due(total, tendered, change):
    assert change_due(total, tendered) == change
